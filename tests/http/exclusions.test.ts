/**
 * @module tests/http/exclusions
 * Exclusions are deliberate, narrow and reversible: created only by an explicit call with
 * the scope exclusions:write, one target at a time, no wider than the configured maximum
 * without an audited override, optionally expiring, removable, and every change in the
 * audit chain. The scan platform's check ignores expired ones. Nothing an anonymous
 * reporter sends creates one.
 */
import { describe, expect, it } from 'vitest'
import { listAudit, verifyAudit } from '../../src/db/audit-repository.js'
import { createExclusion, removeExclusion } from '../../src/db/exclusion-actions.js'
import { buildApp, tokenWith } from '../helpers/test-app.js'
import type { TestDb } from '../helpers/test-db.js'
import { DAY, Harness, reportBody, useIntakeHarness } from './intake-setup.js'

let t: TestDb
let h: Harness
let writer = ''

useIntakeHarness(async (next, db) => {
  h = next
  t = db
  writer = await tokenWith(db.db, 'exclusions:write')
})

const now = () => h.clock.now()
const add = (body: Record<string, unknown>, token = writer) => h.admin('POST', '/v1/admin/exclusions', body, token)
const remove = (id: string, body?: Record<string, unknown>, token = writer) => h.admin('DELETE', `/v1/admin/exclusions/${id}`, body, token)
const check = async (target: string) =>
  (await h.request(`/v1/exclusions/check?target=${encodeURIComponent(target)}`, { headers: { authorization: `Bearer ${h.sessions}` } })).json()
const list = async () => (await (await h.admin('GET', '/v1/admin/exclusions', undefined, h.reader)).json()).exclusions

describe('adding and removing', () => {
  it('adds one target with a reason, the platform skips it, removing it lets scanning resume; both are audited', async () => {
    const res = await add({ prefix: '203.0.113.7', reason: 'owner asked us to stop' })
    expect(res.status).toBe(201)
    const { exclusion } = await res.json()
    expect(exclusion).toMatchObject({ target: '203.0.113.7/32', reason: 'owner asked us to stop', source: 'api', active: true, expiresAt: null, overrideReason: null, widerThanMaximum: false })
    expect(await check('203.0.113.7')).toMatchObject({ excluded: true, fullyExcluded: true })
    expect(await check('203.0.113.8')).toMatchObject({ excluded: false })
    expect((await list()).map((e: { target: string }) => e.target)).toEqual(['203.0.113.7/32'])

    const gone = await remove(exclusion.id, { reason: 'owner changed their mind' })
    expect(gone.status).toBe(200)
    expect(await check('203.0.113.7')).toMatchObject({ excluded: false })
    expect(await list()).toEqual([])
    expect((await remove(exclusion.id)).status).toBe(404)

    const audit = await listAudit(t.db, { objectType: 'exclusion', limit: 10 })
    expect(audit.map((e) => [e.action, e.diff.prefix, e.diff.reason])).toEqual([
      ['exclusion.create', '203.0.113.7/32', 'owner asked us to stop'],
      ['exclusion.remove', '203.0.113.7/32', 'owner changed their mind'],
    ])
    expect(await verifyAudit(t.db)).toMatchObject({ ok: true })
  })

  it('refuses a block wider than /24 (IPv4) or /48 (IPv6) unless overridden with a reason, which is audited', async () => {
    for (const prefix of ['0.0.0.0/0', '203.0.112.0/23', '::/0', '2001:db8::/47']) {
      const res = await add({ prefix, reason: 'too broad' })
      expect(res.status, prefix).toBe(400)
      const p = await res.json()
      expect(p.errors[0].field).toBe('prefix')
      expect(p.detail).toMatch(/wider than the \/(24|48)/)
    }
    expect((await add({ prefix: '203.0.113.0/24', reason: 'a whole /24 the owner asked for' })).status).toBe(201)
    expect((await add({ prefix: '2001:db8:1::/48', reason: 'a /48 the owner asked for' })).status).toBe(201)
    expect((await add({ prefix: '198.51.0.0/16', reason: 'whole network', override: { reason: '' } })).status).toBe(400)
    const wide = await add({ prefix: '198.51.0.0/16', reason: 'whole network', override: { reason: 'signed letter from the network owner, ticket 4711' } })
    expect(wide.status).toBe(201)
    expect((await wide.json()).exclusion).toMatchObject({ widerThanMaximum: true, overrideReason: 'signed letter from the network owner, ticket 4711' })
    const [event] = await listAudit(t.db, { action: 'exclusion.create', objectType: 'exclusion', limit: 10 }).then((a) => a.filter((e) => e.diff.prefix === '198.51.0.0/16'))
    expect(event?.diff.override).toBe('signed letter from the network owner, ticket 4711')
    expect(await t.db.selectFrom('exclusions').select('target').where('target', '=', '0.0.0.0/0').execute()).toEqual([])
  })

  it('the maximum width comes from the configuration', async () => {
    const app = buildApp(t.db, h.clock, { exclusionPolicy: { maxPrefix: { ipv4: 28, ipv6: 64 } } })
    const post = (prefix: string) =>
      app.request('/v1/admin/exclusions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${writer}` }, body: JSON.stringify({ prefix, reason: 'narrow only' }) })
    expect((await post('203.0.113.0/24')).status).toBe(400)
    expect((await post('203.0.113.16/28')).status).toBe(201)
    expect((await post('2001:db8:1:2::/63')).status).toBe(400)
    expect((await post('2001:db8:1:2::/64')).status).toBe(201)
  })

  it('an exclusion can expire: then the check no longer matches it, and the same block can be added again', async () => {
    expect((await add({ prefix: '203.0.113.9', reason: 'until the migration ends', expiresAt: new Date(now().getTime() - 1000).toISOString() })).status).toBe(400)
    expect((await add({ prefix: '203.0.113.9', reason: 'until the migration ends', expiresAt: 'next week' })).status).toBe(400)
    const res = await add({ prefix: '203.0.113.9', reason: 'until the migration ends', expiresAt: new Date(now().getTime() + 2 * DAY).toISOString() })
    expect(res.status).toBe(201)
    expect(await check('203.0.113.9')).toMatchObject({ excluded: true })
    h.clock.advance(2 * DAY + 1000)
    expect(await check('203.0.113.9')).toMatchObject({ excluded: false, exclusions: [] })
    expect((await list())[0]).toMatchObject({ target: '203.0.113.9/32', active: false })
    const again = await add({ prefix: '203.0.113.9', reason: 'again, for good' })
    expect(again.status).toBe(201)
    expect(await check('203.0.113.9')).toMatchObject({ excluded: true })
    expect(await list()).toHaveLength(1)
  })

  it('a block already excluded is a 409; reasons must be given and hold no e-mail address', async () => {
    expect((await add({ prefix: '203.0.113.10', reason: 'first' })).status).toBe(201)
    const dup = await add({ prefix: '203.0.113.10/32', reason: 'second' })
    expect(dup.status).toBe(409)
    expect((await dup.json()).code).toBe('conflict')
    for (const reason of ['', '   ', 'ask carol@example.org', 'two\nlines', 'x'.repeat(501)]) {
      expect((await add({ prefix: '203.0.113.11', reason })).status, JSON.stringify(reason)).toBe(400)
    }
    for (const prefix of ['', 'example.org', '203.0.113.11/24', '999.1.1.1']) {
      expect((await add({ prefix, reason: 'x y z' })).status, prefix).toBe(400)
    }
    expect((await add({ prefix: '203.0.113.12', reason: 'ok', extra: true })).status).toBe(400)
  })

  it('needs exclusions:write: a triage or read token cannot change what the scanners do', async () => {
    for (const token of [h.desk, h.reader, h.sessions]) {
      expect((await add({ prefix: '203.0.113.20', reason: 'not allowed' }, token)).status).toBe(403)
    }
    expect((await h.request('/v1/admin/exclusions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401)
    const made = await (await add({ prefix: '203.0.113.21', reason: 'allowed' })).json()
    expect((await remove(made.exclusion.id, undefined, h.desk)).status).toBe(403)
    expect(await check('203.0.113.21')).toMatchObject({ excluded: true })
  })
})

describe('from a case', () => {
  it('only a reported target (or a block inside it) can be excluded from a case, and the case history says so', async () => {
    const r = await h.reportOk(reportBody(now(), { target: '100.100.1.5' }))
    const k = await h.caseOf(r.ref)
    const outside = await add({ prefix: '100.100.1.6', reason: 'not reported', caseId: k.case.id })
    expect(outside.status).toBe(400)
    expect((await outside.json()).detail).toContain('was not reported in this case')
    expect((await add({ prefix: '100.100.1.5', reason: 'reported', caseId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404)
    const ok = await add({ prefix: '100.100.1.5', reason: 'owner of the reported address asked us to stop', caseId: k.case.id })
    expect(ok.status).toBe(201)
    const after = await h.caseOf(r.ref)
    expect(after.history.filter((e: { action: string }) => e.action === 'exclusion_added').map((e: { detail: { target: string } }) => e.detail.target)).toEqual(['100.100.1.5/32'])
  })
})

describe('what an anonymous reporter can make the scanners do', () => {
  it('nothing: reports of any width, any verdict and any resolution create no exclusion', async () => {
    for (const target of ['0.0.0.0/0', '::/0', '100.0.0.0/8', '100.100.1.5']) {
      const r = await h.reportOk(reportBody(now(), { target, sourceIps: ['192.0.2.10'] }))
      const k = await h.caseOf(r.ref)
      for (const to of ['investigating', 'awaiting_customer']) await h.admin('POST', `/v1/admin/cases/${k.case.id}/transition`, { to })
      const res = await h.admin('POST', `/v1/admin/cases/${k.case.id}/transition`, { to: 'resolved', verdict: 'out_of_scope_scan', outcomeTemplate: 'action_taken' })
      expect(res.status).toBe(200)
    }
    expect(await t.db.selectFrom('exclusions').selectAll().execute()).toEqual([])
    expect(await check('8.8.8.8')).toMatchObject({ excluded: false })
  })
})

describe('db/exclusion-actions', () => {
  it('is the one audited way in, usable by other callers (e.g. a verified opt-out) with their own source', async () => {
    const actor = { name: 'opt-out robot', audit: 'system:opt-out' }
    const made = await t.db.transaction().execute((trx) => createExclusion(trx, { prefix: '203.0.113.30', reason: 'verified owner opt-out', actor, source: 'opt_out' }, now()))
    expect(made).toMatchObject({ target: '203.0.113.30/32', source: 'opt_out', createdBy: 'opt-out robot' })
    await expect(createExclusion(t.db, { prefix: '10.0.0.0/8', reason: 'too wide', actor, source: 'opt_out' }, now())).rejects.toThrow(/wider than the \/24/)
    await removeExclusion(t.db, { id: made.id, reason: 'owner withdrew', actor, source: 'opt_out' }, now())
    const audit = await listAudit(t.db, { objectType: 'exclusion', limit: 10 })
    expect(audit.map((e) => [e.actor, e.action, e.diff.source])).toEqual([
      ['system:opt-out', 'exclusion.create', 'opt_out'],
      ['system:opt-out', 'exclusion.remove', 'opt_out'],
    ])
  })
})
