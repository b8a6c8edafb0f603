/**
 * @module tests/platform/node-response-cache
 * The Node-only cache in front of the app, over a real loopback HTTP server: feed answers
 * come back byte for byte and header for header without reaching the app; 304s are
 * keyed by If-None-Match; writes clear it; entries expire with the feed refresh
 * interval; the Host is part of the key; nothing outside the feed is cached; and the
 * memory bounds hold.
 */
import { getRequestListener } from '@hono/node-server'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ResponseCache } from '../../src/platform/node-response-cache.js'
import { buildApp, jsonBody, testClock, tokenWith } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

interface Got {
  status: number
  headers: Record<string, string>
  body: string
}

let t: TestDb
let server: Server
let port: number
let cache: ResponseCache
let appCalls: string[]
let token: string
let nowMs: number

function get(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const h: Record<string, string> = {}
        for (const [k, v] of Object.entries(res.headers)) if (k !== 'date' && k !== 'connection' && k !== 'keep-alive') h[k] = String(v)
        resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks).toString('utf8') })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function addAndPublish(prefix: string): Promise<void> {
  // announced a month ahead: more than the notice period, so no publish needs force
  const add = jsonBody('POST', { prefix, pool: 'asv-external', region: 'eu', activeFrom: new Date(Date.now() + 30 * 86_400_000).toISOString() }, token)
  const res = await get('/v1/admin/ranges', add.headers as Record<string, string>, 'POST', add.body as string)
  expect(res.status, res.body).toBe(201)
  const pub = jsonBody('POST', {}, token)
  expect((await get('/v1/admin/publish', pub.headers as Record<string, string>, 'POST', pub.body as string)).status).toBe(201)
}

beforeAll(async () => {
  t = await openTestDb()
})

afterAll(async () => {
  await new Promise((r) => server?.close(r))
  await t.close()
})

beforeEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)))
  await t.reset()
  token = await tokenWith(t.db, 'ranges:write')
  // no PUBLIC_URL: snippets and Atom name the request's origin, so the Host is in the key
  const app = buildApp(t.db, testClock(), { publicUrl: undefined })
  nowMs = 1_000_000
  appCalls = []
  cache = new ResponseCache({ ttlMs: 1000, now: () => nowMs, maxEntries: 8, maxBytes: 64 * 1024 })
  const listener = getRequestListener(
    cache.wrap((req: Request, ...rest: unknown[]) => {
      appCalls.push(`${req.method} ${new URL(req.url).pathname}`)
      return app.fetch(req, ...(rest as []))
    }),
  )
  server = createServer((req, res) => {
    if (!cache.serve(req, res)) void listener(req, res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
  await addAndPublish('192.0.2.0/24')
})

describe('ResponseCache in front of the Node server', () => {
  it('answers a repeated feed GET without the app, with the same status, headers and bytes', async () => {
    const first = await get('/v1/ranges?family=ipv4')
    const callsAfterFirst = appCalls.length
    const second = await get('/v1/ranges?family=ipv4')
    expect(appCalls.length).toBe(callsAfterFirst)
    expect(second).toEqual(first)
    expect(first.status).toBe(200)
    expect(JSON.parse(first.body).ipv4[0].prefix).toBe('192.0.2.0/24')
    expect(first.headers['x-content-type-options']).toBe('nosniff')
    expect(Number(first.headers['content-length'])).toBe(Buffer.byteLength(first.body))
  })

  it('keys 304s by If-None-Match, and a different tag still gets the body', async () => {
    const full = await get('/v1/rules/nftables')
    const etag = full.headers.etag!
    const a = await get('/v1/rules/nftables', { 'if-none-match': etag })
    const calls = appCalls.length
    const b = await get('/v1/rules/nftables', { 'if-none-match': etag })
    expect(appCalls.length).toBe(calls)
    expect([a.status, b.status]).toEqual([304, 304])
    expect(b.body).toBe('')
    expect(b.headers.etag).toBe(etag)
    const other = await get('/v1/rules/nftables', { 'if-none-match': '"not-this-one"' })
    expect(other.status).toBe(200)
    expect(other.body).toBe(full.body)
  })

  it('a write through the server clears it: the next GET shows the new version', async () => {
    const before = await get('/v1/ranges')
    await get('/v1/ranges')
    await addAndPublish('198.51.100.0/24')
    const after = await get('/v1/ranges')
    expect(Number(after.headers['x-feed-serial'])).toBe(Number(before.headers['x-feed-serial']) + 1)
    expect(JSON.parse(after.body).ipv4.map((r: { prefix: string }) => r.prefix)).toEqual(['192.0.2.0/24', '198.51.100.0/24'])
  })

  it('entries expire after ttlMs, so a version published elsewhere shows up as quickly as without the cache', async () => {
    await get('/v1/ranges.txt')
    const calls = appCalls.length
    nowMs += 999
    await get('/v1/ranges.txt')
    expect(appCalls.length).toBe(calls)
    nowMs += 1
    await get('/v1/ranges.txt')
    expect(appCalls.length).toBe(calls + 1)
  })

  it('a forged Host never reaches a cached body: snippets name no origin, the Atom feed naming one is not cached', async () => {
    const a = await get('/v1/rules/iptables', { host: 'a.example.test' })
    const b = await get('/v1/rules/iptables', { host: 'b.example.test' })
    expect(a.body).not.toContain('a.example.test')
    expect(b.body).toBe(a.body)
    const atom = await get('/v1/feed.atom', { host: 'a.example.test' })
    expect(atom.body).toContain('a.example.test')
    const calls = appCalls.length
    const again = await get('/v1/feed.atom', { host: 'a.example.test' })
    expect(again.body).toBe(atom.body)
    expect(appCalls.length).toBe(calls + 1)
  })

  it('never caches anything but feed answers, nor requests with If-Modified-Since or HEAD', async () => {
    for (const path of ['/healthz', '/v1/lookup/192.0.2.1', '/v1/rules', '/v1/nope']) {
      await get(path)
      const calls = appCalls.length
      await get(path)
      expect(appCalls.length, path).toBe(calls + 1)
    }
    await get('/v1/ranges')
    let calls = appCalls.length
    await get('/v1/ranges', { 'if-modified-since': new Date().toUTCString() })
    expect(appCalls.length).toBe(calls + 1)
    calls = appCalls.length
    expect((await get('/v1/ranges', {}, 'HEAD')).status).toBe(200)
    expect(appCalls.length).toBe(calls + 1)
  })

  it('stays within its entry and byte bounds, whatever query strings a client makes up', async () => {
    for (let i = 0; i < 40; i++) await get(`/v1/ranges?family=ipv4&pool=p${i}`)
    expect(cache.size).toBeLessThanOrEqual(8)
    expect(cache.storedBytes).toBeLessThanOrEqual(64 * 1024)
    // the newest entry survived eviction
    const calls = appCalls.length
    await get('/v1/ranges?family=ipv4&pool=p39')
    expect(appCalls.length).toBe(calls)
  })

  it('hits only for a request target already in normal form; others still get the right answer from the app', async () => {
    const first = await get('/v1/ranges.txt')
    expect(first.status).toBe(200)
    appCalls = []
    expect((await get('/v1/ranges.txt')).body).toBe(first.body)
    expect(appCalls).toEqual([])
    // the same resource spelt differently goes through the app, and is answered the same
    const dotted = await get('/v1/./ranges.txt')
    expect(dotted.body).toBe(first.body)
    expect(appCalls).toEqual(['GET /v1/ranges.txt'])
    // a different resource never borrows the cached answer
    const filtered = await get('/v1/ranges.txt?family=ipv6')
    expect(filtered.status).toBe(404)
  })
})