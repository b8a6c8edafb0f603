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
const transition = (id: string, body: Record<string, unknown>, token?: string) => h.admin('POST', `/v1/admin/cases/${id}/transition`, body, token)
const note = (id: string, body: string, visibility: 'internal' | 'reporter') => h.admin('POST', `/v1/admin/cases/${id}/notes`, { body, visibility })

describe('verdicts', () => {
  it('computes each verdict at intake', async () => {
    await h.putSession('sess-v-1', sessionBody(now(), { scannerIps: ['192.0.2.40'], authorizedTargets: ['100.100.1.0/24'] }))
    const cases: [Record<string, unknown>, string][] = [
      [{ sourceIps: ['192.0.2.40'], target: '100.100.1.9' }, 'authorized_scan'],
      [{ sourceIps: ['192.0.2.40'], target: '100.100.2.9' }, 'out_of_scope_scan'],
      [{ sourceIps: ['192.0.2.41'], target: '100.100.1.9' }, 'our_ip_no_session'],
      [{ sourceIps: ['10.20.30.40'], target: '100.100.1.9' }, 'not_our_ip'],
      // a reported block wider than what was authorized is out of scope
      [{ sourceIps: ['192.0.2.40'], target: '100.100.0.0/16' }, 'out_of_scope_scan'],
      // several addresses: the most serious one counts
      [{ sourceIps: ['10.20.30.40', '192.0.2.40'], target: '100.100.1.9' }, 'authorized_scan'],
      [{ sourceIps: ['192.0.2.40', '192.0.2.41'], target: '100.100.1.9' }, 'our_ip_no_session'],
    ]
    for (const [over, verdict] of cases) {
      const r = await h.reportOk(reportBody(now(), over))
      const k = await h.caseOf(r.ref)
      expect(k.reports.find((x: { ref: string }) => x.ref === r.ref).verdict, JSON.stringify(over)).toBe(verdict)
      // the reporter never sees it: a neutral status only
      const status = await (await h.status(r.ref, r.statusToken)).json()
      expect(status).toMatchObject({ status: 'received', outcome: null })
      expect(status).not.toHaveProperty('verdict')
    }
  })

  it('a retired range stops being ours after 90 days, and IPv6 sessions link too', async () => {
    await h.putSession('sess-v6-1', sessionBody(now(), { scannerIps: ['2001:db8::44'], authorizedTargets: ['2001:db8:ffff::/48'] }))
    const v6 = await h.reportOk(reportBody(now(), { sourceIps: ['2001:db8::44'], target: '2001:db8:ffff:1::9' }))
    expect((await h.caseOf(v6.ref)).reports[0].verdict).toBe('authorized_scan')
    const gone = await h.reportOk(reportBody(now(), { sourceIps: ['100.64.0.5'] }))
    expect((await h.caseOf(gone.ref)).reports[0].verdict).toBe('not_our_ip')
    expect((await (await h.status(gone.ref, gone.statusToken)).json()).ours).toBe(false)
  })

  it('the desk sees the linked sessions with customerRef and which address matched', async () => {
    await h.putSession('sess-v-2', sessionBody(now(), { customerRef: 'cust-globex-7', scannerIps: ['192.0.2.42', '192.0.2.43'], authorizedTargets: ['100.100.1.0/24'] }))
    const r = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.43'] }))
    const k = await h.caseOf(r.ref)
    expect(k.sessions).toEqual([
      expect.objectContaining({ externalId: 'sess-v-2', customerRef: 'cust-globex-7', scannerIps: ['192.0.2.42', '192.0.2.43'], authorizedTargets: ['100.100.1.0/24'], authorizedTargetCount: 1, matches: [{ reportRef: r.ref, sourceIp: '192.0.2.43', inScope: true }] }),
    ])
  })
})

describe('grouping into cases', () => {
  it('same scanner address, target /24 and UTC day → one case; otherwise separate', async () => {
    const base = { sourceIps: ['192.0.2.50'], target: '100.100.5.1', observedFrom: '2026-10-31T10:00:00Z', observedTo: '2026-10-31T11:00:00Z' }
    const a = await h.reportOk(reportBody(now(), base))
    const same = [
      await h.reportOk(reportBody(now(), { ...base, target: '100.100.5.200' })),
      await h.reportOk(reportBody(now(), { ...base, target: '100.100.5.64/26' })),
      await h.reportOk(reportBody(now(), { ...base, observedFrom: '2026-10-31T23:59:00Z', observedTo: '2026-11-01T00:00:00Z' })),
    ]
    const different = [
      await h.reportOk(reportBody(now(), { ...base, target: '100.100.6.1' })),
      await h.reportOk(reportBody(now(), { ...base, sourceIps: ['192.0.2.51'] })),
      await h.reportOk(reportBody(now(), { ...base, observedFrom: '2026-10-30T23:00:00Z', observedTo: '2026-10-31T10:00:00Z' })),
    ]
    const ka = await h.caseOf(a.ref)
    expect(ka.case).toMatchObject({ scannerIp: '192.0.2.50', targetPrefix: '100.100.5.0/24', day: '2026-10-31', reportCount: 4 })
    expect(ka.reports.map((r: { ref: string }) => r.ref).sort()).toEqual([a.ref, ...same.map((x) => x.ref)].sort())
    for (const d of different) expect((await h.caseOf(d.ref)).case.id).not.toBe(ka.case.id)
    const list = await (await h.admin('GET', '/v1/admin/cases')).json()
    expect(list.cases).toHaveLength(4)
  })

  it('IPv6 targets group by /64', async () => {
    const base = { sourceIps: ['2001:db8::60'], target: '2001:db8:aaaa:1::1' }
    const a = await h.reportOk(reportBody(now(), base))
    const b = await h.reportOk(reportBody(now(), { ...base, target: '2001:db8:aaaa:1:ffff::9' }))
    const c = await h.reportOk(reportBody(now(), { ...base, target: '2001:db8:aaaa:2::1' }))
    const ka = await h.caseOf(a.ref)
    expect(ka.case.targetPrefix).toBe('2001:db8:aaaa:1::/64')
    expect((await h.caseOf(b.ref)).case.id).toBe(ka.case.id)
    expect((await h.caseOf(c.ref)).case.id).not.toBe(ka.case.id)
  })

  it('a multi-address report joins the existing case of one of its addresses, else its first own address', async () => {
    const first = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.71'] }))
    const multi = await h.reportOk(reportBody(now(), { sourceIps: ['10.0.0.9', '192.0.2.70', '192.0.2.71'] }))
    const k = await h.caseOf(first.ref)
    expect(k.reports.map((r: { ref: string }) => r.ref)).toContain(multi.ref)
    const r = k.reports.find((x: { ref: string }) => x.ref === multi.ref)
    expect(r.caseSourceIp).toBe('192.0.2.71')
    expect(r.sources.map((s: { ip: string }) => s.ip)).toEqual(['10.0.0.9', '192.0.2.70', '192.0.2.71'])
    const fresh = await h.reportOk(reportBody(now(), { sourceIps: ['10.0.0.9', '192.0.2.72', '192.0.2.73'], target: '100.100.40.1' }))
    expect((await h.caseOf(fresh.ref)).case.scannerIp).toBe('192.0.2.72')
    const foreign = await h.reportOk(reportBody(now(), { sourceIps: ['10.0.0.8', '10.0.0.9'], target: '100.100.41.1' }))
    expect((await h.caseOf(foreign.ref)).case.scannerIp).toBe('10.0.0.8')
  })

  it('the case suggests the most serious verdict of its reports', async () => {
    await h.putSession('sess-g-1', sessionBody(now(), { scannerIps: ['192.0.2.80'], authorizedTargets: ['100.100.7.1'] }))
    const a = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.80'], target: '100.100.7.1' }))
    expect((await h.caseOf(a.ref)).case.suggestedVerdict).toBe('authorized_scan')
    await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.80'], target: '100.100.7.2' }))
    expect((await h.caseOf(a.ref)).case.suggestedVerdict).toBe('out_of_scope_scan')
  })
})

describe('state machine over HTTP', () => {
  // each call gets its own target /24 (the case grouping), so its report never joins another test's case
  let nextTarget = 0
  async function freshCase(over: Record<string, unknown> = {}): Promise<{ id: string; ref: string; token: string }> {
    nextTarget += 1
    const r = await h.reportOk(reportBody(now(), { target: `100.${101 + (nextTarget >> 8)}.${nextTarget & 255}.1`, ...over }))
    return { id: (await h.caseOf(r.ref)).case.id, ref: r.ref, token: r.statusToken }
  }

  it('walks open → investigating → awaiting_customer → resolved, recording who did what', async () => {
    const k = await freshCase()
    for (const to of ['investigating', 'awaiting_customer']) {
      const res = await transition(k.id, { to })
      expect(res.status).toBe(200)
      expect((await res.json()).case.status).toBe(to)
    }
    const res = await transition(k.id, { to: 'resolved', verdict: 'our_ip_no_session', reason: 'operator test run', outcome: 'We found the cause and dealt with it.' })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.case).toMatchObject({ status: 'resolved', finalVerdict: 'our_ip_no_session', verdict: 'our_ip_no_session', resolvedAt: now().toISOString(), outcomeText: 'We found the cause and dealt with it.' })
    expect(body).not.toHaveProperty('exclusionsAdded')
    const detail = await (await h.admin('GET', `/v1/admin/cases/${k.id}`)).json()
    const moves = detail.history.filter((e: { action: string }) => e.action === 'status_changed')
    expect(moves.map((e: { detail: { from: string; to: string } }) => `${e.detail.from}>${e.detail.to}`)).toEqual(['open>investigating', 'investigating>awaiting_customer', 'awaiting_customer>resolved'])
    expect(moves[2].detail).toMatchObject({ verdict: 'our_ip_no_session', reason: 'operator test run' })
    expect(moves.every((e: { actor: string }) => e.actor === 'test reports:read,reports:triage')).toBe(true)
    const status = await (await h.status(k.ref, k.token)).json()
    expect(status).toMatchObject({ status: 'resolved', outcome: 'We found the cause and dealt with it.' })
    expect(JSON.stringify(status)).not.toContain('our_ip_no_session')
    const audit = await t.db.selectFrom('audit_events').select('action').where('object_type', '=', 'case').execute()
    expect(audit.map((a) => a.action)).toEqual(['case.transition', 'case.transition', 'case.transition'])
  })

  it('refuses invalid transitions with 409 invalid_transition and changes nothing', async () => {
    const k = await freshCase()
    const invalid: [string[], Record<string, unknown>][] = [
      [[], { to: 'awaiting_customer' }],
      [[], { to: 'resolved', verdict: 'authorized_scan', outcomeTemplate: 'reviewed' }],
      [[], { to: 'open' }],
      [['investigating'], { to: 'investigating' }],
      [['investigating'], { to: 'resolved', verdict: 'authorized_scan', outcomeTemplate: 'reviewed' }],
      [['investigating'], { to: 'open' }],
      [['investigating', 'awaiting_customer'], { to: 'investigating' }],
      [['investigating', 'awaiting_customer'], { to: 'open' }],
    ]
    for (const [path, body] of invalid) {
      const c = await freshCase()
      for (const to of path) expect((await transition(c.id, { to })).status).toBe(200)
      const res = await transition(c.id, body)
      expect(res.status, `${path.join('>')} then ${JSON.stringify(body)}`).toBe(409)
      const p = await res.json()
      expect(p.code).toBe('invalid_transition')
      expect(p.allowed).toBeInstanceOf(Array)
      const after = await (await h.admin('GET', `/v1/admin/cases/${c.id}`)).json()
      expect(after.case.status).toBe(path[path.length - 1] ?? 'open')
    }
    // resolved: only dismissed; dismissed: nothing
    for (const to of ['investigating', 'awaiting_customer']) await transition(k.id, { to })
    await transition(k.id, { to: 'resolved', verdict: 'authorized_scan', outcomeTemplate: 'reviewed' })
    for (const to of ['open', 'investigating', 'awaiting_customer', 'resolved']) {
      expect((await transition(k.id, { to, ...(to === 'resolved' ? { verdict: 'authorized_scan', outcomeTemplate: 'reviewed' } : {}) })).status, `resolved>${to}`).toBe(409)
    }
    expect((await transition(k.id, { to: 'dismissed' })).status).toBe(200)
    for (const to of ['open', 'investigating', 'awaiting_customer', 'dismissed']) {
      expect((await transition(k.id, { to })).status, `dismissed>${to}`).toBe(409)
    }
  })

  it('any open state can be dismissed', async () => {
    for (const path of [[], ['investigating'], ['investigating', 'awaiting_customer']]) {
      const c = await freshCase()
      for (const to of path) await transition(c.id, { to })
      const res = await transition(c.id, { to: 'dismissed', reason: 'spam' })
      expect(res.status).toBe(200)
      expect((await res.json()).case.status).toBe('dismissed')
      expect((await (await h.status(c.ref, c.token)).json()).status).toBe('closed')
    }
  })

  it('resolving needs a final verdict; a verdict on other moves is refused', async () => {
    const k = await freshCase()
    await transition(k.id, { to: 'investigating' })
    await transition(k.id, { to: 'awaiting_customer' })
    const res = await transition(k.id, { to: 'resolved' })
    expect(res.status).toBe(400)
    expect((await res.json()).errors[0].field).toBe('verdict')
    // and the words its reporters will read
    const noOutcome = await transition(k.id, { to: 'resolved', verdict: 'authorized_scan' })
    expect(noOutcome.status).toBe(400)
    expect((await noOutcome.json()).errors[0].field).toBe('outcome')
    const unknownTemplate = await transition(k.id, { to: 'resolved', verdict: 'authorized_scan', outcomeTemplate: 'authorized' })
    expect((await unknownTemplate.json()).errors[0].field).toBe('outcomeTemplate')
    expect((await transition(k.id, { to: 'dismissed', outcome: 'x' })).status).toBe(400)
    const k2 = await freshCase()
    expect((await transition(k2.id, { to: 'investigating', verdict: 'authorized_scan' })).status).toBe(400)
    expect((await transition(k2.id, { to: 'closed' })).status).toBe(400)
  })

  it('a new report about a settled case opens a new linked case; the settled case and its reporters keep their outcome', async () => {
    const k = await freshCase({ sourceIps: ['192.0.2.90'], target: '100.100.90.1' })
    for (const to of ['investigating', 'awaiting_customer']) await transition(k.id, { to })
    await transition(k.id, { to: 'resolved', verdict: 'authorized_scan', outcome: 'Dealt with; thank you.' })
    const late = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.90'], target: '100.100.90.2' }))
    expect(late.status).toBe('received')
    const old = await (await h.admin('GET', `/v1/admin/cases/${k.id}`)).json()
    expect(old.case).toMatchObject({ status: 'resolved', finalVerdict: 'authorized_scan', reportCount: 1, outcomeText: 'Dealt with; thank you.' })
    expect(old.history.map((e: { action: string }) => e.action)).not.toContain('reopened')
    expect(old.history.find((e: { action: string }) => e.action === 'new_activity_after_settled')).toBeTruthy()
    const fresh = await h.caseOf(late.ref)
    expect(fresh.case.id).not.toBe(k.id)
    expect(fresh.case).toMatchObject({ status: 'open', finalVerdict: null, followsCaseId: k.id, reportCount: 1, outcomeText: null })
    // the earlier reporter still reads the outcome; the new one only a neutral status
    expect(await (await h.status(k.ref, k.token)).json()).toMatchObject({ status: 'resolved', outcome: 'Dealt with; thank you.' })
    expect(await (await h.status(late.ref, late.statusToken)).json()).toMatchObject({ status: 'received', outcome: null })
    // a third report joins the new, unsettled case
    const third = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.90'], target: '100.100.90.3' }))
    expect((await h.caseOf(third.ref)).case.id).toBe(fresh.case.id)
    const list = await (await h.admin('GET', '/v1/admin/cases?status=open')).json()
    expect(list.cases.find((c: { id: string }) => c.id === fresh.case.id).followsCaseId).toBe(k.id)

    // the same for a dismissed case: it stays dismissed, its reporters keep "closed"
    const d = await freshCase({ sourceIps: ['192.0.2.91'], target: '100.100.91.1' })
    await transition(d.id, { to: 'dismissed' })
    const more = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.91'], target: '100.100.91.2' }))
    expect(more.status).toBe('received')
    const dd = await (await h.admin('GET', `/v1/admin/cases/${d.id}`)).json()
    expect(dd.case).toMatchObject({ status: 'dismissed', reportCount: 1 })
    expect((await h.caseOf(more.ref)).case.followsCaseId).toBe(d.id)
    expect((await (await h.status(d.ref, d.token)).json()).status).toBe('closed')
  })

  it('resolving as out_of_scope_scan excludes nothing: scanning changes only through an explicit exclusion', async () => {
    await h.putSession('sess-oos-1', sessionBody(now(), { scannerIps: ['192.0.2.95'], authorizedTargets: ['100.100.1.0/24'] }))
    const a = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.95'], target: '100.100.95.7' }))
    const wide = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.95'], target: '0.0.0.0/0' }))
    const k = await h.caseOf(a.ref)
    expect(k.case.suggestedVerdict).toBe('out_of_scope_scan')
    for (const to of ['investigating', 'awaiting_customer']) await transition(k.case.id, { to })
    const res = await transition(k.case.id, { to: 'resolved', verdict: 'out_of_scope_scan', outcomeTemplate: 'action_taken' })
    expect(res.status).toBe(200)
    const wk = await h.caseOf(wide.ref)
    for (const to of ['investigating', 'awaiting_customer']) await transition(wk.case.id, { to })
    expect((await transition(wk.case.id, { to: 'resolved', verdict: 'out_of_scope_scan', outcomeTemplate: 'action_taken' })).status).toBe(200)
    expect(await t.db.selectFrom('exclusions').selectAll().execute()).toEqual([])
    const check = (target: string) => h.request(`/v1/exclusions/check?target=${encodeURIComponent(target)}`, { headers: { authorization: `Bearer ${h.sessions}` } })
    for (const target of ['100.100.95.7', '8.8.8.8', '0.0.0.0/0']) expect(await (await check(target)).json()).toMatchObject({ excluded: false })
    const status = await (await h.status(a.ref, a.statusToken)).json()
    expect(status.outcome).toBe('Our abuse desk has reviewed your report and taken action. Thank you for telling us.')
  })
})

describe('listing, filters and pagination', () => {
  it('filters by status, verdict, assignee and day, and pages with an opaque cursor', async () => {
    await h.putSession('sess-l-1', sessionBody(now(), { scannerIps: ['192.0.2.100'], authorizedTargets: ['100.100.0.0/16'], startedAt: new Date(now().getTime() - 5 * DAY).toISOString() }))
    const ids: string[] = []
    for (let i = 0; i < 7; i++) {
      const day = new Date(now().getTime() - (i % 3) * DAY - HOUR)
      const r = await h.reportOk(reportBody(now(), { sourceIps: [i < 4 ? '192.0.2.100' : '192.0.2.101'], target: `100.100.${i}.1`, observedFrom: day.toISOString(), observedTo: day.toISOString() }))
      ids.push((await h.caseOf(r.ref)).case.id)
      h.clock.advance(1000)
    }
    await h.admin('POST', `/v1/admin/cases/${ids[0]}/assign`, { assignee: 'alice' })
    await h.admin('POST', `/v1/admin/cases/${ids[1]}/assign`, { assignee: 'alice' })
    await transition(ids[1]!, { to: 'investigating' })
    await transition(ids[2]!, { to: 'dismissed' })

    const get = async (q: string) => {
      const res = await h.admin('GET', `/v1/admin/cases${q}`, undefined, h.reader)
      expect(res.status, q).toBe(200)
      return res.json()
    }
    expect((await get('')).cases.map((c: { id: string }) => c.id)).toEqual([...ids].reverse())
    expect((await get('?status=investigating,dismissed')).cases.map((c: { id: string }) => c.id).sort()).toEqual([ids[1], ids[2]].sort())
    expect((await get('?verdict=authorized_scan')).cases).toHaveLength(4)
    expect((await get('?verdict=our_ip_no_session')).cases).toHaveLength(3)
    expect((await get('?assignee=alice')).cases.map((c: { id: string }) => c.id).sort()).toEqual([ids[0], ids[1]].sort())
    expect((await get('?assignee=none')).cases).toHaveLength(5)
    const today = new Date(now().getTime() - HOUR).toISOString().slice(0, 10)
    const yesterday = new Date(now().getTime() - DAY - HOUR).toISOString().slice(0, 10)
    expect((await get(`?from=${today}`)).cases.every((c: { day: string }) => c.day >= today)).toBe(true)
    expect((await get(`?from=${yesterday}&to=${yesterday}`)).cases.map((c: { day: string }) => c.day)).toEqual([yesterday, yesterday])

    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: { cases: { id: string }[]; nextCursor: string | null } = await get(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      seen.push(...page.cases.map((c) => c.id))
      cursor = page.nextCursor
      pages++
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen).toEqual([...ids].reverse())

    for (const q of ['?status=closed', '?verdict=maybe', '?from=2026-13-01', '?limit=0', '?limit=500', '?cursor=abc']) {
      const res = await h.admin('GET', `/v1/admin/cases${q}`, undefined, h.reader)
      expect(res.status, q).toBe(400)
    }
  })

  it('404 for unknown or malformed case ids', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      expect((await h.admin('GET', `/v1/admin/cases/${id}`)).status).toBe(404)
      expect((await transition(id, { to: 'investigating' })).status).toBe(404)
    }
  })
})

describe('assign and notes', () => {
  it('assigns and unassigns with history', async () => {
    const r = await h.reportOk(reportBody(now()))
    const id = (await h.caseOf(r.ref)).case.id
    const res = await h.admin('POST', `/v1/admin/cases/${id}/assign`, { assignee: ' bob ' })
    expect((await res.json()).case.assignee).toBe('bob')
    await h.admin('POST', `/v1/admin/cases/${id}/assign`, { assignee: null })
    const d = await (await h.admin('GET', `/v1/admin/cases/${id}`)).json()
    expect(d.case.assignee).toBeNull()
    expect(d.history.filter((e: { action: string }) => e.action === 'assigned').map((e: { detail: unknown }) => e.detail)).toEqual([
      { from: null, to: 'bob' },
      { from: 'bob', to: null },
    ])
    expect((await h.admin('POST', `/v1/admin/cases/${id}/assign`, { assignee: '' })).status).toBe(400)
  })

  it('internal notes stay internal; reporter notes reach the reports they are addressed to', async () => {
    await h.putSession('sess-n-1', sessionBody(now(), { customerRef: 'cust-initech-3', scannerIps: ['192.0.2.110'] }))
    const a = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.110'], contactEmail: 'alice@reporter-a.example' }))
    const b = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.110'], contactEmail: 'bob@reporter-b.example', target: '100.100.1.6' }))
    const id = (await h.caseOf(a.ref)).case.id
    expect((await h.caseOf(b.ref)).case.id).toBe(id)

    const internal = await note(id, 'Customer cust-initech-3 confirmed the change window; called Jane at 555-0100', 'internal')
    expect(internal.status).toBe(201)
    const pub = await h.admin('POST', `/v1/admin/cases/${id}/notes`, { body: 'We confirmed the scan was authorized by the address owner.', visibility: 'reporter', reportRefs: [a.ref, b.ref] })
    expect(pub.status).toBe(201)
    expect((await pub.json()).note).toMatchObject({ visibility: 'reporter', author: 'test reports:read,reports:triage', recipients: [a.ref, b.ref].sort() })

    for (const r of [a, b]) {
      const s = await (await h.status(r.ref, r.statusToken)).json()
      expect(s.notes).toEqual([{ at: now().toISOString(), text: 'We confirmed the scan was authorized by the address owner.' }])
    }
    const d = await (await h.admin('GET', `/v1/admin/cases/${id}`)).json()
    expect(d.notes.map((n: { visibility: string }) => n.visibility)).toEqual(['internal', 'reporter'])
    expect(d.reports.map((r: { reporter: { contactEmail: string } }) => r.reporter.contactEmail)).toEqual(['alice@reporter-a.example', 'bob@reporter-b.example'])
    // history names the note, never its text
    expect(JSON.stringify(d.history)).not.toContain('Jane')
  })

  it('a reporter note reaches only the reports it is addressed to; a report joining later never reads it', async () => {
    const a = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.111'], contactEmail: 'first@reporter-a.example' }))
    const b = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.111'], target: '100.100.1.6' }))
    const id = (await h.caseOf(a.ref)).case.id
    expect((await h.admin('POST', `/v1/admin/cases/${id}/notes`, { body: 'For the first reporter: thanks for the firewall log.', visibility: 'reporter', reportRefs: [a.ref] })).status).toBe(201)
    expect((await h.admin('POST', `/v1/admin/cases/${id}/notes`, { body: 'For both: we are on it.', visibility: 'reporter', reportRefs: [a.ref, b.ref] })).status).toBe(201)
    // a second reporter, then a third who joins the same case later
    const later = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.111'], target: '100.100.1.7' }))
    expect((await h.caseOf(later.ref)).case.id).toBe(id)
    const notesOf = async (r: { ref: string; statusToken: string }) => ((await (await h.status(r.ref, r.statusToken)).json()).notes as { text: string }[]).map((n) => n.text)
    expect(await notesOf(a)).toEqual(['For the first reporter: thanks for the firewall log.', 'For both: we are on it.'])
    expect(await notesOf(b)).toEqual(['For both: we are on it.'])
    expect(await notesOf(later)).toEqual([])
    // a reporter note must name its reports, and only reports of this case
    const other = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.112'], target: '100.100.77.1' }))
    for (const body of [
      { body: 'no recipients', visibility: 'reporter' },
      { body: 'empty recipients', visibility: 'reporter', reportRefs: [] },
      { body: 'another case', visibility: 'reporter', reportRefs: [other.ref] },
      { body: 'internal with recipients', visibility: 'internal', reportRefs: [a.ref] },
    ]) {
      const res = await h.admin('POST', `/v1/admin/cases/${id}/notes`, body)
      expect(res.status, body.body).toBe(400)
      expect((await res.json()).errors[0].field).toBe('reportRefs')
    }
    expect(await notesOf(other)).toEqual([])
    const d = await (await h.admin('GET', `/v1/admin/cases/${id}`)).json()
    expect(d.notes.map((n: { recipients: string[] }) => n.recipients)).toEqual([[a.ref], [a.ref, b.ref].sort()])
  })

  it('refuses reporter-visible notes that name a customer, a session or an e-mail address', async () => {
    await h.putSession('sess-named-9', sessionBody(now(), { customerRef: 'cust-umbrella-5', scannerIps: ['192.0.2.120'] }))
    const r = await h.reportOk(reportBody(now(), { sourceIps: ['192.0.2.120'] }))
    const id = (await h.caseOf(r.ref)).case.id
    for (const body of ['Scan by CUST-UMBRELLA-5 confirmed', 'see sess-named-9', 'write to jane@example.org']) {
      const res = await h.admin('POST', `/v1/admin/cases/${id}/notes`, { body, visibility: 'reporter', reportRefs: [r.ref] })
      expect(res.status, body).toBe(400)
      expect((await res.json()).errors[0].field).toBe('body')
    }
    expect((await note(id, 'see sess-named-9', 'internal')).status).toBe(201)
    expect((await note(id, '', 'internal')).status).toBe(400)
    expect((await note(id, 'x'.repeat(4001), 'internal')).status).toBe(400)
    expect((await h.admin('POST', `/v1/admin/cases/${id}/notes`, { body: 'x', visibility: 'public' })).status).toBe(400)
  })
})

describe('authentication and scopes', () => {
  it('every intake admin route: 401 anonymous, 403 without its scope', async () => {
    const id = '00000000-0000-4000-8000-000000000000'
    const routes: [string, string, string, unknown][] = [
      ['GET', '/v1/admin/cases', 'reports:read', undefined],
      ['GET', `/v1/admin/cases/${id}`, 'reports:read', undefined],
      ['POST', `/v1/admin/cases/${id}/assign`, 'reports:triage', { assignee: 'x' }],
      ['POST', `/v1/admin/cases/${id}/notes`, 'reports:triage', { body: 'x', visibility: 'internal' }],
      ['POST', `/v1/admin/cases/${id}/transition`, 'reports:triage', { to: 'investigating' }],
      ['GET', '/v1/admin/exclusions', 'reports:read', undefined],
      ['PUT', '/v1/admin/sessions/s-1', 'sessions:write', sessionBody(now())],
      ['GET', '/v1/admin/sessions/s-1', 'sessions:write', undefined],
      ['POST', '/v1/admin/sessions:batch', 'sessions:write', { sessions: [] }],
      ['GET', '/v1/exclusions/check?target=192.0.2.1', 'sessions:write', undefined],
    ]
    const triageOnly = await (await import('../helpers/test-app.js')).tokenWith(t.db, 'reports:triage')
    const wrongFor: Record<string, string> = { 'reports:read': h.sessions, 'reports:triage': h.reader, 'sessions:write': h.desk }
    for (const [method, path, scope, body] of routes) {
      const init = { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }
      const anon = await h.request(path, init)
      expect(anon.status, `${method} ${path} anonymous`).toBe(401)
      const wrong = await h.request(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${wrongFor[scope]}` } })
      expect(wrong.status, `${method} ${path} without ${scope}`).toBe(403)
      expect((await wrong.json()).detail).toContain(scope)
    }
    // reading a case needs reports:read even for a triager
    expect((await h.admin('GET', '/v1/admin/cases', undefined, triageOnly)).status).toBe(403)
  })
})

describe('privacy of public responses', () => {
  it('no public response of this file carried a customer ref, session id, internal note or reporter e-mail', () => {
    assertNoLeaks(harnesses, 30)
  })
})
