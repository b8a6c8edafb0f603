/**
 * @module db/version-repository
 * Published feed versions. Rows are written once and never updated.
 */
import { sql, type Kysely } from 'kysely'
import type { FeedEntry, FeedLists, VersionChanges } from '../domain/feed-version.js'
import type { NoticeOverride } from '../domain/notifications/notice-policy.js'
import type { Database, FeedVersionRow } from './schema.js'

export interface PublishedVersion {
  serial: number
  createdAt: string
  sha256: string
  counts: { ipv4: number; ipv6: number }
  lists: FeedLists
  changes: VersionChanges
  note: string | null
  forced: boolean
  publishedBy: string
  /** Set when published with less notice than the policy promises (reason and what was short). */
  noticeOverride: NoticeOverride | null
}

export type VersionHeader = Omit<PublishedVersion, 'lists'>

function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T
}

/**
 * jsonb does not keep key order, so entries are rebuilt in the documented order: every
 * process must render a version to the same bytes (and ETag).
 */
function orderEntry(e: FeedEntry): FeedEntry {
  return {
    prefix: e.prefix,
    pool: e.pool,
    region: e.region,
    label: e.label,
    status: e.status,
    activeFrom: e.activeFrom,
    retireAt: e.retireAt,
  }
}

function toVersion(row: FeedVersionRow): PublishedVersion {
  const lists = parseJson<FeedLists>(row.entries)
  return { ...toHeader(row), lists: { ipv4: lists.ipv4.map(orderEntry), ipv6: lists.ipv6.map(orderEntry) } }
}

function toHeader(row: Omit<FeedVersionRow, 'entries'>): VersionHeader {
  return {
    serial: row.serial,
    createdAt: row.created_at.toISOString(),
    sha256: row.sha256,
    counts: { ipv4: row.ipv4_count, ipv6: row.ipv6_count },
    changes: parseJson<VersionChanges>(row.changes),
    note: row.note,
    forced: row.forced,
    publishedBy: row.published_by,
    noticeOverride: row.notice_override ? parseJson<NoticeOverride>(row.notice_override) : null,
  }
}

export async function latestSerial(db: Kysely<Database>): Promise<number | null> {
  const row = await db.selectFrom('feed_versions').select(sql<number | null>`max(serial)`.as('s')).executeTakeFirst()
  return row?.s ?? null
}

export async function getVersion(db: Kysely<Database>, serial: number): Promise<PublishedVersion | null> {
  const row = await db.selectFrom('feed_versions').selectAll().where('serial', '=', serial).executeTakeFirst()
  return row ? toVersion(row) : null
}

export async function latestVersion(db: Kysely<Database>): Promise<PublishedVersion | null> {
  const row = await db.selectFrom('feed_versions').selectAll().orderBy('serial', 'desc').limit(1).executeTakeFirst()
  return row ? toVersion(row) : null
}

const HEADER_COLUMNS = [
  'serial',
  'created_at',
  'sha256',
  'ipv4_count',
  'ipv6_count',
  'changes',
  'note',
  'forced',
  'published_by',
  'notice_override',
] as const

/** Version headers newest first, optionally only those older than `before`. */
export async function listVersionHeaders(
  db: Kysely<Database>,
  opts: { limit: number; before?: number | undefined; after?: number | undefined },
): Promise<VersionHeader[]> {
  let q = db.selectFrom('feed_versions').select(HEADER_COLUMNS).orderBy('serial', 'desc').limit(opts.limit)
  if (opts.before !== undefined) q = q.where('serial', '<', opts.before)
  if (opts.after !== undefined) q = q.where('serial', '>', opts.after)
  return (await q.execute()).map(toHeader)
}

export interface NewVersion {
  serial: number
  createdAt: Date
  sha256: string
  lists: FeedLists
  changes: VersionChanges
  note: string | null
  forced: boolean
  publishedBy: string
  noticeOverride?: NoticeOverride | null
}

export async function insertVersion(db: Kysely<Database>, v: NewVersion): Promise<void> {
  await db
    .insertInto('feed_versions')
    .values({
      serial: v.serial,
      created_at: v.createdAt,
      sha256: v.sha256,
      ipv4_count: v.lists.ipv4.length,
      ipv6_count: v.lists.ipv6.length,
      entries: JSON.stringify(v.lists),
      changes: JSON.stringify(v.changes),
      note: v.note,
      forced: v.forced,
      published_by: v.publishedBy,
      notice_override: v.noticeOverride ? JSON.stringify(v.noticeOverride) : null,
    })
    .execute()
}

/** Serialises publishers: serials must be gap-free and monotonic. */
export async function lockVersions(db: Kysely<Database>): Promise<void> {
  await sql`lock table feed_versions in exclusive mode`.execute(db)
}

export interface RecentRemoval {
  serial: number
  effective: string
  reason: 'retired' | 'withdrawn' | null
  /** The entry as the version before the removal published it. */
  entry: FeedEntry
}

/**
 * The newest removal, in versions up to `maxSerial` created since `since`, of a published
 * prefix containing `ip`, with the entry as last published: "was this address ours lately?"
 * answered from published versions only.
 */
export async function findRecentRemoval(db: Kysely<Database>, ip: string, since: Date, maxSerial: number): Promise<RecentRemoval | null> {
  const hit = await sql<{ serial: number; removed: unknown }>`
    select v.serial, r.value as removed
    from feed_versions v, jsonb_array_elements(v.changes -> 'removed') r
    where v.created_at >= ${since} and v.serial <= ${maxSerial}
      and (r.value ->> 'prefix')::inet >>= ${ip}::inet
    order by v.serial desc
    limit 1`.execute(db)
  const row = hit.rows[0]
  if (!row) return null
  const removed = parseJson<{ prefix: string; effective: string; reason?: 'retired' | 'withdrawn' }>(row.removed)
  const family = removed.prefix.includes(':') ? 'ipv6' : 'ipv4'
  const before = await sql<{ entry: unknown }>`
    select e.value as entry
    from feed_versions v, jsonb_array_elements(v.entries -> ${family}::text) e
    where v.serial = ${row.serial - 1} and e.value ->> 'prefix' = ${removed.prefix}
    limit 1`.execute(db)
  const entry = before.rows[0]
  if (!entry) return null
  return { serial: row.serial, effective: removed.effective, reason: removed.reason ?? null, entry: orderEntry(parseJson<FeedEntry>(entry.entry)) }
}
