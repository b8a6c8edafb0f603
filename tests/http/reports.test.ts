import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../src/domain/sha256.js'
import { REF_PATTERN, STATUS_TOKEN_PATTERN } from '../../src/domain/intake/report-ids.js'
import { buildApp } from '../helpers/test-app.js'
import type { TestDb } from '../helpers/test-db.js'
import { adjustedSample, XARF_EXPECTED, XARF_SAMPLES, xarfSampleText } from '../domain/intake/xarf-fixtures.js'
import { assertNoLeaks, DAY, Harness, HOUR, reportBody, sessionBody, useIntakeHarness } from './intake-setup.js'

let t: TestDb
let h: Harness

const harnesses = useIntakeHarness((next, db) => {
  h = next
  t = db
})

const now = () => h.clock.now()

describe('POST /v1/reports (JSON)', () => {
  it('answers 201 with ref, one-time token, ours, status and a status link', async () => {
    const res = await h.report(reportBody(now()))
    expect(res.status).toBe(201)
    const body = await res.json()
    expect(Object.keys(body).sort()).toEqual(['links', 'ours', 'ref', 'status', 'statusToken'])
    expect(body.ref).toMatch(REF_PATTERN)
    expect(body.statusToken).toMatch(STATUS_TOKEN_PATTERN)
    expect(body.ours).toBe(true)
    expect(body.status).toBe('received')
    expect(body.links).toEqual({ status: `/v1/reports/${body.ref}` })
    expect(res.headers.get('location')).toBe(`/v1/reports/${body.ref}`)
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('stores only the hash of the status token', async () => {
    const body = await h.reportOk(reportBody(now()))
    const row = await t.db.selectFrom('reports').select('status_token_hash').where('ref', '=', body.ref).executeTakeFirstOrThrow()
    expect(row.status_token_hash).toBe(await sha256Hex(body.statusToken))
    const all = JSON.stringify(await t.db.selectFrom('reports').selectAll().execute())
    expect(all).not.toContain(body.statusToken)
  })

  it('refs are random, not sequential', async () => {
    const refs: string[] = []
    for (let i = 0; i < 20; i++) refs.push((await h.reportOk(reportBody(now()))).ref)
    expect(new Set(refs).size).toBe(20)
    // 20 random refs come out in creation order with probability 1/20!; a counter always would
    expect(refs.every((r, i) => i === 0 || r > refs[i - 1]!)).toBe(false)
  })

  it('says ours for catalogue addresses, including ranges retired within 90 days', async () => {
    const cases: [string, boolean][] = [
      ['192.0.2.10', true],
      ['2001:db8::10', true],
      ['203.0.113.7', true],
      ['100.64.0.7', false],
      ['10.1.2.3', false],
    ]
    for (const [ip, ours] of cases) {
      const body = await h.reportOk(reportBody(now(), { sourceIps: [ip] }))
      expect(body.ours, ip).toBe(ours)
    }
    const mixed = await h.reportOk(reportBody(now(), { sourceIps: ['10.1.2.3', '192.0.2.11'] }))
    expect(mixed.ours).toBe(true)
  })

  it('puts e-mail, evidence and nothing else into their own tables', async () => {
    const body = await h.reportOk(reportBody(now(), { contactEmail: 'reporter@example.org', evidence: 'Nov  1 10:00:01 sshd: probe from 192.0.2.10' }))
    const report = await t.db.selectFrom('reports').selectAll().where('ref', '=', body.ref).executeTakeFirstOrThrow()
    expect(JSON.stringify(report)).not.toContain('reporter@example.org')
    expect(JSON.stringify(report)).not.toContain('sshd')
    const contact = await t.db.selectFrom('report_contacts').selectAll().where('report_id', '=', report.id).executeTakeFirstOrThrow()
    expect(contact.email).toBe('reporter@example.org')
    expect(contact.created_at.toISOString()).toBe(now().toISOString())
    const ev = await t.db.selectFrom('report_evidence').selectAll().where('report_id', '=', report.id).executeTakeFirstOrThrow()
    expect(new TextDecoder().decode(ev.content)).toContain('sshd')
    expect(ev.hash_status).toBe('not_declared')
  })

  it('answers validation errors per field, the first one in detail', async () => {
    const res = await h.report(reportBody(now(), { sourceIps: ['192.0.2.300'], target: '', ports: [0], contactEmail: 'x', colour: 'red' }))
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const p = await res.json()
    expect(p.code).toBe('validation_failed')
    expect(p.errors.map((e: { field: string }) => e.field)).toEqual(['colour', 'sourceIps.0', 'target', 'ports.0', 'contactEmail'])
    expect(p.detail).toBe(`colour: ${p.errors[0].message} (and 4 more)`)
  })

  it.each([
    ['sourceIps', { sourceIps: [] }],
    ['observedFrom', { observedFrom: 'last tuesday' }],
    ['observedFrom', { observedFrom: new Date(Date.parse('2026-11-01T00:00:00Z') - 91 * DAY).toISOString(), observedTo: undefined }],
    ['observedTo', { observedTo: new Date(Date.parse('2026-11-01T00:00:00Z') + 10 * 60_000).toISOString() }],
    ['observedTo', { observedFrom: new Date(Date.parse('2026-11-01T00:00:00Z') - 40 * DAY).toISOString(), observedTo: new Date(Date.parse('2026-11-01T00:00:00Z') - 2 * DAY).toISOString() }],
    ['target', { target: '203.0.113.9/24' }],
    ['ports.0', { ports: [70000] }],
    ['category', { category: 'phishing' }],
    ['description', { description: 'd'.repeat(4001) }],
    ['evidence', { evidence: 'e'.repeat(65 * 1024) }],
    ['contactEmail', { contactEmail: 'me@' }],
  ])('400 on %s', async (field, over) => {
    const res = await h.report(reportBody(now(), over))
    expect(res.status).toBe(400)
    const p = await res.json()
    expect(p.errors[0].field).toBe(field)
    expect(p.detail.startsWith(`${field}: `)).toBe(true)
  })

  it('refuses bodies that are not a JSON object with a 400, not a 500', async () => {
    for (const body of ['{', '[1,2]', '"x"', 'null']) {
      const res = await h.report(body)
      expect(res.status, body).toBe(400)
      expect((await res.json()).code).toBe('validation_failed')
    }
  })

  it('415 for other media types, naming the accepted ones', async () => {
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml']) {
      const res = await h.request('/v1/reports', { method: 'POST', headers: { 'content-type': type }, body: 'x' })
      expect(res.status, type).toBe(415)
      const p = await res.json()
      expect(p.code).toBe('unsupported_media_type')
      expect(p.detail).toMatch(/application\/json or application\/x-www-form-urlencoded/)
    }
    const none = await h.request('/v1/reports', { method: 'POST', body: 'x' })
    expect(none.status).toBe(415)
  })

  it('413 above 256 KiB for plain JSON and forms, 5 MiB for XARF', async () => {
    const big = JSON.stringify(reportBody(now(), { description: 'x', filler: 'y'.repeat(300 * 1024) }))
    const res = await h.report(big)
    expect(res.status).toBe(413)
    const p = await res.json()
    expect(p.code).toBe('payload_too_large')
    expect(p.detail).toMatch(/256 KiB/)
    const form = await h.request('/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'evidence=' + 'z'.repeat(257 * 1024),
    })
    expect(form.status).toBe(413)
    const xarf = adjustedSample('connection-port-scan', { now: now(), source: '192.0.2.10', destination: '100.100.1.5' })
    xarf.padding = 'p'.repeat(5 * 1024 * 1024)
    const huge = await h.report(xarf)
    expect(huge.status).toBe(413)
    expect((await huge.json()).detail).toMatch(/5 MiB/)
    // an XARF document between the two limits is fine
    const mid = adjustedSample('connection-port-scan', { now: now(), source: '192.0.2.10', destination: '100.100.1.5' })
    mid.padding = 'p'.repeat(1024 * 1024)
    expect((await h.report(mid)).status).toBe(201)
  })
})

describe('XARF v4 intake', () => {
  it.each(XARF_SAMPLES)('accepts %s and maps its fields', async (name) => {
    const doc = adjustedSample(name, { now: now(), source: '198.51.100.77', destination: '100.100.3.4' })
    const body = await h.reportOk(doc)
    expect(body.ours).toBe(true)
    const expected = XARF_EXPECTED[name]
    const k = await h.caseOf(body.ref)
    const r = k.reports[0]
    expect(r.channel).toBe('xarf')
    expect(r.sources).toEqual([{ ip: '198.51.100.77', ours: true, verdict: 'our_ip_no_session' }])
    expect(r.target).toBe('100.100.3.4/32')
    expect(r.category).toBe(expected.category)
    expect(r.ports).toEqual(expected.ports)
    expect(r.protocol).toBe(expected.protocol)
    expect(r.observedFrom).toBe(doc.first_seen ?? doc.timestamp)
    expect(r.observedTo).toBe(doc.last_seen ?? doc.timestamp)
    expect(r.reporter).toEqual({ contactEmail: expected.contact, org: expected.org })
    expect(r.xarf).toEqual({ reportId: doc.report_id, type: expected.type, documentStored: true })
    expect(r.evidence).toHaveLength(1)
    expect(r.evidence[0]).toMatchObject({ contentType: 'text/plain', hashStatus: expected.hashStatus, text: expected.evidenceText })
    const stored = await t.db.selectFrom('report_xarf_documents').select('document').executeTakeFirstOrThrow()
    expect(JSON.parse(stored.document)).toEqual(doc)
  })

  it('the raw samples (documentation addresses, January 2025) are refused as too old, by XARF field', async () => {
    const res = await h.report(xarfSampleText('connection-port-scan'))
    expect(res.status).toBe(400)
    const p = await res.json()
    expect(p.errors[0].field).toBe('timestamp')
    expect(p.errors[0].message).toMatch(/more than 90 days ago/)
  })

  it('links XARF reports to sessions like any other', async () => {
    await h.putSession('sess-xarf-1', sessionBody(now(), { scannerIps: ['198.51.100.150'], authorizedTargets: ['100.100.3.0/24'] }))
    const doc = adjustedSample('connection-port-scan', { now: now(), source: '198.51.100.150', destination: '100.100.3.4' })
    const body = await h.reportOk(doc)
    const k = await h.caseOf(body.ref)
    expect(k.reports[0].verdict).toBe('authorized_scan')
  })
})

describe('web form', () => {
  const form = (over: Record<string, string> = {}) => {
    const b = reportBody(now())
    return new URLSearchParams({
      sourceIps: '192.0.2.10, 192.0.2.11',
      observedFrom: b.observedFrom as string,
      observedTo: b.observedTo as string,
      target: '100.100.1.5',
      ports: '22,443',
      category: 'port-scan',
      description: 'seen in our firewall log',
      evidence: 'line one\nline two',
      contactEmail: '',
      ...over,
    }).toString()
  }
  const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

  it('a browser is redirected to the receipt page; the token travels in a one-time cookie, never in the URL', async () => {
    const res = await h.request('/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: browserAccept },
      body: form(),
    })
    expect(res.status).toBe(303)
    const location = res.headers.get('location')!
    expect(location).toMatch(/^\/report\/receipt\/R-[0-9A-Z]{10}$/)
    const ref = location.split('/').pop()!
    const cookie = res.headers.get('set-cookie')!
    const [pair, ...attrs] = cookie.split(';').map((s) => s.trim())
    expect(pair).toMatch(new RegExp(`^sg_receipt=${ref}\\.rs_[A-Za-z0-9_-]{32}$`))
    const token = pair!.split('.').slice(1).join('.')
    expect(attrs).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/report', 'Max-Age=600']))
    // the test app's PUBLIC_URL is https, so the cookie is Secure even on a plain-http hop
    expect(attrs).toContain('Secure')
    expect(location).not.toContain(token)

    const page = await h.request(location, { headers: { cookie: pair! } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('cache-control')).toBe('no-store')
    const html = await page.text()
    expect(html).toContain(ref)
    expect(html).toContain(token)
    expect(page.headers.get('set-cookie')).toMatch(/^sg_receipt=; Max-Age=0; Path=\/report/)
    // the token works for the status page
    expect((await h.status(ref, token)).status).toBe(200)
    // without the cookie the page shows the ref but no token
    const again = await h.request(location)
    const againHtml = await again.text()
    expect(againHtml).toContain(ref)
    expect(againHtml).not.toContain(token)
    expect(againHtml).toMatch(/shown once/)
    // a cookie for another ref is not shown
    const other = await h.request('/report/receipt/R-0000000000', { headers: { cookie: pair! } })
    expect(await other.text()).not.toContain(token)
    expect((await h.request('/report/receipt/not-a-ref')).status).toBe(404)
  })

  it('the cookie is Secure when the request came over https', async () => {
    const res = await h.request('https://scanners.example.test/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: browserAccept },
      body: form(),
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/)
  })

  it('an API client posting the form gets JSON 201', async () => {
    for (const accept of [undefined, 'application/json', '*/*', 'application/json, text/html;q=0.5']) {
      const res = await h.request('/v1/reports', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(accept ? { accept } : {}) },
        body: form(),
      })
      expect(res.status, String(accept)).toBe(201)
      expect(res.headers.get('set-cookie')).toBeNull()
      const body = await res.json()
      expect(body.statusToken).toMatch(STATUS_TOKEN_PATTERN)
    }
  })

  it('form fields map like JSON fields', async () => {
    const res = await h.request('/v1/reports', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form({ contactEmail: 'formuser@example.org' }) })
    h.secret('reporter e-mail', 'formuser@example.org')
    const body = await res.json()
    const r = (await h.caseOf(body.ref)).reports[0]
    expect(r.channel).toBe('form')
    expect(r.sources.map((s: { ip: string }) => s.ip)).toEqual(['192.0.2.10', '192.0.2.11'])
    expect(r.ports).toEqual([22, 443])
    expect(r.reporter.contactEmail).toBe('formuser@example.org')
    expect(r.evidence[0].text).toBe('line one\nline two')
  })

  it('form validation errors name the form fields', async () => {
    const res = await h.request('/v1/reports', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form({ ports: '22,http', target: '' }) })
    expect(res.status).toBe(400)
    const p = await res.json()
    expect(p.errors.map((e: { field: string }) => e.field)).toEqual(['target', 'ports.1'])
    expect(p.errors[1].message).toMatch(/"http" is not a port number/)
  })
})

describe('Idempotency-Key', () => {
  it('the same key and body replay the first response; nothing is stored twice', async () => {
    const body = reportBody(now())
    const first = await h.report(body, { 'idempotency-key': 'key-123' })
    expect(first.status).toBe(201)
    const firstBody = await first.json()
    h.clock.advance(HOUR)
    const second = await h.report(body, { 'idempotency-key': 'key-123' })
    expect(second.status).toBe(201)
    expect(await second.json()).toEqual(firstBody)
    expect(second.headers.get('location')).toBe(first.headers.get('location'))
    expect(second.headers.get('idempotent-replayed')).toBe('true')
    const count = await t.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(1)
  })

  it('the same key with a different body is a 422 problem', async () => {
    await h.reportOk(reportBody(now()), { 'idempotency-key': 'key-abc' })
    const res = await h.report(reportBody(now(), { target: '100.100.1.6' }), { 'idempotency-key': 'key-abc' })
    expect(res.status).toBe(422)
    const p = await res.json()
    expect(p.code).toBe('idempotency_conflict')
    expect(p.errors[0].field).toBe('Idempotency-Key')
  })

  it('replays even when the report would no longer validate, and expires after 24 hours', async () => {
    const body = reportBody(now(), { observedFrom: new Date(now().getTime() - 90 * DAY + 30 * 60_000).toISOString(), observedTo: undefined })
    const first = await h.reportOk(body, { 'idempotency-key': 'old' })
    h.clock.advance(HOUR)
    expect(await (await h.report(body, { 'idempotency-key': 'old' })).json()).toEqual(first)
    h.clock.advance(24 * HOUR)
    const after = await h.report(body, { 'idempotency-key': 'old' })
    expect(after.status).toBe(400) // a new request now, and its window is too old
  })

  it('different keys make different reports; a key is not shared with other bodies after expiry', async () => {
    const a = await h.reportOk(reportBody(now()), { 'idempotency-key': 'k1' })
    const b = await h.reportOk(reportBody(now()), { 'idempotency-key': 'k2' })
    expect(a.ref).not.toBe(b.ref)
    h.clock.advance(25 * HOUR)
    const c = await h.reportOk(reportBody(now(), { target: '100.100.9.9' }), { 'idempotency-key': 'k1' })
    expect(c.ref).not.toBe(a.ref)
  })

  it('a browser retry of the form gets the redirect again', async () => {
    const body = new URLSearchParams({ sourceIps: '192.0.2.10', observedFrom: new Date(now().getTime() - HOUR).toISOString(), target: '100.100.1.5' }).toString()
    const init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'idempotency-key': 'form-1' }, body }
    const a = await h.request('/v1/reports', init)
    const b = await h.request('/v1/reports', init)
    expect(a.status).toBe(303)
    expect(b.status).toBe(303)
    expect(b.headers.get('location')).toBe(a.headers.get('location'))
  })

  it('a key belongs to its client: another client sending the same key and body gets a report of its own, never the first token', async () => {
    const app = buildApp(t.db, h.clock, { getClientIp: (c) => c.req.header('x-test-client') ?? '127.0.0.1' })
    const body = JSON.stringify(reportBody(now()))
    const post = (client: string) =>
      app.request('/v1/reports', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'shared-key-1', 'x-test-client': client }, body })
    const first = await post('198.51.100.7')
    const a = await first.json()
    const retry = await post('198.51.100.7')
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(await retry.json()).toEqual(a)
    const stranger = await post('203.0.113.9')
    expect(stranger.status).toBe(201)
    expect(stranger.headers.get('idempotent-replayed')).toBeNull()
    const b = await stranger.json()
    expect(b.ref).not.toBe(a.ref)
    expect(b.statusToken).not.toBe(a.statusToken)
  })

  it('the stored replay holds no usable status token, yet a retry still gets it', async () => {
    const body = reportBody(now())
    const first = await h.reportOk(body, { 'idempotency-key': 'k-plain-1' })
    const rows = await t.db.selectFrom('report_idempotency').selectAll().execute()
    expect(rows).toHaveLength(1)
    const stored = JSON.stringify(rows)
    expect(stored).not.toContain(first.statusToken)
    expect(stored).not.toContain(first.statusToken.slice(3))
    expect(rows[0]!.key_hash).not.toBe(await sha256Hex('k-plain-1'))
    expect(stored).not.toContain('k-plain-1')
    expect(await (await h.report(body, { 'idempotency-key': 'k-plain-1' })).json()).toEqual(first)
    // a retry from the record alone (say, someone with a copy of the table) cannot open it
    const { openReplay } = await import('../../src/domain/intake/idempotency.js')
    const sealed = (rows[0]!.response as { sealedToken: string }).sealedToken
    expect(await openReplay('127.0.0.1', 'k-plain-2', sealed)).toBeNull()
    expect(await openReplay('127.0.0.2', 'k-plain-1', sealed)).toBeNull()
    expect(await openReplay('127.0.0.1', 'k-plain-1', sealed)).toBe(first.statusToken)
  })

  it('refuses unusable keys', async () => {
    const res = await h.report(reportBody(now()), { 'idempotency-key': 'x'.repeat(256) })
    expect(res.status).toBe(400)
    expect((await res.json()).errors[0].field).toBe('Idempotency-Key')
  })
})

describe('GET /v1/reports/{ref}', () => {
  it('shows a neutral status, ours and the notes for this report, never what the automatic check found; no-store', async () => {
    await h.putSession('sess-one-1', sessionBody(now()))
    const { ref, statusToken } = await h.reportOk(reportBody(now()))
    expect((await h.caseOf(ref)).reports[0].verdict).toBe('authorized_scan')
    const res = await h.status(ref, statusToken)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const s = await res.json()
    expect(s).toEqual({
      ref,
      status: 'received',
      statusText: 'We have received your report; our abuse desk will look at it.',
      outcome: null,
      ours: true,
      receivedAt: now().toISOString(),
      observedFrom: expect.any(String),
      observedTo: expect.any(String),
      target: '100.100.1.5/32',
      sourceIps: ['192.0.2.10'],
      category: 'port-scan',
      notes: [],
    })
    // an anonymous reporter cannot learn that a customer had this address scanned
    expect(JSON.stringify(s)).not.toMatch(/authori[sz]|verdict|scope/i)
  })

  it('an unknown ref and a wrong token get the same 404', async () => {
    const { ref, statusToken } = await h.reportOk(reportBody(now()))
    const other = await h.reportOk(reportBody(now()))
    const variants = [
      [ref, 'rs_' + 'A'.repeat(32)],
      [ref, other.statusToken],
      ['R-0000000000', statusToken],
      ['R-0000000000', 'rs_' + 'A'.repeat(32)],
      [ref, 'garbage'],
      ['not-a-ref', statusToken],
    ] as const
    const bodies = new Set<string>()
    for (const [r, tok] of variants) {
      const res = await h.status(r, tok)
      expect(res.status, `${r} ${tok}`).toBe(404)
      const { requestId: _r, instance: _i, ...rest } = await res.json()
      bodies.add(JSON.stringify(rest))
    }
    expect(bodies.size).toBe(1)
  })

  it('without a token: 401 whatever the ref', async () => {
    const { ref } = await h.reportOk(reportBody(now()))
    for (const r of [ref, 'R-0000000000']) {
      const res = await h.status(r, null)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toMatch(/Bearer/)
    }
  })
})

describe('privacy of public responses', () => {
  it('no public response of this file carried a customer ref, session id, internal note or reporter e-mail', () => {
    assertNoLeaks(harnesses, 40)
  })
})
