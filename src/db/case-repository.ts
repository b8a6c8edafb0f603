/**
 * @module db/case-repository
 * Cases, their notes and their history (the case timeline: who did what, when). History
 * entries never carry personal data or note text: they name refs, states, verdicts and
 * targets only.
 */
import { sql, type Kysely } from 'kysely'
import { tryParseIp } from '../domain/cidr.js'
import type { CaseKey } from '../domain/intake/case-key.js'
import { statusOnNewReport, type CaseStatus } from '../domain/intake/case-state.js'
import type { CursorPosition } from '../domain/intake/cursor.js'
import type { Verdict } from '../domain/intake/verdicts.js'
import type { Database } from './schema.js'

export interface CaseRecord {
  id: string
  scannerIp: string
  targetPrefix: string
  day: string
  status: CaseStatus
  suggestedVerdict: Verdict | null
  finalVerdict: Verdict | null
  assignee: string | null
  reportCount: number
  firstReportAt: Date
  lastReportAt: Date
  resolvedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

export interface NoteRecord {
  id: string
  author: string
  visibility: 'internal' | 'reporter'
  body: string
  createdAt: Date
}

export interface HistoryRecord {
  at: Date
  actor: string
  action: string
  detail: Record<string, unknown>
}

function caseColumns(db: Kysely<Database>) {
  return db
    .selectFrom('cases')
    .select([
      'id',
      sql<string>`host(scanner_ip)`.as('scanner_ip'),
      sql<string>`target_prefix::text`.as('target_prefix'),
      sql<string>`day::text`.as('day'),
      'status',
      'suggested_verdict',
      'final_verdict',
      'assignee',
      'report_count',
      'first_report_at',
      'last_report_at',
      'resolved_at',
      'created_at',
      'updated_at',
    ])
}

type CaseRow = Awaited<ReturnType<ReturnType<typeof caseColumns>['executeTakeFirstOrThrow']>>

function toCase(r: CaseRow): CaseRecord {
  return {
    id: r.id,
    scannerIp: r.scanner_ip,
    targetPrefix: r.target_prefix,
    day: r.day,
    status: r.status,
    suggestedVerdict: r.suggested_verdict,
    finalVerdict: r.final_verdict,
    assignee: r.assignee,
    reportCount: r.report_count,
    firstReportAt: r.first_report_at,
    lastReportAt: r.last_report_at,
    resolvedAt: r.resolved_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export async function getCase(db: Kysely<Database>, id: string, opts: { forUpdate?: boolean } = {}): Promise<CaseRecord | null> {
  if (!UUID.test(id)) return null
  let q = caseColumns(db).where('id', '=', id)
  if (opts.forUpdate) q = q.forUpdate()
  const row = await q.executeTakeFirst()
  return row ? toCase(row) : null
}

/** Which of `ips` already have a case for this target block and day. */
export async function scannerIpsWithCase(db: Kysely<Database>, ips: readonly string[], targetPrefix: string, day: string): Promise<Set<string>> {
  if (ips.length === 0) return new Set()
  const rows = await sql<{ ip: string }>`
    select host(scanner_ip) as ip from cases
    where scanner_ip = any(${[...ips]}::inet[]) and target_prefix = ${targetPrefix}::cidr and day = ${day}::date`.execute(db)
  // Postgres writes some IPv6 forms differently (::ffff:192.0.2.1); compare canonical text
  return new Set(rows.rows.map((r) => tryParseIp(r.ip)?.text ?? r.ip))
}

export async function addHistory(
  db: Kysely<Database>,
  caseId: string,
  at: Date,
  actor: string,
  action: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await db.insertInto('case_history').values({ case_id: caseId, at, actor, action, detail: JSON.stringify(detail) }).execute()
}

/**
 * The case a new report joins, created if needed; a resolved case reopens. Call inside a
 * transaction: the case row stays locked until it ends, so concurrent reports count right.
 */
export async function joinCase(db: Kysely<Database>, key: CaseKey, now: Date, ref: string): Promise<CaseRecord> {
  const inserted = await db
    .insertInto('cases')
    .values({
      scanner_ip: key.scannerIp,
      target_prefix: key.targetPrefix,
      day: key.day,
      first_report_at: now,
      last_report_at: now,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['scanner_ip', 'target_prefix', 'day']).doNothing())
    .returning('id')
    .executeTakeFirst()
  const current = await caseColumns(db)
    .where(sql<boolean>`scanner_ip = ${key.scannerIp}::inet and target_prefix = ${key.targetPrefix}::cidr and day = ${key.day}::date`)
    .forUpdate()
    .executeTakeFirstOrThrow()
  const before = toCase(current)
  const status = statusOnNewReport(before.status)
  const reopened = status !== before.status
  const after = await db
    .updateTable('cases')
    .set({
      report_count: sql`report_count + 1`,
      last_report_at: now,
      updated_at: now,
      status,
      ...(reopened ? { final_verdict: null, resolved_at: null } : {}),
    })
    .where('id', '=', before.id)
    .returning(['report_count', 'final_verdict', 'resolved_at'])
    .executeTakeFirstOrThrow()
  const history: [string, Record<string, unknown>][] = []
  if (inserted) history.push(['created', { scannerIp: key.scannerIp, targetPrefix: key.targetPrefix, day: key.day }])
  history.push(['report_added', { ref }])
  if (reopened) history.push(['reopened', { from: before.status, to: status, previousVerdict: before.finalVerdict }])
  await db
    .insertInto('case_history')
    .values(history.map(([action, detail]) => ({ case_id: before.id, at: now, actor: 'system', action, detail: JSON.stringify(detail) })))
    .execute()
  return {
    ...before,
    status,
    reportCount: after.report_count,
    finalVerdict: after.final_verdict,
    resolvedAt: after.resolved_at,
    lastReportAt: now,
    updatedAt: now,
  }
}

export interface CaseFilter {
  statuses?: CaseStatus[]
  verdict?: Verdict
  /** an assignee's name, or null for unassigned cases */
  assignee?: string | null
  fromDay?: string
  toDay?: string
  after?: CursorPosition
  limit: number
}

/** Cases newest first (by creation, which never changes, so pages do not shift). */
export async function listCases(db: Kysely<Database>, f: CaseFilter): Promise<CaseRecord[]> {
  let q = caseColumns(db)
  if (f.statuses?.length) q = q.where('status', 'in', f.statuses)
  if (f.verdict) q = q.where(sql<boolean>`coalesce(final_verdict, suggested_verdict) = ${f.verdict}`)
  if (f.assignee === null) q = q.where('assignee', 'is', null)
  else if (f.assignee !== undefined) q = q.where('assignee', '=', f.assignee)
  if (f.fromDay) q = q.where(sql<boolean>`day >= ${f.fromDay}::date`)
  if (f.toDay) q = q.where(sql<boolean>`day <= ${f.toDay}::date`)
  if (f.after) q = q.where(sql<boolean>`(created_at, id) < (${f.after.createdAt}, ${f.after.id}::uuid)`)
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute()
  return rows.map(toCase)
}

export async function setStatus(
  db: Kysely<Database>,
  id: string,
  to: CaseStatus,
  verdict: Verdict | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('cases')
    .set({
      status: to,
      updated_at: now,
      ...(to === 'resolved' ? { final_verdict: verdict, resolved_at: now } : {}),
    })
    .where('id', '=', id)
    .execute()
}

export async function setAssignee(db: Kysely<Database>, id: string, assignee: string | null, now: Date): Promise<void> {
  await db.updateTable('cases').set({ assignee, updated_at: now }).where('id', '=', id).execute()
}

export async function addNote(
  db: Kysely<Database>,
  caseId: string,
  note: { author: string; visibility: 'internal' | 'reporter'; body: string },
  now: Date,
): Promise<NoteRecord> {
  const row = await db
    .insertInto('case_notes')
    .values({ case_id: caseId, author: note.author, visibility: note.visibility, body: note.body, created_at: now })
    .returning(['id', 'author', 'visibility', 'body', 'created_at'])
    .executeTakeFirstOrThrow()
  await db.updateTable('cases').set({ updated_at: now }).where('id', '=', caseId).execute()
  return { id: row.id, author: row.author, visibility: row.visibility, body: row.body, createdAt: row.created_at }
}

export async function listNotes(db: Kysely<Database>, caseId: string, visibility?: 'reporter'): Promise<NoteRecord[]> {
  let q = db.selectFrom('case_notes').select(['id', 'author', 'visibility', 'body', 'created_at']).where('case_id', '=', caseId)
  if (visibility) q = q.where('visibility', '=', visibility)
  const rows = await q.orderBy('seq').execute()
  return rows.map((r) => ({ id: r.id, author: r.author, visibility: r.visibility, body: r.body, createdAt: r.created_at }))
}

export async function listHistory(db: Kysely<Database>, caseId: string): Promise<HistoryRecord[]> {
  const rows = await db.selectFrom('case_history').select(['at', 'actor', 'action', 'detail']).where('case_id', '=', caseId).orderBy('seq').execute()
  return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, detail: (r.detail ?? {}) as Record<string, unknown> }))
}
