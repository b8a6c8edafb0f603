-- E-mail intake: reports may arrive by e-mail; the raw messages are kept (evidence
-- retention) so a parser fix can read them again; a message we cannot use waits in the
-- desk's queue as "unparsed mail" instead of being dropped.
-- Frozen once landed: later changes go into new files.

alter table reports drop constraint reports_channel_check;
alter table reports add constraint reports_channel_check check (channel in ('json', 'form', 'xarf', 'email'));

create table mail_messages (
  id uuid primary key default gen_random_uuid(),
  received_at timestamptz not null,
  -- how it reached us: MTA pipe, our SMTP listener, Cloudflare Email Routing, the desk
  via text not null check (via in ('pipe', 'smtp', 'email-routing', 'desk')),
  -- SHA-256 of the exact bytes: the same message twice is one message
  sha256 text not null unique,
  -- Message-ID without angle brackets (a second copy with another body hash is still a duplicate)
  message_id text,
  size_bytes integer not null,
  -- personal data (the reporter's mail): null once retention or erasure removed it
  raw bytea,
  sender text,
  subject text,
  status text not null check (status in ('accepted', 'unparsed', 'converted', 'dismissed')),
  -- why a message could not be used (never personal data)
  reason text,
  report_count integer not null default 0,
  raw_purged_at timestamptz,
  parsed_at timestamptz not null,
  created_at timestamptz not null
);
create unique index mail_messages_message_id on mail_messages (message_id) where message_id is not null;
create index mail_messages_status on mail_messages (status, received_at desc, id desc);
create index mail_messages_created on mail_messages (created_at);
create index mail_messages_sender on mail_messages (lower(sender));

-- Which reports a message produced (one message may name several scanners or targets).
create table mail_message_reports (
  mail_id uuid not null references mail_messages (id) on delete cascade,
  report_id uuid not null references reports (id) on delete cascade,
  primary key (mail_id, report_id)
);
create index mail_message_reports_report on mail_message_reports (report_id);
