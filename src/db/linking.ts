/**
 * @module db/linking
 * Links reports to the scan sessions that explain them and derives the verdicts, all in
 * the database: for every source address of a report that is ours, the sessions whose
 * scanner addresses include it and whose time range overlaps the observed window (one
 * GiST probe on scan_session_ips (ip, during)), and whether the report's target lies
 * inside one of that session's authorized targets. The verdict rules are those of
 * domain/intake/verdicts.ts (`sourceVerdict`, `combineVerdicts`); tests check both agree.
 *
 * Runs when a report arrives (for that report) and when sessions arrive or change (for
 * the reports they might explain, unless the case is already resolved or dismissed).
 */
import { sql, type Kysely } from 'kysely'
import { SETTLED_CASE_STATUSES } from '../domain/intake/case-state.js'
import { VERDICT_SEVERITY } from '../domain/intake/verdicts.js'
import type { Database } from './schema.js'

/** Statuses whose reports are no longer re-linked when sessions change (settled cases). */
export { SETTLED_CASE_STATUSES }

const severity = () => sql`${[...VERDICT_SEVERITY]}::text[]`

/**
 * For each source address of the reports that is ours: the sessions that used it during
 * the observed window, and whether the session authorized the report's target. Exported
 * so a test can EXPLAIN it and see the GiST index at work.
 */
export function sessionMatchesQuery(reportIds: readonly string[]) {
  return sql<{ report_id: string; session_id: string; source_ip: string; in_scope: boolean }>`
    select s.report_id, i.session_id, s.ip as source_ip,
      exists (
        select 1 from scan_session_targets t
        where t.session_id = i.session_id and t.target >>= r.target
      ) as in_scope
    from report_sources s
    join reports r on r.id = s.report_id
    join scan_session_ips i on i.ip = s.ip and i.during && s.observed
    where s.report_id = any(${[...reportIds]}::uuid[]) and s.ours`
}

/**
 * Recomputes links and verdicts of the given reports, then the suggested verdict of
 * their cases (recording a `verdict_suggested` history entry where it changed).
 * Call inside a transaction; `newReports` when they were stored in it (nothing to unlink).
 */
export async function relinkReports(
  db: Kysely<Database>,
  reportIds: readonly string[],
  now: Date,
  opts: { newReports?: boolean } = {},
): Promise<void> {
  if (reportIds.length === 0) return
  const ids = sql`${[...reportIds]}::uuid[]`
  // a report stored in this transaction has no links yet
  if (!opts.newReports) await sql`delete from report_session_links where report_id = any(${ids})`.execute(db)
  await sql`
    insert into report_session_links (report_id, session_id, source_ip, in_scope)
    ${sessionMatchesQuery(reportIds)}
    on conflict do nothing`.execute(db)
  // sourceVerdict(): not ours / some session authorized the target / sessions but none
  // authorized it / no session
  await sql`
    update report_sources s set verdict = case
      when not s.ours then 'not_our_ip'
      when exists (select 1 from report_session_links l
                   where l.report_id = s.report_id and l.source_ip = s.ip and l.in_scope) then 'authorized_scan'
      when exists (select 1 from report_session_links l
                   where l.report_id = s.report_id and l.source_ip = s.ip) then 'out_of_scope_scan'
      else 'our_ip_no_session'
    end
    where s.report_id = any(${ids})`.execute(db)
  // combineVerdicts(): the most serious verdict of the report's sources
  await sql`
    update reports r set verdict = coalesce((
      select o.v from unnest(${severity()}) with ordinality as o(v, n)
      where exists (select 1 from report_sources s where s.report_id = r.id and s.verdict = o.v)
      order by o.n limit 1), 'not_our_ip')
    where r.id = any(${ids})`.execute(db)
  await sql`
    with affected as (
      select c.id, c.suggested_verdict as old,
        (select o.v from unnest(${severity()}) with ordinality as o(v, n)
         where exists (select 1 from reports r where r.case_id = c.id and r.verdict = o.v)
         order by o.n limit 1) as new
      from cases c
      where c.id in (select case_id from reports where id = any(${ids}))
    ), changed as (
      update cases c set suggested_verdict = a.new, updated_at = ${now}
      from affected a
      where c.id = a.id and c.suggested_verdict is distinct from a.new
      returning c.id, a.old, a.new
    )
    insert into case_history (case_id, at, actor, action, detail)
    select id, ${now}, 'system', 'verdict_suggested', jsonb_build_object('from', old, 'to', new)
    from changed`.execute(db)
}

/**
 * Reports whose links may change because these sessions were written: those linked to
 * them before, and those with one of our source addresses in a session's scanner
 * addresses during an overlapping window. Reports of resolved or dismissed cases are
 * left as the desk closed them.
 */
export async function reportsAffectedBySessions(db: Kysely<Database>, sessionIds: readonly string[]): Promise<string[]> {
  if (sessionIds.length === 0) return []
  const ids = sql`${[...sessionIds]}::uuid[]`
  const rows = await sql<{ id: string }>`
    select distinct r.id
    from (
      select l.report_id from report_session_links l where l.session_id = any(${ids})
      union
      select s.report_id
      from scan_session_ips i
      join report_sources s on s.ours and s.ip = i.ip and s.observed && i.during
      where i.session_id = any(${ids})
    ) a
    join reports r on r.id = a.report_id
    join cases c on c.id = r.case_id
    where c.status <> all(${[...SETTLED_CASE_STATUSES]}::text[])`.execute(db)
  return rows.rows.map((r) => r.id)
}

/** How far back the periodic sweep looks: reports older than intake accepts cannot change. */
export const RELINK_SWEEP_DAYS = 90

/**
 * The periodic safety net behind the event-driven linking: recomputes the links and
 * verdicts of every report of an open case seen in the last `RELINK_SWEEP_DAYS`, a batch
 * at a time. Session writes already re-link the reports they affect in their own
 * transaction. The sweep repairs what such a write could not reach, such as links
 * removed by hand in the database or a restore from a backup taken between a report and
 * its session. It returns how many reports it looked at and how many changed verdict.
 */
export async function relinkOpenReports(
  db: Kysely<Database>,
  now: Date,
  opts: { batch?: number } = {},
): Promise<{ reports: number; verdictsChanged: number }> {
  const batch = opts.batch ?? 500
  const since = new Date(now.getTime() - RELINK_SWEEP_DAYS * 86_400_000)
  let after = '00000000-0000-0000-0000-000000000000'
  let reports = 0
  let verdictsChanged = 0
  for (;;) {
    const rows = await db
      .selectFrom('reports as r')
      .innerJoin('cases as c', 'c.id', 'r.case_id')
      .select(['r.id', 'r.verdict'])
      .where('c.status', 'not in', [...SETTLED_CASE_STATUSES])
      .where('c.last_report_at', '>=', since)
      .where('r.id', '>', after)
      .orderBy('r.id')
      .limit(batch)
      .execute()
    if (rows.length === 0) break
    const ids = rows.map((r) => r.id)
    const before = new Map(rows.map((r) => [r.id, r.verdict]))
    const changed = await db.transaction().execute(async (trx) => {
      await relinkReports(trx, ids, now)
      const afterRows = await trx.selectFrom('reports').select(['id', 'verdict']).where('id', 'in', ids).execute()
      return afterRows.filter((r) => before.get(r.id) !== r.verdict).length
    })
    reports += rows.length
    verdictsChanged += changed
    after = ids[ids.length - 1]!
    if (rows.length < batch) break
  }
  return { reports, verdictsChanged }
}
