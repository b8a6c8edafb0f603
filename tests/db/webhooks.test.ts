/**
 * Webhooks end to end with real components: a receiver started here (node:http on
 * 127.0.0.1) that checks every delivery with the standardwebhooks library's own verifier
 * and the Ed25519 v1a signature with node:crypto, through the real outbound guard (with a
 * test-only allowlist for the loopback receiver) and the real outbox.
 */
import { createPublicKey, verify as edVerify } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { addRanges } from '../../src/db/add-ranges.js'
import { runNotifyTick } from '../../src/db/notify-tick.js'
import { publishCatalogue } from '../../src/db/publish-catalogue.js'
import { createWebhookSubscription, getSubscription } from '../../src/db/subscription-repository.js'
import { createWebhookDelivery } from '../../src/db/webhook-sender.js'
import { listOutboxAttempts, requeueOutbox } from '../../src/db/outbox.js'
import { normaliseRange } from '../../src/domain/catalogue-rules.js'
import { createFeedSigner, generateFeedKey } from '../../src/domain/feed-signing.js'
import { createOutboundFetch } from '../../src/platform/outbound-fetch.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

const DAY = 86_400_000
let t: TestDb
let server: Server
let port = 0
type Received = { id: string; type: string; body: Record<string, unknown>; v1a: boolean }
let received: Received[] = []
let failuresLeft = 0
let secrets = new Map<string, string>()
let publicKeyPem = ''

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let b = ''
    req.on('data', (c) => (b += c))
    req.on('end', () => resolve(b))
  })
}

beforeAll(async () => {
  t = await openTestDb()
  server = createServer(async (req, res) => {
    const body = await readBody(req)
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))
    const sub = req.url!.slice(1)
    const secret = secrets.get(sub)
    let payload: Record<string, unknown>
    try {
      payload = new Webhook(secret!).verify(body, headers) as Record<string, unknown>
    } catch {
      res.writeHead(401).end('bad signature')
      return
    }
    const id = headers['webhook-id']!
    const sig = headers['webhook-signature']!.split(' ').find((s) => s.startsWith('v1a,'))
    const v1a = sig
      ? edVerify(null, Buffer.from(`${id}.${headers['webhook-timestamp']}.${body}`), createPublicKey(publicKeyPem), Buffer.from(sig.slice(4), 'base64'))
      : false
    if (payload.type === 'subscription.verify') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge: (payload.data as { challenge: string }).challenge }))
      return
    }
    if (failuresLeft > 0) {
      failuresLeft--
      res.writeHead(503).end()
      return
    }
    received.push({ id, type: String(payload.type), body: payload, v1a })
    res.writeHead(204).end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  received = []
  failuresLeft = 0
  secrets = new Map()
})

async function setup() {
  const key = await generateFeedKey()
  publicKeyPem = key.publicKeyPem
  const signer = await createFeedSigner(key.privateKey)
  const now = () => new Date()
  const fetch = createOutboundFetch({ resolve: async () => [{ address: '127.0.0.1', family: 4 }], testAllowAddresses: ['127.0.0.1'], timeoutMs: 2000 })
  const webhooks = createWebhookDelivery(t.db, { fetch, signer, now, disableAfterDays: 5, baseUrl: 'https://scanners.example.test' })
  const tick = () => runNotifyTick(t.db, { now, baseUrl: 'https://scanners.example.test', reminderDays: 3, webhooks, parallel: 2 })
  // the catalogue's first version, then the notifier's starting point
  await addRanges(t.db, [normaliseRange({ prefix: '192.0.2.0/24', pool: 'asv', region: 'eu' }, now())], { actor: 'test', at: now() })
  await publishCatalogue(t.db, { now: now(), actor: 'test' })
  await tick()
  return { now, tick }
}

async function subscribe(now: () => Date, name: string) {
  const r = await createWebhookSubscription(t.db, { url: `http://receiver.test:${port}/${name}`, createdBy: 'test' }, now())
  if (!('secret' in r)) throw new Error('not created')
  secrets.set(name, r.secret)
  return r.subscription.id
}

describe('webhook delivery', () => {
  it('activates only after the challenge is echoed, then delivers signed events the library verifies', async () => {
    const { now, tick } = await setup()
    const id = await subscribe(now, 'a')
    expect((await getSubscription(t.db, id))?.status).toBe('pending')
    await tick()
    expect((await getSubscription(t.db, id))?.status).toBe('active')

    await addRanges(t.db, [normaliseRange({ prefix: '198.51.100.0/24', pool: 'asv', region: 'us', activeFrom: new Date(now().getTime() + 20 * DAY).toISOString() }, now())], { actor: 'test', at: now() })
    await publishCatalogue(t.db, { now: now(), actor: 'test', note: 'new block in Virginia' })
    await tick()
    const types = received.map((r) => r.type).sort()
    expect(types).toEqual(['range.announced', 'version.published'])
    expect(received.every((r) => r.v1a)).toBe(true)
    const published = received.find((r) => r.type === 'version.published')!.body.data as Record<string, unknown>
    expect(published).toMatchObject({ serial: 2, note: 'new block in Virginia', counts: { ipv4: 2, ipv6: 0 } })
    expect((published.links as Record<string, string>).signature).toBe('https://scanners.example.test/v1/versions/2.sig')
    // the delivery log has status and latency, never a body
    const log = await listOutboxAttempts(t.db, { destination: id, limit: 10 })
    expect(log.filter((a) => a.ok && a.statusCode === 204)).toHaveLength(2)
  })

  it('a receiver that fails twice and recovers gets every event exactly once after dedupe by webhook-id', async () => {
    const { now, tick } = await setup()
    await subscribe(now, 'flaky')
    await tick()
    failuresLeft = 2
    await addRanges(t.db, [normaliseRange({ prefix: '203.0.113.0/24', pool: 'asv', region: 'ap', activeFrom: new Date(now().getTime() + 15 * DAY).toISOString() }, now())], { actor: 'test', at: now() })
    await publishCatalogue(t.db, { now: now(), actor: 'test' })
    for (let i = 0; i < 8 && received.length < 2; i++) {
      await tick()
      // the receiver checks timestamps against the real clock, so the backoff is skipped
      // in the queue instead of moving our clock
      await t.db.updateTable('outbox').set({ next_attempt_at: new Date(0) }).where('status', '=', 'pending').execute()
    }
    const ids = new Set(received.map((r) => r.id))
    expect([...new Set(received.map((r) => r.type))].sort()).toEqual(['range.announced', 'version.published'])
    expect(ids.size).toBe(2)
    // a manual redelivery repeats the same webhook-id: the receiver's dedupe drops it
    const first = received[0]!.id
    await requeueOutbox(t.db, first, now())
    await tick()
    expect(received.filter((r) => r.id === first)).toHaveLength(2)
    expect(new Set(received.map((r) => r.id)).size).toBe(2)
  })

  it('a short-notice publish carries its reason in the notification', async () => {
    const { now, tick } = await setup()
    await subscribe(now, 'b')
    await tick()
    await addRanges(t.db, [normaliseRange({ prefix: '198.51.100.0/24', pool: 'asv', region: 'us' }, now())], { actor: 'test', at: now() })
    await expect(publishCatalogue(t.db, { now: now(), actor: 'test' })).rejects.toMatchObject({ code: 'publish_refused' })
    await publishCatalogue(t.db, { now: now(), actor: 'test', force: true, reason: 'emergency: scanner host compromised' })
    await tick()
    const data = received.find((r) => r.type === 'version.published')!.body.data as { noticeOverride: { reason: string; shortfalls: unknown[] } }
    expect(data.noticeOverride.reason).toBe('emergency: scanner host compromised')
    expect(data.noticeOverride.shortfalls).toEqual([expect.objectContaining({ prefix: '198.51.100.0/24', kind: 'activeFrom', noticeDays: 0 })])
  })
})
