-- Abuse-report intake: scan sessions, reports, cases, triage and the exclusion list.
-- Frozen once landed: later changes go into new files.
--
-- Personal data is kept apart from the report facts: the reporter's e-mail
-- (report_contacts), evidence (report_evidence) and raw XARF documents
-- (report_xarf_documents) each live in their own table with a created_at, so retention
-- and erasure can delete those rows without touching the triage history.

-- Scan sessions as the scan platform reports them.
create table scan_sessions (
  id uuid primary key default gen_random_uuid(),
  external_id text not null unique,
  customer_ref text not null,
  scan_type text,
  started_at timestamptz not null,
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint scan_sessions_end_after_start check (ended_at is null or ended_at >= started_at)
);

-- One row per scanner address of a session, carrying the session's time range so that
-- "which sessions used this address during this window" is one GiST index probe.
create table scan_session_ips (
  session_id uuid not null references scan_sessions (id) on delete cascade,
  ip inet not null,
  during tstzrange not null,
  primary key (session_id, ip)
);
create index scan_session_ips_ip_during on scan_session_ips using gist (ip inet_ops, during);

-- The targets the customer attested it owns, per session.
create table scan_session_targets (
  session_id uuid not null references scan_sessions (id) on delete cascade,
  target cidr not null,
  primary key (session_id, target)
);
create index scan_session_targets_target on scan_session_targets using gist (target inet_ops);

-- A case groups the reports about one scanner address, target /24 (IPv4) or /64 (IPv6)
-- and UTC day.
create table cases (
  id uuid primary key default gen_random_uuid(),
  scanner_ip inet not null,
  target_prefix cidr not null,
  day date not null,
  status text not null default 'open'
    check (status in ('open', 'investigating', 'awaiting_customer', 'resolved', 'dismissed')),
  suggested_verdict text
    check (suggested_verdict in ('authorized_scan', 'out_of_scope_scan', 'our_ip_no_session', 'not_our_ip')),
  final_verdict text
    check (final_verdict in ('authorized_scan', 'out_of_scope_scan', 'our_ip_no_session', 'not_our_ip')),
  assignee text,
  report_count integer not null default 0,
  first_report_at timestamptz not null,
  last_report_at timestamptz not null,
  resolved_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  constraint cases_grouping_key unique (scanner_ip, target_prefix, day),
  constraint cases_resolved_has_verdict check (status <> 'resolved' or final_verdict is not null)
);
create index cases_listing on cases (created_at desc, id desc);
create index cases_status on cases (status, created_at desc);

-- The report facts. No personal data here: see the tables below.
create table reports (
  id uuid primary key default gen_random_uuid(),
  -- public reference: random, never sequential
  ref text not null unique,
  -- SHA-256 of the status token; the token itself is shown once and never stored
  status_token_hash text not null,
  channel text not null check (channel in ('json', 'form', 'xarf')),
  category text not null,
  protocol text,
  ports integer[],
  target cidr not null,
  observed_from timestamptz not null,
  observed_to timestamptz not null,
  description text,
  xarf_report_id text,
  xarf_type text,
  reporter_org text,
  ours boolean not null,
  -- the source address the case grouping used
  primary_source_ip inet not null,
  verdict text not null default 'not_our_ip'
    check (verdict in ('authorized_scan', 'out_of_scope_scan', 'our_ip_no_session', 'not_our_ip')),
  case_id uuid not null references cases (id),
  received_at timestamptz not null,
  created_at timestamptz not null default now(),
  constraint reports_window check (observed_from <= observed_to)
);
create index reports_case on reports (case_id, received_at);

-- Every source address of a report with its own verdict; `observed` repeats the
-- report's window so a newly arriving session finds the reports it explains by index.
create table report_sources (
  report_id uuid not null references reports (id) on delete cascade,
  ip inet not null,
  position smallint not null,
  ours boolean not null,
  observed tstzrange not null,
  verdict text not null default 'not_our_ip'
    check (verdict in ('authorized_scan', 'out_of_scope_scan', 'our_ip_no_session', 'not_our_ip')),
  primary key (report_id, ip)
);
create index report_sources_ours_ip_observed on report_sources using gist (ip inet_ops, observed) where ours;

-- Which sessions explain which report (recomputed whenever sessions change).
create table report_session_links (
  report_id uuid not null references reports (id) on delete cascade,
  session_id uuid not null references scan_sessions (id) on delete cascade,
  source_ip inet not null,
  in_scope boolean not null,
  primary key (report_id, session_id, source_ip)
);
create index report_session_links_session on report_session_links (session_id);

-- Personal data, purgeable on its own.
create table report_contacts (
  report_id uuid primary key references reports (id) on delete cascade,
  email text not null,
  created_at timestamptz not null
);

create table report_evidence (
  id uuid primary key default gen_random_uuid(),
  report_id uuid not null references reports (id) on delete cascade,
  position smallint not null,
  content_type text not null,
  description text,
  content bytea not null,
  size_bytes integer not null,
  sha256 text not null,
  -- as the sender declared it (XARF `hash`), and what checking it found
  declared_hash text,
  hash_status text not null check (hash_status in ('not_declared', 'match', 'mismatch', 'unsupported')),
  created_at timestamptz not null
);
create index report_evidence_report on report_evidence (report_id, position);
create index report_evidence_created on report_evidence (created_at);

create table report_xarf_documents (
  report_id uuid primary key references reports (id) on delete cascade,
  document text not null,
  created_at timestamptz not null
);
create index report_xarf_documents_created on report_xarf_documents (created_at);
create index report_contacts_created on report_contacts (created_at);

-- Idempotency-Key records for POST /v1/reports. They hold the first response, status
-- token included, so they are only honoured for 24 hours and then purged.
create table report_idempotency (
  key_hash text primary key,
  request_hash text not null,
  report_id uuid references reports (id) on delete cascade,
  response jsonb,
  created_at timestamptz not null
);
create index report_idempotency_created on report_idempotency (created_at);

create table case_notes (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  case_id uuid not null references cases (id) on delete cascade,
  author text not null,
  visibility text not null check (visibility in ('internal', 'reporter')),
  body text not null,
  created_at timestamptz not null
);
create index case_notes_case on case_notes (case_id, seq);

-- The case timeline: who did what when. No personal data or note text in `detail`.
create table case_history (
  seq bigint generated always as identity primary key,
  case_id uuid not null references cases (id) on delete cascade,
  at timestamptz not null,
  actor text not null,
  action text not null,
  detail jsonb not null default '{}'::jsonb
);
create index case_history_case on case_history (case_id, seq);

-- Targets the scan platform must not scan (added when a case is resolved as an
-- out-of-scope scan).
create table exclusions (
  id uuid primary key default gen_random_uuid(),
  target cidr not null unique,
  reason text not null,
  case_id uuid references cases (id) on delete set null,
  created_by text not null,
  created_at timestamptz not null
);
create index exclusions_target on exclusions using gist (target inet_ops);
create index exclusions_listing on exclusions (created_at desc, id desc);
