/**
 * @module tests/http/pages-targets
 * The home page's target picker: targets grouped under one heading per kind, and the
 * fetch URL shown as text (so it works without JavaScript) with a copy button, the
 * checksum links and the refresh advice of the chosen target.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { formatters } from '../../src/domain/formatters/index.js'
import { GROUP_TITLE } from '../../src/domain/formatters/target-info.js'
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
    { prefix: '192.0.2.0/24', pool: 'asv-external', region: 'eu' },
    { prefix: '2001:db8:1000::/36', pool: 'web-app', region: 'global' },
  ]) {
    expect((await app.request('/v1/admin/ranges', jsonBody('POST', r, admin))).status).toBe(201)
  }
  expect((await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))).status).toBe(201)
})

const html = async (path: string) => (await app.request(path, { headers: { accept: 'text/html' } })).text()

describe('home page target picker', () => {
  it('groups every target under its heading, each exactly once', async () => {
    const page = await html('/')
    const select = /<select id="format"[^>]*>([\s\S]*?)<\/select>/.exec(page)?.[1] ?? ''
    const groups = [...select.matchAll(/<optgroup label="([^"]+)">([\s\S]*?)<\/optgroup>/g)]
    expect(groups.map((g) => g[1])).toEqual(Object.values(GROUP_TITLE).map((t) => t.replace('&', '&amp;')))
    const ids = groups.flatMap((g) => [...(g[2] ?? '').matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]))
    expect(ids.sort()).toEqual(formatters.map((f) => f.id).sort())
    const waf = groups.find((g) => g[1] === 'WAF &amp; IPS')?.[2] ?? ''
    for (const id of ['modsecurity', 'cloudflare-list', 'aws-wafv2-ipset', 'fail2ban']) expect(waf).toContain(`value="${id}"`)
    const feeds = groups.find((g) => g[1]?.startsWith('Feed URLs'))?.[2] ?? ''
    for (const id of ['paloalto-edl', 'cisco-fmc-feed', 'checkpoint-gdc', 'pfsense', 'opnsense']) expect(feeds).toContain(`value="${id}"`)
  })

  it('shows the fetch URL of the chosen target and filters as text, with copy button and checksums', async () => {
    const page = await html('/?format=cisco-fmc-feed&family=ipv4')
    expect(page).toMatch(/<code id="snippet-url"[^>]*>https:\/\/scanners\.example\.test\/v1\/rules\/cisco-fmc-feed\?family=ipv4<\/code>/)
    expect(page).toContain('data-copy="snippet-url"')
    expect(page).toContain('href="/v1/rules/cisco-fmc-feed.md5?family=ipv4"')
    expect(page).toContain('href="/v1/rules/cisco-fmc-feed.sha256?family=ipv4"')
    expect(page).toMatch(/id="snippet-refresh">The product fetches it by itself: FMC/)
    const plain = await html('/?format=nftables')
    expect(plain).toMatch(/id="snippet-refresh">Pasted or run by you/)
  })
})
