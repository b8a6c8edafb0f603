import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { formatters } from '../../src/domain/formatters/index.js'
import { buildApp, jsonBody, testClock, tokenWith } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
let app: ReturnType<typeof buildApp>

beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  app = buildApp(t.db, testClock())
  const admin = await tokenWith(t.db, 'ranges:write')
  for (const r of [
    { prefix: '192.0.2.0/25', pool: 'asv-external', region: 'eu', label: 'evil"; DROP\\ #} $(reboot)' },
    { prefix: '192.0.2.128/25', pool: 'asv-external', region: 'eu' },
    { prefix: '2001:db8:1000::/36', pool: 'web-app', region: 'global' },
  ]) {
    expect((await app.request('/v1/admin/ranges', jsonBody('POST', r, admin))).status).toBe(201)
  }
  expect((await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))).status).toBe(201)
})

describe('GET /v1/rules', () => {
  it('lists every registered format with its limits and validator', async () => {
    const body = await (await app.request('/v1/rules')).json()
    expect(body.formats.map((f: { id: string }) => f.id)).toEqual(formatters.map((f) => f.id))
    expect(body.formats.length).toBeGreaterThanOrEqual(20)
    const ipt = body.formats.find((f: { id: string }) => f.id === 'iptables')
    expect(ipt).toMatchObject({ families: ['ipv4'], separateFamilies: true, url: '/v1/rules/iptables' })
    expect(ipt.name.maxLength).toBeLessThanOrEqual(28)
  })
})

describe('GET /v1/rules/{format}', () => {
  it('serves every format from the latest version with a header naming serial and sha256', async () => {
    const doc = await (await app.request('/v1/ranges')).json()
    for (const f of formatters) {
      const res = await app.request(`/v1/rules/${f.id}`)
      expect(res.status, f.id).toBe(200)
      expect(res.headers.get('x-feed-serial')).toBe('1')
      expect(res.headers.get('content-disposition')).toBe(`inline; filename="scangate-${f.id}-1.${f.extension}"`)
      const text = await res.text()
      expect(text, f.id).toContain(doc.sha256)
    }
  })

  it('has ETags and answers 304; the rendering is cached per options', async () => {
    const a = await app.request('/v1/rules/nftables?name=scanners')
    const etag = a.headers.get('etag')!
    expect((await app.request('/v1/rules/nftables?name=scanners', { headers: { 'if-none-match': etag } })).status).toBe(304)
    const b = await app.request('/v1/rules/nftables?name=other')
    expect(b.headers.get('etag')).not.toBe(etag)
    expect(await b.text()).toContain('other')
  })

  it('applies the feed filters and aggregation', async () => {
    const agg = await (await app.request('/v1/rules/nginx?aggregate=true&family=ipv4')).text()
    expect(agg).toMatch(/allow 192\.0\.2\.0\/24;/)
    expect(agg).not.toContain('192.0.2.128/25')
    expect(agg).not.toContain('2001:db8')
  })

  it('unknown format → 404 listing the valid ones; bad name or max_entries → 400 problems', async () => {
    const res = await app.request('/v1/rules/checkpoint')
    expect(res.status).toBe(404)
    const p = await res.json()
    expect(p.code).toBe('unknown_format')
    expect(p.formats).toContain('nftables')
    const bad = await app.request(`/v1/rules/iptables?name=${'X'.repeat(40)}`)
    expect(bad.status).toBe(400)
    expect((await bad.json()).errors[0].field).toBe('name')
    const inject = await app.request('/v1/rules/ipset?name=' + encodeURIComponent('a;rm -rf /'))
    expect(inject.status).toBe(400)
    const max = await app.request('/v1/rules/aws-prefix-list?max_entries=5000')
    expect(max.status).toBe(400)
    expect((await max.json()).errors[0].field).toBe('max_entries')
  })

  it('never serves an empty snippet: a family the target lacks is a 404', async () => {
    const res = await app.request('/v1/rules/iptables?family=ipv6')
    expect(res.status).toBe(404)
    expect((await app.request('/v1/rules/ip6tables?pool=asv-external')).status).toBe(404)
    expect((await app.request('/v1/rules/ip6tables')).status).toBe(200)
  })
})
