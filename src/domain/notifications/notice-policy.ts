/**
 * @module domain/notifications/notice-policy
 * The notice period we promise: a new range's activeFrom and a retirement's retireAt are
 * published at least NOTICE_DAYS ahead. A publish that would give less needs `force` and a
 * reason, and the reason travels with the version to every channel that tells people.
 */
import type { FeedLists, VersionChanges } from '../feed-version.js'

export const DEFAULT_NOTICE_DAYS = 14
export const DEFAULT_REMINDER_DAYS = 3
const DAY_MS = 86_400_000

/** Something announced with less notice than promised. */
export interface NoticeShortfall {
  prefix: string
  /** activeFrom: a new range (or one moved earlier); retireAt: a retirement set or moved earlier; removal: an in-use range dropped without a scheduled retirement */
  kind: 'activeFrom' | 'retireAt' | 'removal'
  effective: string
  /** Notice actually given, in days (one decimal, never below 0). */
  noticeDays: number
}

/** Stored on a version published with less notice than the policy promises. */
export interface NoticeOverride {
  reason: string
  /** The policy's notice period at the time. */
  noticeDays: number
  shortfalls: NoticeShortfall[]
}

function daysAhead(iso: string, now: Date): number {
  return Math.max(0, Math.round(((Date.parse(iso) - now.getTime()) / DAY_MS) * 10) / 10)
}

function short(iso: string | null | undefined, now: Date, noticeDays: number): boolean {
  return typeof iso === 'string' && Date.parse(iso) - now.getTime() < noticeDays * DAY_MS
}

/**
 * What a publish at `now` would announce with less than `noticeDays` of notice. The first
 * version is exempt (there is nobody to give notice to yet); withdrawing an announcement
 * that never became active costs no one anything and is exempt too.
 */
export function noticeShortfalls(
  previous: FeedLists | null,
  changes: VersionChanges,
  now: Date,
  noticeDays: number,
): NoticeShortfall[] {
  if (!previous || noticeDays <= 0) return []
  const out: NoticeShortfall[] = []
  const add = (prefix: string, kind: NoticeShortfall['kind'], effective: string) =>
    out.push({ prefix, kind, effective, noticeDays: kind === 'removal' ? 0 : daysAhead(effective, now) })
  for (const a of changes.added) {
    if (short(a.activeFrom, now, noticeDays)) add(a.prefix, 'activeFrom', a.activeFrom)
    if (a.retireAt && short(a.retireAt, now, noticeDays)) add(a.prefix, 'retireAt', a.retireAt)
  }
  for (const c of changes.changed) {
    const af = c.fields.activeFrom
    if (af && typeof af.to === 'string' && Date.parse(af.to) < Date.parse(String(af.from)) && short(af.to, now, noticeDays)) {
      add(c.prefix, 'activeFrom', af.to)
    }
    const ra = c.fields.retireAt
    if (ra && typeof ra.to === 'string') {
      const earlier = typeof ra.from !== 'string' || Date.parse(ra.to) < Date.parse(ra.from)
      if (earlier && short(ra.to, now, noticeDays)) add(c.prefix, 'retireAt', ra.to)
    }
  }
  const before = new Map([...previous.ipv4, ...previous.ipv6].map((e) => [e.prefix, e]))
  for (const r of changes.removed) {
    const retireAt = before.get(r.prefix)?.retireAt
    const scheduled = Boolean(retireAt && Date.parse(retireAt) <= now.getTime())
    if (!scheduled && r.previousStatus !== 'announced') add(r.prefix, 'removal', r.effective)
  }
  return out
}

export function describeShortfall(s: NoticeShortfall): string {
  if (s.kind === 'removal') return `${s.prefix} removed without a scheduled retirement`
  const what = s.kind === 'activeFrom' ? 'active from' : 'retires'
  return `${s.prefix} ${what} ${s.effective} (${s.noticeDays} days' notice)`
}
