/**
 * What the request's envelope may and may not do: a forged Host never lands in a
 * cacheable body, the desk and receipt cookies are Secure exactly when the request came
 * over HTTPS as far as we can trust, no address reaches the logs, and an IPv4-mapped IPv6
 * address is the IPv4 address it maps.
 */
import { describe, expect, it } from 'vitest'
import type { Logger } from '../../src/http/app-env.js'
import { clientIp } from '../../src/platform/client-ip.js'
import { publishCatalogue } from '../../src/db/publish-catalogue.js'
import { buildApp, jsonBody, tokenWith } from '../helpers/test-app.js'
import { reportBody, sessionBody, useIntakeHarness, type Harness } from './intake-setup.js'

let h: Harness
useIntakeHarness((harness) => {
  h = harness
})

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  const push = (m: string, f?: Record<string, unknown>) => void lines.push(JSON.stringify({ m, ...f }))
  return { logger: { info: push, warn: push, error: push }, lines }
}

async function publish(app: ReturnType<typeof buildApp>): Promise<void> {
  const token = await tokenWith(h.db, 'ranges:write')
  const res = await app.request('/v1/admin/publish', jsonBody('POST', { note: 'test' }, token))
  expect(res.status, await res.clone().text()).toBe(201)
}

const EVIL = 'http://evil.example'

describe('a forged Host header', () => {
  it('never lands in a publicly cacheable body without PUBLIC_URL', async () => {
    const log = capture()
    const app = buildApp(h.db, h.clock, { publicUrl: undefined, logger: log.logger })
    await publish(app)
    for (const path of ['/v1/rules/nftables', '/v1/rules/paloalto-edl', '/', '/?format=iptables', '/v1/feed.atom', '/v1/ranges']) {
      const res = await app.request(EVIL + path, { headers: { host: 'evil.example' } })
      expect(res.status, path).toBe(200)
      const body = await res.text()
      const cache = res.headers.get('cache-control') ?? ''
      if (body.includes('evil.example')) expect(cache, `${path} names the forged host`).toMatch(/^(private|no-store)/)
      else expect(cache, path).not.toMatch(/private/)
    }
    // snippets name the feed by its path; Atom links are relative, its ids (absolute by
    // the standard) name the request origin, so it is private
    expect(await (await app.request(EVIL + '/v1/rules/nftables')).text()).toMatch(/Feed: +\/v1\/ranges/)
    const atom = await app.request(EVIL + '/v1/feed.atom')
    expect(atom.headers.get('cache-control')).toMatch(/^private/)
    expect(await atom.text()).toContain('<link rel="self" href="/v1/feed.atom"/>')
    expect(log.lines.some((l) => l.includes('PUBLIC_URL is not set'))).toBe(true)
  })

  it('is ignored when PUBLIC_URL is set: every absolute URL is the configured one', async () => {
    const app = buildApp(h.db, h.clock)
    await publish(app)
    for (const path of ['/v1/rules/nftables', '/', '/v1/feed.atom']) {
      const res = await app.request(EVIL + path)
      const body = await res.text()
      expect(body, path).not.toContain('evil.example')
      expect(res.headers.get('cache-control'), path).toMatch(/^public/)
    }
    expect(await (await app.request(EVIL + '/v1/feed.atom')).text()).toContain('<link rel="self" href="https://scanners.example.test/v1/feed.atom"/>')
  })
})

describe('Secure cookies', () => {
  async function loginCookie(app: ReturnType<typeof buildApp>, url: string, headers: Record<string, string> = {}): Promise<string> {
    const res = await app.request(url, { headers })
    expect(res.status).toBe(200)
    return res.headers.get('set-cookie') ?? ''
  }

  it('follow a trusted X-Forwarded-Proto or an https PUBLIC_URL, never a client-sent header alone', async () => {
    const direct = buildApp(h.db, h.clock, { publicUrl: undefined })
    expect(await loginCookie(direct, 'http://desk.test/desk')).not.toMatch(/Secure/)
    // a client may claim https; with no trusted proxy in front that means nothing
    expect(await loginCookie(direct, 'http://desk.test/desk', { 'x-forwarded-proto': 'https' })).not.toMatch(/Secure/)
    expect(await loginCookie(direct, 'https://desk.test/desk')).toMatch(/; Secure/)

    const proxied = buildApp(h.db, h.clock, { publicUrl: undefined, trustedProxyHops: 1 })
    expect(await loginCookie(proxied, 'http://desk.test/desk', { 'x-forwarded-proto': 'https' })).toMatch(/; Secure/)
    // the client's "https" followed by what our proxy saw: plain http
    expect(await loginCookie(proxied, 'http://desk.test/desk', { 'x-forwarded-proto': 'https, http' })).not.toMatch(/Secure/)

    const configured = buildApp(h.db, h.clock, { publicUrl: 'https://scanners.example.test' })
    expect(await loginCookie(configured, 'http://desk.test/desk')).toMatch(/; Secure/)
    const receipt = await configured.request('http://desk.test/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ sourceIps: '192.0.2.10', observedFrom: new Date(h.clock.now().getTime() - 3_600_000).toISOString(), target: '100.100.1.5' }).toString(),
    })
    expect(receipt.status).toBe(303)
    expect(receipt.headers.get('set-cookie')).toMatch(/; Secure/)
  })
})

describe('logs', () => {
  it('carry no looked-up address, from the page or the API, and no query string', async () => {
    const log = capture()
    const app = buildApp(h.db, h.clock, { logger: log.logger })
    expect((await app.request('/lookup?ip=192.0.2.77')).status).toBe(200)
    expect((await app.request('/v1/lookup/198.51.100.177')).status).toBe(200)
    expect((await app.request('/v1/lookup/2001:db8::7:77')).status).toBe(200)
    expect((await app.request('/lookup?ip=not-an-address-marker')).status).toBe(400)
    expect((await app.request('/v1/no-such-thing/203.0.113.99')).status).toBe(404)
    const all = log.lines.join('\n')
    expect(log.lines.filter((l) => l.includes('"request"')).length).toBeGreaterThanOrEqual(5)
    for (const needle of ['192.0.2.77', '198.51.100.177', '2001:db8::7:77', 'not-an-address-marker', '203.0.113.99', '?ip=']) {
      expect(all, needle).not.toContain(needle)
    }
    expect(all).toContain('/v1/lookup/:ip')
  })
})

describe('IPv4-mapped IPv6 addresses', () => {
  it('are our scanner in lookup when the IPv4 address is', async () => {
    // lookup answers from the published catalogue only
    await publishCatalogue(h.db, { now: h.clock.now(), actor: 'test' })
    const res = await h.request('/v1/lookup/::ffff:192.0.2.23')
    expect(await res.json()).toMatchObject({ ip: '192.0.2.23', ours: true, prefix: '192.0.2.0/24' })
    const page = await (await h.request('/lookup?ip=%3A%3Affff%3A192.0.2.23')).text()
    expect(page).toContain('one of our scanner addresses')
  })

  it('are our scanner in reports and sessions, and link to each other', async () => {
    expect((await h.putSession('sess-mapped-1', sessionBody(h.clock.now(), { scannerIps: ['::ffff:192.0.2.10'], authorizedTargets: ['::ffff:100.100.1.0/124'] }))).status).toBe(201)
    const r = await h.reportOk(reportBody(h.clock.now(), { sourceIps: ['::ffff:192.0.2.10'], target: '::ffff:100.100.1.5' }))
    expect(r.ours).toBe(true)
    const k = await h.caseOf(r.ref)
    expect(k.reports[0]).toMatchObject({ target: '100.100.1.5/32', caseSourceIp: '192.0.2.10', verdict: 'authorized_scan' })
    expect(k.sessions[0]).toMatchObject({ scannerIps: ['192.0.2.10'], authorizedTargets: ['100.100.1.0/28'] })
  })

  it('count as the IPv4 client at the socket', () => {
    expect(clientIp('::ffff:203.0.113.9', undefined, 0)).toBe('203.0.113.9')
    expect(clientIp('10.0.0.1', '::ffff:198.51.100.4', 1)).toBe('198.51.100.4')
    expect(clientIp('2001:db8::1', undefined, 0)).toBe('2001:db8::1')
  })
})
