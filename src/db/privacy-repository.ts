/**
 * @module db/privacy-repository
 * Personal data handling: the retention purge, and data-subject access (export) and
 * erasure by e-mail address. Reports themselves always stay (triage history and
 * aggregates depend on them); what goes is marked on the report with a timestamp.
 */
import { sql, type Kysely } from 'kysely'
import type { RetentionCutoffs } from '../domain/privacy/retention.js'
import type { CaseStatus } from '../domain/intake/case-state.js'
import { reporterStatus, verdictText } from '../domain/intake/reporter-status.js'
import type { Verdict } from '../domain/intake/verdicts.js'
import { eraseMailFrom } from './mail-repository.js'
import type { Database } from './schema.js'

export interface PurgeCounts {
  contacts: number
  evidence: number
  xarfDocuments: number
  idempotencyRecords: number
  rateLimitCounters: number
}

/** Deletes personal data past its retention period; returns what went. */
export async function purgeExpired(db: Kysely<Database>, cut: RetentionCutoffs, now: Date): Promise<PurgeCounts> {
  return db.transaction().execute(async (trx) => {
    // contacts: only of reports whose case was closed (resolved or dismissed) long enough ago
    const contacts = await sql<{ report_id: string }>`
      delete from report_contacts rc
      using reports r, cases c
      where rc.report_id = r.id and r.case_id = c.id
        and c.status in ('resolved', 'dismissed')
        and coalesce(c.resolved_at, c.updated_at) < ${cut.contactClosedBefore}
      returning rc.report_id`.execute(trx)
    const evidence = await sql<{ report_id: string }>`
      delete from report_evidence where created_at < ${cut.evidenceBefore} returning report_id`.execute(trx)
    const xarf = await sql<{ report_id: string }>`
      delete from report_xarf_documents where created_at < ${cut.xarfBefore} returning report_id`.execute(trx)
    await markPurged(trx, 'contact_purged_at', contacts.rows.map((r) => r.report_id), now)
    await markPurged(trx, 'evidence_purged_at', evidence.rows.map((r) => r.report_id), now)
    await markPurged(trx, 'xarf_purged_at', xarf.rows.map((r) => r.report_id), now)
    const idem = await trx.deleteFrom('report_idempotency').where('created_at', '<', cut.idempotencyBefore).executeTakeFirst()
    const counters = await trx.deleteFrom('rate_limit_counters').where('window_start', '<', cut.counterWindowsBefore).executeTakeFirst()
    return {
      contacts: contacts.rows.length,
      evidence: evidence.rows.length,
      xarfDocuments: xarf.rows.length,
      idempotencyRecords: Number(idem.numDeletedRows),
      rateLimitCounters: Number(counters.numDeletedRows),
    }
  })
}

type PurgeColumn = 'contact_purged_at' | 'evidence_purged_at' | 'xarf_purged_at'

async function markPurged(db: Kysely<Database>, column: PurgeColumn, reportIds: string[], now: Date): Promise<void> {
  const ids = [...new Set(reportIds)]
  for (let i = 0; i < ids.length; i += 500) {
    await db.updateTable('reports').set({ [column]: now }).where('id', 'in', ids.slice(i, i + 500)).execute()
  }
}

/** Reports whose stored contact is this address (case-insensitive). */
async function reportIdsFor(db: Kysely<Database>, email: string): Promise<string[]> {
  const rows = await db
    .selectFrom('report_contacts')
    .select('report_id')
    .where(sql<boolean>`lower(email) = lower(${email})`)
    .execute()
  return rows.map((r) => r.report_id)
}

export interface SubjectExport {
  email: string
  reports: Array<{
    ref: string
    receivedAt: string
    category: string
    target: string
    observedFrom: string
    observedTo: string
    sourceIps: string[]
    description: string | null
    status: string
    verdictText: string
    contact: { email: string; storedAt: string }
    evidence: Array<{ contentType: string; description: string | null; sizeBytes: number; sha256: string; storedAt: string; contentBase64: string }>
    notesFromUs: Array<{ at: string; text: string }>
  }>
}

/**
 * Everything stored about the person behind `email`: their reports, the contact and
 * evidence they gave, and the notes we wrote to them. Internal notes, linked sessions
 * and customer names are ours, not theirs, and are not part of it.
 */
export async function exportSubject(db: Kysely<Database>, email: string): Promise<SubjectExport> {
  const ids = await reportIdsFor(db, email)
  const out: SubjectExport = { email, reports: [] }
  if (ids.length === 0) return out
  const reports = await db
    .selectFrom('reports as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .innerJoin('report_contacts as rc', 'rc.report_id', 'r.id')
    .select([
      'r.id',
      'r.ref',
      'r.received_at',
      'r.category',
      sql<string>`r.target::text`.as('target'),
      'r.observed_from',
      'r.observed_to',
      'r.description',
      'r.verdict',
      'c.id as case_id',
      'c.status',
      'c.final_verdict',
      'rc.email',
      'rc.created_at as contact_at',
    ])
    .where('r.id', 'in', ids)
    .orderBy('r.received_at')
    .execute()
  for (const r of reports) {
    const sources = await db
      .selectFrom('report_sources')
      .select(sql<string>`host(ip)`.as('ip'))
      .where('report_id', '=', r.id)
      .orderBy('position')
      .execute()
    const evidence = await db
      .selectFrom('report_evidence')
      .select(['content_type', 'description', 'size_bytes', 'sha256', 'created_at', 'content'])
      .where('report_id', '=', r.id)
      .orderBy('position')
      .execute()
    const notes = await db
      .selectFrom('case_notes')
      .select(['body', 'created_at'])
      .where('case_id', '=', r.case_id)
      .where('visibility', '=', 'reporter')
      .orderBy('created_at')
      .execute()
    out.reports.push({
      ref: r.ref,
      receivedAt: r.received_at.toISOString(),
      category: r.category,
      target: r.target,
      observedFrom: r.observed_from.toISOString(),
      observedTo: r.observed_to.toISOString(),
      sourceIps: sources.map((s) => s.ip),
      description: r.description,
      status: reporterStatus(r.status as CaseStatus),
      verdictText: verdictText((r.final_verdict ?? r.verdict) as Verdict, r.final_verdict !== null),
      contact: { email: r.email, storedAt: r.contact_at.toISOString() },
      evidence: evidence.map((e) => ({
        contentType: e.content_type,
        description: e.description,
        sizeBytes: e.size_bytes,
        sha256: e.sha256,
        storedAt: e.created_at.toISOString(),
        contentBase64: Buffer.from(e.content as Uint8Array).toString('base64'),
      })),
      notesFromUs: notes.map((n) => ({ at: n.created_at.toISOString(), text: n.body })),
    })
  }
  return out
}

export interface ErasureResult {
  reports: string[]
  contacts: number
  evidence: number
  xarfDocuments: number
  /** raw e-mails from the address (or behind its reports) whose bytes were removed */
  mailMessages: number
}

/** Removes the contact, evidence and raw XARF documents of every report from `email`. */
export async function eraseSubject(db: Kysely<Database>, email: string, now: Date): Promise<ErasureResult> {
  return db.transaction().execute(async (trx) => {
    // before the contacts go: they lead to the mails behind the reports
    const mailMessages = await eraseMailFrom(trx, email, now)
    const ids = await reportIdsFor(trx, email)
    if (ids.length === 0) return { reports: [], contacts: 0, evidence: 0, xarfDocuments: 0, mailMessages }
    const refs = await trx.selectFrom('reports').select('ref').where('id', 'in', ids).orderBy('ref').execute()
    const contacts = await trx.deleteFrom('report_contacts').where('report_id', 'in', ids).executeTakeFirst()
    const evidence = await trx.deleteFrom('report_evidence').where('report_id', 'in', ids).executeTakeFirst()
    const xarf = await trx.deleteFrom('report_xarf_documents').where('report_id', 'in', ids).executeTakeFirst()
    await trx
      .updateTable('reports')
      .set({ contact_purged_at: now, evidence_purged_at: now, xarf_purged_at: now })
      .where('id', 'in', ids)
      .execute()
    // a replayed idempotent response would hand the status token out again: drop those too
    await trx.deleteFrom('report_idempotency').where('report_id', 'in', ids).execute()
    return {
      reports: refs.map((r) => r.ref),
      contacts: Number(contacts.numDeletedRows),
      evidence: Number(evidence.numDeletedRows),
      xarfDocuments: Number(xarf.numDeletedRows),
      mailMessages,
    }
  })
}

export interface MonthlyCounts {
  month: string
  byVerdict: Record<string, number>
  byCategory: Record<string, number>
  total: number
}

/** Report counts per UTC month by verdict and by category (raw; suppress before publishing). */
export async function monthlyReportCounts(db: Kysely<Database>, since: Date): Promise<MonthlyCounts[]> {
  const rows = await sql<{ month: string; verdict: string; category: string; n: number }>`
    select to_char(received_at at time zone 'UTC', 'YYYY-MM') as month, verdict, category, count(*)::int as n
    from reports where received_at >= ${since}
    group by 1, 2, 3 order by 1`.execute(db)
  const months = new Map<string, MonthlyCounts>()
  for (const r of rows.rows) {
    const m = months.get(r.month) ?? { month: r.month, byVerdict: {}, byCategory: {}, total: 0 }
    m.byVerdict[r.verdict] = (m.byVerdict[r.verdict] ?? 0) + r.n
    m.byCategory[r.category] = (m.byCategory[r.category] ?? 0) + r.n
    m.total += r.n
    months.set(r.month, m)
  }
  return [...months.values()]
}
