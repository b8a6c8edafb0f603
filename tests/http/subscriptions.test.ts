import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { addRanges } from '../../src/db/add-ranges.js'
import { runNotifyTick } from '../../src/db/notify-tick.js'
import { publishCatalogue } from '../../src/db/publish-catalogue.js'
import { normaliseRange } from '../../src/domain/catalogue-rules.js'
import type { OutgoingMail } from '../../src/domain/outgoing-mail.js'
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
  clock = testClock('2026-11-01T00:00:00.000Z')
  app = buildApp(t.db, clock)
})

async function mails(): Promise<Array<{ payload: OutgoingMail; personal_email: string | null; dedupe_key: string | null }>> {
  const rows = await t.db.selectFrom('outbox').select(['payload', 'personal_email', 'dedupe_key']).where('kind', '=', 'mail').orderBy('created_at').execute()
  return rows.map((r) => ({ ...r, payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as OutgoingMail }))
}

const form = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })

describe('e-mail subscriptions', () => {
  it('double opt-in, a plain-text summary per version, one-click unsubscribe, export and erase', async () => {
    const res = await app.request('/v1/subscriptions', jsonBody('POST', { email: 'Fw-Team@example.org' }))
    expect(res.status).toBe(202)
    // asking again sends nothing more, and answers the same
    const again = await app.request('/v1/subscriptions', jsonBody('POST', { email: 'fw-team@example.org' }))
    expect(await again.json()).toEqual(await res.json())
    const [confirm, ...rest] = await mails()
    expect(rest).toHaveLength(0)
    expect(confirm!.personal_email).toBe('fw-team@example.org')
    const link = /https:\/\/scanners\.example\.test\/subscriptions\/confirm\?token=([\w-]+)/.exec(confirm!.payload.text)
    expect(link).not.toBeNull()
    // opening the link only shows a button; the post confirms
    expect((await app.request(`/subscriptions/confirm?token=${link![1]}`)).status).toBe(200)
    expect((await app.request('/subscriptions/confirm', form(`token=${link![1]}`))).status).toBe(200)
    expect((await app.request('/subscriptions/confirm', form(`token=${link![1]}`))).status).toBe(404)

    const now = clock.now()
    await addRanges(t.db, [normaliseRange({ prefix: '192.0.2.0/24', pool: 'asv', region: 'eu' }, now)], { actor: 'test', at: now })
    await publishCatalogue(t.db, { now, actor: 'test' })
    const tick = () => runNotifyTick(t.db, { now: clock.now, baseUrl: 'https://scanners.example.test', reminderDays: 3 })
    await tick()
    await addRanges(t.db, [normaliseRange({ prefix: '198.51.100.0/24', pool: 'asv', region: 'us', activeFrom: new Date(now.getTime() + 14 * DAY).toISOString() }, now)], { actor: 'test', at: now })
    await publishCatalogue(t.db, { now, actor: 'test', note: 'Virginia block' })
    await tick()
    const summary = (await mails()).find((m) => m.payload.subject.startsWith('Scanner ranges version 2'))!
    expect(summary.personal_email).toBe('fw-team@example.org')
    expect(summary.payload.text).toContain('Added   198.51.100.0/24 (announced, active from 2026-11-15T00:00:00.000Z)')
    expect(summary.payload.text).toContain('Note: Virginia block')
    const unsubscribe = summary.payload.listUnsubscribe!.url

    // eleven days later: the reminder, once
    clock.advance(11.5 * DAY)
    await tick()
    await tick()
    expect((await mails()).filter((m) => m.payload.subject.startsWith('Reminder: 198.51.100.0/24 becomes active'))).toHaveLength(1)

    // export shows the subscription; RFC 8058 one-click unsubscribe ends it
    const privacy = await tokenWith(t.db, 'privacy:admin')
    const exported = await (await app.request('/v1/admin/privacy/export', jsonBody('POST', { email: 'fw-team@example.org' }, privacy))).json()
    expect(exported.subscriptions).toEqual([expect.objectContaining({ channel: 'email', role: 'subscriber', status: 'active' })])
    const one = await app.request(new URL(unsubscribe).pathname + new URL(unsubscribe).search, form('List-Unsubscribe=One-Click'))
    expect(one.status).toBe(200)
    const erased = await (await app.request('/v1/admin/privacy/erase', jsonBody('POST', { email: 'fw-team@example.org' }, privacy))).json()
    expect(erased).toMatchObject({ subscriptions: 1 })
    expect(await mails()).toHaveLength(0)
    expect(await t.db.selectFrom('notification_subscriptions').selectAll().execute()).toHaveLength(0)
  })
})

describe('webhook self-service', () => {
  it('refuses URLs that are not public, and takes a public one as pending with a secret', async () => {
    app = buildApp(t.db, clock, { rateLimits: { subscriptionsPerMinute: 100 } })
    for (const url of ['http://127.0.0.1/hook', 'http://[::1]/x', 'http://169.254.169.254/latest', 'http://localhost:8080/', 'ftp://example.com/', 'http://10.0.0.1/']) {
      const res = await app.request('/v1/subscriptions', jsonBody('POST', { url }))
      expect(res.status, url).toBe(400)
    }
    const ok = await app.request('/v1/subscriptions', jsonBody('POST', { url: 'https://hooks.example.com/scangate', events: ['version.published'] }))
    expect(ok.status).toBe(202)
    const body = await ok.json()
    expect(body.secret).toMatch(/^whsec_/)
    expect(body.unsubscribeUrl).toMatch(/^https:\/\/scanners\.example\.test\/subscriptions\/unsubscribe\?token=/)
    const queued = await t.db.selectFrom('outbox').select(['kind', 'destination']).execute()
    expect(queued).toEqual([{ kind: 'webhook', destination: body.id }])
    expect((await app.request('/v1/subscriptions', jsonBody('POST', { url: 'https://hooks.example.com/scangate' }))).status).toBe(409)
    expect((await app.request('/v1/subscriptions', jsonBody('POST', { url: 'https://a.example/', email: 'a@example.org' }))).status).toBe(400)
  })

  it('is rate-limited per client', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await app.request('/v1/subscriptions', jsonBody('POST', { email: `p${i}@example.org` }))).status)
    expect(statuses.slice(0, 5).every((s) => s === 202)).toBe(true)
    expect(statuses[6]).toBe(429)
  })
})

describe('admin webhooks and the policy', () => {
  it('needs webhooks:write, lists, and disables', async () => {
    expect((await app.request('/v1/admin/webhooks')).status).toBe(401)
    const other = await tokenWith(t.db, 'ranges:write')
    expect((await app.request('/v1/admin/webhooks', { headers: { authorization: `Bearer ${other}` } })).status).toBe(403)
    const admin = await tokenWith(t.db, 'webhooks:write')
    const created = await app.request('/v1/admin/webhooks', jsonBody('POST', { url: 'https://hooks.example.net/x', ownerEmail: 'ops@example.net' }, admin))
    expect(created.status).toBe(201)
    const { webhook } = await created.json()
    expect(webhook.status).toBe('pending')
    const disabled = await app.request(`/v1/admin/webhooks/${webhook.id}/disable`, jsonBody('POST', {}, admin))
    expect((await disabled.json()).webhook.status).toBe('disabled')
    // its queued challenge is dropped with it
    expect(await t.db.selectFrom('outbox').selectAll().execute()).toHaveLength(0)
    const one = await (await app.request(`/v1/admin/webhooks/${webhook.id}`, { headers: { authorization: `Bearer ${admin}` } })).json()
    expect(one.deliveries).toEqual([])
  })

  it('GET /v1/policy and the home page state the notice period', async () => {
    const p = await (await buildApp(t.db, clock, { noticeDays: 21 }).request('/v1/policy')).json()
    expect(p.noticeDays).toBe(21)
    expect(p.channels.map((c: { channel: string }) => c.channel)).toEqual(['webhook', 'email', 'atom', 'changes'])
    expect(p.verify.webhook).toContain('v1a')
  })
})
