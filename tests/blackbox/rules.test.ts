/**
 * @module tests/blackbox/rules
 * Firewall snippets: the format list, one snippet per format from the latest version
 * (with ETag/304 and the filename its own apply steps use), and problems for bad requests.
 */
import { describe, expect, it } from 'vitest'
import { api, expectProblem, latestSerial } from './support/target.js'

interface Format {
  id: string
  extension: string
  families: ('ipv4' | 'ipv6')[]
  url: string
}

async function formats(): Promise<Format[]> {
  const res = await api('/v1/rules')
  expect(res.status).toBe(200)
  return ((await res.json()) as { formats: Format[] }).formats
}

describe('GET /v1/rules', () => {
  it('lists the firewall targets, each with the URL of its snippet', async () => {
    const list = await formats()
    expect(list.length).toBeGreaterThanOrEqual(20)
    for (const f of list) expect(f.url).toBe(`/v1/rules/${f.id}`)
    expect(list.map((f) => f.id)).toEqual(expect.arrayContaining(['iptables', 'nftables']))
  })
})

describe('GET /v1/rules/{format}', () => {
  it('every format renders the latest version, names its file like its apply steps and answers 304 to its ETag', async () => {
    const serial = await latestSerial()
    for (const f of await formats()) {
      const res = await api(f.url)
      expect(res.status, f.id).toBe(200)
      expect(res.headers.get('x-feed-serial'), f.id).toBe(String(serial))
      const file = /^inline; filename="([A-Za-z0-9_.-]+)"$/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? ''
      expect(file.endsWith(`.${f.extension}`), f.id).toBe(true)
      const text = await res.text()
      expect(text.length, f.id).toBeGreaterThan(0)
      if (text.includes('Apply:')) expect(text.slice(text.indexOf('Apply:')), f.id).toContain(file)
      const etag = res.headers.get('etag')!
      expect(etag, f.id).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
      expect((await api(f.url, { headers: { 'if-none-match': etag } })).status, f.id).toBe(304)
    }
  })

  it('nftables: the header names the version and the set holds the seeded prefixes', async () => {
    const serial = await latestSerial()
    const res = await api('/v1/rules/nftables')
    const text = await res.text()
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(text).toContain(`Serial:  ${serial}`)
    expect(text).toContain('192.0.2.0/24')
    expect(text).toContain('2001:db8:1::/48')
  })

  it('filters apply to snippets too', async () => {
    const text = await (await api('/v1/rules/nftables?family=ipv4&pool=web-app')).text()
    expect(text).toContain('203.0.113.0/24')
    expect(text).not.toContain('192.0.2.0/24')
    expect(text).not.toContain('2001:db8:1::/48')
  })

  it('an unknown format is a 404 listing the valid ones; a snippet with no entries is refused', async () => {
    const p = await expectProblem(await api('/v1/rules/no-such-firewall'), 404, 'unknown_format')
    expect(p.detail).toContain('nftables')
    await expectProblem(await api('/v1/rules/nftables?pool=no-such-pool'), 404, 'not_found')
    await expectProblem(await api('/v1/rules/nftables?family=ipv7'), 400, 'invalid_option')
    const p6 = await expectProblem(await api('/v1/rules/iptables?family=ipv6'), 400, 'invalid_option')
    expect(p6.detail).toContain('ip6tables')
  })

  it('a family-filtered snippet never mentions the other family\'s set', async () => {
    const v4 = await (await api('/v1/rules/nftables?family=ipv4')).text()
    expect(v4).not.toContain('_v6')
    expect(v4).toMatch(/^# No IPv6 here \(family filter\)/m)
    const v6 = await (await api('/v1/rules/ipset?family=ipv6')).text()
    expect(v6).not.toContain('-v4')
  })
})
