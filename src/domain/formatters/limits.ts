/**
 * @module domain/formatters/limits
 * Refuses a render the product would reject, before anything is written: too many entries
 * in total, a prefix length the product cannot hold, or a file larger than it reads.
 * Splitting happens in the formatters (maxEntries); what cannot be split is refused with a
 * 400 that names the limit and its source, never truncated.
 */
import { DomainError } from '../errors.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { FAMILY_LABEL } from './snippet-text.js'

function refuse(f: Formatter, what: string, reason: string): never {
  const source = f.limits?.source ? ` (source: ${f.limits.source})` : ''
  throw new DomainError(
    'invalid_option',
    `${f.id} cannot take this list: ${what}; ${reason}${source}. Narrow it with family, pool or region, or use aggregate=true.`,
    { field: 'format', extra: { limit: what } },
  )
}

function prefixLength(prefix: string): number {
  return Number(prefix.slice(prefix.indexOf('/') + 1))
}

/** Throws DomainError 'invalid_option' when the input breaks one of the target's limits. */
export function checkInputLimits(f: Formatter, input: SnippetInput): void {
  const limits = f.limits
  if (!limits) return
  const total = f.families.reduce((n, fam) => n + input[fam].length, 0)
  if (limits.totalEntries && total > limits.totalEntries.max) {
    refuse(f, `${total} entries, more than ${limits.totalEntries.max}`, limits.totalEntries.reason)
  }
  const lengths = limits.prefixLengths
  if (!lengths) return
  for (const fam of f.families as SnippetFamily[]) {
    const range = lengths[fam]
    if (!range) continue
    const bad = input[fam].find((e) => {
      const len = prefixLength(e.prefix)
      return len < range[0] || len > range[1]
    })
    if (bad) {
      refuse(f, `${FAMILY_LABEL[fam]} prefix ${bad.prefix} is outside /${range[0]}–/${range[1]}`, lengths.reason)
    }
  }
}

/** Throws when the rendered text is larger than the product reads. */
export function checkOutputSize(f: Formatter, out: string): void {
  const max = f.limits?.totalBytes
  if (!max) return
  // UTF-8 length without allocating: formatters emit ASCII almost always.
  let bytes = out.length
  if (/[^\u0000-\u007f]/.test(out)) bytes = new TextEncoder().encode(out).length
  if (bytes > max.max) refuse(f, `${bytes} bytes, more than ${max.max}`, max.reason)
}

/** For formatters with a limit only they can check; same message shape as the others. */
export function refuseLimit(f: Formatter, what: string, reason: string): never {
  refuse(f, what, reason)
}
