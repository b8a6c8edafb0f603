/**
 * @module tests/platform/worker-handler
 * The Worker's fetch/scheduled under Node with an in-memory Cache API: env validation,
 * one database client per request (closed through waitUntil), feed documents answered
 * from the edge cache without a client, and the scheduled job list. The same code runs in
 * workerd in the black-box suite (scripts/blackbox.sh).
 */
import { Kysely, PostgresDialect } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/schema.js'
import { generateFeedKey } from '../../src/domain/feed-signing.js'
import type { CacheLike } from '../../src/platform/worker-feed-cache.js'
import { createWorkerHandler } from '../../src/platform/worker-handler.js'
import { ScheduledJobsFailed, type ScheduledJob } from '../../src/platform/worker-jobs.js'
import { DAY, testClock, tokenWith, type Clock } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

const ORIGIN = 'https://scanners.example.test'

/** A Map-backed stand-in for `caches.default` that records what it was asked. */
class MemoryCache implements CacheLike {
  readonly entries = new Map<string, { body: ArrayBuffer; headers: [string, string][]; status: number }>()
  puts: string[] = []
  async match(key: string) {
    const e = this.entries.get(key)
    return e ? new Response(e.body.slice(0), { status: e.status, headers: e.headers }) : undefined
  }
  async put(key: string, res: Response) {
    this.puts.push(key)
    this.entries.set(key, { body: await res.arrayBuffer(), headers: [...res.headers], status: res.status })
  }
}

class FakeCtx {
  readonly pending: Promise<unknown>[] = []
  waitUntil(p: Promise<unknown>) {
    this.pending.push(p)
  }
  passThroughOnException() {}
  async settle() {
    await Promise.all(this.pending)
  }
}

let t: TestDb
let clock: Clock
let cache: MemoryCache
let opened: number
let destroyed: number
let logs: string[]
let admin: string

let dbDown = false

/** A client whose every connection attempt is refused, as when Postgres is down. */
function unreachableDb(): Kysely<Database> {
  const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: refused, end: async () => {} } }) })
}

/** The test database behind a per-request facade whose destroy() is counted, not executed. */
function openDb(): Kysely<Database> {
  opened++
  if (dbDown) return unreachableDb()
  return new Proxy(t.db, {
    get(target, prop) {
      if (prop === 'destroy') return async () => void destroyed++
      const v = Reflect.get(target, prop, target)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
}

function env(extra: Record<string, unknown> = {}) {
  return { HYPERDRIVE: { connectionString: 'postgres://hyperdrive.local/db' }, FEED_REFRESH_MS: '5000', LOG_LEVEL: 'warn', ...extra }
}

function worker(jobs?: readonly ScheduledJob[]) {
  return createWorkerHandler({ openDb, cache: () => cache, now: clock.now, write: (l) => logs.push(l), ...(jobs ? { jobs } : {}) })
}

async function call(w: ReturnType<typeof worker>, path: string, init: RequestInit = {}, e = env()) {
  const ctx = new FakeCtx()
  const res = await w.fetch(new Request(ORIGIN + path, init), e, ctx)
  await ctx.settle()
  return res
}

const asAdmin = (method: string, body?: unknown): RequestInit =>
  body === undefined
    ? { method, headers: { authorization: `Bearer ${admin}` } }
    : { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }

async function seed(w: ReturnType<typeof worker>) {
  for (const prefix of ['192.0.2.0/24', '2001:db8:1::/48']) {
    const res = await call(w, '/v1/admin/ranges', asAdmin('POST', { prefix, pool: 'asv-external', region: 'eu-central', activeFrom: '2026-01-01T00:00:00Z' }))
    expect(res.status).toBe(201)
  }
  expect((await call(w, '/v1/admin/publish', asAdmin('POST'))).status).toBe(201)
}

beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  clock = testClock('2026-11-01T00:00:00.000Z')
  cache = new MemoryCache()
  opened = 0
  destroyed = 0
  dbDown = false
  logs = []
  admin = await tokenWith(t.db, 'ranges:write')
})

describe('environment check at the entry', () => {
  it('answers a 500 problem naming the missing Hyperdrive binding, without touching a database', async () => {
    const res = await call(worker(), '/v1/ranges', {}, { FEED_REFRESH_MS: '5000' } as never)
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const body = await res.json()
    expect(body.code).toBe('worker_misconfigured')
    expect(body.detail).toContain('binding HYPERDRIVE is missing')
    expect(opened).toBe(0)
    expect(logs.join('\n')).toContain('worker misconfigured')
  })

  it('names every bad variable, and never echoes its value', async () => {
    const res = await call(worker(), '/healthz', {}, env({ FEED_MAX_AGE: 'soon', PUBLIC_URL: 'not a url', FEED_CACHE_GENERATION: 'a b' }))
    expect(res.status).toBe(500)
    const body = await res.json()
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['FEED_CACHE_GENERATION', 'FEED_MAX_AGE', 'PUBLIC_URL'].sort())
    expect(JSON.stringify(body)).not.toContain('soon')
    expect(JSON.stringify(body)).not.toContain('not a url')
  })

  it('reports an unusable FEED_SIGNING_KEY as a 500 naming the secret', async () => {
    const res = await call(worker(), '/healthz', {}, env({ FEED_SIGNING_KEY: 'bm90IGEga2V5' }))
    expect(res.status).toBe(500)
    expect((await res.json()).detail).toContain('FEED_SIGNING_KEY')
  })
})

describe('database client per request', () => {
  it('opens one client per request that reaches the app and closes it through waitUntil', async () => {
    const w = worker()
    expect((await call(w, '/healthz')).status).toBe(200)
    expect((await call(w, '/v1/lookup/192.0.2.1')).status).toBe(200)
    expect(opened).toBe(2)
    expect(destroyed).toBe(2)
  })
})

describe('edge cache for feed documents', () => {
  it('answers a repeated GET from the cache with the same bytes and headers, without a database client', async () => {
    const w = worker()
    await seed(w)
    const first = await call(w, '/v1/ranges.txt?family=ipv4')
    expect(first.status).toBe(200)
    expect(first.headers.get('x-edge-cache')).toBe('miss')
    const body = await first.text()
    expect(body).toBe('192.0.2.0/24\n')
    const before = opened
    // same query, other parameter order: same document
    const again = await call(w, '/v1/ranges.txt?family=ipv4')
    expect(again.headers.get('x-edge-cache')).toBe('hit')
    expect(await again.text()).toBe(body)
    expect(opened).toBe(before)
    for (const h of ['etag', 'x-feed-serial', 'x-entry-count', 'content-type', 'last-modified', 'access-control-allow-origin']) {
      expect(again.headers.get(h), h).toBe(first.headers.get(h))
    }
    // clients see the feed's own max-age, not the cache's storage lifetime
    expect(again.headers.get('cache-control')).toBe('public, max-age=300, stale-if-error=86400')
    expect(again.headers.get('x-origin-cache-control')).toBeNull()
  })

  it('caches firewall snippets per serial, format and options', async () => {
    const w = worker()
    await seed(w)
    const first = await call(w, '/v1/rules/nftables?name=scanners')
    expect(first.status).toBe(200)
    const before = opened
    const hit = await call(w, '/v1/rules/nftables?name=scanners')
    expect(hit.headers.get('x-edge-cache')).toBe('hit')
    expect(await hit.text()).toBe(await first.text())
    expect(hit.headers.get('content-disposition')).toBe(first.headers.get('content-disposition'))
    expect(opened).toBe(before)
    // other options are another document
    expect((await call(w, '/v1/rules/nftables?name=other')).headers.get('x-edge-cache')).toBe('miss')
    // an unknown format is a problem, passed through and never stored
    expect((await call(w, '/v1/rules/no-such-firewall')).status).toBe(404)
    expect(cache.puts.some((k) => k.includes('no-such-firewall'))).toBe(false)
  })

  it('answers If-None-Match with 304 from the cache and HEAD without a body', async () => {
    const w = worker()
    await seed(w)
    const etag = (await call(w, '/v1/ranges')).headers.get('etag')!
    const before = opened
    const res = await call(w, '/v1/ranges', { headers: { 'if-none-match': etag } })
    expect(res.status).toBe(304)
    expect(res.headers.get('etag')).toBe(etag)
    expect(res.headers.get('content-type')).toBeNull()
    expect(await res.text()).toBe('')
    const head = await call(w, '/v1/ranges', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect(opened).toBe(before)
  })

  it('a conditional first request still fills the cache with the full document', async () => {
    const w = worker()
    await seed(w)
    const res = await call(w, '/v1/versions/1', { headers: { 'if-none-match': '"something-else"' } })
    expect(res.status).toBe(200)
    const before = opened
    const hit = await call(w, '/v1/versions/1')
    expect(hit.headers.get('x-edge-cache')).toBe('hit')
    expect((await hit.json()).serial).toBe(1)
    expect(hit.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(opened).toBe(before)
  })

  it('serves a new serial right after a publish through this Worker', async () => {
    const w = worker()
    await seed(w)
    expect((await call(w, '/v1/ranges.txt')).headers.get('x-feed-serial')).toBe('1')
    expect((await call(w, '/v1/ranges.txt')).headers.get('x-edge-cache')).toBe('hit')
    // announced with the full notice period: no force needed
    const activeFrom = new Date(clock.now().getTime() + 15 * 86_400_000).toISOString()
    const add = await call(w, '/v1/admin/ranges', asAdmin('POST', { prefix: '198.51.100.0/24', pool: 'asv-external', region: 'us-east', activeFrom }))
    expect(add.status).toBe(201)
    expect((await call(w, '/v1/admin/publish', asAdmin('POST'))).status).toBe(201)
    const after = await call(w, '/v1/ranges.txt')
    expect(after.headers.get('x-feed-serial')).toBe('2')
    expect(await after.text()).toContain('198.51.100.0/24')
  })

  it('does not cache problems: a 404 before the first publish turns into the feed afterwards', async () => {
    const w = worker()
    expect((await call(w, '/v1/ranges')).status).toBe(404)
    expect((await call(w, '/v1/versions/1')).status).toBe(404)
    await seed(w)
    expect((await call(w, '/v1/ranges')).status).toBe(200)
    expect((await call(w, '/v1/versions/1')).status).toBe(200)
    expect(cache.puts.every((k) => !k.includes('/v1/versions/2'))).toBe(true)
  })

  it('keys entries by generation and signing key, so a new key never serves old signatures', async () => {
    const w = worker()
    await seed(w)
    const { privateKey } = await generateFeedKey()
    const signed = env({ FEED_SIGNING_KEY: privateKey })
    const unsigned = await call(w, '/v1/versions/1', {}, env())
    expect(unsigned.headers.get('signature')).toBeNull()
    const res = await call(w, '/v1/versions/1', {}, signed)
    expect(res.headers.get('x-edge-cache')).toBe('miss')
    const signature = res.headers.get('signature')
    expect(signature).toMatch(/^sig1=:[A-Za-z0-9+/]{86}==:$/)
    // the edge copy keeps the body's digest and signature: a HEAD gets them like a GET, a 304 none
    const hit = await call(w, '/v1/versions/1', {}, signed)
    expect(hit.headers.get('x-edge-cache')).toBe('hit')
    expect(hit.headers.get('signature')).toBe(signature)
    expect(hit.headers.get('content-digest')).toBe(res.headers.get('content-digest'))
    const notModified = await call(w, '/v1/versions/1', { headers: { 'if-none-match': res.headers.get('etag')! } }, signed)
    expect(notModified.status).toBe(304)
    const head = await call(w, '/v1/versions/1', { method: 'HEAD' }, signed)
    for (const h of ['content-digest', 'signature-input', 'signature']) {
      expect(notModified.headers.get(h), h).toBeNull()
      expect(head.headers.get(h), h).toBe(res.headers.get(h))
    }
    for (const path of ['/v1/versions/1/signature', '/v1/versions/1.sig']) {
      const sig = await call(w, path, {}, signed)
      expect(sig.status).toBe(200)
      expect(new Uint8Array(await sig.arrayBuffer()).length).toBe(64)
      expect((await call(w, path, {}, signed)).headers.get('x-edge-cache')).toBe('hit')
    }
  })

  it('with FEED_REFRESH_MS below a second asks the app for the latest serial every time', async () => {
    const w = worker()
    await seed(w)
    const e = env({ FEED_REFRESH_MS: '0' })
    cache.puts = []
    await call(w, '/v1/ranges', {}, e)
    const before = opened
    const res = await call(w, '/v1/ranges', {}, e)
    expect(res.status).toBe(200)
    expect(opened).toBe(before + 1)
    expect(cache.puts.some((k) => k.endsWith('/latest-serial'))).toBe(false)
    // the rendered document itself is still kept under its serial
    expect(cache.puts.some((k) => k.endsWith('/1/v1/ranges'))).toBe(true)
  })

  it('never stores a stale answer served while the database is down, but still honours its ETag', async () => {
    const w = worker()
    await seed(w)
    const e = env({ FEED_REFRESH_MS: '0' })
    const fresh = await call(w, '/v1/ranges.csv', {}, e)
    expect(fresh.status).toBe(200)
    const etag = fresh.headers.get('etag')!
    dbDown = true
    cache.puts = []
    const stale = await call(w, '/v1/ranges.csv', {}, e)
    expect(stale.status).toBe(200)
    expect(stale.headers.get('x-feed-stale')).toMatch(/^true/)
    expect(stale.headers.get('x-edge-cache')).toBeNull()
    expect(await stale.text()).toBe(await fresh.text())
    expect((await call(w, '/v1/ranges.csv', { headers: { 'if-none-match': etag } }, e)).status).toBe(304)
    expect(cache.puts).toEqual([])
  })

  it('in a fresh isolate with the database down, serves the last known version marked stale', async () => {
    await seed(worker())
    const warm = worker()
    const fresh = await call(warm, '/v1/ranges.txt')
    expect(fresh.status).toBe(200)
    // a new isolate (empty FeedStore) after the latest pointer expired (here: never read)
    const cold = worker()
    dbDown = true
    const res = await call(cold, '/v1/ranges.txt', {}, env({ FEED_REFRESH_MS: '0' }))
    expect(res.status).toBe(200)
    expect(res.headers.get('x-edge-cache')).toBe('stale')
    expect(res.headers.get('x-feed-stale')).toMatch(/^true/)
    expect(res.headers.get('x-feed-serial')).toBe('1')
    expect(await res.text()).toBe(await fresh.text())
    // documents never served here have nothing to fall back on: the 503 stands
    const never = await call(cold, '/v1/ranges.csv', {}, env({ FEED_REFRESH_MS: '0' }))
    expect(never.status).toBe(503)
    expect(never.headers.get('retry-after')).toBe('5')
  })

  it('passes non-feed and non-GET requests straight to the app', async () => {
    const w = worker()
    await seed(w)
    const res = await call(w, '/v1/admin/ranges', asAdmin('GET'))
    expect(res.status).toBe(200)
    expect(res.headers.get('x-edge-cache')).toBeNull()
    expect(cache.puts.some((k) => k.includes('/admin/'))).toBe(false)
  })

  it('keeps answering when the cache itself fails', async () => {
    const broken: CacheLike = {
      match: async () => {
        throw new Error('cache down')
      },
      put: async () => {
        throw new Error('cache down')
      },
    }
    const w = createWorkerHandler({ openDb, cache: () => broken, now: clock.now, write: () => {} })
    await seed(w)
    const res = await call(w, '/v1/ranges.txt')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('192.0.2.0/24')
  })
})

describe('scheduled', () => {
  it('publishes due lifecycle transitions with its own client, closed afterwards', async () => {
    const w = worker()
    const add = await call(w, '/v1/admin/ranges', asAdmin('POST', {
      prefix: '203.0.113.0/24',
      pool: 'web-app',
      region: 'ap-southeast',
      activeFrom: new Date(clock.now().getTime() + 2 * DAY).toISOString(),
    }))
    expect(add.status).toBe(201)
    expect((await call(w, '/v1/admin/publish', asAdmin('POST'))).status).toBe(201)
    clock.advance(3 * DAY)
    const ctx = new FakeCtx()
    const before = { opened, destroyed }
    await w.scheduled({ cron: '* * * * *', scheduledTime: clock.now().getTime() }, env(), ctx)
    await ctx.settle()
    expect(opened).toBe(before.opened + 1)
    expect(destroyed).toBe(before.destroyed + 1)
    const feed = await call(w, '/v1/versions/2')
    expect(feed.status).toBe(200)
    expect((await feed.json()).ipv4[0].status).toBe('active')
  })

  it('runs every job even when one fails, then fails the run naming it', async () => {
    const ran: string[] = []
    const jobs: ScheduledJob[] = [
      { name: 'first', run: async () => (ran.push('first'), { done: 1 }) },
      {
        name: 'broken',
        run: async () => {
          throw new Error('boom')
        },
      },
      { name: 'last', run: async () => (ran.push('last'), {}) },
    ]
    const ctx = new FakeCtx()
    const run = worker(jobs).scheduled({ cron: '* * * * *', scheduledTime: 0 }, env(), ctx)
    await expect(run).rejects.toBeInstanceOf(ScheduledJobsFailed)
    await expect(run).rejects.toThrow('scheduled job(s) failed: broken')
    await ctx.settle()
    expect(ran).toEqual(['first', 'last'])
    expect(destroyed).toBe(1)
    expect(logs.some((l) => l.includes('"job":"broken"') && l.includes('boom'))).toBe(true)
  })

  it('refuses to run without the Hyperdrive binding', async () => {
    await expect(worker().scheduled({ cron: '* * * * *', scheduledTime: 0 }, {}, new FakeCtx())).rejects.toThrow('HYPERDRIVE')
  })
})

describe('retention purge job', () => {
  it('runs only at minute 7 of each hour and purges with the configured policy', async () => {
    const { retentionPurgeJob } = await import('../../src/platform/worker-jobs.js')
    const { openTestDb } = await import('../helpers/test-db.js')
    const t = await openTestDb()
    try {
      const log = { info() {}, warn() {}, error() {} }
      const skipped = await retentionPurgeJob.run({ db: t.db, now: new Date('2026-11-01T10:06:00Z'), log })
      expect(skipped).toEqual({ skipped: 'runs at minute 7 of each hour' })
      const ran = await retentionPurgeJob.run({ db: t.db, now: new Date('2026-11-01T10:07:00Z'), log })
      expect(ran).toMatchObject({ contacts: 0, evidence: 0, xarfDocuments: 0 })
    } finally {
      await t.close()
    }
  })

  it('re-links open reports once an hour, at minute 37, and is part of every cron run', async () => {
    const { relinkJob, SCHEDULED_JOBS } = await import('../../src/platform/worker-jobs.js')
    expect(SCHEDULED_JOBS.map((j) => j.name)).toEqual(['lifecycle-publish', 'retention-purge', 'relink-open-reports', 'notify', 'outbox-mail'])
    const { openTestDb } = await import('../helpers/test-db.js')
    const t = await openTestDb()
    try {
      const log = { info() {}, warn() {}, error() {} }
      expect(await relinkJob.run({ db: t.db, now: new Date('2026-11-01T10:07:00Z'), log })).toEqual({ skipped: 'runs at minute 37 of each hour' })
      expect(await relinkJob.run({ db: t.db, now: new Date('2026-11-01T10:37:00Z'), log })).toEqual({ reports: 0, verdictsChanged: 0 })
    } finally {
      await t.close()
    }
  })
})
