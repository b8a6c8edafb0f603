import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildApp, DAY, jsonBody, testClock, tokenWith, type Clock } from '../helpers/test-app.js'
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
  expect((await app.request('/v1/admin/ranges', jsonBody('POST', { prefix: '192.0.2.0/24', pool: 'asv', region: 'eu' }, admin))).status).toBe(201)
  expect((await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))).status).toBe(201)
})

describe('the notice policy on publish', () => {
  it('refuses short notice, needs force and a reason, and publishes the reason and note everywhere', async () => {
    const soon = new Date(clock.now().getTime() + 2 * DAY).toISOString()
    expect((await app.request('/v1/admin/ranges', jsonBody('POST', { prefix: '198.51.100.0/24', pool: 'asv', region: 'us', activeFrom: soon }, admin))).status).toBe(201)
    const refused = await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))
    expect(refused.status).toBe(409)
    const p = await refused.json()
    expect(p.code).toBe('publish_refused')
    expect(p.detail).toContain('notice period is 14 days')
    expect(p.shortfalls).toEqual([{ prefix: '198.51.100.0/24', kind: 'activeFrom', effective: soon, noticeDays: 2 }])
    expect((await app.request('/v1/admin/publish', jsonBody('POST', { force: true }, admin))).status).toBe(400)
    const reason = 'emergency: scanner host compromised'
    const ok = await app.request('/v1/admin/publish', jsonBody('POST', { force: true, reason, note: 'new Virginia block' }, admin))
    expect(ok.status).toBe(201)

    const version = await (await app.request('/v1/versions/2')).json()
    expect(version).toMatchObject({ note: 'new Virginia block', noticeOverride: { reason, noticeDays: 14 } })
    const changes = await (await app.request('/v1/changes?since=1')).json()
    expect(changes.versions[0]).toMatchObject({ note: 'new Virginia block', noticeOverride: { reason } })
    const atom = await (await app.request('/v1/feed.atom')).text()
    expect(atom).toContain(`Reason: ${reason}`)
    expect(atom).toContain('Note: new Virginia block')
    // the unforced first version has neither: its bytes are what they were before this feature
    const v1 = await (await app.request('/v1/versions/1')).json()
    expect(Object.keys(v1)).not.toContain('noticeOverride')
  })

  it('NOTICE_DAYS is configurable, and 0 turns the check off', async () => {
    const relaxed = buildApp(t.db, clock, { noticeDays: 0 })
    expect((await relaxed.request('/v1/admin/ranges', jsonBody('POST', { prefix: '198.51.100.0/24', pool: 'asv', region: 'us' }, admin))).status).toBe(201)
    expect((await relaxed.request('/v1/admin/publish', jsonBody('POST', {}, admin))).status).toBe(201)
  })
})
