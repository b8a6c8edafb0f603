/**
 * @module domain/canonical-json
 * Deterministic JSON: object keys sorted, no whitespace. The feed's `sha256` is taken
 * over this form so anyone can recompute it (`jq -cjS '{ipv4,ipv6}' | sha256sum`).
 */

export function canonicalJson(value: unknown): string {
  // like JSON.stringify, undefined for undefined (the type says string, as there)
  return write(value) as string
}

/**
 * Writes the text directly instead of JSON.stringify over a copy with sorted keys: objects
 * enumerate integer-like keys ("0", "10") first in numeric order whatever the insertion
 * order, and assigning a "__proto__" key sets the prototype instead of a property.
 * Otherwise it follows JSON.stringify: toJSON is honoured, undefined, functions and symbols
 * are left out of objects and become null in arrays.
 */
function write(value: unknown): string | undefined {
  const v = hasToJson(value) ? value.toJSON() : value
  if (Array.isArray(v)) return `[${v.map((item) => write(item) ?? 'null').join(',')}]`
  if (v && typeof v === 'object') {
    const parts: string[] = []
    for (const key of Object.keys(v).sort()) {
      const text = write((v as Record<string, unknown>)[key])
      if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`)
    }
    return `{${parts.join(',')}}`
  }
  return JSON.stringify(v) as string | undefined
}

function hasToJson(value: unknown): value is { toJSON: () => unknown } {
  return !!value && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function'
}
