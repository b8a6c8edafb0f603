import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { relinkOpenReports, sessionMatchesQuery } from '../../src/db/linking.js'
import {
  classifySources,
  claimIdempotencyKey,
  completeIdempotencyKey,
  createReport,
  purgeExpiredIdempotencyRecords,
} from '../../src/db/report-repository.js'
import { saveSessions } from '../../src/db/session-repository.js'
import { cidrContainsCidr, parseCidr, parseIp } from '../../src/domain/cidr.js'
import { validateReport } from '../../src/domain/intake/report-rules.js'
import { combineVerdicts, sourceVerdict, type Verdict } from '../../src/domain/intake/verdicts.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'
import { seedCatalogue } from '../http/intake-setup.js'

let t: TestDb
const now = new Date('2026-11-01T00:00:00Z')
const HOUR = 3_600_000
const DAY = 24 * HOUR

beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  await seedCatalogue(t.db, now)
})

async function report(input: { sourceIps: string[]; from: Date; to: Date; target: string }) {
  const r = validateReport({ sourceIps: input.sourceIps, observedFrom: input.from.toISOString(), observedTo: input.to.toISOString(), target: input.target }, now)
  return t.db.transaction().execute((trx) => createReport(trx, { report: r, channel: 'json', statusTokenHash: 'x', evidence: [], xarf: null }, now))
}

describe('linking in the database agrees with the domain rules', () => {
  // a small world so that overlaps, containment and misses all happen often
  const scannerIps = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '10.0.0.1']
  const targets = ['100.100.1.1/32', '100.100.1.0/30', '100.100.1.0/24', '100.100.2.0/24', '100.100.0.0/16']
  const hour = fc.integer({ min: -48, max: 0 })
  const session = fc.record({
    ips: fc.uniqueArray(fc.constantFrom('192.0.2.1', '192.0.2.2', '192.0.2.3'), { minLength: 1, maxLength: 2 }),
    start: hour,
    length: fc.option(fc.integer({ min: 0, max: 24 }), { nil: null }),
    targets: fc.uniqueArray(fc.constantFrom(...targets), { minLength: 1, maxLength: 2 }),
  })
  const rep = fc.record({
    ips: fc.uniqueArray(fc.constantFrom(...scannerIps), { minLength: 1, maxLength: 3 }),
    start: hour,
    length: fc.integer({ min: 0, max: 12 }),
    target: fc.constantFrom(...targets),
  })

  it('for random sessions and reports, in either order of arrival', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(session, { maxLength: 4 }), fc.array(rep, { minLength: 1, maxLength: 4 }), fc.boolean(), async (sessions, reports, sessionsFirst) => {
        await t.reset()
        await seedCatalogue(t.db, now)
        const at = (h: number) => new Date(now.getTime() + h * HOUR)
        const saveAll = () =>
          sessions.length
            ? saveSessions(
                t.db,
                sessions.map((s, i) => ({ externalId: `p-${i}`, customerRef: 'c', scannerIps: s.ips, startedAt: at(s.start), endedAt: s.length === null ? null : at(s.start + s.length), authorizedTargets: s.targets, scanType: null })),
                now,
                { actor: 'test' },
              )
            : Promise.resolve()
        if (sessionsFirst) await saveAll()
        const created = []
        for (const r of reports) created.push({ r, made: await report({ sourceIps: r.ips, from: at(r.start - r.length), to: at(r.start), target: r.target }) })
        if (!sessionsFirst) await saveAll()

        for (const { r, made } of created) {
          const from = r.start - r.length
          const to = r.start
          const verdicts: Verdict[] = r.ips.map((ip) => {
            const ours = ip !== '10.0.0.1'
            const matches = sessions
              .filter((s) => (s.ips as string[]).includes(ip) && s.start <= to && (s.length === null || s.start + s.length >= from))
              .map((s) => ({ inScope: s.targets.some((tg) => cidrContainsCidr(parseCidr(tg), parseCidr(r.target))) }))
            return sourceVerdict(ours, matches)
          })
          const row = await t.db.selectFrom('reports').select('verdict').where('id', '=', made.id).executeTakeFirstOrThrow()
          expect(row.verdict, JSON.stringify({ r, sessions, sessionsFirst })).toBe(combineVerdicts(verdicts))
        }
      }),
      { numRuns: 40 },
    )
    // 40 database resets: about 15 s alone, twice that on the shared CI machine under a full run
  }, 90_000)
})

describe('the periodic re-link sweep', () => {
  it('restores links lost outside the normal writes, leaves settled cases alone, and pages through every open report', async () => {
    const at = (h: number) => new Date(now.getTime() + h * HOUR)
    await saveSessions(
      t.db,
      [{ externalId: 'sweep-1', customerRef: 'c', scannerIps: ['192.0.2.1'], startedAt: at(-10), endedAt: at(-1), authorizedTargets: ['100.100.1.0/24'], scanType: null }],
      now,
      { actor: 'test' },
    )
    const made = []
    for (let i = 0; i < 5; i++) made.push(await report({ sourceIps: ['192.0.2.1'], from: at(-5), to: at(-4), target: `100.100.${i + 1}.9` }))
    const verdictOf = async (id: string) => (await t.db.selectFrom('reports').select('verdict').where('id', '=', id).executeTakeFirstOrThrow()).verdict
    expect(await verdictOf(made[0]!.id)).toBe('authorized_scan')
    expect(await verdictOf(made[1]!.id)).toBe('out_of_scope_scan')

    // the desk closed the case of report 1; then every link disappears and the verdicts are wiped
    const settled = await t.db.selectFrom('reports').select('case_id').where('id', '=', made[1]!.id).executeTakeFirstOrThrow()
    await t.db.updateTable('cases').set({ status: 'resolved', final_verdict: 'out_of_scope_scan' }).where('id', '=', settled.case_id).execute()
    await sql`delete from report_session_links`.execute(t.db)
    await sql`update reports set verdict = 'our_ip_no_session'`.execute(t.db)

    // a batch of 2 pages through the 4 open reports
    const outcome = await relinkOpenReports(t.db, now, { batch: 2 })
    expect(outcome).toEqual({ reports: 4, verdictsChanged: 4 })
    expect(await verdictOf(made[0]!.id)).toBe('authorized_scan')
    for (const i of [2, 3, 4]) expect(await verdictOf(made[i]!.id)).toBe('out_of_scope_scan')
    // the resolved case keeps what the desk saw
    expect(await verdictOf(made[1]!.id)).toBe('our_ip_no_session')
    const links = await t.db.selectFrom('report_session_links').select('report_id').execute()
    expect(links.map((l) => l.report_id).sort()).toEqual([made[0]!.id, made[2]!.id, made[3]!.id, made[4]!.id].sort())

    // nothing left to repair: a second sweep changes nothing
    expect(await relinkOpenReports(t.db, now)).toEqual({ reports: 4, verdictsChanged: 0 })
    // after 90 quiet days the reports are out of its reach
    expect(await relinkOpenReports(t.db, new Date(now.getTime() + 91 * DAY))).toEqual({ reports: 0, verdictsChanged: 0 })
  })
})

describe('settled cases', () => {
  it('a later report opens a new linked case; neither new sessions nor the sweep touch the settled one', async () => {
    const at = (h: number) => new Date(now.getTime() + h * HOUR)
    const first = await report({ sourceIps: ['192.0.2.1'], from: at(-5), to: at(-4), target: '100.100.1.9' })
    const settledId = first.case.id
    await t.db
      .updateTable('cases')
      .set({ status: 'resolved', final_verdict: 'our_ip_no_session', resolved_at: now, outcome_text: 'Dealt with.' })
      .where('id', '=', settledId)
      .execute()
    const caseRow = (id: string) =>
      t.db.selectFrom('cases').select(['status', 'final_verdict', 'suggested_verdict', 'report_count', 'outcome_text', 'follows_case_id', 'resolved_at']).where('id', '=', id).executeTakeFirstOrThrow()
    const before = await caseRow(settledId)

    const later = await report({ sourceIps: ['192.0.2.1'], from: at(-5), to: at(-4), target: '100.100.1.10' })
    expect(later.case.id).not.toBe(settledId)
    expect(await caseRow(later.case.id)).toMatchObject({ status: 'open', final_verdict: null, follows_case_id: settledId, report_count: 1 })
    // a session that explains both reports arrives, then the sweep runs
    await saveSessions(
      t.db,
      [{ externalId: 'late-1', customerRef: 'c', scannerIps: ['192.0.2.1'], startedAt: at(-10), endedAt: at(-1), authorizedTargets: ['100.100.1.0/24'], scanType: null }],
      now,
      { actor: 'test' },
    )
    await relinkOpenReports(t.db, now)
    expect(await caseRow(settledId)).toEqual(before)
    const verdict = async (id: string) => (await t.db.selectFrom('reports').select('verdict').where('id', '=', id).executeTakeFirstOrThrow()).verdict
    expect(await verdict(first.id)).toBe('our_ip_no_session')
    expect(await verdict(later.id)).toBe('authorized_scan')
    const actions = (await t.db.selectFrom('case_history').select('action').where('case_id', '=', settledId).orderBy('seq').execute()).map((r) => r.action)
    expect(actions).toEqual(['created', 'report_added', 'verdict_suggested', 'new_activity_after_settled'])
    // two settled cases later, a report follows the newest
    // (every write here shares one clock reading; a real later case is created later)
    await t.db.updateTable('cases').set({ status: 'dismissed', created_at: at(1) }).where('id', '=', later.case.id).execute()
    const third = await report({ sourceIps: ['192.0.2.1'], from: at(-5), to: at(-4), target: '100.100.1.11' })
    expect((await caseRow(third.case.id)).follows_case_id).toBe(later.case.id)
  })

  it('concurrent reports for one grouping key land in one unsettled case', async () => {
    const at = (h: number) => new Date(now.getTime() + h * HOUR)
    const made = await Promise.all([1, 2, 3, 4].map((i) => report({ sourceIps: ['192.0.2.2'], from: at(-5), to: at(-4), target: `100.100.2.${i}` })))
    expect(new Set(made.map((m) => m.case.id)).size).toBe(1)
    const row = await t.db.selectFrom('cases').select('report_count').where('id', '=', made[0]!.case.id).executeTakeFirstOrThrow()
    expect(row.report_count).toBe(4)
  })
})

describe('ours', () => {
  it('counts announced, active, retiring and recently retired ranges; not those retired 90+ days ago', async () => {
    await t.db.insertInto('scanner_ranges').values([
      { prefix: '198.18.0.0/24', family: 4, pool: 'p', region: 'r', active_from: new Date(now.getTime() + 10 * DAY), retire_at: null },
      { prefix: '198.18.1.0/24', family: 4, pool: 'p', region: 'r', active_from: new Date(now.getTime() - 200 * DAY), retire_at: new Date(now.getTime() + 10 * DAY) },
      { prefix: '198.18.2.0/24', family: 4, pool: 'p', region: 'r', active_from: new Date(now.getTime() - 200 * DAY), retire_at: new Date(now.getTime() - 90 * DAY + 1000) },
      { prefix: '198.18.3.0/24', family: 4, pool: 'p', region: 'r', active_from: new Date(now.getTime() - 200 * DAY), retire_at: new Date(now.getTime() - 90 * DAY) },
    ]).execute()
    const ips = ['198.18.0.1', '198.18.1.1', '198.18.2.1', '198.18.3.1', '192.0.2.1', '8.8.8.8'].map(parseIp)
    expect(await classifySources(t.db, ips, now)).toEqual([true, true, true, false, true, false])
  })
})

describe('Idempotency-Key records', () => {
  it('a claim is new, then a replay with the same body, a conflict with another; purged after 24 h', async () => {
    const made = await report({ sourceIps: ['192.0.2.1'], from: new Date(now.getTime() - HOUR), to: now, target: '100.100.1.1' })
    await t.db.transaction().execute(async (trx) => {
      expect(await claimIdempotencyKey(trx, 'k', 'body-a', now)).toEqual({ kind: 'new' })
      await completeIdempotencyKey(trx, 'k', made.id, { ref: made.ref, sealedToken: 'sealed-x', ours: true, status: 'received' })
    })
    expect(await claimIdempotencyKey(t.db, 'k', 'body-a', new Date(now.getTime() + HOUR))).toMatchObject({ kind: 'replay', response: { sealedToken: 'sealed-x' } })
    expect(await claimIdempotencyKey(t.db, 'k', 'body-b', new Date(now.getTime() + HOUR))).toEqual({ kind: 'conflict' })
    expect(await purgeExpiredIdempotencyRecords(t.db, new Date(now.getTime() + 23 * HOUR))).toBe(0)
    expect(await purgeExpiredIdempotencyRecords(t.db, new Date(now.getTime() + 24 * HOUR))).toBe(1)
    expect(await t.db.selectFrom('report_idempotency').selectAll().execute()).toEqual([])
  })
})

describe('indexes', () => {
  it('linking probes the GiST index on (ip, during) instead of scanning all sessions', async () => {
    // enough sessions that a sequential scan would be the expensive plan
    await sql`
      insert into scan_sessions (id, external_id, customer_ref, started_at, ended_at)
      select md5('s' || g)::uuid, 'bulk-' || g, 'cust-' || (g % 500), ${now}::timestamptz - (g % 2000) * interval '1 hour', ${now}::timestamptz - (g % 2000) * interval '1 hour' + interval '2 hours'
      from generate_series(1, 20000) g`.execute(t.db)
    await sql`
      insert into scan_session_ips (session_id, ip, during)
      select s.id, ('192.0.2.' || (g % 250))::inet, tstzrange(s.started_at, s.ended_at, '[]')
      from generate_series(1, 20000) g join scan_sessions s on s.id = md5('s' || g)::uuid`.execute(t.db)
    await sql`analyze scan_session_ips`.execute(t.db)
    await sql`analyze scan_sessions`.execute(t.db)
    const made = await report({ sourceIps: ['192.0.2.7'], from: new Date(now.getTime() - 3 * HOUR), to: new Date(now.getTime() - 2 * HOUR), target: '100.100.1.1' })
    await sql`analyze report_sources`.execute(t.db)
    const compiled = sessionMatchesQuery([made.id]).compile(t.db)
    const plan = await sql.raw(`explain ${compiled.sql.replace('$1', `'{${made.id}}'`)}`).execute(t.db)
    const text = (plan.rows as Record<string, string>[]).map((r) => Object.values(r)[0]).join('\n')
    expect(text).toContain('scan_session_ips_ip_during')
    expect(text).not.toMatch(/Seq Scan on scan_session_ips/)
  })
})
