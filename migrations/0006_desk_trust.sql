-- Trust boundaries of the abuse desk (issue 11): exclusions only by an explicit, scoped
-- action; reporters see the outcome the desk wrote, notes addressed to reports; a new
-- report never reopens a settled case; no plaintext status token in idempotency replays.
-- Frozen once landed: later changes go into new files.

-- Exclusions are created and removed one at a time through db/exclusion-actions.ts.
-- `source` says which way in; rows from before this migration were made by resolving a
-- case as an out-of-scope scan. An expired exclusion no longer matches a check.
alter table exclusions
  add column source text not null default 'desk'
    check (source in ('desk', 'api', 'opt_out', 'case_resolution')),
  add column expires_at timestamptz,
  add column override_reason text;
update exclusions set source = 'case_resolution';
alter table exclusions alter column source drop default;

-- What reporters are told once the desk resolves the case (picked from a template and
-- edited by a person; never generated from the linking).
alter table cases add column outcome_text text;

-- A report about a settled (resolved or dismissed) case opens a new case that points to
-- it, so the settled case keeps its verdict and its reporters keep their status. Only one
-- unsettled case per grouping key.
alter table cases add column follows_case_id uuid references cases (id) on delete set null;
alter table cases drop constraint cases_grouping_key;
create unique index cases_grouping_key_unsettled on cases (scanner_ip, target_prefix, day)
  where status not in ('resolved', 'dismissed');
create index cases_grouping_key on cases (scanner_ip, target_prefix, day, created_at desc);

-- A reporter-visible note is addressed to the reports it was written for; a report that
-- joins the case later does not read it. Notes written before this migration go to the
-- reports the case had when the note was written.
create table case_note_recipients (
  note_id uuid not null references case_notes (id) on delete cascade,
  report_id uuid not null references reports (id) on delete cascade,
  primary key (note_id, report_id)
);
create index case_note_recipients_report on case_note_recipients (report_id);
insert into case_note_recipients (note_id, report_id)
  select n.id, r.id from case_notes n join reports r on r.case_id = n.case_id
  where n.visibility = 'reporter' and r.received_at <= n.created_at;

-- Stored replays used to hold the status token in plain text; they now hold it sealed
-- with a key derived from the Idempotency-Key. Old records (24 h at most) go.
delete from report_idempotency;
