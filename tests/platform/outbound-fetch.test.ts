import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OutboundRefused } from '../../src/domain/notifications/outbound-request.js'
import { createOutboundFetch, type ResolvedAddress } from '../../src/platform/outbound-fetch.js'

let server: Server
let port = 0
let hits = 0
let lastHost = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++
    lastHost = req.headers.host ?? ''
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end()
      return
    }
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('x'.repeat(200_000))
      return
    }
    if (req.url === '/slow') return // never answers
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(`echo:${body}`))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})

/** A resolver hook: every name in the table, nothing leaves the machine. */
function table(entries: Record<string, string[]>) {
  return async (host: string): Promise<ResolvedAddress[]> =>
    (entries[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
}

describe('outbound guard: non-public addresses are refused before any connection', () => {
  const resolve = table({
    'loopback.test': ['127.0.0.1'],
    'private.test': ['10.1.2.3'],
    'v6loop.test': ['::1'],
    'metadata.test': ['169.254.169.254'],
    'cgnat.test': ['100.64.0.1'],
    'mapped.test': ['::ffff:127.0.0.1'],
    'ula.test': ['fd00::1'],
    'doc.test': ['192.0.2.10'],
    'multicast.test': ['224.0.0.1'],
    'mixed.test': ['8.8.8.8', '127.0.0.1'],
  })
  const guard = createOutboundFetch({ resolve })

  it.each([
    ['loopback.test', 'loopback'],
    ['private.test', 'private'],
    ['v6loop.test', 'loopback'],
    ['metadata.test', 'linkLocal'],
    ['cgnat.test', 'carrierGradeNat'],
    ['mapped.test', 'loopback'],
    ['ula.test', 'uniqueLocal'],
    ['doc.test', 'reserved'],
    ['multicast.test', 'multicast'],
    ['mixed.test', 'loopback'],
  ])('%s is refused (%s)', async (host, reason) => {
    const before = hits
    const err = await guard({ url: `http://${host}:${port}/`, body: '{}' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OutboundRefused)
    expect((err as OutboundRefused).reason).toBe('blocked_address')
    expect((err as Error).message).toContain(reason)
    expect(hits).toBe(before)
  })

  it.each(['http://127.0.0.1/', 'http://[::1]/', 'http://0x7f.1/', 'http://169.254.169.254/latest', 'http://[::ffff:10.0.0.1]/', 'http://2130706433/'])(
    'literal %s is refused',
    async (url) => {
      const err = await guard({ url }).catch((e: unknown) => e)
      expect((err as OutboundRefused).reason).toBe('blocked_address')
    },
  )

  it('refuses other schemes, credentials and bodies over 64 KiB', async () => {
    await expect(guard({ url: 'file:///etc/passwd' })).rejects.toMatchObject({ reason: 'bad_url' })
    await expect(guard({ url: 'http://u:p@example.com/' })).rejects.toMatchObject({ reason: 'bad_url' })
    await expect(guard({ url: 'http://example.com/', body: 'x'.repeat(64 * 1024 + 1) })).rejects.toMatchObject({ reason: 'too_large' })
  })
})

describe('outbound guard: delivery to an allowed address', () => {
  const guard = createOutboundFetch({
    resolve: table({ 'receiver.test': ['127.0.0.1'], 'other.test': ['127.0.0.2'] }),
    testAllowAddresses: ['127.0.0.1'],
    timeoutMs: 500,
    maxResponseBytes: 1024,
  })

  it('connects to the checked address and keeps the name as Host', async () => {
    const res = await guard({ url: `http://receiver.test:${port}/hook`, body: 'hello', headers: { 'content-type': 'text/plain' } })
    expect(res.status).toBe(200)
    expect(res.body).toBe('echo:hello')
    expect(res.address).toBe('127.0.0.1')
    expect(lastHost).toBe(`receiver.test:${port}`)
  })

  it('the allowlist is exact: another loopback address is still refused', async () => {
    await expect(guard({ url: `http://other.test:${port}/` })).rejects.toMatchObject({ reason: 'blocked_address' })
  })

  it('does not follow redirects', async () => {
    const before = hits
    const res = await guard({ url: `http://receiver.test:${port}/redirect` })
    expect(res.status).toBe(302)
    expect(hits).toBe(before + 1)
  })

  it('reads at most the response cap', async () => {
    const res = await guard({ url: `http://receiver.test:${port}/big`, method: 'GET' })
    expect(res.body.length).toBe(1024)
  })

  it('times out', async () => {
    const started = Date.now()
    await expect(guard({ url: `http://receiver.test:${port}/slow`, method: 'GET' })).rejects.toThrow(/timed out/)
    expect(Date.now() - started).toBeLessThan(3000)
  })
})
