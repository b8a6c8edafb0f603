-- Forgiving catalogue: a retired or withdrawn range stops blocking its prefix, and a range
-- that never reached a published version can be deleted.
-- Frozen once landed: later changes go into new files.

-- The first version that published the range (null: never published, so deleting it
-- cannot surprise a firewall). Set by the publisher.
alter table scanner_ranges add column first_published_serial integer references feed_versions (serial);

-- When the range stopped counting: its retire_at once that passed (written by the
-- lifecycle before overlap checks), or the moment an announcement was withdrawn.
-- A range with retired_at set never comes back; the prefix can be added again.
alter table scanner_ranges add column retired_at timestamptz;

-- Before this migration a prefix belonged to exactly one range (no overlaps at all), so a
-- prefix in a version's entries is that range.
update scanner_ranges r
set first_published_serial = (
  select min(v.serial)
  from feed_versions v
  where exists (
    select 1
    from jsonb_array_elements(v.entries -> (case when r.family = 4 then 'ipv4' else 'ipv6' end)) e
    where e ->> 'prefix' = r.prefix::text
  )
);

update scanner_ranges set retired_at = retire_at where retire_at is not null and retire_at <= now();

-- The no-overlap rule now covers the ranges still in the catalogue's life: the same
-- database backstop as before, minus retired and withdrawn ranges.
alter table scanner_ranges drop constraint scanner_ranges_no_overlap;
alter table scanner_ranges add constraint scanner_ranges_no_overlap
  exclude using gist (prefix inet_ops with &&) where (retired_at is null);
