-- Tamper-evident audit trail and shared rate-limit counters.
-- Frozen once landed: later changes go into new files.

-- Every admin and triage action appends one event. Each event stores the hash of the
-- previous one, so editing or deleting an event breaks the chain (`cli audit verify`).
-- `diff` never holds personal data (no e-mails, evidence or tokens).
create table audit_events (
  seq integer primary key check (seq > 0),
  at timestamptz not null,
  actor text not null,
  action text not null,
  object_type text not null,
  object_id text,
  diff jsonb not null,
  prev_hash text not null,
  hash text not null unique
);
create index audit_events_object on audit_events (object_type, object_id, seq);
create index audit_events_action on audit_events (action, seq);

-- Fixed-window counters shared by every process (and every Worker isolate).
create table rate_limit_counters (
  bucket text not null,
  window_start timestamptz not null,
  hits integer not null,
  primary key (bucket, window_start)
);
create index rate_limit_counters_window on rate_limit_counters (window_start);

-- Retention and erasure remove personal data but keep the report for triage history;
-- these mark what went and when, so the desk sees "contact purged" instead of a gap.
alter table reports
  add column contact_purged_at timestamptz,
  add column evidence_purged_at timestamptz,
  add column xarf_purged_at timestamptz;
