/**
 * @module db/case-repository
 * Cases, their notes and their history (the case timeline: who did what, when). History
 * entries never carry personal data or note text: they name refs, states, verdicts and
 * targets only.
 */
import { sql, type Kysely } from 'kysely'
import { tryParseIp } from '../domain/cidr.js'
import type { CaseKey } from '../domain/intake/case-key.js'
import { SETTLED_CASE_STATUSES, type CaseStatus } from '../domain/intake/case-state.js'
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
  /** what reporters read once the case is resolved (the desk's words) */
  outcomeText: string | null
  /** the settled case this one was opened after, if any */
  followsCaseId: string | null
}

export interface NoteRecord {
  id: string
  author: string
  visibility: 'internal' | 'reporter'
  body: string
  createdAt: Date
  /** refs of the reports a reporter-visible note is addressed to (empty for internal notes) */
  recipients: string[]
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
      'outcome_text',
      'follows_case_id',
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
    outcomeText: r.outcome_text,
    followsCaseId: r.follows_case_id,
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

const settled = () => sql`(${sql.join(SETTLED_CASE_STATUSES.map((x) => sql.lit(x)))})`

/**
 * The case a new report joins: the unsettled case of its grouping key, created if
 * needed. A settled (resolved or dismissed) case is never reopened or changed: the new
 * case points to the latest settled one (`follows_case_id`) and both histories say so.
 * Call inside a transaction: the case row stays locked until it ends, so concurrent
 * reports count right.
 */
export async function joinCase(db: Kysely<Database>, key: CaseKey, now: Date, ref: string): Promise<CaseRecord> {
  const keyMatch = sql<boolean>`scanner_ip = ${key.scannerIp}::inet and target_prefix = ${key.targetPrefix}::cidr and day = ${key.day}::date`
  // a case settled between the insert and the lock is skipped on the next round
  for (let attempt = 0; attempt < 5; attempt++) {
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
      .onConflict((oc) => oc.columns(['scanner_ip', 'target_prefix', 'day']).where(sql<boolean>`status not in ${settled()}`).doNothing())
      .returning('id')
      .executeTakeFirst()
    const current = await caseColumns(db).where(keyMatch).where(sql<boolean>`status not in ${settled()}`).forUpdate().executeTakeFirst()
    if (!current) continue
    const before = toCase(current)
    const history: [string, string, Record<string, unknown>][] = []
    let follows: string | null = before.followsCaseId
    if (inserted) {
      const previous = await db
        .selectFrom('cases')
        .select('id')
        .where(keyMatch)
        .where(sql<boolean>`status in ${settled()}`)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst()
      follows = previous?.id ?? null
      if (follows) {
        await db.updateTable('cases').set({ follows_case_id: follows }).where('id', '=', before.id).execute()
        history.push([follows, 'new_activity_after_settled', { caseId: before.id }])
      }
      history.push([before.id, 'created', { scannerIp: key.scannerIp, targetPrefix: key.targetPrefix, day: key.day, ...(follows ? { followsCaseId: follows } : {}) }])
    }
    history.push([before.id, 'report_added', { ref }])
    const after = await db
      .updateTable('cases')
      .set({ report_count: sql`report_count + 1`, last_report_at: now, updated_at: now })
      .where('id', '=', before.id)
      .returning(['report_count'])
      .executeTakeFirstOrThrow()
    await db
      .insertInto('case_history')
      .values(history.map(([caseId, action, detail]) => ({ case_id: caseId, at: now, actor: 'system', action, detail: JSON.stringify(detail) })))
      .execute()
    return { ...before, reportCount: after.report_count, followsCaseId: follows, lastReportAt: now, updatedAt: now }
  }
  throw new Error('could not find or open an unsettled case for this report')
}

/** The unsettled cases opened after this settled one (newest first). */
export async function casesFollowing(db: Kysely<Database>, caseId: string): Promise<CaseRecord[]> {
  const rows = await caseColumns(db).where('follows_case_id', '=', caseId).orderBy('created_at', 'desc').limit(50).execute()
  return rows.map(toCase)
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
  outcomeText: string | null = null,
): Promise<void> {
  await db
    .updateTable('cases')
    .set({
      status: to,
      updated_at: now,
      ...(to === 'resolved' ? { final_verdict: verdict, resolved_at: now, outcome_text: outcomeText } : {}),
    })
    .where('id', '=', id)
    .execute()
}

export async function setAssignee(db: Kysely<Database>, id: string, assignee: string | null, now: Date): Promise<void> {
  await db.updateTable('cases').set({ assignee, updated_at: now }).where('id', '=', id).execute()
}

/** Adds a note; a reporter-visible one is addressed to `recipients` (report ids of this case). */
export async function addNote(
  db: Kysely<Database>,
  caseId: string,
  note: { author: string; visibility: 'internal' | 'reporter'; body: string; recipients: readonly { id: string; ref: string }[] },
  now: Date,
): Promise<NoteRecord> {
  const row = await db
    .insertInto('case_notes')
    .values({ case_id: caseId, author: note.author, visibility: note.visibility, body: note.body, created_at: now })
    .returning(['id', 'author', 'visibility', 'body', 'created_at'])
    .executeTakeFirstOrThrow()
  if (note.recipients.length) {
    await db
      .insertInto('case_note_recipients')
      .values(note.recipients.map((r) => ({ note_id: row.id, report_id: r.id })))
      .execute()
  }
  await db.updateTable('cases').set({ updated_at: now }).where('id', '=', caseId).execute()
  return { id: row.id, author: row.author, visibility: row.visibility, body: row.body, createdAt: row.created_at, recipients: note.recipients.map((r) => r.ref).sort() }
}

/** Every note of the case, for the desk, with the refs each reporter note is addressed to. */
export async function listNotes(db: Kysely<Database>, caseId: string): Promise<NoteRecord[]> {
  const rows = await db
    .selectFrom('case_notes as n')
    .select([
      'n.id',
      'n.author',
      'n.visibility',
      'n.body',
      'n.created_at',
      sql<string[] | null>`(select array_agg(r.ref order by r.ref) from case_note_recipients x join reports r on r.id = x.report_id where x.note_id = n.id)`.as('recipients'),
    ])
    .where('n.case_id', '=', caseId)
    .orderBy('n.seq')
    .execute()
  return rows.map((r) => ({ id: r.id, author: r.author, visibility: r.visibility, body: r.body, createdAt: r.created_at, recipients: r.recipients ?? [] }))
}

/** The reporter-visible notes addressed to one report: what its reporter may read. */
export async function listNotesForReport(db: Kysely<Database>, reportId: string): Promise<{ body: string; createdAt: Date }[]> {
  const rows = await db
    .selectFrom('case_notes as n')
    .innerJoin('case_note_recipients as x', 'x.note_id', 'n.id')
    .select(['n.body', 'n.created_at'])
    .where('x.report_id', '=', reportId)
    .where('n.visibility', '=', 'reporter')
    .orderBy('n.seq')
    .execute()
  return rows.map((r) => ({ body: r.body, createdAt: r.created_at }))
}

export async function listHistory(db: Kysely<Database>, caseId: string): Promise<HistoryRecord[]> {
  const rows = await db.selectFrom('case_history').select(['at', 'actor', 'action', 'detail']).where('case_id', '=', caseId).orderBy('seq').execute()
  return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, detail: (r.detail ?? {}) as Record<string, unknown> }))
}
