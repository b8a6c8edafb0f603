/**
 * @module tests/http/strict-query
 * Query parameters are strict everywhere: an unknown one is a 400 naming it and listing the
 * valid ones, a single-value one given twice is a 400, `family` takes any case. And the
 * version list and change log answer conditional GETs like the other feed documents.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildApp, jsonBody, testClock, tokenWith, type Clock } from '../helpers/test-app.js'
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
  for (const prefix of ['192.0.2.0/24', '2001:db8::/32']) {
    const res = await app.request('/v1/admin/ranges', jsonBody('POST', { prefix, pool: 'asv-external', region: 'eu', activeFrom: '2026-10-01T00:00:00Z' }, admin))
    expect(res.status).toBe(201)
  }
  expect((await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))).status).toBe(201)
})

describe('unknown query parameters', () => {
  it('?familly=ipv4 is a 400 naming the parameter and listing the valid ones, not the whole list', async () => {
    const res = await app.request('/v1/ranges.txt?familly=ipv4')
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const p = await res.json()
    expect(p.code).toBe('invalid_option')
    expect(p.detail).toBe("Unknown query parameter 'familly'; this endpoint takes: family, pool, region, status, aggregate.")
    expect(p.allowed).toEqual(['family', 'pool', 'region', 'status', 'aggregate'])
    expect(p.errors).toEqual([{ field: 'familly', message: p.detail }])
    const rules = await (await app.request('/v1/rules/nftables?max_entry=5')).json()
    expect(rules.detail).toMatch(/'max_entry'.*family, pool, region, status, aggregate, name, max_entries\.$/)
    expect((await (await app.request('/v1/versions?limt=5')).json()).detail).toMatch(/'limt'; this endpoint takes: limit, before\./)
    expect((await (await app.request('/v1/changes?snce=1')).json()).detail).toMatch(/'snce'; this endpoint takes: since\./)
  })

  it('applies to every route that declares query parameters (walks the OpenAPI document)', async () => {
    const doc = await (await app.request('/openapi.json')).json()
    const tokens = await tokenWith(t.db, 'ranges:write', 'reports:read', 'reports:triage', 'sessions:write', 'audit:read', 'privacy:admin')
    let checked = 0
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { parameters?: { in: string }[] }>>)) {
      const get = ops.get
      if (!get?.parameters?.some((p) => p.in === 'query')) continue
      const url = path.replace(/\{[^}]+\}/g, (m) => (m === '{format}' ? 'nftables' : m === '{ip}' ? '192.0.2.1' : '1')) + '?no_such_param=1'
      const res = await app.request(url, { headers: { authorization: `Bearer ${tokens}` } })
      expect(res.status, url).toBe(400)
      expect((await res.json()).detail, url).toMatch(/^Unknown query parameter 'no_such_param'; this endpoint takes: /)
      checked++
    }
    expect(checked).toBeGreaterThanOrEqual(6)
  })

  it('routes without query parameters ignore the query (cache busters keep working)', async () => {
    expect((await app.request('/v1/versions/1?_=123')).status).toBe(200)
    expect((await app.request('/v1/feed.atom?_=123')).status).toBe(200)
  })
})

describe('repeated and differently written parameters', () => {
  it('a single-value parameter given twice is a 400 that says so', async () => {
    const res = await app.request('/v1/ranges?family=ipv4&family=ipv6')
    expect(res.status).toBe(400)
    expect((await res.json()).detail).toMatch(/^Query parameter 'family' is given 2 times; give it once/)
    expect((await app.request('/v1/versions?limit=1&limit=2')).status).toBe(400)
  })

  it('family takes IPv4 / IPV6 in any case', async () => {
    const v4 = await app.request('/v1/ranges.txt?family=IPv4')
    expect(v4.status).toBe(200)
    expect(await v4.text()).toBe('192.0.2.0/24\n')
    expect(await (await app.request('/v1/ranges.txt?family=IPV6')).text()).toBe('2001:db8::/32\n')
    expect((await app.request('/v1/ranges.txt?family=ipv5')).status).toBe(400)
  })
})

describe('conditional GET on /v1/versions and /v1/changes', () => {
  for (const path of ['/v1/versions', '/v1/versions?limit=1', '/v1/changes', '/v1/changes?since=0']) {
    it(`${path} has a strong ETag of its body and answers If-None-Match with 304`, async () => {
      const res = await app.request(path)
      expect(res.status).toBe(200)
      const etag = res.headers.get('etag')!
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
      expect(res.headers.get('x-feed-serial')).toBe('1')
      expect(res.headers.get('last-modified')).toBeTruthy()
      const again = await app.request(path, { headers: { 'if-none-match': etag } })
      expect(again.status).toBe(304)
      expect(await again.text()).toBe('')
      // a new version changes the answer, and so the ETag
      // announced with the promised notice, so the publish needs no force
      const activeFrom = new Date(Date.parse(res.headers.get('last-modified')!) + 15 * 86_400_000).toISOString()
      const add = await app.request('/v1/admin/ranges', jsonBody('POST', { prefix: '198.51.100.0/24', pool: 'asv-external', region: 'eu', activeFrom }, admin))
      expect(add.status).toBe(201)
      expect((await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))).status).toBe(201)
      const after = await app.request(path, { headers: { 'if-none-match': etag } })
      expect(after.status).toBe(200)
      expect(after.headers.get('etag')).not.toBe(etag)
      expect(after.headers.get('x-feed-serial')).toBe('2')
    })
  }
})
