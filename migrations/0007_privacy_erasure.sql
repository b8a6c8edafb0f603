-- Complete erasure and XARF identity.
-- Frozen once landed: later changes go into new files.

-- An erasure request blanks the report's free text (description, reporter organisation,
-- XARF ids) but keeps its technical facts; this marks when, so the desk sees
-- "erased on request" instead of a gap.
alter table reports add column erased_at timestamptz;

-- XARF `report_id` + the reporter's domain identify one report: the same document sent
-- twice is stored once. Only a SHA-256 of that identity is kept (the ids themselves are
-- free text the sender chose), and of the document, to tell a retry from a different
-- report reusing the id. Erasure clears both.
alter table reports
  add column xarf_identity text,
  add column xarf_fingerprint text;
create unique index reports_xarf_identity on reports (xarf_identity) where xarf_identity is not null;
