import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { verifyAudit } from '../../src/db/audit-repository.js'
import { buildApp, DAY, jsonBody, testClock, tokenWith, type Clock } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
let clock: Clock
let app: ReturnType<typeof buildApp>

beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  clock = testClock()
  app = buildApp(t.db, clock)
})

describe('GET /v1/admin/audit', () => {
  it('records range changes and publishes with the acting token, and pages through them', async () => {
    const admin = await tokenWith(t.db, 'ranges:write')
    const auditor = await tokenWith(t.db, 'audit:read')
    const created = await (await app.request('/v1/admin/ranges', jsonBody('POST', { prefix: '192.0.2.0/24', pool: 'p', region: 'r', label: 'one' }, admin))).json()
    await app.request(`/v1/admin/ranges/${created.range.id}`, jsonBody('PATCH', { label: 'two', retireAt: new Date(clock.now().getTime() + 9 * DAY).toISOString() }, admin))
    await app.request('/v1/admin/publish', jsonBody('POST', { note: 'first' }, admin))

    const res = await app.request('/v1/admin/audit?limit=2', { headers: { authorization: `Bearer ${auditor}` } })
    expect(res.status).toBe(200)
    const page1 = await res.json()
    expect(page1.events.map((e: { action: string }) => e.action)).toEqual(['range.create', 'range.update'])
    expect(page1.events[0].actor).toMatch(/^token:[0-9a-f-]{36}$/)
    expect(page1.events[1].diff).toMatchObject({ prefix: '192.0.2.0/24', label: { from: 'one', to: 'two' } })
    const page2 = await (await app.request(page1.next, { headers: { authorization: `Bearer ${auditor}` } })).json()
    expect(page2.events.map((e: { action: string }) => e.action)).toEqual(['catalogue.publish'])
    expect(page2.events[0]).toMatchObject({ objectType: 'feed_version', objectId: '1', prevHash: page1.events[1].hash })
    expect(page2.events[0].diff).toMatchObject({ added: ['192.0.2.0/24'], note: 'first' })
    expect(await verifyAudit(t.db)).toMatchObject({ ok: true, events: 3 })
  })

  it('an unchanged publish and a refused change leave no event', async () => {
    const admin = await tokenWith(t.db, 'ranges:write')
    await app.request('/v1/admin/ranges', jsonBody('POST', { prefix: '192.0.2.0/24', pool: 'p', region: 'r' }, admin))
    await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))
    await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))
    await app.request('/v1/admin/ranges', jsonBody('POST', { prefix: '192.0.2.0/25', pool: 'p', region: 'r' }, admin))
    expect(await verifyAudit(t.db)).toMatchObject({ ok: true, events: 2 })
  })

  it('needs the audit:read scope', async () => {
    const admin = await tokenWith(t.db, 'ranges:write')
    expect((await app.request('/v1/admin/audit')).status).toBe(401)
    expect((await app.request('/v1/admin/audit', { headers: { authorization: `Bearer ${admin}` } })).status).toBe(403)
  })
})
