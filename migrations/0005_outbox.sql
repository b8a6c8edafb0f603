-- One outbox for everything scangate sends (acknowledgement and subscription mail, webhooks).
-- Writers insert a row in the same transaction as the change that causes it, so nothing is
-- sent for a change that rolled back and nothing is lost when a sender is down. Senders claim
-- due rows with FOR UPDATE SKIP LOCKED, so several Node processes and Worker invocations can
-- run at once and each row is sent once per attempt.
create table outbox (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind ~ '^[a-z_]{1,32}$'),
  -- the group a circuit breaker or rate limit applies to: a webhook subscription id, a mail domain
  destination text not null,
  -- makes an enqueue idempotent (the same event for the same subscriber is queued once)
  dedupe_key text unique,
  payload jsonb not null,
  -- the person a mail is addressed to, so retention, export and erasure find it without
  -- reading payloads; null for anything not addressed to a person
  personal_email text,
  status text not null default 'pending' check (status in ('pending', 'sent', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  -- a claim's lease: a sender that died mid-send leaves the row due again once it passes
  locked_until timestamptz,
  give_up_at timestamptz not null,
  last_error text,
  created_at timestamptz not null,
  sent_at timestamptz
);
create index outbox_due on outbox (next_attempt_at) where status = 'pending';
create index outbox_destination on outbox (destination, created_at desc);
create index outbox_personal_email on outbox (personal_email) where personal_email is not null;
create index outbox_finished on outbox (created_at) where status <> 'pending';

-- The delivery log: one row per attempt. Response bodies are never stored.
create table outbox_attempts (
  id bigint generated always as identity primary key,
  outbox_id uuid not null references outbox (id) on delete cascade,
  attempted_at timestamptz not null,
  ok boolean not null,
  status_code integer,
  latency_ms integer not null,
  error text
);
create index outbox_attempts_outbox on outbox_attempts (outbox_id, attempted_at desc);
