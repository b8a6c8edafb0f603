/**
 * @module db/schema
 * Kysely table types, following Kysely's documented conventions: one `Database`
 * interface, `Generated<>` for defaults, `T | null` for nullable columns, and
 * Selectable/Insertable/Updateable aliases for use in code.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { CaseStatus } from '../domain/intake/case-state.js'
import type { EvidenceHashStatus } from '../domain/intake/evidence.js'
import type { Verdict } from '../domain/intake/verdicts.js'
import type { NotificationTables } from './notification-schema.js'

/** timestamptz: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>
/** timestamptz with a database default (optional on insert). */
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface ScannerRangesTable {
  id: Generated<string>
  prefix: string
  family: number
  pool: string
  region: string
  label: Generated<string>
  active_from: Timestamp
  retire_at: Timestamp | null
  created_at: GeneratedTimestamp
  updated_at: GeneratedTimestamp
  /** migrations/0008: first version that published the range (null: never published). */
  first_published_serial: Generated<number | null>
  /** migrations/0008: when it stopped counting (retired or withdrawn); frees its prefix. */
  retired_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}

export interface FeedVersionsTable {
  serial: number
  created_at: Timestamp
  sha256: string
  ipv4_count: number
  ipv6_count: number
  entries: ColumnType<unknown, string, string>
  changes: ColumnType<unknown, string, string>
  note: string | null
  forced: Generated<boolean>
  published_by: string
  /** NoticeOverride JSON when published with less than the promised notice (0010) */
  notice_override: ColumnType<unknown, string | null | undefined, string | null>
}

export interface ApiTokensTable {
  id: Generated<string>
  name: string
  token_prefix: string
  token_hash: string
  scopes: string[]
  created_at: GeneratedTimestamp
  expires_at: Timestamp | null
  revoked_at: Timestamp | null
  last_used_at: Timestamp | null
}

// --- abuse-report intake (migrations/0002_intake.sql) ---------------------------------
// inet/cidr columns are strings; select inet as `host(ip)` (`ip::text` would add /32) and
// cidr as `prefix::text`, so both drivers agree.
// `date` columns are selected as text too (pg would build a local-midnight Date).


export interface ScanSessionsTable {
  id: Generated<string>
  external_id: string
  customer_ref: string
  scan_type: string | null
  started_at: Timestamp
  ended_at: Timestamp | null
  created_at: GeneratedTimestamp
  updated_at: GeneratedTimestamp
}

export interface ScanSessionIpsTable {
  session_id: string
  ip: string
  /** tstzrange, written with sql`tstzrange(...)` */
  during: ColumnType<string, never, never>
}

export interface ScanSessionTargetsTable {
  session_id: string
  target: string
}

export interface CasesTable {
  id: Generated<string>
  scanner_ip: string
  target_prefix: string
  /** date: select as `day::text` */
  day: ColumnType<string, string, string>
  status: ColumnType<CaseStatus, CaseStatus | undefined, CaseStatus>
  suggested_verdict: Verdict | null
  final_verdict: Verdict | null
  assignee: string | null
  report_count: Generated<number>
  first_report_at: Timestamp
  last_report_at: Timestamp
  resolved_at: Timestamp | null
  created_at: Timestamp
  updated_at: Timestamp
  /** what reporters are told once resolved (migrations/0006) */
  outcome_text: ColumnType<string | null, string | null | undefined, string | null>
  /** the settled case this one was opened after (migrations/0006) */
  follows_case_id: ColumnType<string | null, string | null | undefined, string | null>
}

export interface ReportsTable {
  id: Generated<string>
  ref: string
  status_token_hash: string
  channel: 'json' | 'form' | 'xarf' | 'email'
  category: string
  protocol: string | null
  ports: number[] | null
  target: string
  observed_from: Timestamp
  observed_to: Timestamp
  description: string | null
  xarf_report_id: string | null
  xarf_type: string | null
  reporter_org: string | null
  ours: boolean
  primary_source_ip: string
  verdict: ColumnType<Verdict, Verdict | undefined, Verdict>
  case_id: string
  received_at: Timestamp
  created_at: GeneratedTimestamp
  /** set by retention or erasure (migrations/0003) */
  contact_purged_at: Timestamp | null
  evidence_purged_at: Timestamp | null
  xarf_purged_at: Timestamp | null
  /** migrations/0007: erasure on request; SHA-256 of the XARF identity and document */
  erased_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  xarf_identity: ColumnType<string | null, string | null | undefined, string | null>
  xarf_fingerprint: ColumnType<string | null, string | null | undefined, string | null>
}

export interface ReportSourcesTable {
  report_id: string
  ip: string
  position: number
  ours: boolean
  /** tstzrange, written with sql`tstzrange(...)` */
  observed: ColumnType<string, never, never>
  verdict: ColumnType<Verdict, Verdict | undefined, Verdict>
}

export interface ReportSessionLinksTable {
  report_id: string
  session_id: string
  source_ip: string
  in_scope: boolean
}

export interface ReportContactsTable {
  report_id: string
  email: string
  created_at: Timestamp
}

export interface ReportEvidenceTable {
  id: Generated<string>
  report_id: string
  position: number
  content_type: string
  description: string | null
  content: Uint8Array
  size_bytes: number
  sha256: string
  declared_hash: string | null
  hash_status: EvidenceHashStatus
  created_at: Timestamp
}

export interface ReportXarfDocumentsTable {
  report_id: string
  document: string
  created_at: Timestamp
}

export interface ReportIdempotencyTable {
  key_hash: string
  request_hash: string
  report_id: string | null
  response: ColumnType<unknown, string | null, string | null>
  created_at: Timestamp
}

export interface CaseNotesTable {
  id: Generated<string>
  seq: ColumnType<string, never, never>
  case_id: string
  author: string
  visibility: 'internal' | 'reporter'
  body: string
  created_at: Timestamp
}

/** Which reports a reporter-visible note is addressed to (migrations/0006). */
export interface CaseNoteRecipientsTable {
  note_id: string
  report_id: string
}

export interface CaseHistoryTable {
  seq: ColumnType<string, never, never>
  case_id: string
  at: Timestamp
  actor: string
  action: string
  detail: ColumnType<unknown, string | undefined, string>
}

export interface ExclusionsTable {
  id: Generated<string>
  target: string
  reason: string
  case_id: string | null
  created_by: string
  created_at: Timestamp
  /** migrations/0006 */
  source: ExclusionSource
  expires_at: Timestamp | null
  override_reason: string | null
}

export type ExclusionSource = 'desk' | 'api' | 'opt_out' | 'case_resolution'

// --- audit trail and rate limits (migrations/0003_audit_and_limits.sql) ---------------

export interface AuditEventsTable {
  seq: number
  at: Timestamp
  actor: string
  action: string
  object_type: string
  object_id: string | null
  diff: ColumnType<unknown, string, string>
  prev_hash: string
  hash: string
}

export interface RateLimitCountersTable {
  bucket: string
  window_start: Timestamp
  hits: number
}

// --- abuse-desk browser sessions (migrations/0004_desk_sessions.sql) ------------------

export interface DeskSessionsTable {
  /** SHA-256 (hex) of the session id the browser holds */
  id_hash: string
  token_id: string
  csrf_token: string
  created_at: Timestamp
  last_seen_at: Timestamp
  expires_at: Timestamp
}

// --- the outbox for everything we send (migrations/0005_outbox.sql) --------------------

export type OutboxStatus = 'pending' | 'sent' | 'dead'

export interface OutboxTable {
  id: Generated<string>
  kind: string
  destination: string
  dedupe_key: string | null
  payload: ColumnType<unknown, string, string>
  personal_email: string | null
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>
  attempts: Generated<number>
  next_attempt_at: Timestamp
  locked_until: Timestamp | null
  give_up_at: Timestamp
  last_error: string | null
  created_at: Timestamp
  sent_at: Timestamp | null
}

export interface OutboxAttemptsTable {
  id: Generated<string>
  outbox_id: string
  attempted_at: Timestamp
  ok: boolean
  status_code: number | null
  latency_ms: number
  error: string | null
}

// --- e-mail intake (migrations/0009_mail_intake.sql) ---------------------------------

export type MailVia = 'pipe' | 'smtp' | 'email-routing' | 'desk'
export type MailStatus = 'accepted' | 'unparsed' | 'converted' | 'dismissed'

export interface MailMessagesTable {
  id: Generated<string>
  received_at: Timestamp
  via: MailVia
  sha256: string
  message_id: string | null
  size_bytes: number
  raw: Uint8Array | null
  sender: string | null
  subject: string | null
  status: MailStatus
  reason: string | null
  report_count: Generated<number>
  raw_purged_at: Timestamp | null
  parsed_at: Timestamp
  created_at: Timestamp
}

export interface MailMessageReportsTable {
  mail_id: string
  report_id: string
}

export interface Database extends NotificationTables {
  scanner_ranges: ScannerRangesTable
  feed_versions: FeedVersionsTable
  api_tokens: ApiTokensTable
  audit_events: AuditEventsTable
  rate_limit_counters: RateLimitCountersTable
  scan_sessions: ScanSessionsTable
  scan_session_ips: ScanSessionIpsTable
  scan_session_targets: ScanSessionTargetsTable
  cases: CasesTable
  reports: ReportsTable
  report_sources: ReportSourcesTable
  report_session_links: ReportSessionLinksTable
  report_contacts: ReportContactsTable
  report_evidence: ReportEvidenceTable
  report_xarf_documents: ReportXarfDocumentsTable
  report_idempotency: ReportIdempotencyTable
  case_notes: CaseNotesTable
  case_note_recipients: CaseNoteRecipientsTable
  case_history: CaseHistoryTable
  exclusions: ExclusionsTable
  desk_sessions: DeskSessionsTable
  outbox: OutboxTable
  outbox_attempts: OutboxAttemptsTable
  mail_messages: MailMessagesTable
  mail_message_reports: MailMessageReportsTable
}

export type ScannerRangeRow = Selectable<ScannerRangesTable>
export type NewScannerRange = Insertable<ScannerRangesTable>
export type ScannerRangeUpdate = Updateable<ScannerRangesTable>
export type FeedVersionRow = Selectable<FeedVersionsTable>
export type ApiTokenRow = Selectable<ApiTokensTable>
export type AuditEventRow = Selectable<AuditEventsTable>
