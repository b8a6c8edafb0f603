-- Change notifications: the notice policy's override on a version, subscriptions
-- (webhooks and e-mail), and the events that fan out to them through the outbox.
-- Frozen once landed: later changes go into new files.

-- Set when a version announced something with less than the published notice period:
-- { "reason": "...", "noticeDays": 14, "shortfalls": [{ prefix, kind, effective, noticeDays }] }
alter table feed_versions add column notice_override jsonb;

create table notification_subscriptions (
  id uuid primary key default gen_random_uuid(),
  channel text not null check (channel in ('webhook', 'email')),
  -- webhook endpoint (https, or http for tests); null for e-mail
  url text,
  -- e-mail subscriber (personal data: export, erase and retention cover it)
  email text,
  -- who hears about a webhook being disabled (personal data too)
  owner_email text,
  -- Standard Webhooks signing secret (whsec_…); needed in clear to sign each delivery
  secret text,
  events text[] not null,
  status text not null check (status in ('pending', 'active', 'disabled', 'unsubscribed')),
  -- hash of the one-time confirmation token (e-mail double opt-in) or webhook challenge
  confirm_hash text,
  -- capability to unsubscribe this one subscription (RFC 8058 link); grants nothing else
  unsubscribe_token text not null unique,
  created_by text not null,
  created_at timestamptz not null default now(),
  confirmed_at timestamptz,
  disabled_at timestamptz,
  disabled_reason text,
  -- circuit breaker and automatic disabling (webhooks)
  failing_since timestamptz,
  consecutive_failures integer not null default 0,
  circuit_open_until timestamptz,
  last_success_at timestamptz,
  constraint notification_subscriptions_target check (
    (channel = 'webhook' and url is not null and secret is not null)
    or (channel = 'email' and email is not null)
  )
);
create unique index notification_subscriptions_live_url
  on notification_subscriptions (url) where channel = 'webhook' and status in ('pending', 'active');
create unique index notification_subscriptions_live_email
  on notification_subscriptions (lower(email)) where channel = 'email' and status in ('pending', 'active');

-- One row per thing worth telling subscribers about; fanned out to the outbox (one row
-- per subscription) by the housekeeping loop, never inside the publish transaction.
create table notification_events (
  id uuid primary key default gen_random_uuid(),
  type text not null,
  dedupe_key text not null unique,
  serial integer,
  payload jsonb not null,
  created_at timestamptz not null,
  fanned_out_at timestamptz
);
create index notification_events_pending on notification_events (created_at) where fanned_out_at is null;

-- Which published serial the notifier has turned into events (one row).
create table notification_state (
  id smallint primary key check (id = 1),
  last_serial integer not null
);
