/**
 * @module domain/range-lifecycle
 * A range's status is never stored: it follows from its dates and the clock, so it
 * cannot drift. `announced` → `active` → `retiring` → `retired`.
 */

export type RangeStatus = 'announced' | 'active' | 'retiring' | 'retired'
/** Statuses that appear in a published version (retired ranges are no longer published). */
export type PublishedStatus = Exclude<RangeStatus, 'retired'>

export const PUBLISHED_STATUSES: readonly PublishedStatus[] = ['announced', 'active', 'retiring']

export interface RangeDates {
  activeFrom: Date
  retireAt: Date | null
}

/**
 * The status of a range at `now`.
 * - before `activeFrom`: announced (published so firewalls are ready before first use)
 * - from `activeFrom`, with no `retireAt`: active
 * - from `activeFrom`, before a set `retireAt`: retiring (still in use, leaving soon)
 * - from `retireAt`: retired
 */
export function rangeStatus(range: RangeDates, now: Date): RangeStatus {
  const t = now.getTime()
  if (range.retireAt && t >= range.retireAt.getTime()) return 'retired'
  if (t < range.activeFrom.getTime()) return 'announced'
  return range.retireAt ? 'retiring' : 'active'
}

/** True while scanners may use the range (what "in use" means for the shrink guard). */
export function isInUse(status: RangeStatus): boolean {
  return status === 'active' || status === 'retiring'
}

/**
 * The next instant after `now` at which some range changes status, or null.
 * Used to schedule the automatic republish when a date passes.
 */
export function nextTransition(ranges: readonly RangeDates[], now: Date): Date | null {
  let next: number | null = null
  const t = now.getTime()
  for (const r of ranges) {
    for (const d of [r.activeFrom, r.retireAt]) {
      if (d && d.getTime() > t && (next === null || d.getTime() < next)) next = d.getTime()
    }
  }
  return next === null ? null : new Date(next)
}
