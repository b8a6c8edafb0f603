/**
 * @module tests/http/pages-public
 * The public web pages through `app.request()`: status codes, the HTML CSP, no inline
 * script or style, the range table and its filters, the snippet (byte for byte what
 * /v1/rules serves), lookup, the report form (validation next to fields, honeypot and
 * minimum fill time, the receipt cookie) and the status page. Public pages must never
 * show anything the public API would not (customer refs, internal notes, e-mails).
 */
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { publishCatalogue } from '../../src/db/publish-catalogue.js'
import { isEmail } from '../../src/domain/intake/report-rules.js'
import { HTML_CSP } from '../../src/http/security-headers.js'
import { ASSETS } from '../../src/http/pages/assets.js'
import { MIN_FILL_MS } from '../../src/http/pages/report-guard.js'
import { buildApp } from '../helpers/test-app.js'
import type { TestDb } from '../helpers/test-db.js'
import { assertNoLeaks, Harness, HOUR, RANGES, reportBody, sessionBody, useIntakeHarness } from './intake-setup.js'

let t: TestDb
let h: Harness

const harnesses = useIntakeHarness(async (next, db) => {
  h = next
  t = db
  // a version from before RANGES.retiredRecently retired, so lookup knows it was ours
  await publishCatalogue(t.db, { now: new Date(h.clock.now().getTime() - 60 * 86_400_000), actor: 'test', note: null })
  await publishCatalogue(t.db, { now: h.clock.now(), actor: 'test', note: null })
})

const FORM = 'application/x-www-form-urlencoded'

/** Fetches a page and records it for the leak check. */
const publicPage = (path: string, init?: RequestInit) => h.publicPage(path, init)
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

async function page(path: string, init: RequestInit = {}): Promise<{ res: Response; html: string }> {
  const res = await publicPage(path, init)
  return { res, html: await res.text() }
}

function expectHtmlPage(res: Response, html: string): void {
  expect(res.headers.get('content-type')).toMatch(/^text\/html/)
  expect(res.headers.get('content-security-policy')).toBe(HTML_CSP)
  expect(html.startsWith('<!doctype html>')).toBe(true)
  // the CSP allows neither inline script nor inline style: nothing of the kind is sent
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/i)
  expect(html).not.toMatch(/<style|\sstyle="/i)
  expect(html).not.toMatch(/\son[a-z]+="/i)
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i)
}

/** Every input, select and textarea (except hidden ones and the honeypot's) has a label. */
function expectLabelled(html: string): void {
  const ids = [...html.matchAll(/<(?:input|select|textarea)\b([^>]*)>/g)]
    .map((m) => m[1]!)
    .filter((attrs) => !/type="hidden"/.test(attrs))
    .map((attrs) => /\sid="([^"]+)"/.exec(attrs)?.[1])
  expect(ids.length).toBeGreaterThan(0)
  for (const id of ids) {
    expect(id, 'every field has an id').toBeDefined()
    expect(html, `label for ${id}`).toContain(`<label for="${id}"`)
  }
}

function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString()
}

async function freshStamp(app: { request: typeof h.app.request } = h.app): Promise<string> {
  const html = await (await app.request('/report')).text()
  const m = /name="formStarted" value="([^"]+)"/.exec(html)
  expect(m).not.toBeNull()
  return m![1]!
}

function validFields(stamp: string, over: Record<string, string> = {}): Record<string, string> {
  const at = (ms: number) => new Date(h.clock.now().getTime() + ms).toISOString().slice(0, 16)
  return {
    sourceIps: '192.0.2.10\n192.0.2.11',
    target: '100.100.1.5',
    observedFrom: at(-2 * HOUR),
    observedTo: at(-HOUR),
    category: 'port-scan',
    ports: '22, 443',
    protocol: 'tcp',
    description: 'SYN scan against our mail server',
    evidence: 'Nov 01 00:00:01 fw DROP SRC=192.0.2.10 DPT=22',
    contactEmail: 'noc@reporter.example',
    website: '',
    formStarted: stamp,
    ...over,
  }
}

async function postReport(fields: Record<string, string>, url = '/report'): Promise<Response> {
  if (fields.contactEmail && isEmail(fields.contactEmail)) h.secret('reporter e-mail', fields.contactEmail)
  return h.request(url, { method: 'POST', headers: { 'content-type': FORM, accept: BROWSER_ACCEPT }, body: formBody(fields) })
}

async function reportCount(): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from reports`.execute(t.db)
  return r.rows[0]!.n
}

describe('the scanner page', () => {
  it('lists every published range with the version, links and a snippet identical to /v1/rules', async () => {
    const { res, html } = await page('/')
    expect(res.status).toBe(200)
    expectHtmlPage(res, html)
    expectLabelled(html)
    for (const prefix of [RANGES.active, RANGES.active2, RANGES.v6]) expect(html).toContain(`data-prefix="${prefix}"`)
    // retired ranges are not published, so the page does not list them either
    expect(html).not.toContain(RANGES.retiredRecently)
    const version = await (await h.app.request('/v1/ranges')).json()
    expect(html).toContain(version.sha256)
    expect(html).toContain('Showing 3 of 3 ranges.')
    for (const link of ['/v1/ranges', '/v1/ranges.csv', '/v1/ranges.txt', '/v1/feed.atom']) expect(html).toContain(`href="${link}"`)
    const res2 = await h.app.request('/v1/rules/nftables')
    const snippet = await res2.text()
    expect(html).toContain(escapeHtml(snippet))
    // the download is named like the API's file, which is the one the apply steps use
    expect(res2.headers.get('content-disposition')).toBe('inline; filename="asv_scanners.nft"')
    expect(html).toContain('download="asv_scanners.nft"')
    expect(html).toContain('<option value="nftables" selected=""')
  })

  it('filters on the server (hidden rows, counts, feed links and snippet follow the filter)', async () => {
    const { res, html } = await page('/?family=ipv6&format=iptables')
    expect(res.status).toBe(200)
    expect(html).toContain('Showing 1 of 3 ranges.')
    expect(html).toMatch(new RegExp(`data-prefix="${RANGES.v6.replace(/[.:/]/g, '\\$&')}"[^>]*>`))
    const v4row = new RegExp(`<tr data-prefix="${RANGES.active.replace(/[./]/g, '\\$&')}"[^>]*hidden=""`)
    expect(html).toMatch(v4row)
    expect(html).toContain('href="/v1/ranges.csv?family=ipv6"')
    // iptables serves IPv4 only: with an IPv6-only filter the API refuses, and the page says so
    const api = await h.app.request('/v1/rules/iptables?family=ipv6')
    expect(api.status).toBe(400)
    const detail = (await api.json()).detail
    expect(detail).toContain('ip6tables')
    expect(html).toContain(escapeHtml(detail))
  })

  it('answers a bad filter or format with 400 and a message, still showing the page', async () => {
    const bad = await page('/?family=ipv5')
    expect(bad.res.status).toBe(400)
    expectHtmlPage(bad.res, bad.html)
    expect(bad.html).toContain('family must be ipv4 or ipv6')
    const fmt = await page('/?format=no-such-firewall')
    expect(fmt.res.status).toBe(400)
    expect(fmt.html).toContain('Unknown format')
  })

  it('highlights announced and retiring ranges as upcoming changes', async () => {
    await t.reset()
    const now = h.clock.now()
    const { insertRanges } = await import('../../src/db/range-repository.js')
    const { normaliseRange } = await import('../../src/domain/catalogue-rules.js')
    const at = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString()
    await insertRanges(t.db, [
      normaliseRange({ prefix: '192.0.2.0/24', pool: 'asv', region: 'eu', activeFrom: at(-10) }, now),
      normaliseRange({ prefix: '198.51.100.0/24', pool: 'asv', region: 'us', activeFrom: at(-10), retireAt: at(20) }, now),
      normaliseRange({ prefix: '203.0.113.0/24', pool: 'web', region: 'ap', activeFrom: at(5) }, now),
    ])
    await publishCatalogue(t.db, { now, actor: 'test', note: null })
    const { html } = await page('/')
    expect(html).toContain('Upcoming changes')
    expect(html).toMatch(/New:<\/strong> <code>203\.0\.113\.0\/24<\/code>.*starts scanning on <strong>2026-11-06<\/strong>/)
    expect(html).toMatch(/Leaving:<\/strong> <code>198\.51\.100\.0\/24<\/code>.*stops scanning on <strong>2026-11-21<\/strong>/)
    expect(html).toMatch(/<tr data-prefix="198\.51\.100\.0\/24"[^>]*class="upcoming"/)
  })

  it('says so when nothing is published yet', async () => {
    await t.reset()
    const { res, html } = await page('/')
    expect(res.status).toBe(200)
    expect(html).toContain('No version of the range list has been published yet')
  })
})

describe('assets', () => {
  it('serves CSS and JS with the right type, a strong ETag and 304s', async () => {
    for (const [path, type] of [
      ['/assets/app.css', /^text\/css/],
      ['/assets/app.js', /^text\/javascript/],
    ] as const) {
      const res = await h.app.request(path)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(type)
      const etag = res.headers.get('etag')!
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
      expect(res.headers.get('cache-control')).toBe('public, max-age=3600')
      const again = await h.app.request(path, { headers: { 'if-none-match': etag } })
      expect(again.status).toBe(304)
    }
    const versioned = await h.app.request(`/assets/app.css?v=${ASSETS.css.version}`)
    expect(versioned.headers.get('cache-control')).toContain('immutable')
    const { html } = await page('/')
    expect(html).toContain(`href="/assets/app.css?v=${ASSETS.css.version}"`)
    expect(html).toContain(`src="/assets/app.js?v=${ASSETS.js.version}"`)
  })
})

describe('lookup', () => {
  it('answers what /v1/lookup answers; an invalid address is shown next to the field', async () => {
    const ours = await page('/lookup?ip=192.0.2.77')
    expect(ours.res.status).toBe(200)
    expectHtmlPage(ours.res, ours.html)
    expectLabelled(ours.html)
    expect(ours.html).toContain('is one of our scanner addresses')
    expect(ours.html).toContain(RANGES.active)
    const retired = await page(`/lookup?ip=203.0.113.9`)
    expect(retired.html).toContain('was one of our scanner addresses')
    const notOurs = await page('/lookup?ip=10.1.2.3')
    expect(notOurs.html).toContain('is not one of our scanners')
    const bad = await page('/lookup?ip=300.1.2.3')
    expect(bad.res.status).toBe(400)
    expect(bad.html).toMatch(/<span class="field-error" id="ip-error">[^<]+<\/span><input[^>]*aria-invalid="true"/)
    expect(bad.html).toContain('value="300.1.2.3"')
    const empty = await page('/lookup')
    expect(empty.res.status).toBe(200)
    expect(empty.html).not.toContain('id="answer"')
  })
})

describe('the report form', () => {
  it('renders labelled fields, a honeypot hidden from people and a signed fill-time stamp', async () => {
    const { res, html } = await page('/report?sourceIps=192.0.2.9')
    expect(res.status).toBe(200)
    expectHtmlPage(res, html)
    expectLabelled(html)
    expect(html).toMatch(/<div class="hp" aria-hidden="true">.*<input type="text" id="website" name="website" value="" tabindex="-1" autocomplete="off"\/>/)
    expect(html).toMatch(/name="formStarted" value="\d+\.[A-Za-z0-9_-]{43}"/)
    expect(html).toContain('>192.0.2.9</textarea>')
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('stores a valid report, reading the form times as UTC, and redirects to a receipt with a one-time cookie', async () => {
    const stamp = await freshStamp()
    h.clock.advance(MIN_FILL_MS + 1000)
    const fields = validFields(stamp)
    const res = await postReport(fields)
    expect(res.status).toBe(303)
    const location = res.headers.get('location')!
    expect(location).toMatch(/^\/report\/receipt\/R-[0-9A-Z]{10}$/)
    const ref = location.split('/').pop()!
    const [pair, ...attrs] = res.headers.get('set-cookie')!.split(';').map((s) => s.trim())
    expect(pair).toMatch(new RegExp(`^sg_receipt=${ref}\\.rs_[A-Za-z0-9_-]{32}$`))
    expect(attrs).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/report', 'Max-Age=600']))
    // the test app's PUBLIC_URL is https, so the cookie is Secure even on a plain-http hop
    expect(attrs).toContain('Secure')
    const token = pair!.slice(pair!.indexOf('.') + 1)
    expect(await reportCount()).toBe(1)

    const receipt = await page(location, { headers: { cookie: pair! } })
    expect(receipt.res.status).toBe(200)
    expectHtmlPage(receipt.res, receipt.html)
    expect(receipt.html).toContain(ref)
    expect(receipt.html).toContain(token)
    expect(receipt.html).toContain('Save your status token now')
    expect(receipt.res.headers.get('set-cookie')).toMatch(/^sg_receipt=; Max-Age=0; Path=\/report/)

    const status = await (await h.status(ref, token)).json()
    expect(status.observedFrom).toBe(new Date(`${fields.observedFrom}:00Z`).toISOString())
    expect(status.sourceIps).toEqual(['192.0.2.10', '192.0.2.11'])
    const again = await page(location)
    expect(again.html).not.toContain(token)
    expect(again.html).toMatch(/shown once/)
  })

  it('sets the receipt cookie Secure behind https', async () => {
    const stamp = await freshStamp()
    h.clock.advance(MIN_FILL_MS)
    const res = await postReport(validFields(stamp), 'https://scanners.example.test/report')
    expect(res.status).toBe(303)
    expect(res.headers.get('set-cookie')).toContain('Secure')
  })

  it('shows each validation message next to its field, keeps the values and stores nothing', async () => {
    const stamp = await freshStamp()
    h.clock.advance(MIN_FILL_MS)
    const res = await postReport(validFields(stamp, { sourceIps: '192.0.2.10, not-an-ip', target: '', ports: '22, 70000', contactEmail: 'nope' }))
    expect(res.status).toBe(400)
    const html = await res.text()
    expectHtmlPage(res, html)
    expect(await reportCount()).toBe(0)
    // the message sits in the field's block, before its input, and the input points at it
    expect(html).toMatch(/<span class="field-error" id="sourceIps-error">Address 2: [^<]+<\/span><textarea[^>]*aria-describedby="sourceIps-hint sourceIps-error"[^>]*aria-invalid="true"/)
    expect(html).toMatch(/<span class="field-error" id="target-error">Scanned address or network is required[^<]*<\/span><input[^>]*id="target"/)
    expect(html).toMatch(/<span class="field-error" id="ports-error">Port 2: 70000 is not a port number[^<]*<\/span>/)
    expect(html).toMatch(/<span class="field-error" id="contactEmail-error">Your e-mail address must be an e-mail address[^<]*<\/span>/)
    expect(html).toContain('id="error-summary"')
    expect(html).toContain('href="#sourceIps"')
    // values come back (escaped), the description too
    expect(html).toContain('192.0.2.10, not-an-ip</textarea>')
    expect(html).toContain('SYN scan against our mail server</textarea>')
    // a new stamp: the person does not have to wait again
    expect(html).toMatch(/name="formStarted" value="\d+\.[A-Za-z0-9_-]{43}"/)
  })

  it('escapes what the reporter typed', async () => {
    const stamp = await freshStamp()
    h.clock.advance(MIN_FILL_MS)
    const res = await postReport(validFields(stamp, { target: '"><script>alert(1)</script>' }))
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain('&quot;&gt;&lt;script&gt;')
  })

  it('answers a filled honeypot like a success and stores nothing', async () => {
    const stamp = await freshStamp()
    h.clock.advance(MIN_FILL_MS + 1000)
    const res = await postReport(validFields(stamp, { website: 'http://spam.example' }))
    expect(res.status).toBe(303)
    const location = res.headers.get('location')!
    expect(location).toMatch(/^\/report\/receipt\/R-[0-9A-Z]{10}$/)
    const pair = res.headers.get('set-cookie')!.split(';')[0]!
    expect(pair).toMatch(/^sg_receipt=R-[0-9A-Z]{10}\.rs_[A-Za-z0-9_-]{32}$/)
    expect(await reportCount()).toBe(0)
    // the receipt looks the same as a real one
    const receipt = await page(location, { headers: { cookie: pair } })
    expect(receipt.res.status).toBe(200)
    expect(receipt.html).toContain('Thank you, we have your report')
  })

  it('answers a post faster than the minimum fill time like a success and stores nothing', async () => {
    const stamp = await freshStamp()
    h.clock.advance(MIN_FILL_MS - 500)
    const res = await postReport(validFields(stamp))
    expect(res.status).toBe(303)
    expect(res.headers.get('set-cookie')).toMatch(/^sg_receipt=R-/)
    expect(await reportCount()).toBe(0)
    // the same form a few seconds later goes through
    h.clock.advance(1000)
    expect((await postReport(validFields(stamp))).status).toBe(303)
    expect(await reportCount()).toBe(1)
  })

  it('a missing, forged or day-old stamp brings the form back (nothing stored, nothing lost)', async () => {
    const stamp = await freshStamp()
    h.clock.advance(MIN_FILL_MS)
    const [ms] = stamp.split('.')
    for (const bad of ['', 'garbage', `${ms}.${'A'.repeat(43)}`, `${Number(ms) - 60_000}.${stamp.split('.')[1]}`]) {
      const res = await postReport(validFields(stamp, { formStarted: bad }))
      expect(res.status, bad).toBe(400)
      const html = await res.text()
      expect(html).toContain('send it again')
      expect(html).toContain('SYN scan against our mail server')
    }
    h.clock.advance(25 * HOUR)
    expect((await postReport(validFields(stamp))).status).toBe(400)
    expect(await reportCount()).toBe(0)
  })

  it('answers rate-limited and oversized posts with an HTML page, not JSON', async () => {
    const app = buildApp(t.db, h.clock, { rateLimits: { reportsPerMinute: 1 } })
    // each app (process) signs its own stamps
    const stamp = await freshStamp(app)
    h.clock.advance(MIN_FILL_MS)
    const post = () => app.request('/report', { method: 'POST', headers: { 'content-type': FORM }, body: formBody(validFields(stamp)) })
    expect((await post()).status).toBe(303)
    const limited = await post()
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
    const html = await limited.text()
    expectHtmlPage(limited, html)
    expect(html).toContain('Too many requests')
    const big = await h.app.request('/report', { method: 'POST', headers: { 'content-type': FORM }, body: 'evidence=' + 'x'.repeat(300 * 1024) })
    expect(big.status).toBe(413)
    expect(big.headers.get('content-type')).toMatch(/^text\/html/)
    expect(big.headers.get('content-security-policy')).toBe(HTML_CSP)
  })
})

describe('the status page', () => {
  it('shows the status and reporter notes for the right token, never internal notes or customers', async () => {
    await h.putSession('sess-page-1', sessionBody(h.clock.now(), { customerRef: 'cust-initech-42', scannerIps: ['192.0.2.10'] }))
    const r = await h.reportOk(reportBody(h.clock.now(), { contactEmail: 'reporter@victim.example' }))
    const k = await h.caseOf(r.ref)
    expect((await h.admin('POST', `/v1/admin/cases/${k.case.id}/notes`, { body: 'Internal: customer cust-initech-42 confirmed', visibility: 'internal' })).status).toBe(201)
    expect((await h.admin('POST', `/v1/admin/cases/${k.case.id}/notes`, { body: 'We are checking the scan logs.', visibility: 'reporter', reportRefs: [r.ref] })).status).toBe(201)

    const form = await page(`/report/status?ref=${r.ref}`)
    expect(form.res.status).toBe(200)
    expectHtmlPage(form.res, form.html)
    expectLabelled(form.html)
    expect(form.html).toContain(`value="${r.ref}"`)

    const res = await h.request('/report/status', { method: 'POST', headers: { 'content-type': FORM }, body: formBody({ ref: r.ref.toLowerCase(), token: r.statusToken }) })
    expect(res.status).toBe(200)
    const html = await res.text()
    expectHtmlPage(res, html)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const api = await (await h.status(r.ref, r.statusToken)).json()
    expect(html).toContain(escapeHtml(api.statusText))
    // received → under review → resolved, and nothing the automatic check found
    expect(html).toMatch(/<li aria-current="step"><strong>Received<\/strong><\/li>/)
    expect(html).not.toMatch(/authori[sz]ed|What we found/i)
    expect(html).not.toContain('id="outcome-text"')
    expect(html).toContain('We are checking the scan logs.')
    expect(html).not.toContain('Internal:')
    expect(html).not.toContain(r.statusToken)

    const wrong = await h.request('/report/status', { method: 'POST', headers: { 'content-type': FORM }, body: formBody({ ref: r.ref, token: 'rs_' + 'x'.repeat(32) }) })
    expect(wrong.status).toBe(404)
    expect(await wrong.text()).toContain('No report with this reference and status token')
    const blank = await h.request('/report/status', { method: 'POST', headers: { 'content-type': FORM }, body: formBody({ ref: '', token: '' }) })
    expect(blank.status).toBe(400)
    const blankHtml = await blank.text()
    expect(blankHtml).toMatch(/<span class="field-error" id="ref-error">Enter the report reference/)
    expect(blankHtml).toMatch(/<span class="field-error" id="token-error">Enter the status token/)

    // nothing public carried a customer ref, an internal note or an e-mail
    for (const p of ['/', '/lookup?ip=192.0.2.10', '/report', `/report/status?ref=${r.ref}`]) await publicPage(p)
    assertNoLeaks([h], 4)
  })

  it('counts look-ups against the status rate limits of the API', async () => {
    const app = buildApp(t.db, h.clock, { rateLimits: { statusPerMinute: 2 } })
    const r = await h.reportOk(reportBody(h.clock.now()))
    const post = () => app.request('/report/status', { method: 'POST', headers: { 'content-type': FORM }, body: formBody({ ref: r.ref, token: r.statusToken }) })
    expect((await post()).status).toBe(200)
    expect((await post()).status).toBe(200)
    const limited = await post()
    expect(limited.status).toBe(429)
    expect(await limited.text()).toContain('Too many look-ups')
  })
})

describe('page leaks', () => {
  it('no public page of any test in this file showed a secret', () => {
    assertNoLeaks(harnesses, 10)
  })
})

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}
