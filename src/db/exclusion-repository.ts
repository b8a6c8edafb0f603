/**
 * @module db/exclusion-repository
 * Targets the scan platform must not scan. An entry is added when the desk resolves a
 * case as an out-of-scope scan; the platform asks before scanning (GiST on target).
 */
import { sql, type Kysely } from 'kysely'
import type { CursorPosition } from '../domain/intake/cursor.js'
import type { Database } from './schema.js'

export interface ExclusionRecord {
  id: string
  target: string
  reason: string
  caseId: string | null
  createdBy: string
  createdAt: Date
}

function columns(db: Kysely<Database>) {
  return db
    .selectFrom('exclusions')
    .select(['id', sql<string>`target::text`.as('target'), 'reason', 'case_id', 'created_by', 'created_at'])
}

function toRecord(r: { id: string; target: string; reason: string; case_id: string | null; created_by: string; created_at: Date }): ExclusionRecord {
  return { id: r.id, target: r.target, reason: r.reason, caseId: r.case_id, createdBy: r.created_by, createdAt: r.created_at }
}

/** Adds targets not excluded yet; returns the ones added. */
export async function addExclusions(
  db: Kysely<Database>,
  targets: readonly string[],
  by: { reason: string; caseId: string | null; actor: string },
  now: Date,
): Promise<string[]> {
  if (targets.length === 0) return []
  const rows = await db
    .insertInto('exclusions')
    .values(targets.map((t) => ({ target: t, reason: by.reason, case_id: by.caseId, created_by: by.actor, created_at: now })))
    .onConflict((oc) => oc.column('target').doNothing())
    .returning(sql<string>`target::text`.as('target'))
    .execute()
  return rows.map((r) => r.target)
}

export async function listExclusions(db: Kysely<Database>, opts: { after?: CursorPosition; limit: number }): Promise<ExclusionRecord[]> {
  let q = columns(db)
  if (opts.after) q = q.where(sql<boolean>`(created_at, id) < (${opts.after.createdAt}, ${opts.after.id}::uuid)`)
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute()
  return rows.map(toRecord)
}

/** Exclusions overlapping `target` (containing it, or inside it). */
export async function exclusionsOverlapping(db: Kysely<Database>, target: string): Promise<ExclusionRecord[]> {
  const rows = await columns(db)
    .where(sql<boolean>`exclusions.target && ${target}::cidr`)
    .orderBy(sql`exclusions.target`)
    .limit(1000)
    .execute()
  return rows.map(toRecord)
}
