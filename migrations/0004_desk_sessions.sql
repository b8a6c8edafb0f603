-- Browser sessions of the abuse desk (the /desk pages).
-- Frozen once landed: later changes go into new files.

-- A desk user signs in with an API token; the browser then holds only a random session id.
-- Only the SHA-256 of that id is stored, never the API token. The session lives no longer
-- than its token: a revoked or expired token ends it (checked on every request) and
-- deleting the token deletes its sessions.
create table desk_sessions (
  id_hash text primary key,
  token_id uuid not null references api_tokens (id) on delete cascade,
  -- synchronizer token every desk form must echo (useless without the session cookie)
  csrf_token text not null,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null
);
create index desk_sessions_token on desk_sessions (token_id);
create index desk_sessions_expires on desk_sessions (expires_at);
