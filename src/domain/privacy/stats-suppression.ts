/**
 * @module domain/privacy/stats-suppression
 * Public statistics show only aggregates that cannot be worked back to a person, even by
 * someone who adds reports of their own to move a count (padding):
 * - only closed periods are published: a calendar month (UTC) appears once it has ended,
 *   so nobody can watch a count change after sending a report;
 * - every count, totals included, is published as its band of ten: rounded down to a
 *   multiple of 10 (10 means 10–19), and "<10" for 0–9. Someone who sent k reports in a
 *   month therefore learns the others' count only to a band (at least 10 − k wide), never
 *   the number; and as every cell hides up to 9, subtracting cells from the total gives a
 *   band too.
 */

export const STATS_ROUNDING = 10
export const SMALL_CELL = '<10'
export type Cell = number | typeof SMALL_CELL

/** One published count. */
export function publishCount(n: number): Cell {
  if (n < STATS_ROUNDING) return SMALL_CELL
  return Math.floor(n / STATS_ROUNDING) * STATS_ROUNDING
}

/** A row of counts (e.g. a month by verdict), each published on its own. */
export function publishRow(counts: Record<string, number>): Record<string, Cell> {
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, publishCount(n)]))
}

/**
 * The closed months to publish at `now`: the `count` calendar months (UTC) before the
 * current one, as [since, until).
 */
export function closedMonths(now: Date, count = 12): { since: Date; until: Date } {
  const until = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - count, 1))
  return { since, until }
}
