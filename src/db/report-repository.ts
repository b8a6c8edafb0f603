/**
 * @module db/report-repository
 * Abuse reports: intake (case grouping, linking, verdicts), the reporter's status view,
 * the desk's view, and Idempotency-Key records.
 *
 * Personal data goes to its own tables (report_contacts, report_evidence,
 * report_xarf_documents), each row with a created_at, so a retention job can delete it
 * without losing the report facts or the case timeline.
 */
import { sql, type Kysely } from 'kysely'
import type { IpAddress } from '../domain/cidr.js'
import { caseKey, chooseCaseSourceIp, targetGroup, utcDay } from '../domain/intake/case-key.js'
import type { EvidenceItem } from '../domain/intake/evidence.js'
import { generateRef } from '../domain/intake/report-ids.js'
import type { ValidReport } from '../domain/intake/report-rules.js'
import type { Verdict } from '../domain/intake/verdicts.js'
import { joinCase, scannerIpsWithCase, type CaseRecord } from './case-repository.js'
import { relinkReports } from './linking.js'
import type { Database } from './schema.js'

/** How long after retirement an address still counts as ours (as in /v1/lookup). */
export const OURS_GRACE_DAYS = 90
const DAY_MS = 86_400_000

export interface NewReport {
  report: ValidReport
  channel: 'json' | 'form' | 'xarf' | 'email'
  statusTokenHash: string
  evidence: EvidenceItem[]
  xarf: { document: string; reportId: string | null; type: string; reporterOrg: string | null; identity?: string | null; fingerprint?: string } | null
}

export interface CreatedReport {
  id: string
  ref: string
  ours: boolean
  /** the case as the report joined it (status final; suggested verdict from before linking) */
  case: CaseRecord
}

/**
 * Which addresses are ours: inside a catalogue range that is announced, active,
 * retiring, or retired less than 90 days ago.
 */
export async function classifySources(db: Kysely<Database>, ips: readonly IpAddress[], now: Date): Promise<boolean[]> {
  const cutoff = new Date(now.getTime() - OURS_GRACE_DAYS * DAY_MS)
  const rows = await sql<{ n: number; ours: boolean }>`
    select u.n::int as n, exists (
      select 1 from scanner_ranges r
      where r.prefix >>= u.ip::inet and (r.retire_at is null or r.retire_at > ${cutoff})
    ) as ours
    from unnest(${ips.map((i) => i.text)}::text[]) with ordinality as u(ip, n)
    order by u.n`.execute(db)
  return rows.rows.map((r) => r.ours)
}

/**
 * Stores a report: joins (or opens) its case, records sources, personal data and
 * evidence, then links it to sessions and computes its verdict. Call inside a transaction.
 */
export async function createReport(db: Kysely<Database>, input: NewReport, now: Date): Promise<CreatedReport> {
  const r = input.report
  const ours = await classifySources(db, r.sourceIps, now)
  const sources = r.sourceIps.map((ip, i) => ({ ip, ours: ours[i] ?? false }))
  const group = targetGroup(r.target).text
  const day = utcDay(r.observedFrom)
  const withCase = await scannerIpsWithCase(db, sources.filter((s) => s.ours).map((s) => s.ip.text), group, day)
  const primary = chooseCaseSourceIp(sources, (ip) => withCase.has(ip))

  let ref = generateRef()
  const joined = await joinCase(db, caseKey(primary.ip, r.target, r.observedFrom), now, ref)
  let id: string | undefined
  // 50 random bits make a clash practically impossible; if one happens, draw again
  for (let attempt = 0; attempt < 5 && !id; attempt++) {
    if (attempt > 0) ref = generateRef()
    const row = await db
      .insertInto('reports')
      .values({
        ref,
        status_token_hash: input.statusTokenHash,
        channel: input.channel,
        category: r.category,
        protocol: r.protocol,
        ports: r.ports,
        target: r.target.text,
        observed_from: r.observedFrom,
        observed_to: r.observedTo,
        description: r.description,
        xarf_report_id: input.xarf?.reportId ?? null,
        xarf_type: input.xarf?.type ?? null,
        reporter_org: input.xarf?.reporterOrg ?? null,
        xarf_identity: input.xarf?.identity ?? null,
        xarf_fingerprint: input.xarf?.fingerprint ?? null,
        ours: sources.some((s) => s.ours),
        primary_source_ip: primary.ip.text,
        case_id: joined.id,
        received_at: now,
      })
      .onConflict((oc) => oc.column('ref').doNothing())
      .returning('id')
      .executeTakeFirst()
    id = row?.id
  }
  if (!id) throw new Error('could not draw an unused report reference')

  await sql`
    insert into report_sources (report_id, ip, position, ours, observed)
    select ${id}::uuid, u.ip::inet, u.n::smallint, u.ours, tstzrange(${r.observedFrom}, ${r.observedTo}, '[]')
    from unnest(${sources.map((s) => s.ip.text)}::text[], ${sources.map((s) => s.ours)}::boolean[]) with ordinality as u(ip, ours, n)`.execute(db)
  if (r.contactEmail) {
    await db.insertInto('report_contacts').values({ report_id: id, email: r.contactEmail, created_at: now }).execute()
  }
  if (input.evidence.length) {
    await db
      .insertInto('report_evidence')
      .values(
        input.evidence.map((e, i) => ({
          report_id: id,
          position: i,
          content_type: e.contentType,
          description: e.description,
          content: e.content,
          size_bytes: e.content.length,
          sha256: e.sha256,
          declared_hash: e.declaredHash,
          hash_status: e.hashStatus,
          created_at: now,
        })),
      )
      .execute()
  }
  if (input.xarf) {
    await db.insertInto('report_xarf_documents').values({ report_id: id, document: input.xarf.document, created_at: now }).execute()
  }
  // linking changes verdicts, never the case status
  await relinkReports(db, [id], now, { newReports: true })
  return { id, ref, ours: sources.some((s) => s.ours), case: joined }
}

// ---------------------------------------------------------------------------------------
// The reporter's view

export interface ReporterView {
  id: string
  ref: string
  receivedAt: Date
  observedFrom: Date
  observedTo: Date
  target: string
  sourceIps: string[]
  category: string
  ours: boolean
  caseStatus: CaseRecord['status']
  /** the desk's outcome text (shown only once resolved: reporterOutcome) */
  outcomeText: string | null
}

/** The report with this ref and status token hash; null for an unknown ref or a wrong token alike. */
export async function findReportForReporter(db: Kysely<Database>, ref: string, tokenHash: string): Promise<ReporterView | null> {
  const row = await db
    .selectFrom('reports as r')
    .innerJoin('cases as c', 'c.id', 'r.case_id')
    .select([
      'r.id',
      'r.ref',
      'r.received_at',
      'r.observed_from',
      'r.observed_to',
      sql<string>`r.target::text`.as('target'),
      'r.category',
      'r.ours',
      'c.status',
      'c.outcome_text',
      sql<string[]>`(select array_agg(host(s.ip) order by s.position) from report_sources s where s.report_id = r.id)`.as('source_ips'),
    ])
    .where('r.ref', '=', ref)
    .where('r.status_token_hash', '=', tokenHash)
    .executeTakeFirst()
  if (!row) return null
  return {
    id: row.id,
    ref: row.ref,
    receivedAt: row.received_at,
    observedFrom: row.observed_from,
    observedTo: row.observed_to,
    target: row.target,
    sourceIps: row.source_ips ?? [],
    category: row.category,
    ours: row.ours,
    caseStatus: row.status,
    outcomeText: row.outcome_text,
  }
}

// ---------------------------------------------------------------------------------------
// The desk's view

export interface DeskEvidence {
  id: string
  contentType: string
  description: string | null
  sizeBytes: number
  sha256: string
  declaredHash: string | null
  hashStatus: string
  content: Uint8Array
}

export interface DeskReport {
  id: string
  ref: string
  channel: string
  category: string
  protocol: string | null
  ports: number[] | null
  target: string
  observedFrom: Date
  observedTo: Date
  description: string | null
  xarfReportId: string | null
  xarfType: string | null
  reporterOrg: string | null
  ours: boolean
  verdict: Verdict
  primarySourceIp: string
  receivedAt: Date
  contactEmail: string | null
  hasXarfDocument: boolean
  /** when retention or erasure removed personal data (null: still stored or never given) */
  purged: { contact: Date | null; evidence: Date | null; xarfDocument: Date | null }
  sources: { ip: string; ours: boolean; verdict: Verdict }[]
  evidence: DeskEvidence[]
}

export async function listReportsOfCase(db: Kysely<Database>, caseId: string): Promise<DeskReport[]> {
  const rows = await db
    .selectFrom('reports as r')
    .leftJoin('report_contacts as rc', 'rc.report_id', 'r.id')
    .select([
      'r.id',
      'r.ref',
      'r.channel',
      'r.category',
      'r.protocol',
      'r.ports',
      sql<string>`r.target::text`.as('target'),
      'r.observed_from',
      'r.observed_to',
      'r.description',
      'r.xarf_report_id',
      'r.xarf_type',
      'r.reporter_org',
      'r.ours',
      'r.verdict',
      sql<string>`host(r.primary_source_ip)`.as('primary_source_ip'),
      'r.received_at',
      'rc.email',
      'r.contact_purged_at',
      'r.evidence_purged_at',
      'r.xarf_purged_at',
      sql<boolean>`exists (select 1 from report_xarf_documents x where x.report_id = r.id)`.as('has_xarf'),
    ])
    .where('r.case_id', '=', caseId)
    .orderBy('r.received_at')
    .orderBy('r.created_at')
    .orderBy('r.ref')
    .execute()
  const ids = rows.map((r) => r.id)
  const sources = ids.length
    ? await db
        .selectFrom('report_sources')
        .select(['report_id', sql<string>`host(ip)`.as('ip'), 'ours', 'verdict'])
        .where('report_id', 'in', ids)
        .orderBy('report_id')
        .orderBy('position')
        .execute()
    : []
  const evidence = ids.length
    ? await db
        .selectFrom('report_evidence')
        .select(['id', 'report_id', 'content_type', 'description', 'size_bytes', 'sha256', 'declared_hash', 'hash_status', 'content'])
        .where('report_id', 'in', ids)
        .orderBy('report_id')
        .orderBy('position')
        .execute()
    : []
  return rows.map((r) => ({
    id: r.id,
    ref: r.ref,
    channel: r.channel,
    category: r.category,
    protocol: r.protocol,
    ports: r.ports,
    target: r.target,
    observedFrom: r.observed_from,
    observedTo: r.observed_to,
    description: r.description,
    xarfReportId: r.xarf_report_id,
    xarfType: r.xarf_type,
    reporterOrg: r.reporter_org,
    ours: r.ours,
    verdict: r.verdict,
    primarySourceIp: r.primary_source_ip,
    receivedAt: r.received_at,
    contactEmail: r.email,
    hasXarfDocument: r.has_xarf,
    purged: { contact: r.contact_purged_at, evidence: r.evidence_purged_at, xarfDocument: r.xarf_purged_at },
    sources: sources.filter((s) => s.report_id === r.id).map((s) => ({ ip: s.ip, ours: s.ours, verdict: s.verdict })),
    evidence: evidence
      .filter((e) => e.report_id === r.id)
      .map((e) => ({
        id: e.id,
        contentType: e.content_type,
        description: e.description,
        sizeBytes: e.size_bytes,
        sha256: e.sha256,
        declaredHash: e.declared_hash,
        hashStatus: e.hash_status,
        content: e.content,
      })),
  }))
}

export interface SessionLink {
  sessionId: string
  reportRef: string
  sourceIp: string
  inScope: boolean
}

export async function listSessionLinksOfCase(db: Kysely<Database>, caseId: string): Promise<SessionLink[]> {
  const rows = await db
    .selectFrom('report_session_links as l')
    .innerJoin('reports as r', 'r.id', 'l.report_id')
    .select(['l.session_id', 'r.ref', sql<string>`host(l.source_ip)`.as('source_ip'), 'l.in_scope'])
    .where('r.case_id', '=', caseId)
    .orderBy('r.received_at')
    .execute()
  return rows.map((r) => ({ sessionId: r.session_id, reportRef: r.ref, sourceIp: r.source_ip, inScope: r.in_scope }))
}

/** The distinct targets of a case's reports (what the desk may propose to exclude). */
export async function targetsOfCase(db: Kysely<Database>, caseId: string): Promise<string[]> {
  const rows = await sql<{ target: string }>`
    select distinct target::text as target from reports where case_id = ${caseId}::uuid order by 1`.execute(db)
  return rows.rows.map((r) => r.target)
}

// ---------------------------------------------------------------------------------------
// Idempotency-Key records

/**
 * Records are honoured for 24 hours. They hold the first response with the status token
 * sealed (domain/intake/idempotency.ts), never in plain text; `purgeExpiredIdempotencyRecords`
 * should still run at least daily.
 */
export const IDEMPOTENCY_TTL_MS = DAY_MS

export interface StoredResponse {
  ref: string
  /** the status token, sealed under a key derived from the Idempotency-Key */
  sealedToken: string
  ours: boolean
  status: string
}

export type IdempotencyClaim =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'conflict' }

/**
 * Claims a key for this request. On Postgres a concurrent claim of the same key waits
 * for the first transaction, then replays its response. Call inside the intake transaction.
 */
export async function claimIdempotencyKey(db: Kysely<Database>, keyHash: string, requestHash: string, now: Date): Promise<IdempotencyClaim> {
  const expired = new Date(now.getTime() - IDEMPOTENCY_TTL_MS)
  await db.deleteFrom('report_idempotency').where('key_hash', '=', keyHash).where('created_at', '<=', expired).execute()
  const inserted = await db
    .insertInto('report_idempotency')
    .values({ key_hash: keyHash, request_hash: requestHash, report_id: null, response: null, created_at: now })
    .onConflict((oc) => oc.column('key_hash').doNothing())
    .returning('key_hash')
    .executeTakeFirst()
  if (inserted) return { kind: 'new' }
  const row = await db.selectFrom('report_idempotency').select(['request_hash', 'response']).where('key_hash', '=', keyHash).executeTakeFirstOrThrow()
  if (row.request_hash !== requestHash || !row.response) return { kind: 'conflict' }
  return { kind: 'replay', response: row.response as StoredResponse }
}

export async function completeIdempotencyKey(db: Kysely<Database>, keyHash: string, reportId: string, response: StoredResponse): Promise<void> {
  await db.updateTable('report_idempotency').set({ report_id: reportId, response: JSON.stringify(response) }).where('key_hash', '=', keyHash).execute()
}

/** Deletes records older than 24 hours; returns how many. For the retention job. */
export async function purgeExpiredIdempotencyRecords(db: Kysely<Database>, now: Date): Promise<number> {
  const expired = new Date(now.getTime() - IDEMPOTENCY_TTL_MS)
  const res = await db.deleteFrom('report_idempotency').where('created_at', '<=', expired).executeTakeFirst()
  return Number(res.numDeletedRows)
}
