-- Scanner-range catalogue, published feed versions and API tokens.
-- Frozen once landed: later changes go into new files.

create table scanner_ranges (
  id uuid primary key default gen_random_uuid(),
  prefix cidr not null,
  family smallint not null check (family in (4, 6)),
  pool text not null,
  region text not null,
  label text not null default '',
  active_from timestamptz not null,
  retire_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint scanner_ranges_family_matches check (family = family(prefix)),
  constraint scanner_ranges_retire_after_active check (retire_at is null or retire_at > active_from),
  -- overlapping ranges would make "which pool/status is this address" ambiguous; the
  -- application checks first to give a readable error, this is the backstop under races
  constraint scanner_ranges_no_overlap exclude using gist (prefix inet_ops with &&)
);

-- Every published version is immutable: the exact entry list and its hash are kept,
-- so a serial always renders to the same bytes and ETag.
create table feed_versions (
  serial integer primary key check (serial > 0),
  created_at timestamptz not null,
  sha256 text not null,
  ipv4_count integer not null,
  ipv6_count integer not null,
  entries jsonb not null,
  changes jsonb not null,
  note text,
  forced boolean not null default false,
  published_by text not null
);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  token_prefix text not null,
  -- only the SHA-256 of the secret is stored; the secret is shown once at creation
  token_hash text not null unique,
  scopes text[] not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
