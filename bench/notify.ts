/**
 * @module bench/notify
 * Publishes one version with 1 000 webhook subscribers on a loopback receiver and measures
 * (1) the time until every subscriber got every event, and (2) publish latency with and
 * without subscribers. Goals: publish latency unchanged within 10 % (fan-out never runs in
 * the publish transaction), everything delivered within 30 s.
 *
 * Deliveries go through the real outbound guard (with the loopback receiver allowlisted —
 * a bench-only exception, like the tests), the real Standard Webhooks + Ed25519 signing and
 * the real outbox, with 8 delivery loops claiming concurrently (SKIP LOCKED).
 *
 * Run: npx tsx bench/notify.ts [subscribers, default 1000] [publishes per side, default 15]
 * Database: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, in a schema
 * of its own that is dropped at the end.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'kysely'
import { addRanges } from '../src/db/add-ranges.js'
import { runNotifyTick } from '../src/db/notify-tick.js'
import { publishCatalogue } from '../src/db/publish-catalogue.js'
import { createWebhookDelivery } from '../src/db/webhook-sender.js'
import { normaliseRange } from '../src/domain/catalogue-rules.js'
import { createFeedSigner, generateFeedKey } from '../src/domain/feed-signing.js'
import { newWebhookSecret } from '../src/db/subscription-repository.js'
import { migrate, openPostgres } from '../src/platform/node-database.js'
import { createOutboundFetch } from '../src/platform/outbound-fetch.js'

const URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SUBSCRIBERS = Number(process.argv[2] ?? 1000)
const PUBLISHES = Number(process.argv[3] ?? 15)
const DAY = 86_400_000
const BASE = 'https://scanners.example.test'

const schema = `bench_notify_${Date.now().toString(36)}`
const admin = openPostgres(URL, { max: 1 })
await sql`create schema ${sql.id(schema)}`.execute(admin.db)
const opened = openPostgres(URL, { max: 12, options: `-c search_path=${schema},public` })
const db = opened.db

const seen = new Set<string>()
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    seen.add(String(req.headers['webhook-id']))
    res.writeHead(204).end()
  })
})
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
const port = (server.address() as AddressInfo).port

let block = 0
/** One new announced /24 per publish, far enough ahead to need no force. */
async function publishOne(): Promise<number> {
  const now = new Date()
  const prefix = `45.${Math.floor(block / 256)}.${block % 256}.0/24`
  block++
  await addRanges(db, [normaliseRange({ prefix, pool: 'bench', region: 'eu', activeFrom: new Date(now.getTime() + 30 * DAY).toISOString() }, now)], { actor: 'bench', at: now })
  const started = performance.now()
  await publishCatalogue(db, { now: new Date(), actor: 'bench' })
  return performance.now() - started
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

try {
  await migrate(db)
  await addRanges(db, [normaliseRange({ prefix: '198.51.100.0/24', pool: 'bench', region: 'us' }, new Date())], { actor: 'bench', at: new Date() })
  await publishCatalogue(db, { now: new Date(), actor: 'bench' })
  const key = await generateFeedKey()
  const webhooks = createWebhookDelivery(db, {
    fetch: createOutboundFetch({ resolve: async () => [{ address: '127.0.0.1', family: 4 }], testAllowAddresses: ['127.0.0.1'] }),
    signer: await createFeedSigner(key.privateKey),
    now: () => new Date(),
    disableAfterDays: 5,
    baseUrl: BASE,
  })
  const tick = () => runNotifyTick(db, { now: () => new Date(), baseUrl: BASE, reminderDays: 3, webhooks, parallel: 8 })
  await tick()

  for (let i = 0; i < 3; i++) await publishOne() // warm-up
  await tick()

  // subscribers as they are once their challenge was echoed (the challenge is tested elsewhere)
  const rows = Array.from({ length: SUBSCRIBERS }, (_, i) => ({
    channel: 'webhook' as const,
    url: `http://receiver.bench:${port}/s/${i}`,
    secret: newWebhookSecret(),
    events: ['version.published', 'range.announced', 'range.retiring', 'range.reminder'],
    status: 'active' as const,
    unsubscribe_token: `bench-${i}-${Math.random().toString(36).slice(2)}`,
    created_by: 'bench',
    confirmed_at: new Date(),
  }))
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('notification_subscriptions').values(rows.slice(i, i + 500)).execute()

  // alternate the two sides, so the growing catalogue and the machine's load hit both alike
  const setStatus = (status: 'active' | 'disabled') => db.updateTable('notification_subscriptions').set({ status }).execute()
  const without: number[] = []
  const withSubs: number[] = []
  for (let i = 0; i < PUBLISHES; i++) {
    await setStatus('disabled')
    without.push(await publishOne())
    await setStatus('active')
    withSubs.push(await publishOne())
  }
  // those versions are history for this measurement: deliver them, then start clean
  await db.updateTable('notification_state').set({ last_serial: sql`(select max(serial) from feed_versions)` }).execute()
  seen.clear()

  const started = performance.now()
  const publishMs = await publishOne()
  const expected = SUBSCRIBERS * 2 // version.published + range.announced
  let ticks = 0
  while (seen.size < expected && performance.now() - started < 120_000) {
    await tick()
    ticks++
  }
  const deliveredMs = performance.now() - started
  const pw = median(without)
  const ps = median(withSubs)
  console.log(`subscribers:                 ${SUBSCRIBERS}`)
  console.log(`publish p50 without subs:    ${pw.toFixed(1)} ms (${PUBLISHES} publishes)`)
  console.log(`publish p50 with subs:       ${ps.toFixed(1)} ms (${PUBLISHES} publishes)`)
  console.log(`ratio with/without:          ${(ps / pw).toFixed(2)}x  (goal ≤ 1.10)`)
  console.log(`measured publish:            ${publishMs.toFixed(1)} ms`)
  console.log(`delivered:                   ${seen.size} of ${expected} in ${(deliveredMs / 1000).toFixed(2)} s over ${ticks} ticks (goal ≤ 30 s)`)
  console.log(`throughput:                  ${((seen.size / deliveredMs) * 1000).toFixed(0)} deliveries/s`)
} finally {
  server.close()
  await opened.close()
  await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db)
  await admin.close()
}
