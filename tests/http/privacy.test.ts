import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { listAudit, verifyAudit } from '../../src/db/audit-repository.js'
import { runRetentionPurge } from '../../src/db/retention-purge.js'
import { DEFAULT_RETENTION } from '../../src/domain/privacy/retention.js'
import type { Logger } from '../../src/http/app-env.js'
import { buildApp, DAY, jsonBody, testClock, tokenWith, type Clock } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
let clock: Clock
let app: ReturnType<typeof buildApp>
let logLines: string[]
let tokens: { ranges: string; triage: string; privacy: string; auditor: string }

const capture: Logger = {
  info: (m, f) => void logLines.push(JSON.stringify({ m, ...f })),
  warn: (m, f) => void logLines.push(JSON.stringify({ m, ...f })),
  error: (m, f) => void logLines.push(JSON.stringify({ m, ...f })),
}

beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  logLines = []
  clock = testClock('2026-11-10T12:00:00.000Z')
  app = buildApp(t.db, clock, { logger: capture })
  tokens = {
    ranges: await tokenWith(t.db, 'ranges:write'),
    triage: await tokenWith(t.db, 'reports:read', 'reports:triage'),
    privacy: await tokenWith(t.db, 'privacy:admin'),
    auditor: await tokenWith(t.db, 'audit:read'),
  }
  await app.request('/v1/admin/ranges', jsonBody('POST', { prefix: '198.51.100.0/24', pool: 'asv-external', region: 'us-east' }, tokens.ranges))
})

const EVIDENCE = 'Nov 10 09:01:02 fw kernel: DROP SRC=198.51.100.9 DST=203.0.113.5 DPT=22 secret-evidence-marker'

async function report(email: string, target = '203.0.113.5') {
  const res = await app.request(
    '/v1/reports',
    jsonBody('POST', {
      sourceIps: ['198.51.100.9'],
      observedFrom: '2026-11-10T09:00:00Z',
      observedTo: '2026-11-10T10:00:00Z',
      target,
      category: 'port-scan',
      description: 'SSH probes',
      evidence: EVIDENCE,
      contactEmail: email,
    }),
  )
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()) as { ref: string; statusToken: string }
}

const desk = (path: string, init: RequestInit = {}) =>
  app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${tokens.triage}` } })

async function caseIdOf() {
  const cases = await (await desk('/v1/admin/cases')).json()
  return cases.cases[0].id as string
}

describe('data-subject requests', () => {
  it('export returns the reporter’s reports, contact, evidence and reporter-visible notes only', async () => {
    const alice = await report('Alice@Example.org')
    const bob = await report('bob@example.net', '203.0.113.77')
    const caseId = await caseIdOf()
    // one case, two reporters: each note is addressed to one report
    expect((await desk(`/v1/admin/cases/${caseId}/notes`, jsonBody('POST', { visibility: 'reporter', body: 'Thanks, we are on it.', reportRefs: [alice.ref] }))).status).toBe(201)
    expect((await desk(`/v1/admin/cases/${caseId}/notes`, jsonBody('POST', { visibility: 'reporter', body: 'Your firewall log for .77 helped.', reportRefs: [bob.ref] }))).status).toBe(201)
    await desk(`/v1/admin/cases/${caseId}/notes`, jsonBody('POST', { visibility: 'internal', body: 'internal: customer ACME-77 misconfigured scope' }))

    const res = await app.request('/v1/admin/privacy/export', jsonBody('POST', { email: 'alice@example.org' }, tokens.privacy))
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.reports).toHaveLength(1)
    const r = body.reports[0]
    expect(r).toMatchObject({ ref: alice.ref, target: '203.0.113.5/32', sourceIps: ['198.51.100.9'], contact: { email: 'Alice@example.org' } })
    expect(Buffer.from(r.evidence[0].contentBase64, 'base64').toString()).toBe(EVIDENCE)
    expect(r.notesFromUs.map((n: { text: string }) => n.text)).toEqual(['Thanks, we are on it.'])
    const text = JSON.stringify(body)
    expect(text).not.toContain('firewall log for .77')
    expect(text).not.toContain('ACME-77')
    expect(text).not.toContain('bob@example.net')
    expect(text).not.toContain(alice.statusToken)
  })

  it('erase removes contact and evidence, keeps the report for triage, and is audited without the address', async () => {
    const alice = await report('alice@example.org')
    const res = await app.request('/v1/admin/privacy/erase', jsonBody('POST', { email: 'ALICE@example.org' }, tokens.privacy))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ reports: [alice.ref], contacts: 1, evidence: 1 })
    const again = await (await app.request('/v1/admin/privacy/export', jsonBody('POST', { email: 'alice@example.org' }, tokens.privacy))).json()
    expect(again.reports).toEqual([])
    const row = await t.db.selectFrom('reports').select(['ref', 'contact_purged_at', 'evidence_purged_at']).executeTakeFirstOrThrow()
    expect(row.ref).toBe(alice.ref)
    expect(row.contact_purged_at?.toISOString()).toBe(clock.now().toISOString())
    const caseView = await (await desk(`/v1/admin/cases/${await caseIdOf()}`)).json()
    expect(JSON.stringify(caseView)).not.toContain('alice@example.org')
    expect(JSON.stringify(caseView)).not.toContain('secret-evidence-marker')
    // the status link keeps working for the reporter
    expect((await app.request(`/v1/reports/${alice.ref}`, { headers: { authorization: `Bearer ${alice.statusToken}` } })).status).toBe(200)
    const audit = await listAudit(t.db, { limit: 100, action: 'privacy.erase' })
    expect(audit).toHaveLength(1)
    expect(JSON.stringify(audit)).not.toMatch(/alice/i)
    expect(await verifyAudit(t.db)).toMatchObject({ ok: true })
  })

  it('needs privacy:admin and a valid address', async () => {
    expect((await app.request('/v1/admin/privacy/export', jsonBody('POST', { email: 'a@b.c' }, tokens.triage))).status).toBe(403)
    const bad = await app.request('/v1/admin/privacy/erase', jsonBody('POST', { email: 'not-an-address' }, tokens.privacy))
    expect(bad.status).toBe(400)
    expect((await bad.json()).errors[0].field).toBe('email')
  })
})

describe('retention purge', () => {
  it('removes evidence after 180 days and contacts 90 days after the case closes, leaving the reports', async () => {
    await report('alice@example.org')
    await report('carol@example.org', '192.0.2.9')
    const cases = (await (await desk('/v1/admin/cases')).json()).cases as { id: string; target: string }[]
    // resolve one case now; the other stays open
    const closed = cases[0]!.id
    for (const to of ['investigating', 'awaiting_customer', 'resolved']) {
      const res = await desk(`/v1/admin/cases/${closed}/transition`, jsonBody('POST', { to, ...(to === 'resolved' ? { verdict: 'our_ip_no_session', outcomeTemplate: 'reviewed' } : {}) }))
      expect(res.status, await res.clone().text()).toBe(200)
    }
    const at = (days: number) => new Date(clock.now().getTime() + days * DAY)
    expect(await runRetentionPurge(t.db, DEFAULT_RETENTION, at(89), 'test')).toMatchObject({ contacts: 0, evidence: 0 })
    expect(await runRetentionPurge(t.db, DEFAULT_RETENTION, at(91), 'test')).toMatchObject({ contacts: 1, evidence: 0 })
    expect(await runRetentionPurge(t.db, DEFAULT_RETENTION, at(181), 'test')).toMatchObject({ contacts: 0, evidence: 2 })
    const left = await sql<{ n: number }>`select count(*)::int as n from report_contacts`.execute(t.db)
    expect(left.rows[0]!.n).toBe(1) // the open case's reporter keeps theirs
    const reports = await t.db.selectFrom('reports').select(['contact_purged_at', 'evidence_purged_at']).execute()
    expect(reports).toHaveLength(2)
    expect(reports.filter((r) => r.contact_purged_at !== null)).toHaveLength(1)
    expect(reports.every((r) => r.evidence_purged_at !== null)).toBe(true)
    const purges = await listAudit(t.db, { limit: 10, action: 'retention.purge' })
    expect(purges.map((p) => p.diff.contacts)).toEqual([1, 0])
  })
})

describe('GET /v1/stats', () => {
  it('publishes closed months only, rounded to tens, so padding cannot count the others', async () => {
    // three reports by others and two of the attacker's own, in November
    for (let i = 0; i < 5; i++) await report(`r${i}@example.org`, `203.0.113.${10 + i}`)
    // while November runs it is not published at all
    const during = await (await app.request('/v1/stats')).json()
    expect(during.months.find((m: { month: string }) => m.month === '2026-11')).toBeUndefined()

    clock.set('2026-12-02T00:00:00.000Z')
    for (let i = 0; i < 3; i++) await report(`n${i}@example.org`, `203.0.113.${30 + i}`)
    const res = await app.request('/v1/stats')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600')
    const body = await res.json()
    expect(body.roundedTo).toBe(10)
    expect(body.months.map((m: { month: string }) => m.month)).toEqual(['2026-11'])
    const nov = body.months[0]
    // five reports in all: the attacker cannot tell 3 others from 0 or 7
    expect(nov.total).toBe('<10')
    expect(nov.byVerdict).toEqual({ authorized_scan: '<10', out_of_scope_scan: '<10', our_ip_no_session: '<10', not_our_ip: '<10' })
    expect(nov.byCategory.dos).toBe('<10')
    expect(JSON.stringify(body)).not.toMatch(/example\.org|203\.0\.113/)
  })

  it('publishes larger months as their band of ten', async () => {
    for (let i = 0; i < 16; i++) {
      await report(`r${i}@example.org`, `203.0.113.${10 + i}`)
      clock.advance(7_000) // under the per-minute report limit
    }
    clock.set('2026-12-02T00:00:00.000Z')
    const nov = (await (await app.request('/v1/stats')).json()).months[0]
    expect(nov.total).toBe(10)
    expect(nov.byCategory['port-scan']).toBe(10)
  })
})

describe('logs', () => {
  it('a full report flow logs no e-mail address, evidence or token', async () => {
    const alice = await report('alice@example.org')
    await app.request(`/v1/reports/${alice.ref}`, { headers: { authorization: `Bearer ${alice.statusToken}` } })
    await app.request(`/v1/reports/${alice.ref}`, { headers: { authorization: 'Bearer wrong' } })
    const caseId = await caseIdOf()
    await desk(`/v1/admin/cases/${caseId}`)
    await app.request('/v1/admin/privacy/export', jsonBody('POST', { email: 'alice@example.org' }, tokens.privacy))
    await app.request('/v1/admin/privacy/erase', jsonBody('POST', { email: 'alice@example.org' }, tokens.privacy))
    expect(logLines.length).toBeGreaterThan(5)
    const all = logLines.join('\n')
    expect(all).not.toMatch(/alice/i)
    expect(all).not.toContain('secret-evidence-marker')
    expect(all).not.toContain(alice.statusToken)
    for (const token of Object.values(tokens)) expect(all).not.toContain(token)
  })
})
