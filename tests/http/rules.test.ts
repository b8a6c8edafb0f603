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
      const text = await res.text()
      expect(text, f.id).toContain(doc.sha256)
    }
  })

  it('names the download like the apply steps of the snippet itself', async () => {
    for (const query of ['', '?family=ipv4', '?family=ipv6', '?name=edge-scanners']) {
      for (const f of formatters) {
        const res = await app.request(`/v1/rules/${f.id}${query}`)
        if (res.status !== 200) continue // iptables?family=ipv6 is a 400, tested below
        const disposition = res.headers.get('content-disposition') ?? ''
        const file = /^inline; filename="([A-Za-z0-9_.-]+)"$/.exec(disposition)?.[1]
        expect(file, `${f.id}${query}`).toBeDefined()
        expect(file?.endsWith(`.${f.extension}`)).toBe(true)
        const text = await res.text()
        if (f.headerPlacement === 'lines') {
          const apply = text.slice(text.indexOf('Apply:'))
          expect(apply, `${f.id}${query}`).toContain(file)
        }
      }
    }
    const nft = await app.request('/v1/rules/nftables?family=ipv4')
    expect(nft.headers.get('content-disposition')).toBe('inline; filename="asv_scanners_v4.nft"')
    const ipt = await app.request('/v1/rules/iptables')
    expect(ipt.headers.get('content-disposition')).toBe('inline; filename="asv-scanners.v4"')
  })

  it('a family-filtered snippet leaves the other family alone and says what the version holds', async () => {
    const v4 = await (await app.request('/v1/rules/nftables?family=ipv4')).text()
    expect(v4).not.toContain('asv_scanners_v6')
    expect(v4).toContain('flush set inet filter asv_scanners_v4')
    expect(v4).toContain('# Version: 3 entries (2 IPv4, 1 IPv6)')
    expect(v4).toContain('# Filter:  family=ipv4')
    expect(v4).toContain('# In file: 2 entries (2 IPv4, 0 IPv6)')
    expect(v4).toContain('# No IPv6 here (family filter)')
    expect(v4).not.toContain('has no IPv6 entries')
    const ipset = await (await app.request('/v1/rules/ipset?family=ipv4')).text()
    expect(ipset).not.toMatch(/asv-scanners-v6/)
    // A pool without IPv6 ranges leaves the IPv6 set alone as well.
    const pool = await (await app.request('/v1/rules/ipset?pool=asv-external')).text()
    expect(pool).not.toMatch(/asv-scanners-v6/)
    expect(pool).toContain('# No IPv6 here (no IPv6 entry matches the filter)')
    expect(pool).toContain('# Filter:  pool=asv-external')
  })

  it('iptables points to ip6tables for IPv6', async () => {
    const text = await (await app.request('/v1/rules/iptables')).text()
    expect(text).toMatch(/# IPv6 \(1 in this version\) is served by the ip6tables target: https?:\/\/\S+\/v1\/rules\/ip6tables/)
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

  it('a family the target lacks is a 400 pointing to the target that has it', async () => {
    const res = await app.request('/v1/rules/iptables?family=ipv6')
    expect(res.status).toBe(400)
    const p = await res.json()
    expect(p.code).toBe('invalid_option')
    expect(p.errors[0].field).toBe('family')
    expect(p.detail).toContain('ip6tables')
    expect(p.use).toBe('/v1/rules/ip6tables')
    const back = await app.request('/v1/rules/ip6tables?family=ipv4')
    expect(back.status).toBe(400)
    expect((await back.json()).use).toBe('/v1/rules/iptables')
    expect((await app.request('/v1/rules/iptables?family=ipv4')).status).toBe(200)
  })

  it('never serves an empty snippet: a filter that matches nothing for the target is a 404', async () => {
    expect((await app.request('/v1/rules/ip6tables?pool=asv-external')).status).toBe(404)
    expect((await app.request('/v1/rules/ip6tables')).status).toBe(200)
  })
})
