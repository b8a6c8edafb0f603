/**
 * @module domain/notifications/events
 * What we tell subscribers, built from published versions and the calendar. Payloads are
 * small and link to the signed feed instead of embedding it; each event has a stable
 * dedupe key, so it is recorded once however many processes notice it.
 */
import type { FeedLists, VersionChanges } from '../feed-version.js'
import type { NoticeOverride } from './notice-policy.js'

export const EVENT_TYPES = ['version.published', 'range.announced', 'range.retiring', 'range.reminder'] as const
export type EventType = (typeof EVENT_TYPES)[number]

/** The subscription's own challenge: not an event anyone subscribes to. */
export const VERIFY_EVENT = 'subscription.verify'

/** At most this many entries per list in version.published; the rest is a link away. */
const MAX_LISTED = 50
const DAY_MS = 86_400_000

export interface NewEvent {
  type: EventType
  dedupeKey: string
  serial: number | null
  /** The `data` of the Standard Webhooks envelope. */
  data: Record<string, unknown>
}

export interface VersionFacts {
  serial: number
  createdAt: string
  sha256: string
  counts: { ipv4: number; ipv6: number }
  changes: VersionChanges
  note: string | null
  noticeOverride: NoticeOverride | null
}

export function versionLinks(baseUrl: string, serial: number) {
  return {
    version: `${baseUrl}/v1/versions/${serial}`,
    signature: `${baseUrl}/v1/versions/${serial}.sig`,
    publicKey: `${baseUrl}/.well-known/scangate-feed-key.pem`,
    changes: `${baseUrl}/v1/changes?since=${serial - 1}`,
    policy: `${baseUrl}/v1/policy`,
  }
}

/** The events one published version causes. */
export function versionEvents(v: VersionFacts, baseUrl: string): NewEvent[] {
  const links = versionLinks(baseUrl, v.serial)
  const notice = v.noticeOverride ? { noticeOverride: v.noticeOverride } : {}
  const { added, removed, changed } = v.changes
  const events: NewEvent[] = [
    {
      type: 'version.published',
      dedupeKey: `version.published:${v.serial}`,
      serial: v.serial,
      data: {
        serial: v.serial,
        createdAt: v.createdAt,
        sha256: v.sha256,
        counts: v.counts,
        note: v.note,
        ...notice,
        added: added.slice(0, MAX_LISTED).map((a) => ({ prefix: a.prefix, status: a.status, activeFrom: a.activeFrom, retireAt: a.retireAt })),
        removed: removed.slice(0, MAX_LISTED).map((r) => ({ prefix: r.prefix, effective: r.effective })),
        changed: changed.slice(0, MAX_LISTED).map((c) => ({ prefix: c.prefix, fields: Object.keys(c.fields), effective: c.effective })),
        truncated: added.length > MAX_LISTED || removed.length > MAX_LISTED || changed.length > MAX_LISTED,
        totals: { added: added.length, removed: removed.length, changed: changed.length },
        links,
      },
    },
  ]
  for (const a of added) {
    if (a.status !== 'announced') continue
    events.push({
      type: 'range.announced',
      dedupeKey: `range.announced:${v.serial}:${a.prefix}`,
      serial: v.serial,
      data: { serial: v.serial, prefix: a.prefix, activeFrom: a.activeFrom, retireAt: a.retireAt, ...notice, links },
    })
  }
  const retiring = [
    ...added.filter((a) => a.retireAt).map((a) => ({ prefix: a.prefix, retireAt: a.retireAt as string })),
    ...changed
      .filter((c) => typeof c.fields.retireAt?.to === 'string')
      .map((c) => ({ prefix: c.prefix, retireAt: c.fields.retireAt?.to as string })),
  ]
  for (const r of retiring) {
    events.push({
      type: 'range.retiring',
      dedupeKey: `range.retiring:${v.serial}:${r.prefix}`,
      serial: v.serial,
      data: { serial: v.serial, prefix: r.prefix, retireAt: r.retireAt, ...notice, links },
    })
  }
  return events
}

/**
 * Reminders for effective dates within `reminderDays` of `now` in the latest version:
 * an announced range going active, a retiring range leaving. Keyed by prefix and date, so
 * a moved date gets a reminder of its own.
 */
export function reminderEvents(serial: number, lists: FeedLists, now: Date, reminderDays: number, baseUrl: string): NewEvent[] {
  const horizon = now.getTime() + reminderDays * DAY_MS
  const out: NewEvent[] = []
  const remind = (prefix: string, kind: 'activeFrom' | 'retireAt', effective: string) => {
    const t = Date.parse(effective)
    if (t <= now.getTime() || t > horizon) return
    out.push({
      type: 'range.reminder',
      dedupeKey: `range.reminder:${kind}:${prefix}:${effective}`,
      serial,
      data: {
        prefix,
        kind,
        effective,
        daysLeft: Math.round(((t - now.getTime()) / DAY_MS) * 10) / 10,
        what: kind === 'activeFrom' ? 'scans start coming from this range' : 'this range leaves the feed',
        links: versionLinks(baseUrl, serial),
      },
    })
  }
  for (const e of [...lists.ipv4, ...lists.ipv6]) {
    if (e.status === 'announced') remind(e.prefix, 'activeFrom', e.activeFrom)
    if (e.retireAt) remind(e.prefix, 'retireAt', e.retireAt)
  }
  return out
}
