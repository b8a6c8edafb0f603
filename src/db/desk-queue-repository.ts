/**
 * @module db/desk-queue-repository
 * Figures the abuse desk's queue page shows above the case list (the list itself comes
 * from case-repository's `listCases`).
 */
import { sql, type Kysely } from 'kysely'
import { CASE_STATUSES, type CaseStatus } from '../domain/intake/case-state.js'
import type { Database } from './schema.js'

/** How many cases are in each status (every status present, zeros included). */
export async function countCasesByStatus(db: Kysely<Database>): Promise<Record<CaseStatus, number>> {
  const rows = await db
    .selectFrom('cases')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .groupBy('status')
    .execute()
  const counts = Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])) as Record<CaseStatus, number>
  for (const r of rows) counts[r.status] = r.n
  return counts
}
