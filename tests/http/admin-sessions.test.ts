import { describe, expect, it } from 'vitest'
import type { TestDb } from '../helpers/test-db.js'
import { assertNoLeaks, DAY, Harness, HOUR, reportBody, sessionBody, useIntakeHarness } from './intake-setup.js'

let t: TestDb
let h: Harness

const harnesses = useIntakeHarness((next, db) => {
  h = next
  t = db
})

const now = () => h.clock.now()

describe('PUT /v1/admin/sessions/{externalId}', () => {
  it('creates (201), then replaces (200) idempotently', async () => {
    const body = sessionBody(now(), { scannerIps: ['192.0.2.10', '2001:DB8::5', '192.0.2.10'], authorizedTargets: ['100.100.1.7', '100.100.2.0/24'] })
    const first = await h.putSession('scan-0001', body)
    expect(first.status).toBe(201)
    expect(first.headers.get('location')).toBe('/v1/admin/sessions/scan-0001')
    const s = (await first.json()).session
    expect(s).toMatchObject({
      externalId: 'scan-0001',
      customerRef: 'cust-acme-001',
      scannerIps: ['192.0.2.10', '2001:db8::5'],
      authorizedTargets: ['100.100.1.7/32', '100.100.2.0/24'],
      endedAt: null,
      scanType: 'asv-quarterly',
    })
    const again = await h.putSession('scan-0001', body)
    expect(again.status).toBe(200)
    const s2 = (await again.json()).session
    expect({ ...s2, updatedAt: '' }).toEqual({ ...s, updatedAt: '' })

    const ended = await h.putSession('scan-0001', { ...body, scannerIps: ['192.0.2.11'], endedAt: new Date(now().getTime() - HOUR).toISOString() })
    expect(ended.status).toBe(200)
    const got = await h.request('/v1/admin/sessions/scan-0001', { headers: { authorization: `Bearer ${h.sessions}` } })
    expect((await got.json()).session).toMatchObject({ scannerIps: ['192.0.2.11'], endedAt: new Date(now().getTime() - HOUR).toISOString() })
    const rows = await t.db.selectFrom('scan_session_ips').selectAll().execute()
    expect(rows).toHaveLength(1)
  })

  it('rejects scanner addresses outside the catalogue, naming them', async () => {
    const res = await h.putSession('scan-xx-1', sessionBody(now(), { scannerIps: ['192.0.2.10', '10.9.8.7'] }))
    expect(res.status).toBe(400)
    const p = await res.json()
    expect(p.errors).toEqual([{ field: 'scannerIps.1', message: expect.stringContaining('10.9.8.7 is not in any of our catalogue ranges') }])
    expect(p.detail).toContain('10.9.8.7')
    expect(await t.db.selectFrom('scan_sessions').selectAll().execute()).toEqual([])
  })

  it('validates fields with actionable messages', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ scannerIps: [] }, 'scannerIps'],
      [{ scannerIps: ['192.0.2.256'] }, 'scannerIps.0'],
      [{ authorizedTargets: ['100.100.1.1/24'] }, 'authorizedTargets.0'],
      [{ authorizedTargets: [] }, 'authorizedTargets'],
      [{ startedAt: '2026-11-01' }, 'startedAt'],
      [{ endedAt: new Date(now().getTime() - 2 * DAY).toISOString() }, 'endedAt'],
      [{ customerRef: '' }, 'customerRef'],
      [{ scanType: 'Quarterly Scan' }, 'scanType'],
    ]
    for (const [over, field] of cases) {
      const res = await h.putSession('scan-val', sessionBody(now(), over))
      expect(res.status, JSON.stringify(over)).toBe(400)
      expect((await res.json()).errors[0].field, JSON.stringify(over)).toBe(field)
    }
    const badId = await h.putSession('bad session id!', sessionBody(now()))
    expect(badId.status).toBe(400)
    expect((await badId.json()).errors[0].field).toBe('externalId')
    const unknownKey = await h.putSession('scan-val', { ...sessionBody(now()), colour: 'red' })
    expect(unknownKey.status).toBe(400)
  })

  it('needs sessions:write (401 without a token, 403 with another scope)', async () => {
    const anon = await h.request('/v1/admin/sessions/scan-1', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sessionBody(now())) })
    expect(anon.status).toBe(401)
    const wrong = await h.request('/v1/admin/sessions/scan-1', { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${h.desk}` }, body: JSON.stringify(sessionBody(now())) })
    expect(wrong.status).toBe(403)
    const get = await h.request('/v1/admin/sessions/scan-1', { headers: { authorization: `Bearer ${h.reader}` } })
    expect(get.status).toBe(403)
  })

  it('records an audit event without the customer reference', async () => {
    await h.putSession('scan-audit', sessionBody(now(), { customerRef: 'cust-secret-9' }))
    const events = await t.db.selectFrom('audit_events').selectAll().where('action', '=', 'session.upsert').execute()
    expect(events).toHaveLength(1)
    expect(events[0]!.object_id).toBe('scan-audit')
    expect(JSON.stringify(events[0]!.diff)).not.toContain('cust-secret-9')
  })
})

describe('POST /v1/admin/sessions:batch', () => {
  const many = (n: number, over: (i: number) => Record<string, unknown> = () => ({})) =>
    Array.from({ length: n }, (_, i) => ({ externalId: `sess-batch-${i}`, ...sessionBody(now(), { scannerIps: [`192.0.2.${i % 250}`], ...over(i) }) }))

  it('saves up to 1000 sessions in one call and reports created/updated', async () => {
    const res = await h.batch(many(1000))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ created: 1000, updated: 0 })
    const again = await h.batch(many(3))
    expect(await again.json()).toMatchObject({ created: 0, updated: 3, sessions: [{ externalId: 'sess-batch-0', created: false }, { externalId: 'sess-batch-1', created: false }, { externalId: 'sess-batch-2', created: false }] })
  })

  it('refuses more than 1000', async () => {
    const res = await h.batch(many(1001))
    expect(res.status).toBe(400)
    expect((await res.json()).errors[0]).toMatchObject({ field: 'sessions', message: expect.stringMatching(/at most 1000/) })
  })

  it('is all or nothing: one bad session stores none, and every problem is named', async () => {
    const sessions = many(5, (i) => (i === 2 ? { scannerIps: ['10.0.0.1'] } : i === 4 ? { startedAt: 'soon' } : {}))
    const res = await h.batch(sessions)
    expect(res.status).toBe(400)
    const p = await res.json()
    expect(p.errors.map((e: { field: string }) => e.field)).toEqual(['sessions.4.startedAt'])
    const fixed = many(5, (i) => (i === 2 ? { scannerIps: ['10.0.0.1'] } : {}))
    const res2 = await h.batch(fixed)
    expect(res2.status).toBe(400)
    expect((await res2.json()).errors).toEqual([{ field: 'sessions.2.scannerIps.0', message: expect.stringContaining('10.0.0.1') }])
    expect(await t.db.selectFrom('scan_sessions').selectAll().execute()).toEqual([])
  })

  it('refuses the same externalId twice in one batch', async () => {
    const res = await h.batch([...many(2), { ...many(1)[0]! }])
    expect(res.status).toBe(400)
    expect((await res.json()).errors[0]).toMatchObject({ field: 'sessions.2.externalId', message: expect.stringMatching(/appears twice/) })
  })
})

/** The report's verdict as the desk sees it; the reporter's status never carries one. */
async function verdictOf(r: { ref: string; statusToken: string }): Promise<string> {
  const status = await (await h.status(r.ref, r.statusToken)).json()
  expect(status).not.toHaveProperty('verdict')
  return (await h.caseOf(r.ref)).reports.find((x: { ref: string }) => x.ref === r.ref).verdict
}

describe('late-arriving sessions', () => {
  it('re-link open reports: our_ip_no_session becomes authorized_scan or out_of_scope_scan', async () => {
    const inScope = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.20'], target: '100.100.1.5' }))
    const outScope = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.20'], target: '100.100.99.5' }))
    for (const r of [inScope, outScope]) expect(await verdictOf(r)).toBe('our_ip_no_session')

    const res = await h.putSession('sess-late-1', sessionBody(now(), { scannerIps: ['192.0.2.20'], authorizedTargets: ['100.100.1.0/24'] }))
    expect((await res.json()).relinkedReports).toBe(2)
    expect(await verdictOf(inScope)).toBe('authorized_scan')
    expect(await verdictOf(outScope)).toBe('out_of_scope_scan')

    // the session's window moves away from the reports: back to no session
    await h.putSession('sess-late-1', sessionBody(now(), { scannerIps: ['192.0.2.20'], startedAt: new Date(now().getTime() - 10 * DAY).toISOString(), endedAt: new Date(now().getTime() - 9 * DAY).toISOString() }))
    expect(await verdictOf(inScope)).toBe('our_ip_no_session')

    // and a batch brings it back, with the case's suggested verdict and history following
    await h.batch([{ externalId: 'sess-late-2', ...sessionBody(now(), { scannerIps: ['192.0.2.20'], authorizedTargets: ['100.100.1.5'] }) }])
    expect(await verdictOf(inScope)).toBe('authorized_scan')
    const k = await h.caseOf(inScope.ref)
    expect(k.case.suggestedVerdict).toBe('authorized_scan')
    const suggestions = k.history.filter((e: { action: string }) => e.action === 'verdict_suggested').map((e: { detail: { to: string } }) => e.detail.to)
    expect(suggestions).toEqual(['our_ip_no_session', 'authorized_scan', 'our_ip_no_session', 'authorized_scan'])
  })

  it('only sessions overlapping the observed window count', async () => {
    const r = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.21'], observedFrom: new Date(now().getTime() - 5 * HOUR).toISOString(), observedTo: new Date(now().getTime() - 4 * HOUR).toISOString() }))
    await h.putSession('sess-before', sessionBody(now(), { scannerIps: ['192.0.2.21'], startedAt: new Date(now().getTime() - 8 * HOUR).toISOString(), endedAt: new Date(now().getTime() - 5 * HOUR - 1000).toISOString() }))
    await h.putSession('sess-after', sessionBody(now(), { scannerIps: ['192.0.2.21'], startedAt: new Date(now().getTime() - 4 * HOUR + 1000).toISOString(), endedAt: null }))
    await h.putSession('sess-other-ip', sessionBody(now(), { scannerIps: ['192.0.2.22'] }))
    expect(await verdictOf(r)).toBe('our_ip_no_session')
    await h.putSession('sess-touching', sessionBody(now(), { scannerIps: ['192.0.2.21'], startedAt: new Date(now().getTime() - 6 * HOUR).toISOString(), endedAt: new Date(now().getTime() - 5 * HOUR).toISOString() }))
    expect(await verdictOf(r)).toBe('authorized_scan')
  })

  it('leave resolved and dismissed cases as the desk closed them', async () => {
    const a = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.30'], target: '100.100.1.5' }))
    const b = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.31'], target: '100.100.1.5' }))
    const ka = await h.caseOf(a.ref)
    const kb = await h.caseOf(b.ref)
    for (const to of ['investigating', 'awaiting_customer']) await h.admin('POST', `/v1/admin/cases/${ka.case.id}/transition`, { to })
    await h.admin('POST', `/v1/admin/cases/${ka.case.id}/transition`, { to: 'resolved', verdict: 'our_ip_no_session', outcomeTemplate: 'reviewed' })
    await h.admin('POST', `/v1/admin/cases/${kb.case.id}/transition`, { to: 'dismissed' })
    const res = await h.batch([
      { externalId: 'sess-closed-a', ...sessionBody(now(), { scannerIps: ['192.0.2.30'] }) },
      { externalId: 'sess-closed-b', ...sessionBody(now(), { scannerIps: ['192.0.2.31'] }) },
    ])
    expect((await res.json()).relinkedReports).toBe(0)
    expect((await h.caseOf(a.ref)).reports[0].verdict).toBe('our_ip_no_session')
    expect((await h.caseOf(b.ref)).reports[0].verdict).toBe('our_ip_no_session')
    expect((await h.caseOf(a.ref)).sessions).toEqual([])
  })
})

describe('privacy of public responses', () => {
  it('no public response of this file carried a customer ref, session id, internal note or reporter e-mail', () => {
    assertNoLeaks(harnesses, 10)
  })
})
