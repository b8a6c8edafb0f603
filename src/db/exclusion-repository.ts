/**
 * @module db/exclusion-repository
 * Targets the scan platform must not scan; the platform asks before scanning (GiST on
 * target). Rows are written only by db/exclusion-actions.ts, the one audited way to
 * create or remove an exclusion.
 */
import { sql, type Kysely } from 'kysely'
import type { CursorPosition } from '../domain/intake/cursor.js'
import type { Database, ExclusionSource } from './schema.js'

export interface ExclusionRecord {
  id: string
  target: string
  reason: string
  source: ExclusionSource
  caseId: string | null
  createdBy: string
  createdAt: Date
  expiresAt: Date | null
  overrideReason: string | null
}

export function exclusionColumns(db: Kysely<Database>) {
  return db
    .selectFrom('exclusions')
    .select(['id', sql<string>`target::text`.as('target'), 'reason', 'source', 'case_id', 'created_by', 'created_at', 'expires_at', 'override_reason'])
}

type Row = Awaited<ReturnType<ReturnType<typeof exclusionColumns>['executeTakeFirstOrThrow']>>

export function toExclusion(r: Row): ExclusionRecord {
  return {
    id: r.id,
    target: r.target,
    reason: r.reason,
    source: r.source,
    caseId: r.case_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    overrideReason: r.override_reason,
  }
}

/** Every exclusion, newest first, expired ones included (the desk's list). */
export async function listExclusions(db: Kysely<Database>, opts: { after?: CursorPosition; limit: number }): Promise<ExclusionRecord[]> {
  let q = exclusionColumns(db)
  if (opts.after) q = q.where(sql<boolean>`(created_at, id) < (${opts.after.createdAt}, ${opts.after.id}::uuid)`)
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute()
  return rows.map(toExclusion)
}

/** Exclusions in force at `now` overlapping `target` (containing it, or inside it). */
export async function exclusionsOverlapping(db: Kysely<Database>, target: string, now: Date): Promise<ExclusionRecord[]> {
  const rows = await exclusionColumns(db)
    .where(sql<boolean>`exclusions.target && ${target}::cidr`)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy(sql`exclusions.target`)
    .limit(1000)
    .execute()
  return rows.map(toExclusion)
}
