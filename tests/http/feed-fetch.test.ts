/**
 * @module tests/http/feed-fetch
 * What firewalls that fetch a URL themselves rely on: HEAD answers exactly the headers of
 * GET (ETag, Content-Length, Content-Type, serial, count) without a body; every
 * representation has `.md5` and `.sha256` URLs holding the plain hex digest of exactly
 * those bytes, query included; /v1/rules lists each target's fetch and checksum URLs,
 * group, refresh intervals and limits; a list over a target's limit is a 400 naming it.
 */
import { createHash } from 'node:crypto'
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
    { prefix: '2001:db8:2000::/100', pool: 'web-app', region: 'global' },
  ]) {
    expect((await app.request('/v1/admin/ranges', jsonBody('POST', r, admin))).status).toBe(201)
  }
  expect((await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))).status).toBe(201)
})

/** Headers that may differ between two answers to the same request. */
const VOLATILE = new Set(['date', 'x-request-id'])

function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {}
  res.headers.forEach((v, k) => {
    if (!VOLATILE.has(k)) out[k] = v
  })
  return out
}

const FEED_URLS = ['/v1/ranges', '/v1/ranges.txt?family=ipv4', '/v1/ranges.csv', '/v1/versions/1', '/v1/feed.atom']
/** Targets that can take the seeded list (cloudflare-list refuses the /100, see below). */
const SNIPPET_URLS = formatters.filter((f) => f.id !== 'cloudflare-list').map((f) => `/v1/rules/${f.id}`)

describe('HEAD', () => {
  it('answers every feed, snippet and checksum URL with the headers of GET and no body', async () => {
    const urls = [
      ...FEED_URLS,
      ...SNIPPET_URLS,
      '/v1/rules/cisco-fmc-feed?family=ipv4&name=scan',
      '/v1/rules/cisco-fmc-feed.md5',
      '/v1/ranges.txt.sha256',
    ]
    for (const url of urls) {
      const get = await app.request(url)
      const body = new Uint8Array(await get.arrayBuffer())
      expect(get.status, url).toBe(200)
      const head = await app.request(url, { method: 'HEAD' })
      expect(head.status, url).toBe(200)
      expect(await head.text(), url).toBe('')
      expect(headersOf(head), url).toEqual(headersOf(get))
      expect(head.headers.get('content-length'), url).toBe(String(body.byteLength))
      expect(head.headers.get('etag'), url).toMatch(/^"/)
      const revalidated = await app.request(url, { method: 'HEAD', headers: { 'if-none-match': head.headers.get('etag') ?? '' } })
      expect(revalidated.status, url).toBe(304)
    }
  })
})

describe('checksum URLs', () => {
  const hex = (algorithm: string, bytes: Uint8Array) => createHash(algorithm).update(bytes).digest('hex')

  it('hold the plain hex MD5 and SHA-256 of exactly the bytes of the same URL, query included', async () => {
    for (const [url, query] of [
      ['/v1/ranges', ''],
      ['/v1/ranges.txt', '?family=ipv6'],
      ['/v1/ranges.csv', '?pool=asv-external'],
      ['/v1/rules/cisco-fmc-feed', ''],
      ['/v1/rules/cisco-fmc-feed', '?family=ipv4&name=scangate'],
      ['/v1/rules/checkpoint-gdc', '?aggregate=true'],
      ['/v1/rules/paloalto-edl', ''],
    ] as const) {
      const body = new Uint8Array(await (await app.request(`${url}${query}`)).arrayBuffer())
      for (const algorithm of ['md5', 'sha256']) {
        const res = await app.request(`${url}.${algorithm}${query}`)
        expect(res.status, `${url}.${algorithm}${query}`).toBe(200)
        expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
        expect(await res.text()).toBe(hex(algorithm, body))
        expect(res.headers.get('x-feed-serial')).toBe('1')
      }
    }
  })

  it('differ when the representation differs, and follow a new serial', async () => {
    const all = await (await app.request('/v1/rules/cisco-fmc-feed.md5')).text()
    const v4 = await (await app.request('/v1/rules/cisco-fmc-feed.md5?family=ipv4')).text()
    expect(all).not.toBe(v4)
    const admin = await tokenWith(t.db, 'ranges:write')
    const added = await app.request('/v1/admin/ranges', jsonBody('POST', { prefix: '198.51.100.0/24', pool: 'asv-external', region: 'eu', activeFrom: '2027-01-01T00:00:00.000Z' }, admin))
    expect(added.status).toBe(201)
    const published = await app.request('/v1/admin/publish', jsonBody('POST', { force: true }, admin))
    expect(published.status, await published.clone().text()).toBe(201)
    const next = await app.request('/v1/rules/cisco-fmc-feed.md5')
    expect(next.headers.get('x-feed-serial')).toBe('2')
    expect(await next.text()).not.toBe(all)
  })

  it('pass the snippet errors through: unknown format 404, bad option 400', async () => {
    const unknown = await app.request('/v1/rules/nope.md5')
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).code).toBe('unknown_format')
    expect((await app.request('/v1/rules/iptables.sha256?name=a;b')).status).toBe(400)
    expect((await app.request('/v1/rules/iptables.sha512')).status).toBe(404)
  })

  it('answer 404 for MD5 where the runtime has none, and still serve SHA-256', async () => {
    const bare = buildApp(t.db, testClock(), { md5Hex: undefined })
    expect((await bare.request('/v1/ranges.txt.md5')).status).toBe(404)
    expect((await bare.request('/v1/ranges.txt.sha256')).status).toBe(200)
  })
})

describe('GET /v1/rules for fetching products', () => {
  it('lists at least 36 targets, each with group, fetch and checksum URLs, refresh and limits', async () => {
    const body = await (await app.request('/v1/rules')).json()
    expect(body.formats.length).toBeGreaterThanOrEqual(36)
    const groups = new Set<string>()
    for (const f of body.formats) {
      groups.add(f.group)
      expect(f.url).toBe(`/v1/rules/${f.id}`)
      expect(f.checksums).toEqual({ md5: `/v1/rules/${f.id}.md5`, sha256: `/v1/rules/${f.id}.sha256` })
      expect(f.refresh.recommended.length).toBeGreaterThan(0)
      expect(f.limits.source.length).toBeGreaterThan(0)
    }
    expect([...groups].sort()).toEqual(['cloud', 'feed', 'host', 'network', 'proxy', 'waf'])
    const gdc = body.formats.find((f: { id: string }) => f.id === 'checkpoint-gdc')
    expect(gdc.refresh.productDefault).toMatch(/60 s/)
    const nsg = body.formats.find((f: { id: string }) => f.id === 'azure-nsg')
    expect(nsg.limits.totalEntries.max).toBe(4000)
  })

  it('names the fetch URL with its filters inside a feed snippet', async () => {
    const text = await (await app.request('/v1/rules/pfsense?family=ipv4&pool=asv-external')).text()
    expect(text).toContain('https://scanners.example.test/v1/rules/pfsense?family=ipv4&pool=asv-external')
  })
})

describe('target limits over HTTP', () => {
  it('refuses with a 400 naming the limit instead of dropping or widening an entry', async () => {
    const res = await app.request('/v1/rules/cloudflare-list')
    expect(res.status).toBe(400)
    const problem = await res.json()
    expect(problem.code).toBe('invalid_option')
    expect(problem.detail).toMatch(/2001:db8:2000::\/100 is longer than \/64/)
    expect(problem.detail).toMatch(/source: developers\.cloudflare\.com/)
    expect((await app.request('/v1/rules/cloudflare-list?family=ipv4')).status).toBe(200)
  })
})
