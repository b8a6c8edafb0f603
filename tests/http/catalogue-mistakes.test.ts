/**
 * @module tests/http/catalogue-mistakes
 * The catalogue forgives mistakes: a range no version published can be deleted, an
 * announcement can be withdrawn, a retired prefix can be added again (the database's
 * exclusion constraint covers live ranges only), and a dry-run publish shows the diff.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { bearer, buildApp, DAY, jsonBody, testClock, tokenWith, type Clock } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
let clock: Clock
let app: ReturnType<typeof buildApp>
let admin: string

beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  clock = testClock('2026-11-01T00:00:00.000Z')
  app = buildApp(t.db, clock)
  admin = await tokenWith(t.db, 'ranges:write')
})

async function add(body: Record<string, unknown>) {
  return app.request('/v1/admin/ranges', jsonBody('POST', { pool: 'asv-external', region: 'eu', ...body }, admin))
}
async function addOk(body: Record<string, unknown>): Promise<{ id: string; status: string; firstPublishedSerial: number | null }> {
  const res = await add(body)
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()).range
}
const publish = (body: Record<string, unknown> = {}) => app.request('/v1/admin/publish', jsonBody('POST', body, admin))
const del = (id: string) => app.request(`/v1/admin/ranges/${id}`, bearer(admin, { method: 'DELETE' }))
const withdraw = (id: string) => app.request(`/v1/admin/ranges/${id}/withdraw`, bearer(admin, { method: 'POST' }))
const iso = (days: number) => new Date(clock.now().getTime() + days * DAY).toISOString()

describe('re-adding a retired prefix', () => {
  it('a retired prefix no longer blocks the same or an overlapping prefix', async () => {
    const old = await addOk({ prefix: '192.0.2.0/24', activeFrom: iso(-30) })
    await addOk({ prefix: '198.51.100.0/24', activeFrom: iso(-30) })
    expect((await publish()).status).toBe(201)
    const patched = await app.request(`/v1/admin/ranges/${old.id}`, jsonBody('PATCH', { retireAt: iso(1) }, admin))
    expect(patched.status).toBe(200)
    // still retiring: the prefix is taken
    const early = await add({ prefix: '192.0.2.0/24' })
    expect(early.status).toBe(409)
    expect((await early.json()).detail).toBe('192.0.2.0/24 overlaps 192.0.2.0/24; ranges in the catalogue must not overlap')
    clock.advance(2 * DAY)
    const again = await addOk({ prefix: '192.0.2.0/24', region: 'us' })
    // the new /24 is live, so a /25 inside it is refused again
    expect((await add({ prefix: '192.0.2.0/25' })).status).toBe(409)
    expect(again.status).toBe('active')
    const v2 = await publish()
    expect(v2.status, await v2.clone().text()).toBe(201)
    const ranges = (await (await app.request('/v1/ranges')).json()).ipv4
    expect(ranges).toEqual([expect.objectContaining({ prefix: '192.0.2.0/24', region: 'us' }), expect.objectContaining({ prefix: '198.51.100.0/24' })])
    const all = (await (await app.request('/v1/admin/ranges', bearer(admin))).json()).ranges
    expect(all.filter((r: { prefix: string }) => r.prefix === '192.0.2.0/24').map((r: { status: string }) => r.status).sort()).toEqual(['active', 'retired'])
  })

  it('the database itself refuses overlapping live ranges but not overlaps with retired ones', async () => {
    await addOk({ prefix: '192.0.2.0/24', activeFrom: iso(-30), retireAt: iso(-1) })
    const insert = (prefix: string) =>
      sql`insert into scanner_ranges (prefix, family, pool, region, active_from) values (${prefix}::cidr, 4, 'p', 'r', now())`.execute(t.db)
    // not yet marked retired: the constraint still covers it
    await expect(insert('192.0.2.0/25')).rejects.toMatchObject({ code: '23P01' })
    await sql`update scanner_ranges set retired_at = retire_at`.execute(t.db)
    await insert('192.0.2.0/25')
    await expect(insert('192.0.2.128/25')).resolves.toBeDefined()
    await expect(insert('192.0.2.0/26')).rejects.toMatchObject({ code: '23P01' })
  })
})

describe('DELETE /v1/admin/ranges/{id}', () => {
  it('deletes a range no version published, and refuses (409 with the reason) once one did', async () => {
    const typo = await addOk({ prefix: '192.0.2.0/24' })
    const kept = await addOk({ prefix: '198.51.100.0/24' })
    expect(typo.firstPublishedSerial).toBeNull()
    expect((await del(typo.id)).status).toBe(204)
    expect((await del(typo.id)).status).toBe(404)
    expect((await publish()).status).toBe(201)
    const refused = await del(kept.id)
    expect(refused.status).toBe(409)
    const p = await refused.json()
    expect(p.code).toBe('conflict')
    expect(p.detail).toMatch(/198\.51\.100\.0\/24 was published in version 1.*retire it instead \(PATCH retireAt\)/)
    const listed = (await (await app.request('/v1/admin/ranges', bearer(admin))).json()).ranges
    expect(listed).toEqual([expect.objectContaining({ prefix: '198.51.100.0/24', firstPublishedSerial: 1 })])
    const audit = await sql<{ action: string }>`select action from audit_events where action = 'range.delete'`.execute(t.db)
    expect(audit.rows).toHaveLength(1)
  })
})

describe('POST /v1/admin/ranges/{id}/withdraw', () => {
  it('withdraws a published announcement; the next version lists it as removed (withdrawn) and lookup never called it ours after', async () => {
    await addOk({ prefix: '198.51.100.0/24', activeFrom: iso(-30) })
    const announced = await addOk({ prefix: '203.0.113.0/24', activeFrom: iso(14) })
    const draft = await addOk({ prefix: '192.0.2.0/24', activeFrom: iso(14) })
    // never published: nothing to withdraw, delete it
    const early = await withdraw(announced.id)
    expect(early.status).toBe(409)
    expect((await early.json()).detail).toMatch(/never published.*DELETE/)
    expect((await publish()).status).toBe(201)
    expect(await (await app.request('/v1/lookup/203.0.113.5')).json()).toMatchObject({ ours: true, status: 'announced' })
    // published: delete is refused and names withdrawal
    expect((await (await del(announced.id)).json()).detail).toMatch(/withdraw the announcement instead/)
    const res = await withdraw(announced.id)
    expect(res.status, await res.clone().text()).toBe(200)
    expect((await res.json()).range.status).toBe('withdrawn')
    expect((await withdraw(announced.id)).status).toBe(409)
    await del(draft.id)
    const v2 = await publish()
    expect(v2.status, await v2.clone().text()).toBe(201)
    const changes = await (await app.request('/v1/changes?since=1')).json()
    expect(changes.versions[0].changes.removed).toEqual([
      { prefix: '203.0.113.0/24', previousStatus: 'announced', effective: clock.now().toISOString(), reason: 'withdrawn' },
    ])
    expect((await (await app.request('/v1/lookup/203.0.113.5')).json()).ours).toBe(false)
    // the prefix is free again
    await addOk({ prefix: '203.0.113.0/24', activeFrom: iso(20) })
  })

  it('refuses to withdraw a range already in use', async () => {
    const live = await addOk({ prefix: '198.51.100.0/24', activeFrom: iso(-30) })
    expect((await publish()).status).toBe(201)
    const res = await withdraw(live.id)
    expect(res.status).toBe(409)
    expect((await res.json()).detail).toMatch(/Only an announced range can be withdrawn: it is active since .*retire it instead/)
  })
})

describe('POST /v1/admin/publish {"dryRun": true}', () => {
  it('shows the diff and any refusal without publishing', async () => {
    const first = await publish({ dryRun: true })
    expect(first.status).toBe(200)
    expect(await first.json()).toMatchObject({ status: 'dry-run', wouldPublish: false, refusal: expect.stringMatching(/empty list/) })
    await addOk({ prefix: '192.0.2.0/24', activeFrom: iso(-30) })
    const dry = await publish({ dryRun: true, note: 'first' })
    const body = await dry.json()
    expect(body).toMatchObject({ status: 'dry-run', wouldPublish: true, refusal: null, version: { serial: 1, counts: { ipv4: 1, ipv6: 0 } } })
    expect(body.version.changes.added.map((a: { prefix: string }) => a.prefix)).toEqual(['192.0.2.0/24'])
    expect((await app.request('/v1/ranges')).status).toBe(404)
    expect((await sql<{ n: number }>`select count(*)::int as n from feed_versions`.execute(t.db)).rows[0]!.n).toBe(0)
    expect((await publish()).status).toBe(201)
    expect(await (await publish({ dryRun: true })).json()).toMatchObject({ status: 'dry-run', wouldPublish: false, refusal: null, version: { serial: 1 } })
  })
})
