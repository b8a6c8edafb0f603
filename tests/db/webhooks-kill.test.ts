/**
 * kill -9 during delivery loses nothing: a child process delivers webhooks against
 * Postgres to a slow receiver and is killed mid-run; a second run (after the claim leases
 * lapse) delivers everything that was left. At least once: some rows may arrive twice
 * (sent, then killed before it was recorded), and the receiver dedupes by webhook-id.
 */
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addRanges } from '../../src/db/add-ranges.js'
import { runNotifyTick } from '../../src/db/notify-tick.js'
import { publishCatalogue } from '../../src/db/publish-catalogue.js'
import { newWebhookSecret } from '../../src/db/subscription-repository.js'
import { createWebhookDelivery } from '../../src/db/webhook-sender.js'
import { normaliseRange } from '../../src/domain/catalogue-rules.js'
import { createOutboundFetch } from '../../src/platform/outbound-fetch.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

const SUBSCRIBERS = 40
let t: TestDb
let server: Server
let port = 0
const seen = new Set<string>()
let deliveries = 0

beforeAll(async () => {
  t = await openTestDb()
  server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      // slow enough that the kill lands in the middle of the run
      setTimeout(() => {
        seen.add(String(req.headers['webhook-id']))
        deliveries++
        res.writeHead(204).end()
      }, 40)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
  await t.close()
})

describe.skipIf(!process.env.TEST_DATABASE_URL && !process.env.DATABASE_URL)('kill -9 during webhook delivery', () => {
  // PGlite lives inside one process: a second process cannot share it, so this needs Postgres
  it('a second run delivers everything the killed one left', async () => {
    const now = new Date()
    await addRanges(t.db, [normaliseRange({ prefix: '192.0.2.0/24', pool: 'asv', region: 'eu' }, now)], { actor: 'test', at: now })
    await publishCatalogue(t.db, { now, actor: 'test' })
    await runNotifyTick(t.db, { now: () => new Date(), baseUrl: 'https://x.test', reminderDays: 3 })
    await t.db
      .insertInto('notification_subscriptions')
      .values(
        Array.from({ length: SUBSCRIBERS }, (_, i) => ({
          channel: 'webhook' as const,
          url: `http://receiver.test:${port}/${i}`,
          secret: newWebhookSecret(),
          events: ['version.published', 'range.announced'],
          status: 'active' as const,
          unsubscribe_token: `kill-${i}-${Math.random().toString(36).slice(2)}`,
          created_by: 'test',
        })),
      )
      .execute()
    await addRanges(t.db, [normaliseRange({ prefix: '198.51.100.0/24', pool: 'asv', region: 'us', activeFrom: new Date(now.getTime() + 20 * 86_400_000).toISOString() }, now)], { actor: 'test', at: now })
    await publishCatalogue(t.db, { now, actor: 'test' })

    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/db/fixtures/notify-child.ts'], {
      env: { ...process.env, CHILD_DB_URL: t.url, CHILD_SCHEMA: t.schema },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = new Promise((r) => child.on('exit', r))
    const deadline = Date.now() + 60_000
    while (deliveries < 15 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    child.kill('SIGKILL')
    await exited
    expect(deliveries).toBeGreaterThanOrEqual(15)
    const total = await t.db.selectFrom('outbox').select((eb) => eb.fn.countAll<string>().as('n')).where('kind', '=', 'webhook').executeTakeFirstOrThrow()
    expect(Number(total.n)).toBe(SUBSCRIBERS * 2)
    const left = await t.db.selectFrom('outbox').select('id').where('status', '=', 'pending').execute()
    expect(left.length).toBeGreaterThan(0)

    // the killed process's leases lapse (60 s); let that time pass for the queue
    await t.db.updateTable('outbox').set({ locked_until: new Date(0), next_attempt_at: new Date(0) }).where('status', '=', 'pending').execute()
    const webhooks = createWebhookDelivery(t.db, {
      fetch: createOutboundFetch({ resolve: async () => [{ address: '127.0.0.1', family: 4 }], testAllowAddresses: ['127.0.0.1'] }),
      now: () => new Date(),
      disableAfterDays: 5,
      baseUrl: 'https://x.test',
    })
    await runNotifyTick(t.db, { now: () => new Date(), baseUrl: 'https://x.test', reminderDays: 3, webhooks })
    const rows = await t.db.selectFrom('outbox').select(['id', 'status']).where('kind', '=', 'webhook').execute()
    expect(rows.every((r) => r.status === 'sent')).toBe(true)
    expect(rows.every((r) => seen.has(r.id))).toBe(true)
    expect(seen.size).toBe(SUBSCRIBERS * 2)
  }, 120_000)
})
