-- Network owners: verified opt-out requests, and how our scanners identify themselves.

-- A request to stop scanning some prefixes. The challenge token is shown once to the
-- requester and kept only as a hash (like status tokens). The contact address is personal
-- data: optional, used for the renewal reminder, covered by export, erasure and retention.
create table opt_out_requests (
  id uuid primary key default gen_random_uuid(),
  ref text not null unique,
  prefixes cidr[] not null,
  method text not null check (method in ('dns', 'dns_domain', 'http', 'rdap_email')),
  proof_domain text,
  proof_address inet,
  token_hash text not null,
  -- the e-mail proof: hash of the code we mailed to the RDAP abuse contact
  mail_code_hash text,
  contact_email text,
  status text not null default 'pending' check (status in ('pending', 'verified', 'rejected')),
  -- wider than self-service allows: only the desk can approve it
  needs_desk boolean not null default false,
  checks integer not null default 0,
  last_check_at timestamptz,
  last_check_result text,
  decided_at timestamptz,
  decided_by text,
  exclusion_expires_at timestamptz,
  created_at timestamptz not null
);
create index opt_out_requests_listing on opt_out_requests (status, created_at desc);

-- Optional identity facts per range (shown in lookup answers and on the home page).
alter table scanner_ranges add column asn bigint check (asn between 1 and 4294967295);
alter table scanner_ranges add column rir_handle text check (length(rir_handle) <= 100);
alter table scanner_ranges add column rdns text check (length(rdns) <= 253);

-- What a pool's scanners send on the wire.
create table scanner_pools (
  pool text primary key,
  description text,
  user_agents text[] not null default '{}',
  tls_banner text,
  ssh_banner text,
  updated_at timestamptz not null
);
