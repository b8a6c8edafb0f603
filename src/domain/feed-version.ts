/**
 * @module domain/feed-version
 * Turns the catalogue into the entry lists of a published version, hashes them, and
 * works out what changed between two versions and whether a publish looks like an
 * accident (empty, or a sudden loss of in-use prefixes).
 */
import { compareCidrs, parseCidr, type Family } from './cidr.js'
import { canonicalJson } from './canonical-json.js'
import { isGone, isInUse, rangeStatus, type PublishedStatus, type RangeStatus } from './range-lifecycle.js'
import { sha256Hex } from './sha256.js'

/** A catalogue range as the domain sees it. */
export interface CatalogueRange {
  id: string
  prefix: string
  family: Family
  pool: string
  region: string
  label: string
  activeFrom: Date
  retireAt: Date | null
  retiredAt?: Date | null
}

/** One published entry. Key order here is the order clients see in JSON. */
export interface FeedEntry {
  prefix: string
  pool: string
  region: string
  label: string
  status: PublishedStatus
  activeFrom: string
  retireAt: string | null
}

export interface FeedLists {
  ipv4: FeedEntry[]
  ipv6: FeedEntry[]
}

export interface AddedEntry {
  prefix: string
  status: PublishedStatus
  activeFrom: string
  retireAt: string | null
}
export interface RemovedEntry {
  prefix: string
  previousStatus: PublishedStatus
  /** When it stopped being published: its retireAt if it retired on schedule. */
  effective: string
  /**
   * Why (versions before the field existed lack it): `retired` on schedule, or `withdrawn`,
   * an announcement taken back before the range was ever used.
   */
  reason?: 'retired' | 'withdrawn'
}
export interface ChangedEntry {
  prefix: string
  fields: Partial<Record<'status' | 'pool' | 'region' | 'label' | 'activeFrom' | 'retireAt', { from: unknown; to: unknown }>>
  /** The date the change takes effect for firewalls (activeFrom / retireAt when those moved). */
  effective: string
}
export interface VersionChanges {
  added: AddedEntry[]
  removed: RemovedEntry[]
  changed: ChangedEntry[]
}

/** Orders entries by address (v4 and v6 lists are kept apart by the caller). */
function byAddress(a: FeedEntry, b: FeedEntry): number {
  return compareCidrs(parseCidr(a.prefix), parseCidr(b.prefix))
}

/** The entry lists a version published at `now` contains: every range not yet retired. */
export function buildFeedLists(ranges: readonly CatalogueRange[], now: Date): FeedLists {
  const lists: FeedLists = { ipv4: [], ipv6: [] }
  for (const r of ranges) {
    const status: RangeStatus = rangeStatus(r, now)
    if (isGone(status)) continue
    lists[r.family].push({
      prefix: r.prefix,
      pool: r.pool,
      region: r.region,
      label: r.label,
      status,
      activeFrom: r.activeFrom.toISOString(),
      retireAt: r.retireAt ? r.retireAt.toISOString() : null,
    })
  }
  lists.ipv4.sort(byAddress)
  lists.ipv6.sort(byAddress)
  return lists
}

/** SHA-256 (hex) of the canonical JSON of `{ ipv4, ipv6 }`: the version's content hash. */
export function feedSha256(lists: FeedLists): Promise<string> {
  return sha256Hex(canonicalJson({ ipv4: lists.ipv4, ipv6: lists.ipv6 }))
}

function allEntries(lists: FeedLists): FeedEntry[] {
  return [...lists.ipv4, ...lists.ipv6]
}

const COMPARED_FIELDS = ['status', 'pool', 'region', 'label', 'activeFrom', 'retireAt'] as const

/**
 * What was added, removed and changed from `prev` (null for the first version) to `next`.
 * `withdrawn`: prefixes whose announcement was withdrawn (their removal says so).
 */
export function diffFeedLists(prev: FeedLists | null, next: FeedLists, now: Date, withdrawn: ReadonlySet<string> = new Set()): VersionChanges {
  const before = new Map(prev ? allEntries(prev).map((e) => [e.prefix, e]) : [])
  const after = new Map(allEntries(next).map((e) => [e.prefix, e]))
  const changes: VersionChanges = { added: [], removed: [], changed: [] }
  for (const [prefix, e] of after) {
    const old = before.get(prefix)
    if (!old) {
      changes.added.push({ prefix, status: e.status, activeFrom: e.activeFrom, retireAt: e.retireAt })
      continue
    }
    const fields: ChangedEntry['fields'] = {}
    for (const f of COMPARED_FIELDS) {
      if (old[f] !== e[f]) fields[f] = { from: old[f], to: e[f] }
    }
    if (Object.keys(fields).length > 0) {
      // Leaving `announced` (to active, or straight to retiring) happens at activeFrom; a
      // moved or newly set retireAt at retireAt; a cancelled retirement or a metadata edit now.
      let effective = now.toISOString()
      if (fields.status?.from === 'announced' || fields.activeFrom) effective = e.activeFrom
      else if ((fields.status || fields.retireAt) && e.retireAt) effective = e.retireAt
      changes.changed.push({ prefix, fields, effective })
    }
  }
  for (const [prefix, old] of before) {
    if (after.has(prefix)) continue
    const scheduled = old.retireAt && Date.parse(old.retireAt) <= now.getTime()
    changes.removed.push({
      prefix,
      previousStatus: old.status,
      effective: scheduled && old.retireAt ? old.retireAt : now.toISOString(),
      reason: withdrawn.has(prefix) ? 'withdrawn' : 'retired',
    })
  }
  return changes
}

export function hasChanges(c: VersionChanges): boolean {
  return c.added.length + c.removed.length + c.changed.length > 0
}

function statusNow(e: FeedEntry, now: Date): RangeStatus {
  const dates = { activeFrom: new Date(e.activeFrom), retireAt: e.retireAt ? new Date(e.retireAt) : null }
  return rangeStatus(dates, now)
}

/** Share of in-use prefixes that may disappear in one publish without `force`. */
export const MAX_UNPLANNED_DROP = 0.25

/**
 * Why publishing `next` looks like an accident, or null when it is fine.
 * Removals of ranges whose announced `retireAt` has passed are planned and never count, nor
 * are those in `planned` (the catalogue's retired and withdrawn ranges: a retirement set
 * after `prev` was published is just as scheduled): the guard is for lists that shrink
 * because data went missing.
 */
export function publishRefusal(prev: FeedLists | null, next: FeedLists, now: Date, planned: ReadonlySet<string> = new Set()): string | null {
  const total = next.ipv4.length + next.ipv6.length
  if (total === 0) {
    return 'the new version would publish an empty list; firewalls that apply it would block every scanner. Add ranges, or publish with force: true if this is intended'
  }
  if (!prev) return null
  const kept = new Set(allEntries(next).map((e) => e.prefix))
  // In use when `prev` was published, or since: an entry published as announced whose
  // activeFrom has passed is in use now even if no version recorded that yet.
  const inUse = allEntries(prev).filter((e) => isInUse(e.status) || isInUse(statusNow(e, now)))
  if (inUse.length === 0) return null
  const dropped = inUse.filter(
    (e) => !kept.has(e.prefix) && !planned.has(e.prefix) && !(e.retireAt && Date.parse(e.retireAt) <= now.getTime()),
  )
  if (dropped.length / inUse.length > MAX_UNPLANNED_DROP) {
    const shown = dropped.slice(0, 5).map((e) => e.prefix).join(', ')
    return `the new version drops ${dropped.length} of ${inUse.length} in-use prefixes without a scheduled retirement (${shown}${dropped.length > 5 ? ', …' : ''}), more than ${MAX_UNPLANNED_DROP * 100}%. Set retireAt on ranges to retire them on schedule, or publish with force: true`
  }
  return null
}
