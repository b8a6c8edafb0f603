/**
 * @module db/xarf-repository
 * XARF identity: `report_id` + the reporter's domain name one report (migrations/0007).
 * Only SHA-256 digests of the identity and of the document are stored.
 */
import type { Kysely } from 'kysely'
import type { CaseStatus } from '../domain/intake/case-state.js'
import type { Database } from './schema.js'

export interface XarfOriginal {
  ref: string
  ours: boolean
  fingerprint: string | null
  caseStatus: CaseStatus
}

/** The report stored under this XARF identity, if any. */
export async function findXarfOriginal(db: Kysely<Database>, identity: string): Promise<XarfOriginal | null> {
  const row = await db
    .selectFrom('reports as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .select(['r.ref', 'r.ours', 'r.xarf_fingerprint', 'c.status'])
    .where('r.xarf_identity', '=', identity)
    .executeTakeFirst()
  return row ? { ref: row.ref, ours: row.ours, fingerprint: row.xarf_fingerprint, caseStatus: row.status } : null
}

/** Whether an error is the unique index on the XARF identity (two copies arriving at once). */
export function isXarfIdentityClash(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; message?: string } | null
  return e?.code === '23505' && (e.constraint === 'reports_xarf_identity' || /reports_xarf_identity/.test(e.message ?? ''))
}
