/**
 * @module tests/blackbox/feed
 * The latest feed as a firewall script sees it: JSON, text and CSV, their caching
 * headers, ETag/304, HEAD and the filters.
 */
import { describe, expect, it } from 'vitest'
import { api, expectProblem } from './support/target.js'
import { SEED_RANGES } from './support/seed.js'

interface Entry {
  prefix: string
  pool: string
  region: string
  label: string
  status: string
  activeFrom: string
  retireAt: string | null
}
interface FeedDoc {
  serial: number
  createdAt: string
  sha256: string
  counts: { ipv4: number; ipv6: number }
  aggregated?: boolean
  ipv4: Entry[]
  ipv6: Entry[]
}

const FORMATS = [
  { path: '/v1/ranges', type: 'application/json; charset=utf-8' },
  { path: '/v1/ranges.txt', type: 'text/plain; charset=utf-8' },
  { path: '/v1/ranges.csv', type: 'text/csv; charset=utf-8; header=present' },
] as const

async function json(path = '/v1/ranges'): Promise<{ res: Response; doc: FeedDoc }> {
  const res = await api(path)
  expect(res.status, path).toBe(200)
  return { res, doc: (await res.json()) as FeedDoc }
}

describe('GET /v1/ranges (JSON)', () => {
  it('serves the latest version with its serial, hash, counts and the seeded ranges', async () => {
    const { res, doc } = await json()
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(Number(res.headers.get('x-feed-serial'))).toBe(doc.serial)
    expect(doc.serial).toBeGreaterThanOrEqual(1)
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(doc.counts).toEqual({ ipv4: doc.ipv4.length, ipv6: doc.ipv6.length })
    expect(Number(res.headers.get('x-entry-count'))).toBe(doc.ipv4.length + doc.ipv6.length)
    for (const seed of SEED_RANGES) {
      const list = seed.prefix.includes(':') ? doc.ipv6 : doc.ipv4
      const entry = list.find((e) => e.prefix === seed.prefix)
      expect(entry, seed.prefix).toMatchObject({ pool: seed.pool, region: seed.region, label: seed.label, status: seed.expectStatus })
    }
    expect(doc.ipv4.every((e) => !e.prefix.includes(':'))).toBe(true)
    expect(doc.ipv6.every((e) => e.prefix.includes(':'))).toBe(true)
  })

  it('publishes only feed fields: no ids, actors or tokens', async () => {
    const { doc } = await json()
    // the publish note and a short-notice reason are public statements (see /v1/policy)
    const keys = Object.keys(doc).filter((k) => k !== 'note' && k !== 'noticeOverride')
    expect(keys.sort()).toEqual(['counts', 'createdAt', 'ipv4', 'ipv6', 'serial', 'sha256'])
    for (const e of [...doc.ipv4, ...doc.ipv6]) {
      expect(Object.keys(e).sort()).toEqual(['activeFrom', 'label', 'pool', 'prefix', 'region', 'retireAt', 'status'])
      expect(e.status).not.toBe('retired')
    }
  })

  it('is cacheable: strong ETag, Last-Modified of the version, public max-age, CORS and security headers', async () => {
    const { res, doc } = await json()
    expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+/)
    expect(new Date(res.headers.get('last-modified')!).getTime()).toBe(Math.floor(new Date(doc.createdAt).getTime() / 1000) * 1000)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-expose-headers')).toContain('ETag')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
  })
})

describe('GET /v1/ranges.txt and .csv', () => {
  it('text: one prefix per line, the same prefixes in the same order as the JSON', async () => {
    const { doc } = await json()
    const res = await api('/v1/ranges.txt')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('x-feed-serial')).toBe(String(doc.serial))
    const text = await res.text()
    expect(text.endsWith('\n')).toBe(true)
    expect(text.trimEnd().split('\n')).toEqual([...doc.ipv4, ...doc.ipv6].map((e) => e.prefix))
  })

  it('CSV: a header row and one CRLF-terminated row per entry', async () => {
    const { doc } = await json()
    const res = await api('/v1/ranges.csv')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present')
    const rows = (await res.text()).split('\r\n')
    expect(rows[0]).toBe('prefix,family,pool,region,label,status,active_from,retire_at')
    expect(rows.at(-1)).toBe('')
    expect(rows.length - 2).toBe(doc.ipv4.length + doc.ipv6.length)
    const frankfurt = SEED_RANGES[0]!
    expect(rows).toContain(`${frankfurt.prefix},ipv4,${frankfurt.pool},${frankfurt.region},${frankfurt.label},active,${doc.ipv4.find((e) => e.prefix === frankfurt.prefix)!.activeFrom},`)
  })
})

describe('conditional requests', () => {
  for (const { path, type } of FORMATS) {
    it(`${path}: If-None-Match with the ETag answers 304 without a body; another ETag gets the document`, async () => {
      const first = await api(path)
      expect(first.status).toBe(200)
      expect(first.headers.get('content-type')).toBe(type)
      const etag = first.headers.get('etag')!
      const body = await first.text()

      const same = await api(path, { headers: { 'if-none-match': etag } })
      expect(same.status).toBe(304)
      expect(same.headers.get('etag')).toBe(etag)
      expect(same.headers.get('x-feed-serial')).toBe(first.headers.get('x-feed-serial'))
      expect(await same.text()).toBe('')

      // weak comparison, lists and * as RFC 9110 prescribes for If-None-Match
      expect((await api(path, { headers: { 'if-none-match': `W/${etag}` } })).status).toBe(304)
      expect((await api(path, { headers: { 'if-none-match': `"other", ${etag}` } })).status).toBe(304)
      expect((await api(path, { headers: { 'if-none-match': '*' } })).status).toBe(304)

      const other = await api(path, { headers: { 'if-none-match': '"not-the-etag"' } })
      expect(other.status).toBe(200)
      expect(other.headers.get('etag')).toBe(etag)
      expect(await other.text()).toBe(body)
    })
  }

  it('HEAD answers the headers of GET without a body', async () => {
    const get = await api('/v1/ranges.txt')
    const head = await api('/v1/ranges.txt', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'))
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'))
    expect(await head.text()).toBe('')
  })
})

describe('filters', () => {
  it('family=ipv6 keeps only IPv6 in every format', async () => {
    const { doc } = await json('/v1/ranges?family=ipv6')
    expect(doc.ipv4).toEqual([])
    expect(doc.ipv6.map((e) => e.prefix)).toContain('2001:db8:1::/48')
    const text = await (await api('/v1/ranges.txt?family=ipv6')).text()
    expect(text.trimEnd().split('\n').every((l) => l.includes(':'))).toBe(true)
  })

  it('pool, status and region narrow the list; parameter order does not change the document', async () => {
    const { res, doc } = await json('/v1/ranges?pool=web-app&status=announced')
    expect(doc.ipv4.map((e) => e.prefix)).toEqual(['203.0.113.0/24'])
    expect(doc.ipv6).toEqual([])
    const swapped = await api('/v1/ranges?status=announced&pool=web-app')
    expect(swapped.headers.get('etag')).toBe(res.headers.get('etag'))
    const { doc: us } = await json('/v1/ranges?region=us-east')
    expect(us.ipv4.map((e) => e.prefix)).toEqual(['198.51.100.0/25'])
    expect(us.ipv4[0]!.retireAt).not.toBeNull()
  })

  it('aggregate=true returns bare prefixes', async () => {
    const { doc } = await json('/v1/ranges?aggregate=true&family=ipv4')
    expect(doc.aggregated).toBe(true)
    expect(doc.ipv4.length).toBeGreaterThan(0)
    for (const e of doc.ipv4) expect(Object.keys(e)).toEqual(['prefix'])
  })

  it('an invalid filter is a 400 problem naming the parameter', async () => {
    const p = await expectProblem(await api('/v1/ranges.txt?family=ipv5'), 400, 'invalid_option')
    expect(p.detail).toContain('family')
    expect(p.errors?.[0]?.field).toBe('family')
    await expectProblem(await api('/v1/ranges?status=retired'), 400, 'invalid_option')
  })

  it('a filter that matches nothing is an empty JSON list but a 404 for text, never an empty 200', async () => {
    const { doc } = await json('/v1/ranges?pool=no-such-pool')
    expect(doc.ipv4).toEqual([])
    expect(doc.ipv6).toEqual([])
    await expectProblem(await api('/v1/ranges.txt?pool=no-such-pool'), 404, 'not_found')
    await expectProblem(await api('/v1/ranges.csv?pool=no-such-pool'), 404, 'not_found')
  })
})
