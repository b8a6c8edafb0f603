/**
 * Complete erasure: after `POST /v1/admin/privacy/erase`, a dump of the whole database
 * holds neither the address nor any free text the person wrote, while their reports keep
 * their technical facts. On Postgres the dump is the real `pg_dump`; on PGlite (no
 * pg_dump for it here) it is every row of every table as text, which is what pg_dump's
 * data section holds.
 */
import { execFileSync } from 'node:child_process'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { listAudit, verifyAudit } from '../../src/db/audit-repository.js'
import { enqueueOutbox } from '../../src/db/outbox.js'
import { buildApp, jsonBody, testClock, tokenWith, type Clock } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'
import { adjustedSample } from '../domain/intake/xarf-fixtures.js'

let t: TestDb
let clock: Clock
let app: ReturnType<typeof buildApp>
let tokens: { ranges: string; triage: string; privacy: string }

beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  clock = testClock('2026-11-10T12:00:00.000Z')
  app = buildApp(t.db, clock)
  tokens = {
    ranges: await tokenWith(t.db, 'ranges:write'),
    triage: await tokenWith(t.db, 'reports:read', 'reports:triage'),
    privacy: await tokenWith(t.db, 'privacy:admin'),
  }
  await app.request('/v1/admin/ranges', jsonBody('POST', { prefix: '198.51.100.0/24', pool: 'asv-external', region: 'us-east' }, tokens.ranges))
})

/** Every row of every table of the test database, as text (`pg_dump` on Postgres). */
async function dumpDatabase(): Promise<string> {
  if (t.kind === 'postgres') {
    return execFileSync('pg_dump', ['--no-owner', '--schema', t.schema!, t.url!], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  }
  const tables = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema() order by 1`.execute(t.db)
  const parts: string[] = []
  for (const { name } of tables.rows) {
    const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(name)} t`.execute(t.db)
    parts.push(`-- ${name}`, ...rows.rows.map((r) => r.row))
  }
  return parts.join('\n')
}

/** The needle as it shows in a dump: as text, and hex-encoded inside bytea columns. */
function forms(needle: string): string[] {
  return [needle.toLowerCase(), Buffer.from(needle).toString('hex')]
}

const desk = (path: string, init: RequestInit = {}) =>
  app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${tokens.triage}` } })

const CAROL = 'carol@example.org'
const DESCRIPTION = 'Carol, +44 20 7946 0958, carol@example.org: your scanner hit our NAS all night'
const EVIDENCE = 'Nov 10 09:01:02 nas sshd: Failed password for carol-nas-admin from 198.51.100.9'
const XARF_DESCRIPTION = 'Seen by the Carol Consulting honeypot in Leeds'
const ORG = 'Carol Consulting Ltd'
const REPORT_ID = 'carol-consulting-report-4711'

describe('POST /v1/admin/privacy/erase', () => {
  it('leaves no trace of the address or the free text in a dump, and keeps the technical facts', async () => {
    const json = await app.request('/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'carol-retry-key-1' },
      body: JSON.stringify({
        sourceIps: ['198.51.100.9'],
        observedFrom: '2026-11-10T09:00:00Z',
        observedTo: '2026-11-10T10:00:00Z',
        target: '203.0.113.5',
        category: 'login-attempts',
        description: DESCRIPTION,
        evidence: EVIDENCE,
        contactEmail: 'Carol@Example.org',
      }),
    })
    expect(json.status, await json.clone().text()).toBe(201)
    const first = (await json.json()) as { ref: string; statusToken: string }

    const doc = adjustedSample('connection-login-attack', { now: clock.now(), source: '198.51.100.9', destination: '203.0.113.5' })
    doc.report_id = REPORT_ID
    doc.reporter = { org: ORG, contact: 'CAROL@example.org', domain: 'example.org' }
    doc.sender = { org: ORG, contact: CAROL, domain: 'example.org' }
    doc.description = XARF_DESCRIPTION
    const xarf = await app.request('/v1/reports', jsonBody('POST', doc))
    expect(xarf.status, await xarf.clone().text()).toBe(201)
    const second = (await xarf.json()) as { ref: string }

    // another person's report, to see erasure stays with Carol's
    const dave = await app.request(
      '/v1/reports',
      jsonBody('POST', { sourceIps: ['198.51.100.9'], observedFrom: '2026-11-10T09:00:00Z', target: '203.0.113.5', description: 'Dave here: same thing, ask carol@example.org', contactEmail: 'dave@example.net' }),
    )
    expect(dave.status).toBe(201)

    // the desk quotes her: an internal note, a reason, a reporter-visible note
    const cases = (await (await desk('/v1/admin/cases')).json()).cases as { id: string }[]
    let caseId = ''
    for (const k of cases) {
      const d = await (await desk(`/v1/admin/cases/${k.id}`)).json()
      if (d.reports.some((r: { ref: string }) => r.ref === first.ref)) caseId = k.id
    }
    expect((await desk(`/v1/admin/cases/${caseId}/notes`, jsonBody('POST', { visibility: 'internal', body: `Called ${CAROL}; she wrote: "${DESCRIPTION}"` }))).status).toBe(201)
    expect((await desk(`/v1/admin/cases/${caseId}/transition`, jsonBody('POST', { to: 'investigating', reason: `asked by ${CAROL}` }))).status).toBe(200)

    // a queued acknowledgement mail to her, and a webhook quoting her description
    await enqueueOutbox(t.db, { kind: 'mail', destination: 'example.org', personalEmail: CAROL, payload: { to: CAROL, text: 'Thanks for your report' } }, clock.now())
    await enqueueOutbox(t.db, { kind: 'webhook', destination: 'hook-1', payload: { event: 'report.created', description: DESCRIPTION } }, clock.now())

    const before = await dumpDatabase()
    for (const needle of [CAROL, DESCRIPTION, EVIDENCE, XARF_DESCRIPTION, ORG, REPORT_ID]) {
      expect(forms(needle).some((f) => before.toLowerCase().includes(f)), `${needle} is in the dump before erasure`).toBe(true)
    }

    const erase = await app.request('/v1/admin/privacy/erase', jsonBody('POST', { email: 'carol@EXAMPLE.org' }, tokens.privacy))
    expect(erase.status, await erase.clone().text()).toBe(200)
    const result = await erase.json()
    expect(result.reports).toEqual([first.ref, second.ref].sort())
    expect(result).toMatchObject({ contacts: 2, evidence: 2, xarfDocuments: 1, outbox: 2 })

    const after = (await dumpDatabase()).toLowerCase()
    for (const needle of [CAROL, DESCRIPTION, EVIDENCE, XARF_DESCRIPTION, ORG, REPORT_ID, 'carol-nas-admin', '+44 20 7946 0958']) {
      for (const f of forms(needle)) expect(after.includes(f), `${needle} survives erasure`).toBe(false)
    }
    // the other reporter's report stays, with Carol's address blanked in it
    expect(after).toContain('dave@example.net')
    expect(after).toContain('dave here: same thing, ask [erased]')

    // technical facts stay: both reports, their addresses, window, verdict, case
    const details = await Promise.all(cases.map(async (k) => (await desk(`/v1/admin/cases/${k.id}`)).json()))
    const kept = details.flatMap((d) => d.reports).filter((r: { ref: string }) => r.ref === first.ref || r.ref === second.ref)
    expect(kept).toHaveLength(2)
    const detail = details.find((d) => d.case.id === caseId)
    for (const r of kept) {
      expect(r).toMatchObject({ target: '203.0.113.5/32', description: null, reporter: { contactEmail: null, org: null } })
      expect(r.sources.map((s: { ip: string }) => s.ip)).toEqual(['198.51.100.9'])
      expect(r.verdict).toBeTruthy()
    }
    expect(detail.notes[0].body).toBe('Called [erased]; she wrote: "[erased]"')

    // a later export finds nothing, because nothing is left; the status link still works
    const exported = await (await app.request('/v1/admin/privacy/export', jsonBody('POST', { email: CAROL }, tokens.privacy))).json()
    expect(exported.reports).toEqual([])
    expect((await app.request(`/v1/reports/${first.ref}`, { headers: { authorization: `Bearer ${first.statusToken}` } })).status).toBe(200)

    // the audit chain names the reports, never the address, and is intact
    const audit = JSON.stringify(await listAudit(t.db, { limit: 100 }))
    expect(audit).not.toMatch(/carol/i)
    expect(await verifyAudit(t.db)).toMatchObject({ ok: true })
  })
})

describe('one e-mail rule for intake and data-subject requests', () => {
  it.each(['ivan@example.xn--p1ai', 'first&last@example.org'])('an address intake accepts (%s) can be exported and erased', async (email) => {
    const res = await app.request(
      '/v1/reports',
      jsonBody('POST', { sourceIps: ['198.51.100.9'], observedFrom: '2026-11-10T09:00:00Z', target: '203.0.113.5', contactEmail: email, description: 'probe seen' }),
    )
    expect(res.status, await res.clone().text()).toBe(201)
    const { ref } = await res.json()
    const exported = await app.request('/v1/admin/privacy/export', jsonBody('POST', { email: email.toUpperCase() }, tokens.privacy))
    expect(exported.status, await exported.clone().text()).toBe(200)
    expect((await exported.json()).reports.map((r: { ref: string }) => r.ref)).toEqual([ref])
    const erased = await app.request('/v1/admin/privacy/erase', jsonBody('POST', { email }, tokens.privacy))
    expect(erased.status).toBe(200)
    expect((await erased.json()).reports).toEqual([ref])
  })

  it('an internationalised domain matches in either form', async () => {
    const res = await app.request(
      '/v1/reports',
      jsonBody('POST', { sourceIps: ['198.51.100.9'], observedFrom: '2026-11-10T09:00:00Z', target: '203.0.113.5', contactEmail: 'ivan@пример.рф' }),
    )
    expect(res.status, await res.clone().text()).toBe(201)
    const exported = await (await app.request('/v1/admin/privacy/export', jsonBody('POST', { email: 'IVAN@xn--e1afmkfd.xn--p1ai' }, tokens.privacy))).json()
    expect(exported.reports).toHaveLength(1)
    expect(exported.reports[0].contact.email).toBe('ivan@xn--e1afmkfd.xn--p1ai')
  })

  it('a reporter-visible note is refused for an address the rule accepts', async () => {
    await app.request('/v1/reports', jsonBody('POST', { sourceIps: ['198.51.100.9'], observedFrom: '2026-11-10T09:00:00Z', target: '203.0.113.5' }))
    const caseId = ((await (await desk('/v1/admin/cases')).json()).cases as { id: string }[])[0]!.id
    const res = await desk(`/v1/admin/cases/${caseId}/notes`, jsonBody('POST', { visibility: 'reporter', body: 'Contact ivan@example.xn--p1ai for details' }))
    expect(res.status).toBe(400)
  })
})
