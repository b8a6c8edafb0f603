/**
 * @module tests/http/pages-desk
 * The abuse desk pages through `app.request()`: signing in with an API token (the
 * browser gets a random session id, never the token; the table holds its hash), cookie
 * flags, CSRF on every form, sessions ending with the token (revoked, expired) and on
 * their own (expiry, idle, sign-out), scopes, and the case work itself: a note, an
 * assignee, open → investigating → awaiting_customer → resolved with the same rules,
 * history and audit events as the triage API.
 */
import { describe, expect, it } from 'vitest'
import { listAudit } from '../../src/db/audit-repository.js'
import { DESK_SESSION_IDLE_MS, DESK_SESSION_TTL_MS } from '../../src/db/desk-session-repository.js'
import { createToken, revokeToken } from '../../src/db/token-repository.js'
import { sha256Hex } from '../../src/domain/sha256.js'
import { HTML_CSP } from '../../src/http/security-headers.js'
import { tokenWith } from '../helpers/test-app.js'
import type { TestDb } from '../helpers/test-db.js'
import { assertNoLeaks, Harness, HOUR, MINUTE, reportBody, sessionBody, useIntakeHarness } from './intake-setup.js'

let t: TestDb
let h: Harness

useIntakeHarness((next, db) => {
  h = next
  t = db
})

const FORM = 'application/x-www-form-urlencoded'

/** Fetches a page and records it for the leak check. */
const publicPage = (path: string, init?: RequestInit) => h.publicPage(path, init)

/** A browser's cookies for this app, kept across requests like a real one would. */
class Browser {
  readonly cookies = new Map<string, string>()
  readonly setCookies: string[] = []

  constructor(readonly origin = 'http://localhost') {}

  async get(path: string, headers: Record<string, string> = {}): Promise<{ res: Response; html: string }> {
    const res = await h.app.request(this.origin + path, { headers: { ...this.cookieHeader(), ...headers } })
    this.remember(res)
    return { res, html: await res.text() }
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<{ res: Response; html: string }> {
    const res = await h.app.request(this.origin + path, {
      method: 'POST',
      headers: { 'content-type': FORM, 'sec-fetch-site': 'same-origin', ...this.cookieHeader(), ...headers },
      body: new URLSearchParams(fields).toString(),
    })
    this.remember(res)
    return { res, html: await res.text() }
  }

  cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}
  }

  remember(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      this.setCookies.push(c)
      const [pair] = c.split(';')
      const [name, ...rest] = pair!.split('=')
      const value = rest.join('=')
      if (/Max-Age=0/i.test(c) || value === '') this.cookies.delete(name!.trim())
      else this.cookies.set(name!.trim(), value)
    }
  }
}

function csrfOf(html: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(html)
  expect(m, 'the page has a CSRF field').not.toBeNull()
  return m![1]!
}

async function signIn(b: Browser, token: string): Promise<{ res: Response; html: string }> {
  const form = await b.get('/desk')
  return b.post('/desk/sign-in', { csrf: csrfOf(form.html), token })
}

/** A report whose case has a linked session (so the desk has a customer to show). */
async function caseWithSession(): Promise<{ id: string; ref: string; statusToken: string }> {
  await h.putSession('sess-desk-1', sessionBody(h.clock.now(), { customerRef: 'cust-umbrella-77', scannerIps: ['192.0.2.10'] }))
  const r = await h.reportOk(reportBody(h.clock.now(), { contactEmail: 'abuse@victim-net.example' }))
  const k = await h.caseOf(r.ref)
  return { id: k.case.id, ref: r.ref, statusToken: r.statusToken }
}

describe('sign-in', () => {
  it('shows a labelled sign-in form with a CSRF token tied to a pre-sign-in cookie', async () => {
    const b = new Browser()
    const { res, html } = await b.get('/desk')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toBe(HTML_CSP)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(html).toContain('<label for="token">API token</label>')
    expect(html).toMatch(/<input type="password" id="token" name="token"/)
    const login = b.setCookies.find((c) => c.startsWith('sg_desk_login='))!
    expect(login).toMatch(/HttpOnly/)
    expect(login).toMatch(/SameSite=Strict/)
    expect(login).toMatch(/Path=\/desk/)
    expect(csrfOf(html)).toBe(b.cookies.get('sg_desk_login'))
  })

  it('exchanges the token for an HttpOnly, SameSite=Strict session cookie that is not the token', async () => {
    const b = new Browser()
    const { res } = await signIn(b, h.desk)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/desk')
    const cookie = b.setCookies.find((c) => c.startsWith('sg_desk='))!
    const attrs = cookie.split(';').map((s) => s.trim())
    expect(attrs).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/desk']))
    // the test app's PUBLIC_URL is https, so the cookie is Secure even on a plain-http hop
    expect(attrs).toContain('Secure')
    expect(attrs.find((a) => a.startsWith('Max-Age='))).toBe(`Max-Age=${DESK_SESSION_TTL_MS / 1000}`)
    const id = b.cookies.get('sg_desk')!
    expect(id).toMatch(/^ds_[A-Za-z0-9_-]{43}$/)
    expect(id).not.toContain(h.desk)
    expect(b.cookies.has('sg_desk_login')).toBe(false)
    // the table holds only the hash of the id, and nothing of the token
    const rows = await t.db.selectFrom('desk_sessions').selectAll().execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]!.id_hash).toBe(await sha256Hex(id))
    expect(JSON.stringify(rows)).not.toContain(h.desk)
    expect(JSON.stringify(rows)).not.toContain(await sha256Hex(h.desk))
    const queue = await b.get('/desk')
    expect(queue.res.status).toBe(200)
    expect(queue.html).toContain('<h1>Case queue</h1>')
    const events = await listAudit(t.db, { action: 'desk.sign_in', limit: 10 })
    expect(events).toHaveLength(1)
  })

  it('sets the session cookie Secure over https', async () => {
    const b = new Browser('https://scanners.example.test')
    await signIn(b, h.desk)
    expect(b.setCookies.find((c) => c.startsWith('sg_desk='))).toMatch(/; Secure/)
  })

  it('refuses unknown, revoked and under-scoped tokens, a missing CSRF token and cross-site posts', async () => {
    const b = new Browser()
    const bad = await signIn(b, 'sg_' + 'x'.repeat(32))
    expect(bad.res.status).toBe(400)
    expect(bad.html).toMatch(/<span class="field-error" id="token-error">This token is not valid/)
    const noScope = await signIn(b, h.sessions)
    expect(noScope.res.status).toBe(403)
    expect(noScope.html).toContain('lacks the scope reports:read')
    const { token: revoked, info } = await createToken(t.db, { name: 'gone', scopes: ['reports:read'] })
    await revokeToken(t.db, info.id, h.clock.now())
    expect((await signIn(b, revoked)).res.status).toBe(400)

    const form = await b.get('/desk')
    const noCsrf = await b.post('/desk/sign-in', { token: h.desk })
    expect(noCsrf.res.status).toBe(403)
    const crossSite = await b.post('/desk/sign-in', { csrf: csrfOf(form.html), token: h.desk }, { 'sec-fetch-site': 'cross-site' })
    expect(crossSite.res.status).toBe(403)
    // a CSRF value without the matching cookie (another browser's form) does not work either
    const other = new Browser()
    const stolen = await other.post('/desk/sign-in', { csrf: csrfOf(form.html), token: h.desk })
    expect(stolen.res.status).toBe(403)
    expect(await t.db.selectFrom('desk_sessions').selectAll().execute()).toHaveLength(0)
  })
})

describe('sessions end', () => {
  it('when the token is revoked', async () => {
    const b = new Browser()
    await signIn(b, h.desk)
    expect((await b.get('/desk')).html).toContain('<h1>Case queue</h1>')
    const prefix = h.desk.slice(0, 11)
    await revokeToken(t.db, prefix, h.clock.now())
    const after = await b.get('/desk')
    expect(after.html).toContain('Abuse desk sign-in')
    expect(b.cookies.has('sg_desk')).toBe(false)
    expect(await t.db.selectFrom('desk_sessions').selectAll().execute()).toHaveLength(0)
  })

  it('when the token expires, and never later than it', async () => {
    const { token } = await createToken(t.db, { name: 'short', scopes: ['reports:read'], expiresAt: new Date(h.clock.now().getTime() + 30 * MINUTE) })
    const b = new Browser()
    await signIn(b, token)
    expect(b.setCookies.find((c) => c.startsWith('sg_desk='))).toContain(`Max-Age=${30 * 60}`)
    h.clock.advance(29 * MINUTE)
    expect((await b.get('/desk')).html).toContain('<h1>Case queue</h1>')
    h.clock.advance(2 * MINUTE)
    expect((await b.get('/desk')).html).toContain('Abuse desk sign-in')
  })

  it('after its lifetime, after being idle, and on sign-out', async () => {
    const b = new Browser()
    await signIn(b, h.desk)
    // active use keeps it alive until the lifetime ends
    for (let i = 0; i < DESK_SESSION_TTL_MS / HOUR - 1; i++) {
      h.clock.advance(HOUR)
      expect((await b.get('/desk')).html, `hour ${i + 1}`).toContain('<h1>Case queue</h1>')
    }
    h.clock.advance(HOUR)
    expect((await b.get('/desk')).html).toContain('Abuse desk sign-in')

    const idle = new Browser()
    await signIn(idle, h.desk)
    h.clock.advance(DESK_SESSION_IDLE_MS + MINUTE)
    expect((await idle.get('/desk')).html).toContain('Abuse desk sign-in')

    const c = new Browser()
    await signIn(c, h.desk)
    const stolen = c.cookies.get('sg_desk')!
    const queue = await c.get('/desk')
    const out = await c.post('/desk/sign-out', { csrf: csrfOf(queue.html) })
    expect(out.res.status).toBe(303)
    expect(c.cookies.has('sg_desk')).toBe(false)
    // a copy of the old cookie is worthless now
    const replay = await h.app.request('/desk', { headers: { cookie: `sg_desk=${stolen}` } })
    expect(await replay.text()).toContain('Abuse desk sign-in')
  })
})

describe('the queue', () => {
  it('shows cases with counts per status and filters', async () => {
    const k = await caseWithSession()
    await h.reportOk(reportBody(h.clock.now(), { sourceIps: ['10.9.8.7'], target: '100.100.9.9' }))
    const b = new Browser()
    await signIn(b, h.desk)
    const { res, html } = await b.get('/desk')
    expect(res.status).toBe(200)
    expect(html).toMatch(/data-status-count="open">open <strong>2<\/strong>/)
    expect(html).toMatch(/data-status-count="resolved">resolved <strong>0<\/strong>/)
    expect(html).toContain(`href="/desk/cases/${k.id}"`)
    const filtered = await b.get('/desk?verdict=not_our_ip')
    expect(filtered.html).not.toContain(`href="/desk/cases/${k.id}"`)
    expect(filtered.html).toContain('10.9.8.7')
    const bad = await b.get('/desk?status=closed&from=2026-13-01')
    expect(bad.res.status).toBe(400)
    expect(bad.html).toContain('status: use open')
    expect(bad.html).toContain('from: must be a day')
  })
})

describe('a case', () => {
  it('shows reports, evidence, the reporter contact and the customer (desk only), with CSRF on every form', async () => {
    const k = await caseWithSession()
    const b = new Browser()
    await signIn(b, h.desk)
    const { res, html } = await b.get(`/desk/cases/${k.id}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(html).toContain('cust-umbrella-77')
    expect(html).toContain('sess-desk-1')
    expect(html).toContain('abuse@victim-net.example')
    expect(html).toContain('SYN scan against our mail server')
    expect(html).toContain(k.ref)
    const forms = [...html.matchAll(/<form method="post"[^>]*>(.*?)<\/form>/gs)]
    expect(forms.length).toBeGreaterThanOrEqual(5)
    for (const f of forms) expect(f[1]).toContain(`name="csrf" value="${csrfOf(html)}"`)
    expect((await b.get('/desk/cases/00000000-0000-4000-8000-000000000000')).res.status).toBe(404)
    // signed out, the same URL shows the sign-in form and none of it
    const anon = await h.app.request(`/desk/cases/${k.id}`)
    const anonHtml = await anon.text()
    expect(anonHtml).toContain('Abuse desk sign-in')
    expect(anonHtml).not.toContain('cust-umbrella-77')
  })

  it('adds a note, assigns, and walks open → investigating → awaiting_customer → resolved', async () => {
    const k = await caseWithSession()
    const b = new Browser()
    await signIn(b, h.desk)
    let page = await b.get(`/desk/cases/${k.id}`)
    const csrf = csrfOf(page.html)

    const note = await b.post(`/desk/cases/${k.id}/notes`, { csrf, visibility: 'reporter', body: 'Thanks, we are looking into it.', reportRefs: k.ref })
    expect(note.res.status).toBe(303)
    expect(note.res.headers.get('location')).toBe(`/desk/cases/${k.id}?done=note`)
    const assign = await b.post(`/desk/cases/${k.id}/assign`, { csrf, assignee: 'Dana' })
    expect(assign.res.status).toBe(303)

    // resolving straight from open is refused by the state machine: 409, shown by the form
    const early = await b.post(`/desk/cases/${k.id}/transition`, { csrf, to: 'resolved', verdict: 'authorized_scan' })
    expect(early.res.status).toBe(409)
    expect(early.html).toContain('A case cannot go from open to resolved')
    for (const to of ['investigating', 'awaiting_customer']) {
      expect((await b.post(`/desk/cases/${k.id}/transition`, { csrf, to })).res.status).toBe(303)
    }
    const noVerdict = await b.post(`/desk/cases/${k.id}/transition`, { csrf, to: 'resolved', verdict: '' })
    expect(noVerdict.res.status).toBe(400)
    expect(noVerdict.html).toContain('Resolving a case needs a final verdict')
    const noOutcome = await b.post(`/desk/cases/${k.id}/transition`, { csrf, to: 'resolved', verdict: 'authorized_scan', outcomeTemplate: '', outcome: '' })
    expect(noOutcome.res.status).toBe(400)
    expect(noOutcome.html).toContain('Resolving needs the outcome its reporters will read')
    const resolved = await b.post(`/desk/cases/${k.id}/transition`, {
      csrf,
      to: 'resolved',
      verdict: 'authorized_scan',
      reason: 'customer confirmed',
      outcomeTemplate: 'reviewed',
      outcome: 'We looked into it: the traffic was expected. Thank you.',
    })
    expect(resolved.res.status).toBe(303)

    page = await b.get(`/desk/cases/${k.id}?done=transition`)
    expect(page.html).toContain('Case status changed.')
    expect(page.html).toMatch(/id="case-status">resolved</)
    expect(page.html).toContain('Status awaiting customer → resolved, verdict Authorized scan (customer confirmed)')
    expect(page.html).toContain('Assigned nobody → Dana')
    expect(page.html).toContain('Thanks, we are looking into it.')

    // the same state and trail as through the API
    const api = await (await h.admin('GET', `/v1/admin/cases/${k.id}`)).json()
    expect(api.case).toMatchObject({ status: 'resolved', finalVerdict: 'authorized_scan', assignee: 'Dana' })
    expect(api.notes.map((n: { visibility: string; author: string }) => [n.visibility, n.author])).toEqual([['reporter', expect.stringContaining('test')]])
    const audit = await listAudit(t.db, { objectType: 'case', objectId: k.id, limit: 20 })
    expect(audit.map((e) => e.action)).toEqual(['case.note', 'case.assign', 'case.transition', 'case.transition', 'case.transition'])
    const tokenId = (await t.db.selectFrom('api_tokens').select('id').where('token_prefix', '=', h.desk.slice(0, 11)).executeTakeFirstOrThrow()).id
    expect(new Set(audit.map((e) => e.actor))).toEqual(new Set([`token:${tokenId}`]))
    // the reporter sees the reporter note and the final verdict
    const status = await (await h.status(k.ref, k.statusToken)).json()
    expect(status.status).toBe('resolved')
    // the desk's own words win over the template, and only they reach the reporter
    expect(status.outcome).toBe('We looked into it: the traffic was expected. Thank you.')
    expect(status.notes.map((n: { text: string }) => n.text)).toEqual(['Thanks, we are looking into it.'])
  })

  it('keeps the API rules for reporter notes and shows the message next to the form', async () => {
    const k = await caseWithSession()
    const b = new Browser()
    await signIn(b, h.desk)
    const csrf = csrfOf((await b.get(`/desk/cases/${k.id}`)).html)
    const named = await b.post(`/desk/cases/${k.id}/notes`, { csrf, visibility: 'reporter', body: 'Customer cust-umbrella-77 was scanning.', reportRefs: k.ref })
    expect(named.res.status).toBe(400)
    expect(named.html).toMatch(/<span class="field-error" id="note-body-error">A reporter-visible note must not name the customer/)
    // the draft comes back so nothing typed is lost
    expect(named.html).toContain('Customer cust-umbrella-77 was scanning.</textarea>')
    const empty = await b.post(`/desk/cases/${k.id}/notes`, { csrf, visibility: 'internal', body: '   ' })
    expect(empty.res.status).toBe(400)
    const api = await (await h.admin('GET', `/v1/admin/cases/${k.id}`)).json()
    expect(api.notes).toEqual([])
  })

  it('refuses posts without the session CSRF token, with another session token, or from another site', async () => {
    const k = await caseWithSession()
    const a = new Browser()
    await signIn(a, h.desk)
    const b = new Browser()
    await signIn(b, h.desk)
    const csrfB = csrfOf((await b.get('/desk')).html)
    const csrfA = csrfOf((await a.get('/desk')).html)
    expect(csrfA).not.toBe(csrfB)
    const path = `/desk/cases/${k.id}/notes`
    const body = { visibility: 'internal', body: 'should never be stored' }
    expect((await a.post(path, body)).res.status).toBe(403)
    expect((await a.post(path, { ...body, csrf: csrfB })).res.status).toBe(403)
    expect((await a.post(path, { ...body, csrf: csrfA }, { 'sec-fetch-site': 'cross-site' })).res.status).toBe(403)
    // no session at all: the sign-in form, nothing changed
    const anon = await h.app.request(path, { method: 'POST', headers: { 'content-type': FORM }, body: new URLSearchParams({ ...body, csrf: csrfA }).toString() })
    expect(anon.status).toBe(403)
    expect(await anon.text()).toContain('Abuse desk sign-in')
    expect((await a.post(`/desk/cases/${k.id}/transition`, { to: 'investigating' })).res.status).toBe(403)
    const api = await (await h.admin('GET', `/v1/admin/cases/${k.id}`)).json()
    expect(api.notes).toEqual([])
    expect(api.case.status).toBe('open')
  })

  it('a read-only token sees the case but gets no forms and cannot post', async () => {
    const k = await caseWithSession()
    const b = new Browser()
    await signIn(b, h.reader)
    const { html } = await b.get(`/desk/cases/${k.id}`)
    expect(html).toContain('cust-umbrella-77')
    expect(html).not.toContain('id="note-form"')
    expect(html).toContain('needs the scope reports:triage')
    const res = await b.post(`/desk/cases/${k.id}/notes`, { csrf: csrfOf(html), visibility: 'internal', body: 'nope nope' })
    expect(res.res.status).toBe(403)
  })

  it('public pages and the reporter status never show what the desk sees', async () => {
    const k = await caseWithSession()
    const b = new Browser()
    await signIn(b, h.desk)
    const csrf = csrfOf((await b.get(`/desk/cases/${k.id}`)).html)
    await b.post(`/desk/cases/${k.id}/notes`, { csrf, visibility: 'internal', body: 'Internal only: Umbrella ran it' })
    h.secret('internal note', 'Internal only: Umbrella ran it')
    for (const p of ['/', '/lookup?ip=192.0.2.10', '/report', `/report/status?ref=${k.ref}`, `/report/receipt/${k.ref}`]) await publicPage(p)
    await publicPage('/report/status', { method: 'POST', headers: { 'content-type': FORM }, body: new URLSearchParams({ ref: k.ref, token: k.statusToken }).toString() })
    assertNoLeaks([h], 6)
  })
})

describe('trust boundaries in the desk', () => {
  it('the resolve form pre-selects no verdict and no outcome, even when the case suggests one', async () => {
    await h.putSession('sess-oos-9', sessionBody(h.clock.now(), { scannerIps: ['192.0.2.10'], authorizedTargets: ['100.100.200.0/24'] }))
    const r = await h.reportOk(reportBody(h.clock.now()))
    const k = await h.caseOf(r.ref)
    expect(k.case.suggestedVerdict).toBe('out_of_scope_scan')
    for (const to of ['investigating', 'awaiting_customer']) await h.admin('POST', `/v1/admin/cases/${k.case.id}/transition`, { to })
    const b = new Browser()
    await signIn(b, h.desk)
    const { html } = await b.get(`/desk/cases/${k.case.id}`)
    const form = /<form[^>]*id="resolve-form"[^>]*>(.*?)<\/form>/s.exec(html)![1]!
    expect(form).toContain('<select id="verdict" name="verdict"')
    expect(form).not.toMatch(/<option[^>]*selected/)
    expect(form).toContain('name="outcomeTemplate"')
  })

  it('a mailto link cannot gain recipients from ?cc= or &bcc= inside a stored address', async () => {
    const r = await h.reportOk(reportBody(h.clock.now(), { contactEmail: 'victim@example.org' }))
    const k = await h.caseOf(r.ref)
    const hostile = 'victim@example.org?cc=spy@attacker.example&bcc=other@attacker.example,third@attacker.example'
    await t.db.updateTable('report_contacts').set({ email: hostile }).execute()
    const b = new Browser()
    await signIn(b, h.desk)
    const { html } = await b.get(`/desk/cases/${k.case.id}`)
    const hrefs = [...html.matchAll(/href="(mailto:[^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'))
    expect(hrefs).toHaveLength(1)
    const href = hrefs[0]!
    expect(href).not.toMatch(/[?&,]/)
    // one recipient: the whole stored text, percent-encoded
    expect(decodeURIComponent(href.slice('mailto:'.length))).toBe(hostile)
  })

  it('a note for reporters must be addressed to reports of the case; the queue flags new activity after resolution', async () => {
    const k = await caseWithSession()
    const b = new Browser()
    await signIn(b, h.desk)
    const csrf = csrfOf((await b.get(`/desk/cases/${k.id}`)).html)
    const none = await b.post(`/desk/cases/${k.id}/notes`, { csrf, visibility: 'reporter', body: 'Who gets this?' })
    expect(none.res.status).toBe(400)
    expect(none.html).toMatch(/<span class="field-error" id="note-recipients-error">Choose the reports/)
    expect(none.html).toContain('Who gets this?</textarea>')
    for (const to of ['investigating', 'awaiting_customer']) await b.post(`/desk/cases/${k.id}/transition`, { csrf, to })
    expect((await b.post(`/desk/cases/${k.id}/transition`, { csrf, to: 'resolved', verdict: 'authorized_scan', outcomeTemplate: 'reviewed' })).res.status).toBe(303)
    const late = await h.reportOk(reportBody(h.clock.now()))
    const lateCase = await h.caseOf(late.ref)
    expect(lateCase.case.id).not.toBe(k.id)
    const queue = await b.get('/desk')
    const row = new RegExp(`<tr data-case-id="${lateCase.case.id}">(.*?)</tr>`, 's').exec(queue.html)![1]!
    expect(row).toContain('new activity after resolution')
    const old = await b.get(`/desk/cases/${k.id}`)
    expect(old.html).toContain(`href="/desk/cases/${lateCase.case.id}"`)
    expect(old.html).toMatch(/id="case-status">resolved</)
  })

  it('excluding a reported target is its own action with its own scope; too-wide targets are only shown', async () => {
    const excluder = await tokenWith(t.db, 'reports:read', 'reports:triage', 'exclusions:write')
    const r = await h.reportOk(reportBody(h.clock.now(), { target: '100.100.1.5' }))
    const wide = await h.reportOk(reportBody(h.clock.now(), { target: '100.0.0.0/8' }))
    const k = (await h.caseOf(r.ref)).case.id
    const wk = (await h.caseOf(wide.ref)).case.id

    // a triager without exclusions:write sees no form and cannot post one
    const triager = new Browser()
    await signIn(triager, h.desk)
    const tp = await triager.get(`/desk/cases/${k}`)
    expect(tp.html).not.toContain('action="/desk/exclusions"')
    expect(tp.html).toContain('needs the scope exclusions:write')
    const refused = await triager.post('/desk/exclusions', { csrf: csrfOf(tp.html), prefix: '100.100.1.5', reason: 'try', caseId: k })
    expect(refused.res.status).toBe(403)

    const b = new Browser()
    await signIn(b, excluder)
    const wp = await b.get(`/desk/cases/${wk}`)
    expect(wp.html).toContain('too wide to act on')
    expect(wp.html).not.toMatch(/class="exclude-form"/)
    const page = await b.get(`/desk/cases/${k}`)
    const csrf = csrfOf(page.html)
    expect([...page.html.matchAll(/class="exclude-form" data-target="([^"]+)"/g)].map((m) => m[1])).toEqual(['100.100.1.5/32'])
    // a target that was not reported in this case is refused, next to the panel
    const other = await b.post('/desk/exclusions', { csrf, prefix: '100.100.1.0/24', reason: 'the whole block', caseId: k })
    expect(other.res.status).toBe(400)
    expect(other.html).toContain('was not reported in this case')
    const noReason = await b.post('/desk/exclusions', { csrf, prefix: '100.100.1.5/32', reason: '', caseId: k })
    expect(noReason.res.status).toBe(400)
    const ok = await b.post('/desk/exclusions', { csrf, prefix: '100.100.1.5/32', reason: 'owner asked us to stop', caseId: k, expiresOn: '2027-01-31' })
    expect(ok.res.status).toBe(303)
    expect(ok.res.headers.get('location')).toBe(`/desk/cases/${k}?done=exclusion`)
    const row = await t.db.selectFrom('exclusions').selectAll().executeTakeFirstOrThrow()
    expect(row).toMatchObject({ target: '100.100.1.5/32', source: 'desk', case_id: k, reason: 'owner asked us to stop' })
    expect(row.expires_at?.toISOString()).toBe('2027-02-01T00:00:00.000Z')
    const after = await b.get(`/desk/cases/${k}?done=exclusion`)
    expect(after.html).toContain('Target excluded from scanning.')
    expect(after.html).toContain('Excluded from scanning: 100.100.1.5/32')
    expect(after.html).not.toMatch(/class="exclude-form"/)
  })

  it('the exclusion list: add (a wide block only with an override), remove, each in the audit chain', async () => {
    const excluder = await tokenWith(t.db, 'reports:read', 'exclusions:write')
    const b = new Browser()
    await signIn(b, excluder)
    let page = await b.get('/desk/exclusions')
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('Nothing is excluded.')
    const csrf = csrfOf(page.html)
    const wide = await b.post('/desk/exclusions', { csrf, prefix: '0.0.0.0/0', reason: 'everything' })
    expect(wide.res.status).toBe(400)
    expect(wide.html).toMatch(/<span class="field-error" id="ex-prefix-error">0.0.0.0\/0 is wider than the \/24/)
    expect(wide.html).toContain('value="0.0.0.0/0"')
    const overridden = await b.post('/desk/exclusions', { csrf, prefix: '198.51.0.0/16', reason: 'whole network', overrideReason: 'signed request from the network owner' })
    expect(overridden.res.status).toBe(303)
    expect((await b.post('/desk/exclusions', { csrf, prefix: '203.0.113.7', reason: 'owner asked' })).res.status).toBe(303)
    page = await b.get('/desk/exclusions?done=exclusion')
    expect(page.html).toContain('Target excluded from scanning.')
    expect(page.html).toContain('wider than /24')
    expect(page.html).toContain('override: signed request from the network owner')
    const id = (await t.db.selectFrom('exclusions').select('id').where('target', '=', '203.0.113.7/32').executeTakeFirstOrThrow()).id
    const removed = await b.post(`/desk/exclusions/${id}/remove`, { csrf, reason: 'owner changed their mind' })
    expect(removed.res.status).toBe(303)
    expect((await t.db.selectFrom('exclusions').select('target').execute()).map((e) => e.target)).toEqual(['198.51.0.0/16'])
    const audit = await listAudit(t.db, { objectType: 'exclusion', limit: 10 })
    expect(audit.map((e) => [e.action, e.diff.prefix])).toEqual([
      ['exclusion.create', '198.51.0.0/16'],
      ['exclusion.create', '203.0.113.7/32'],
      ['exclusion.remove', '203.0.113.7/32'],
    ])
    // a reader sees the list but no forms
    const reader = new Browser()
    await signIn(reader, h.reader)
    const rp = await reader.get('/desk/exclusions')
    expect(rp.html).toContain('198.51.0.0/16')
    expect(rp.html).not.toContain('id="exclusion-form"')
    expect((await reader.post(`/desk/exclusions/${id}/remove`, { csrf: csrfOf(rp.html) })).res.status).toBe(403)
  })
})
