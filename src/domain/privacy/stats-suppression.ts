/**
 * @module domain/privacy/stats-suppression
 * Public statistics show only aggregates, and no cell small enough to point at a person:
 * counts under 5 become "<5". When a row has exactly one such cell, the next smallest
 * becomes "suppressed" too (it is not under 5, so it is not labelled so), otherwise the
 * row total would give the hidden value away.
 */

export const SUPPRESSION_THRESHOLD = 5
export type Cell = number | '<5' | 'suppressed'

/** Suppresses one row of counts (e.g. a month by verdict) whose total is published. */
export function suppressRow(counts: Record<string, number>): Record<string, Cell> {
  const out: Record<string, Cell> = {}
  const small = Object.entries(counts).filter(([, n]) => n < SUPPRESSION_THRESHOLD)
  for (const [k, n] of Object.entries(counts)) out[k] = n < SUPPRESSION_THRESHOLD ? '<5' : n
  if (small.length === 1) {
    const next = Object.entries(counts)
      .filter(([, n]) => n >= SUPPRESSION_THRESHOLD)
      .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0]
    if (next) out[next[0]] = 'suppressed'
  }
  return out
}

export function suppressTotal(n: number): Cell {
  return n < SUPPRESSION_THRESHOLD ? '<5' : n
}
