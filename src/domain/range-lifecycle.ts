/**
 * @module domain/range-lifecycle
 * A range's status is never stored: it follows from its dates and the clock, so it
 * cannot drift. `announced` → `active` → `retiring` → `retired`; an announcement can also be
 * `withdrawn` before it becomes active. The one stored mark is `retiredAt`, written when a
 * range stops counting (see migrations/0008): it frees the prefix for a new range.
 */

export type RangeStatus = 'announced' | 'active' | 'retiring' | 'retired' | 'withdrawn'
/** Statuses that appear in a published version (retired and withdrawn ranges are not published). */
export type PublishedStatus = Exclude<RangeStatus, 'retired' | 'withdrawn'>

export const PUBLISHED_STATUSES: readonly PublishedStatus[] = ['announced', 'active', 'retiring']

export interface RangeDates {
  activeFrom: Date
  retireAt: Date | null
  /** Set once the range stopped counting: retired, or withdrawn before its activeFrom. */
  retiredAt?: Date | null
}

/**
 * The status of a range at `now`.
 * - before `activeFrom`: announced (published so firewalls are ready before first use)
 * - from `activeFrom`, with no `retireAt`: active
 * - from `activeFrom`, before a set `retireAt`: retiring (still in use, leaving soon)
 * - from `retireAt`: retired
 * - withdrawn: `retiredAt` set before `activeFrom` (an announcement taken back before use)
 */
export function rangeStatus(range: RangeDates, now: Date): RangeStatus {
  const t = now.getTime()
  if (range.retiredAt && t >= range.retiredAt.getTime()) {
    return range.retiredAt.getTime() < range.activeFrom.getTime() ? 'withdrawn' : 'retired'
  }
  if (range.retireAt && t >= range.retireAt.getTime()) return 'retired'
  if (t < range.activeFrom.getTime()) return 'announced'
  return range.retireAt ? 'retiring' : 'active'
}

/** True while scanners may use the range (what "in use" means for the shrink guard). */
export function isInUse(status: RangeStatus): boolean {
  return status === 'active' || status === 'retiring'
}

/** Whether a range with this status has left the catalogue's life for good. */
export function isGone(status: RangeStatus): status is 'retired' | 'withdrawn' {
  return status === 'retired' || status === 'withdrawn'
}

/**
 * The next instant after `now` at which some range changes status, or null.
 * Used to schedule the automatic republish when a date passes.
 */
export function nextTransition(ranges: readonly RangeDates[], now: Date): Date | null {
  let next: number | null = null
  const t = now.getTime()
  for (const r of ranges) {
    // a withdrawn or retired range has no transitions left
    if (r.retiredAt) continue
    for (const d of [r.activeFrom, r.retireAt]) {
      if (d && d.getTime() > t && (next === null || d.getTime() < next)) next = d.getTime()
    }
  }
  return next === null ? null : new Date(next)
}
