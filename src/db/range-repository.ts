/**
 * @module db/range-repository
 * Catalogue ranges: plain functions taking `db` (or a transaction) first.
 */
import { sql, type Kysely } from 'kysely'
import type { CatalogueRange } from '../domain/feed-version.js'
import type { NormalisedRange } from '../domain/catalogue-rules.js'
import type { Database, ScannerRangeRow } from './schema.js'

export function toCatalogueRange(row: ScannerRangeRow): CatalogueRange {
  return {
    id: row.id,
    prefix: row.prefix,
    family: row.family === 6 ? 'ipv6' : 'ipv4',
    pool: row.pool,
    region: row.region,
    label: row.label,
    activeFrom: row.active_from,
    retireAt: row.retire_at,
    retiredAt: row.retired_at,
  }
}

export interface RangeRecord extends CatalogueRange {
  createdAt: Date
  updatedAt: Date
  /** The first version that published it; null while it never was (it may be deleted). */
  firstPublishedSerial: number | null
}

function toRecord(row: ScannerRangeRow): RangeRecord {
  return { ...toCatalogueRange(row), createdAt: row.created_at, updatedAt: row.updated_at, firstPublishedSerial: row.first_published_serial }
}

/** Every range in the catalogue, retired ones included, in address order. */
export async function listRanges(db: Kysely<Database>): Promise<RangeRecord[]> {
  const rows = await db.selectFrom('scanner_ranges').selectAll().orderBy('family').orderBy('prefix').execute()
  return rows.map(toRecord)
}

export async function getRange(db: Kysely<Database>, id: string): Promise<RangeRecord | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null
  const row = await db.selectFrom('scanner_ranges').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? toRecord(row) : null
}

/** Prefixes of the ranges the no-overlap rule covers: all but retired and withdrawn ones. */
export async function listLivePrefixes(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('scanner_ranges').select(sql<string>`prefix::text`.as('prefix')).where('retired_at', 'is', null).execute()
  return rows.map((r) => r.prefix)
}

/**
 * Marks ranges whose retireAt has passed as retired (retired_at = retire_at), freeing their
 * prefixes. Status never depends on this mark (it follows from retireAt), only the overlap
 * rule does, so callers run it under the catalogue lock before checking overlaps.
 */
export async function markDueRetirements(db: Kysely<Database>, now: Date): Promise<void> {
  await db
    .updateTable('scanner_ranges')
    .set({ retired_at: sql`retire_at` })
    .where('retired_at', 'is', null)
    .where('retire_at', '<=', now)
    .execute()
}

/** Records that `serial` published these ranges (only the first publication is kept). */
export async function markPublished(db: Kysely<Database>, ids: readonly string[], serial: number): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    await db
      .updateTable('scanner_ranges')
      .set({ first_published_serial: serial })
      .where('first_published_serial', 'is', null)
      .where('id', 'in', ids.slice(i, i + 1000))
      .execute()
  }
}

export async function deleteRange(db: Kysely<Database>, id: string): Promise<boolean> {
  const r = await db.deleteFrom('scanner_ranges').where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

/** Withdraws an announcement: from `now` the range no longer counts. */
export async function withdrawRange(db: Kysely<Database>, id: string, now: Date): Promise<RangeRecord | null> {
  const row = await db
    .updateTable('scanner_ranges')
    .set({ retired_at: now, updated_at: now })
    .where('id', '=', id)
    .where('retired_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
  return row ? toRecord(row) : null
}

/** Inserts ranges in chunks (one statement per chunk keeps big imports quick). */
export async function insertRanges(db: Kysely<Database>, ranges: readonly NormalisedRange[]): Promise<RangeRecord[]> {
  const out: RangeRecord[] = []
  for (let i = 0; i < ranges.length; i += 500) {
    const rows = await db
      .insertInto('scanner_ranges')
      .values(
        ranges.slice(i, i + 500).map((r) => ({
          prefix: r.prefix,
          family: r.family === 'ipv6' ? 6 : 4,
          pool: r.pool,
          region: r.region,
          label: r.label,
          active_from: r.activeFrom,
          retire_at: r.retireAt,
        })),
      )
      .returningAll()
      .execute()
    out.push(...rows.map(toRecord))
  }
  return out
}

export interface RangePatch {
  pool?: string
  region?: string
  label?: string
  activeFrom?: Date
  retireAt?: Date | null
}

export async function updateRange(
  db: Kysely<Database>,
  id: string,
  patch: RangePatch,
  now: Date,
): Promise<RangeRecord | null> {
  const row = await db
    .updateTable('scanner_ranges')
    .set({
      ...(patch.pool !== undefined ? { pool: patch.pool } : {}),
      ...(patch.region !== undefined ? { region: patch.region } : {}),
      ...(patch.label !== undefined ? { label: patch.label } : {}),
      ...(patch.activeFrom !== undefined ? { active_from: patch.activeFrom } : {}),
      ...(patch.retireAt !== undefined ? { retire_at: patch.retireAt } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
  return row ? toRecord(row) : null
}

/** Serialises catalogue writers so the overlap check and the insert see the same data. */
export async function lockCatalogue(db: Kysely<Database>): Promise<void> {
  await sql`lock table scanner_ranges in share row exclusive mode`.execute(db)
}
