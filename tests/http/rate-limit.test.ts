import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { clientKey } from '../../src/domain/rate-limit.js'
import type { RateLimiter } from '../../src/http/rate-limit.js'
import { createRedisRateLimiter } from '../../src/platform/redis-rate-limiter.js'
import { clientIp } from '../../src/platform/client-ip.js'
import { buildApp, jsonBody, testClock, tokenWith, type Clock } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
let clock: Clock
const redisUrl = process.env.TEST_REDIS_URL

beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  clock = testClock('2026-11-01T12:00:10.000Z')
})

function app(extra: { rateLimiter?: RateLimiter } = {}) {
  return buildApp(t.db, clock, {
    getClientIp: (c) => c.req.header('x-test-client') ?? '192.0.2.50',
    rateLimits: { reportsPerMinute: 3, reportsPerDay: 5, statusPerMinute: 4 },
    ...extra,
  })
}

const report = (client = '192.0.2.50') => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-test-client': client },
  body: JSON.stringify({
    sourceIps: ['198.51.100.9'],
    observedFrom: '2026-11-01T10:00:00Z',
    observedTo: '2026-11-01T11:00:00Z',
    target: '203.0.113.5',
    category: 'port-scan',
  }),
})

describe('rate limits', () => {
  it('limits report submissions per client with a 429 problem and Retry-After; other clients are unaffected', async () => {
    const a = app()
    for (let i = 0; i < 3; i++) expect((await a.request('/v1/reports', report())).status).toBe(201)
    const limited = await a.request('/v1/reports', report())
    expect(limited.status).toBe(429)
    expect(limited.headers.get('content-type')).toBe('application/problem+json')
    expect(limited.headers.get('retry-after')).toBe('50')
    expect((await limited.json()).code).toBe('rate_limited')
    expect((await a.request('/v1/reports', report('192.0.2.51'))).status).toBe(201)
    // the next minute opens a new window
    clock.advance(60_000)
    expect((await a.request('/v1/reports', report())).status).toBe(201)
  })

  it('holds across processes: two app instances over one database share the counters', async () => {
    const one = app()
    const two = app()
    expect((await one.request('/v1/reports', report())).status).toBe(201)
    expect((await two.request('/v1/reports', report())).status).toBe(201)
    expect((await one.request('/v1/reports', report())).status).toBe(201)
    expect((await two.request('/v1/reports', report())).status).toBe(429)
  })

  it('counts an IPv6 client by its /64', async () => {
    const a = app()
    for (let i = 1; i <= 3; i++) expect((await a.request('/v1/reports', report(`2001:db8:1:2::${i}`))).status).toBe(201)
    expect((await a.request('/v1/reports', report('2001:db8:1:2:ffff::9'))).status).toBe(429)
    expect((await a.request('/v1/reports', report('2001:db8:1:3::1'))).status).toBe(201)
    expect(clientKey('2001:db8:1:2:ffff::9')).toBe(clientKey('2001:db8:1:2::1'))
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1')
  })

  it('limits status look-ups per token, whatever the client address', async () => {
    const a = app()
    const created = await (await a.request('/v1/reports', report())).json()
    let last = 0
    for (let i = 0; i < 5; i++) {
      const res = await a.request(`/v1/reports/${created.ref}`, {
        headers: { authorization: `Bearer ${created.statusToken}`, 'x-test-client': `198.18.0.${i}` },
      })
      last = res.status
      if (i < 4) expect(res.status).toBe(200)
    }
    expect(last).toBe(429)
  })

  it('a stranger guessing tokens for a reference never locks its owner out; the stranger is stopped', async () => {
    const a = app()
    const created = await (await a.request('/v1/reports', report())).json()
    const look = (client: string, token: string) =>
      a.request(`/v1/reports/${created.ref}`, { headers: { authorization: `Bearer ${token}`, 'x-test-client': client } })
    const wrong = (i: number) => `rs_${String(i).padStart(4, '0')}${created.statusToken.slice(7)}`
    // one stranger guessing hard, and many strangers guessing a little each
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) statuses.push((await look('198.18.7.7', wrong(i))).status)
    expect(statuses.slice(0, 4)).toEqual([404, 404, 404, 404])
    expect(statuses.slice(4).every((s) => s === 429)).toBe(true)
    for (let i = 0; i < 12; i++) expect((await look(`198.18.8.${i}`, wrong(100 + i))).status).toBe(404)
    // the owner, from its own address, with the right token
    const owner = await look('192.0.2.50', created.statusToken)
    expect(owner.status).toBe(200)
    expect((await owner.json()).ref).toBe(created.ref)
  })

  it('never limits feed reads', async () => {
    const a = buildApp(t.db, clock, { rateLimits: { reportsPerMinute: 1, reportsPerDay: 1, statusPerMinute: 1 } })
    const admin = await tokenWith(t.db, 'ranges:write')
    await a.request('/v1/admin/ranges', jsonBody('POST', { prefix: '198.51.100.0/24', pool: 'p', region: 'r' }, admin))
    await a.request('/v1/admin/publish', jsonBody('POST', {}, admin))
    const etag = (await a.request('/v1/ranges')).headers.get('etag')!
    for (let i = 0; i < 30; i++) {
      expect((await a.request('/v1/ranges.txt')).status).toBe(200)
      expect((await a.request('/v1/ranges', { headers: { 'if-none-match': etag } })).status).toBe(304)
    }
  })

  it('lets requests through when the counter store fails (and says so in the log)', async () => {
    const broken: RateLimiter = { hit: async () => Promise.reject(new Error('redis down')) }
    const a = app({ rateLimiter: broken })
    for (let i = 0; i < 5; i++) expect((await a.request('/v1/reports', report())).status).toBe(201)
  })

  it.skipIf(!redisUrl)('uses Redis counters when configured', async () => {
    const redis = await createRedisRateLimiter(redisUrl!)
    try {
      // a unique client per run: Redis keeps counters between runs until they expire
      const client = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`
      const one = app({ rateLimiter: redis.limiter })
      const two = app({ rateLimiter: redis.limiter })
      expect((await one.request('/v1/reports', report(client))).status).toBe(201)
      expect((await two.request('/v1/reports', report(client))).status).toBe(201)
      expect((await one.request('/v1/reports', report(client))).status).toBe(201)
      expect((await two.request('/v1/reports', report(client))).status).toBe(429)
    } finally {
      await redis.close()
    }
  })
})

describe('client address behind proxies', () => {
  it('trusts only as many X-Forwarded-For entries as configured hops', () => {
    expect(clientIp('10.0.0.1', '203.0.113.9, 198.51.100.1', 0)).toBe('10.0.0.1')
    expect(clientIp('10.0.0.1', 'spoofed, 203.0.113.9', 1)).toBe('203.0.113.9')
    expect(clientIp('10.0.0.1', 'spoofed, 203.0.113.9, 10.0.0.2', 2)).toBe('203.0.113.9')
    expect(clientIp('10.0.0.1', undefined, 1)).toBe('10.0.0.1')
  })
})
