import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createToken, revokeToken } from '../../src/db/token-repository.js'
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
  clock = testClock()
  app = buildApp(t.db, clock)
  admin = await tokenWith(t.db, 'ranges:write')
})

const post = (body: unknown, token = admin) => app.request('/v1/admin/ranges', jsonBody('POST', body, token))

describe('authentication', () => {
  it('missing, malformed, unknown, revoked and expired tokens all get the same 401 problem', async () => {
    const revoked = await createToken(t.db, { name: 'r', scopes: ['ranges:write'] })
    await revokeToken(t.db, revoked.info.id, clock.now())
    const expired = await createToken(t.db, { name: 'e', scopes: ['ranges:write'], expiresAt: new Date(clock.now().getTime() - 1) })
    const variants: Record<string, Record<string, string>> = {
      missing: {},
      malformed: { authorization: 'Bearer' },
      basic: { authorization: 'Basic YWRtaW46YWRtaW4=' },
      unknown: { authorization: `Bearer sg_${'A'.repeat(32)}` },
      revoked: { authorization: `Bearer ${revoked.token}` },
      expired: { authorization: `Bearer ${expired.token}` },
    }
    const bodies = new Set<string>()
    for (const [name, headers] of Object.entries(variants)) {
      const res = await app.request('/v1/admin/ranges', { headers })
      expect(res.status, name).toBe(401)
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="scangate"')
      const { requestId: _ignored, ...rest } = await res.json()
      bodies.add(JSON.stringify(rest))
    }
    expect(bodies.size).toBe(1)
  })

  it('a valid token without the scope gets 403', async () => {
    const other = await tokenWith(t.db, 'reports:read')
    const res = await app.request('/v1/admin/ranges', { headers: { authorization: `Bearer ${other}` } })
    expect(res.status).toBe(403)
    expect((await res.json()).detail).toMatch(/ranges:write/)
  })

  it('every /v1/admin route rejects anonymous callers (walks the route table)', async () => {
    const adminRoutes = app.routes.filter((r) => r.path.startsWith('/v1/admin') && r.method !== 'ALL')
    expect(adminRoutes.length).toBeGreaterThanOrEqual(4)
    for (const r of adminRoutes) {
      const path = r.path.replace(/\/:([A-Za-z]+)(\{[^}]*\})?/g, '/00000000-0000-4000-8000-000000000000')
      const res = await app.request(path, { method: r.method, headers: { 'content-type': 'application/json' }, body: r.method === 'GET' ? undefined : '{}' })
      expect(res.status, `${r.method} ${r.path}`).toBe(401)
    }
  })
})

describe('POST /v1/admin/ranges', () => {
  it('creates a range, canonicalises the prefix and reports its status', async () => {
    const res = await post({ prefix: '2001:DB8:0:0::/48', pool: 'asv-external', region: 'global', label: 'v6 block' })
    expect(res.status).toBe(201)
    const body = await res.json()
    expect(body.range).toMatchObject({ prefix: '2001:db8::/48', family: 'ipv6', status: 'active', label: 'v6 block' })
    expect(res.headers.get('location')).toBe(`/v1/admin/ranges/${body.range.id}`)
    // starting today gives no notice to customers: warned, not refused
    expect(body.warnings).toEqual([expect.stringMatching(/reserved address space/), expect.stringMatching(/less than 7 days/)])
    const later = await post({ prefix: '192.0.2.0/24', pool: 'p', region: 'r', activeFrom: new Date(clock.now().getTime() + 30 * DAY).toISOString() })
    const laterBody = await later.json()
    expect(laterBody.range.status).toBe('announced')
    // documentation space: allowed for demos, flagged for production
    expect(laterBody.warnings).toEqual([expect.stringMatching(/^192\.0\.2\.0\/24 is in reserved address space/)])
    const publicRange = await post({ prefix: '8.8.4.0/24', pool: 'p', region: 'r', activeFrom: new Date(clock.now().getTime() + 30 * DAY).toISOString() })
    expect((await publicRange.json()).warnings).toEqual([])
  })

  it('refuses blocks no scanner can send from', async () => {
    for (const prefix of ['127.0.0.0/8', '224.0.0.0/4', '169.254.0.0/16', 'fe80::/10', '::1/128', '0.0.0.0/0']) {
      const res = await post({ prefix, pool: 'p', region: 'r' })
      expect(res.status, prefix).toBe(400)
      expect((await res.json()).errors[0].field, prefix).toBe('prefix')
    }
  })

  it('rejects host bits with the network it should have been', async () => {
    const res = await post({ prefix: '192.0.2.1/24', pool: 'p', region: 'r' })
    expect(res.status).toBe(400)
    const p = await res.json()
    expect(p.code).toBe('invalid_cidr')
    expect(p.detail).toContain('192.0.2.0/24')
  })

  it('rejects overlapping ranges with 409 naming both', async () => {
    expect((await post({ prefix: '192.0.2.0/24', pool: 'p', region: 'r' })).status).toBe(201)
    const res = await post({ prefix: '192.0.2.128/25', pool: 'p', region: 'r' })
    expect(res.status).toBe(409)
    const p = await res.json()
    expect(p.code).toBe('overlapping_range')
    expect(p.detail).toContain('192.0.2.0/24')
    expect(p.detail).toContain('192.0.2.128/25')
    expect((await post({ prefix: '192.0.0.0/16', pool: 'p', region: 'r' })).status).toBe(409)
  })

  it('validates fields and unknown keys with actionable 400s', async () => {
    const cases: [unknown, string][] = [
      [{ prefix: '192.0.2.0/24', pool: 'Bad Pool', region: 'r' }, 'pool'],
      [{ prefix: '192.0.2.0/24', pool: 'p' }, 'region'],
      [{ prefix: '192.0.2.0/24', pool: 'p', region: 'r', label: 'two\nlines' }, 'label'],
      [{ prefix: '192.0.2.0/24', pool: 'p', region: 'r', activeFrom: 'tomorrow' }, 'activeFrom'],
      [{ prefix: '192.0.2.0/24', pool: 'p', region: 'r', activeFrom: '2026-12-01T00:00:00Z', retireAt: '2026-11-01T00:00:00Z' }, 'retireAt'],
      [{ prefix: '192.0.2.0/24', pool: 'p', region: 'r', colour: 'red' }, '(body)'],
      [{ prefix: 42, pool: 'p', region: 'r' }, 'prefix'],
    ]
    for (const [body, field] of cases) {
      const res = await post(body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      const p = await res.json()
      expect(res.headers.get('content-type')).toBe('application/problem+json')
      expect(p.errors?.[0]?.field ?? '(body)', JSON.stringify(body)).toBe(field)
    }
  })

  it('malformed JSON and wrong content types are 4xx problems, not 500s', async () => {
    const broken = await app.request('/v1/admin/ranges', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{"prefix":' })
    expect(broken.status).toBe(400)
    expect((await broken.json()).code).toBe('validation_failed')
    const text = await app.request('/v1/admin/ranges', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/plain' }, body: 'prefix=1' })
    expect(text.status).toBeGreaterThanOrEqual(400)
    expect(text.status).toBeLessThan(500)
  })
})

describe('PATCH /v1/admin/ranges/{id}', () => {
  it('changes metadata, schedules retirement, and refuses impossible changes', async () => {
    const created = (await (await post({ prefix: '192.0.2.0/24', pool: 'p', region: 'r' })).json()).range
    const patch = (body: unknown) => app.request(`/v1/admin/ranges/${created.id}`, jsonBody('PATCH', body, admin))
    const renamed = await patch({ label: 'Frankfurt', region: 'eu-central' })
    expect(renamed.status).toBe(200)
    expect((await renamed.json()).range).toMatchObject({ label: 'Frankfurt', region: 'eu-central', status: 'active' })
    // activeFrom is fixed once the range is live
    expect((await patch({ activeFrom: '2027-01-01T00:00:00Z' })).status).toBe(409)
    const retiring = await patch({ retireAt: new Date(clock.now().getTime() + 10 * DAY).toISOString() })
    expect((await retiring.json()).range.status).toBe('retiring')
    const unretire = await patch({ retireAt: null })
    expect((await unretire.json()).range.status).toBe('active')
    expect((await app.request('/v1/admin/ranges/00000000-0000-4000-8000-000000000000', jsonBody('PATCH', { label: 'x' }, admin))).status).toBe(404)
    expect((await app.request('/v1/admin/ranges/not-a-uuid', jsonBody('PATCH', { label: 'x' }, admin))).status).toBe(400)
  })
})
