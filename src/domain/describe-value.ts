/**
 * @module domain/describe-value
 * How an error message names a value the client sent: short, one line, and bounded
 * whatever was sent. Never JSON.stringify untrusted input into a message: a nested
 * value can be megabytes long or deep enough to overflow the stack.
 */

const MAX_SHOWN = 40

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'null'
  if (typeof v === 'number' || typeof v === 'boolean') return String(v).slice(0, MAX_SHOWN)
  if (typeof v === 'string') {
    const chars = [...v.slice(0, MAX_SHOWN * 2)]
    const shown = chars.slice(0, MAX_SHOWN).join('').replace(/[\u0000-\u001f\u007f\u2028\u2029"\\]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    return chars.length > MAX_SHOWN ? `"${shown}…" (${v.length} characters)` : `"${shown}"`
  }
  if (Array.isArray(v)) return `a list of ${v.length}`
  if (typeof v === 'object') return 'an object'
  return typeof v
}
