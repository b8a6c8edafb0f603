import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { listAudit } from '../../src/db/audit-repository.js'
import { createDeskSession } from '../../src/db/desk-session-repository.js'
import { createWebhookSubscription } from '../../src/db/subscription-repository.js'
import { createToken } from '../../src/db/token-repository.js'
import type { Scope } from '../../src/domain/tokens.js'
import { buildApp, testClock, type Clock } from '../helpers/test-app.js'
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

async function session(...scopes: Scope[]) {
  const { info } = await createToken(t.db, { name: 'desk person', scopes })
  const s = await createDeskSession(t.db, info, clock.now())
  return { cookie: `sg_desk=${s.sessionId}`, csrf: s.csrfToken }
}

describe('/desk/webhooks', () => {
  it('shows subscribers and the delivery log, and redelivers with a CSRF-checked form', async () => {
    const r = await createWebhookSubscription(t.db, { url: 'https://hooks.example.com/a', createdBy: 'test' }, clock.now())
    const id = r.subscription.id
    const row = await t.db.selectFrom('outbox').select('id').where('destination', '=', id).executeTakeFirstOrThrow()
    await t.db.insertInto('outbox_attempts').values({ outbox_id: row.id, attempted_at: clock.now(), ok: false, status_code: 503, latency_ms: 42, error: 'HTTP 503' }).execute()
    await t.db.updateTable('outbox').set({ status: 'dead' }).where('id', '=', row.id).execute()

    const without = await session('reports:read')
    expect((await app.request('/desk/webhooks', { headers: { cookie: without.cookie } })).status).toBe(403)

    const s = await session('reports:read', 'webhooks:write')
    const page = await app.request(`/desk/webhooks?id=${id}`, { headers: { cookie: s.cookie } })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('https://hooks.example.com/a')
    expect(html).toContain('42 ms')
    expect(html).toContain('503')

    const post = (fields: Record<string, string>) =>
      app.request(`/desk/webhooks/${id}/redeliver`, {
        method: 'POST',
        headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
        body: new URLSearchParams(fields).toString(),
      })
    expect((await post({ csrf: 'wrong', outboxId: row.id })).status).toBe(403)
    const ok = await post({ csrf: s.csrf, outboxId: row.id })
    expect(ok.status).toBe(303)
    expect((await t.db.selectFrom('outbox').select('status').where('id', '=', row.id).executeTakeFirstOrThrow()).status).toBe('pending')
    expect((await listAudit(t.db, { limit: 10 })).map((e) => e.action)).toContain('webhook.redeliver')
  })
})
