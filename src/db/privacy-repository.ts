/**
 * @module db/privacy-repository
 * Personal data handling: the retention purge, and data-subject access (export) and
 * erasure by e-mail address. Reports themselves always stay (triage history and
 * aggregates depend on them); what goes is marked on the report with a timestamp.
 */
import { sql, type Kysely } from 'kysely'
import type { RetentionCutoffs } from '../domain/privacy/retention.js'
import type { CaseStatus } from '../domain/intake/case-state.js'
import { reporterOutcome, reporterStatus } from '../domain/intake/reporter-status.js'
import { eraseMailFrom } from './mail-repository.js'
import { eraseOutboxFor } from './outbox.js'
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

/** Reports whose stored contact is this address (normal form, compared case-insensitively). */
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
    outcome: string | null
    contact: { email: string; storedAt: string }
    evidence: Array<{ contentType: string; description: string | null; sizeBytes: number; sha256: string; storedAt: string; contentBase64: string }>
    notesFromUs: Array<{ at: string; text: string }>
  }>
}

/**
 * Everything stored about the person behind `email`: their reports, the contact and
 * evidence they gave, and the notes addressed to their reports (not those written to
 * other reporters of the same case). Internal notes, linked sessions, automatic verdicts
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
      'c.status',
      'c.outcome_text',
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
      .selectFrom('case_notes as n')
      .innerJoin('case_note_recipients as x', 'x.note_id', 'n.id')
      .select(['n.body', 'n.created_at'])
      .where('x.report_id', '=', r.id)
      .where('n.visibility', '=', 'reporter')
      .orderBy('n.seq')
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
      outcome: reporterOutcome(r.status as CaseStatus, r.outcome_text),
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
  /** notes, history entries, exclusion reasons and other reports' text the address was blanked from */
  redactedElsewhere: number
  /** mail and webhooks, queued or sent, addressed to the person or carrying their words */
  outbox: number
  /** raw e-mails from the address (or behind its reports) whose bytes were removed */
  mailMessages: number
}

/** What an erased address or quote is replaced with wherever it was quoted. */
export const ERASED = '[erased]'

function replaceAll(text: string, needles: readonly string[]): string {
  let out = text
  // longest first: a quoted description may contain the address itself
  for (const n of [...needles].sort((a, b) => b.length - a.length)) {
    if (n.length === 0) continue
    const lower = n.toLowerCase()
    let i = out.toLowerCase().indexOf(lower)
    while (i >= 0) {
      out = out.slice(0, i) + ERASED + out.slice(i + n.length)
      i = out.toLowerCase().indexOf(lower, i + ERASED.length)
    }
  }
  return out
}

function redactJson(v: unknown, needles: readonly string[]): unknown {
  if (typeof v === 'string') return replaceAll(v, needles)
  if (Array.isArray(v)) return v.map((x) => redactJson(x, needles))
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactJson(x, needles)]))
  return v
}

/** Rows of `table` whose text column holds any needle (case-insensitive). */
function holdsAny(column: string, needles: readonly string[]) {
  return sql<boolean>`(${sql.join(needles.map((n) => sql`strpos(lower(${sql.ref(column)}::text), ${n.toLowerCase()}) > 0`), sql` or `)})`
}

/**
 * Blanks `needles` wherever free text may quote them: case notes, case history, exclusion
 * reasons, and the description and evidence descriptions of other people's reports.
 * Returns how many rows changed. (The audit chain never holds personal data, so it needs
 * no rewriting — which it could not get without breaking the chain.)
 */
async function redactQuotes(trx: Kysely<Database>, needles: readonly string[]): Promise<number> {
  let changed = 0
  const notes = await trx.selectFrom('case_notes').select(['id', 'body']).where(holdsAny('body', needles)).execute()
  for (const n of notes) {
    await trx.updateTable('case_notes').set({ body: replaceAll(n.body, needles) }).where('id', '=', n.id).execute()
    changed++
  }
  const history = await trx.selectFrom('case_history').select(['seq', 'detail']).where(holdsAny('detail', needles)).execute()
  for (const h of history) {
    const detail = redactJson(typeof h.detail === 'string' ? JSON.parse(h.detail) : h.detail, needles)
    await trx.updateTable('case_history').set({ detail: JSON.stringify(detail) }).where('seq', '=', h.seq).execute()
    changed++
  }
  const exclusions = await trx.selectFrom('exclusions').select(['id', 'reason']).where(holdsAny('reason', needles)).execute()
  for (const x of exclusions) {
    await trx.updateTable('exclusions').set({ reason: replaceAll(x.reason, needles) }).where('id', '=', x.id).execute()
    changed++
  }
  const described = await trx.selectFrom('reports').select(['id', 'description']).where(holdsAny('description', needles)).execute()
  for (const r of described) {
    await trx.updateTable('reports').set({ description: replaceAll(r.description ?? '', needles) }).where('id', '=', r.id).execute()
    changed++
  }
  const evidence = await trx.selectFrom('report_evidence').select(['id', 'description']).where(holdsAny('description', needles)).execute()
  for (const e of evidence) {
    await trx.updateTable('report_evidence').set({ description: replaceAll(e.description ?? '', needles) }).where('id', '=', e.id).execute()
    changed++
  }
  return changed
}

/**
 * Erases everything the person behind `email` gave us, keeping the technical facts of
 * their reports (addresses, times, category, verdict, case) for triage history and
 * statistics:
 * - their contact, evidence, raw XARF documents and stored idempotent responses go;
 * - on their reports the free text goes: description, reporter organisation, XARF ids;
 * - the address, and their descriptions quoted verbatim, are blanked to "[erased]" in
 *   case notes, case history and exclusion reasons, and the address in other reports'
 *   descriptions; raw XARF documents of other reports that mention it are dropped.
 */
export async function eraseSubject(db: Kysely<Database>, email: string, now: Date): Promise<ErasureResult> {
  return db.transaction().execute(async (trx) => {
    // before the contacts go: they lead to the mails behind the reports
    const mailMessages = await eraseMailFrom(trx, email, now)
    const ids = await reportIdsFor(trx, email)
    const stored = ids.length
      ? await trx.selectFrom('report_contacts').select('email').where('report_id', 'in', ids).execute()
      : []
    const addresses = [...new Set([email, ...stored.map((s) => s.email)].map((e) => e.toLowerCase()))]
    // other reports' raw XARF documents naming the address (a sender.contact, say)
    const mentioning = await trx
      .selectFrom('report_xarf_documents')
      .select('report_id')
      .where(holdsAny('document', addresses))
      .execute()
    const xarfOnly = mentioning.map((m) => m.report_id).filter((id) => !ids.includes(id))
    if (ids.length === 0) {
      let xarfDocuments = 0
      if (xarfOnly.length) {
        xarfDocuments = Number((await trx.deleteFrom('report_xarf_documents').where('report_id', 'in', xarfOnly).executeTakeFirst()).numDeletedRows)
        await trx.updateTable('reports').set({ xarf_purged_at: now }).where('id', 'in', xarfOnly).execute()
      }
      const redactedElsewhere = await redactQuotes(trx, addresses)
      const outbox = await eraseOutbox(trx, addresses, addresses)
      return { reports: [], contacts: 0, evidence: 0, xarfDocuments, mailMessages, redactedElsewhere, outbox }
    }
    const rows = await trx.selectFrom('reports').select(['ref', 'description']).where('id', 'in', ids).orderBy('ref').execute()
    const contacts = await trx.deleteFrom('report_contacts').where('report_id', 'in', ids).executeTakeFirst()
    const evidence = await trx.deleteFrom('report_evidence').where('report_id', 'in', ids).executeTakeFirst()
    const xarf = await trx.deleteFrom('report_xarf_documents').where('report_id', 'in', [...ids, ...xarfOnly]).executeTakeFirst()
    if (xarfOnly.length) await trx.updateTable('reports').set({ xarf_purged_at: now }).where('id', 'in', xarfOnly).execute()
    await trx
      .updateTable('reports')
      .set({
        contact_purged_at: now,
        evidence_purged_at: now,
        xarf_purged_at: now,
        erased_at: now,
        description: null,
        reporter_org: null,
        xarf_report_id: null,
        xarf_identity: null,
        xarf_fingerprint: null,
      })
      .where('id', 'in', ids)
      .execute()
    // a replayed idempotent response would hand the status token out again: drop those too
    await trx.deleteFrom('report_idempotency').where('report_id', 'in', ids).execute()
    // their own words, quoted in full by the desk (short texts would blank innocent words)
    const quotes = rows.map((r) => r.description).filter((d): d is string => d !== null && d.length >= 12)
    const redactedElsewhere = await redactQuotes(trx, [...addresses, ...quotes])
    const outbox = await eraseOutbox(trx, addresses, [...addresses, ...quotes])
    return {
      reports: rows.map((r) => r.ref),
      contacts: Number(contacts.numDeletedRows),
      evidence: Number(evidence.numDeletedRows),
      xarfDocuments: Number(xarf.numDeletedRows),
      redactedElsewhere,
      outbox,
      mailMessages,
    }
  })
}

/** Outbox rows (and their delivery log) addressed to the person, or whose payload quotes them. */
async function eraseOutbox(trx: Kysely<Database>, addresses: readonly string[], needles: readonly string[]): Promise<number> {
  let n = 0
  for (const a of addresses) n += await eraseOutboxFor(trx, a)
  const quoting = await trx.deleteFrom('outbox').where(holdsAny('payload', needles)).executeTakeFirst()
  return n + Number(quoting.numDeletedRows)
}

export interface MonthlyCounts {
  month: string
  byVerdict: Record<string, number>
  byCategory: Record<string, number>
  total: number
}

/** Report counts per UTC month by verdict and by category, received in [since, until) (raw; round before publishing). */
export async function monthlyReportCounts(db: Kysely<Database>, since: Date, until: Date): Promise<MonthlyCounts[]> {
  const rows = await sql<{ month: string; verdict: string; category: string; n: number }>`
    select to_char(received_at at time zone 'UTC', 'YYYY-MM') as month, verdict, category, count(*)::int as n
    from reports where received_at >= ${since} and received_at < ${until}
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
