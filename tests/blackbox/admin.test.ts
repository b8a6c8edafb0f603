/**
 * @module tests/blackbox/admin
 * Catalogue administration through the API: authentication (401/403), validation, adding
 * a range and publishing it, and the feed showing it at once.
 */
import { describe, expect, it } from 'vitest'
import { admin, api, expectProblem, latestSerial, target } from './support/target.js'
import { runPrefix } from './support/seed.js'

interface Range {
  id: string
  prefix: string
  status: string
  pool: string
}

describe('authentication', () => {
  it('no token, a malformed one and an unknown one all get the same 401 with a Bearer challenge', async () => {
    const unknown = 'sg_' + 'A'.repeat(32)
    for (const authorization of [undefined, 'Bearer', 'Basic Zm9vOmJhcg==', 'Bearer not-a-token', `Bearer ${unknown}`]) {
      const res = await api('/v1/admin/ranges', authorization ? { headers: { authorization } } : {})
      const p = await expectProblem(res, 401, 'unauthorized')
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="scangate"')
      expect(p.detail).toBe('A valid API token is required: send Authorization: Bearer <token>.')
    }
  })

  it('a valid token without the ranges:write scope gets 403 naming the scope', async () => {
    const p = await expectProblem(await api('/v1/admin/ranges', { token: target.otherToken }), 403, 'forbidden')
    expect(p.detail).toContain('ranges:write')
    await expectProblem(await api('/v1/admin/publish', { method: 'POST', token: target.otherToken }), 403, 'forbidden')
  })

  it('writes without a token are refused before anything is read or stored', async () => {
    await expectProblem(await api('/v1/admin/publish', { method: 'POST' }), 401, 'unauthorized')
    await expectProblem(await api('/v1/admin/ranges', { method: 'POST', json: { prefix: runPrefix(), pool: 'x', region: 'y' } }), 401)
  })
})

describe('catalogue administration', () => {
  it('lists every range with its status, never cached', async () => {
    const res = await admin('/v1/admin/ranges')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const { ranges } = (await res.json()) as { ranges: Range[] }
    expect(ranges.find((r) => r.prefix === '192.0.2.0/24')).toMatchObject({ status: 'active', pool: 'asv-external' })
  })

  it('rejects bad input with 400 problems that name the field', async () => {
    const bad = await expectProblem(await admin('/v1/admin/ranges', { method: 'POST', json: { prefix: '192.0.2.300/24', pool: 'asv-external', region: 'eu' } }), 400)
    expect(bad.errors?.[0]?.field).toBe('prefix')
    const slug = await expectProblem(await admin('/v1/admin/ranges', { method: 'POST', json: { prefix: runPrefix(), pool: 'Not A Slug', region: 'eu' } }), 400)
    expect(slug.errors?.[0]?.field).toBe('pool')
    await expectProblem(await admin('/v1/admin/ranges', { method: 'POST', json: { prefix: runPrefix(), pool: 'a', region: 'b', owner: 'x' } }), 400, 'validation_failed')
    // Prism cannot parse a broken JSON body to forward it, and answers itself
    if (!target.behindPrism) {
      const notJson = await admin('/v1/admin/ranges', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prefix":' })
      await expectProblem(notJson, 400)
    }
  })

  it('refuses a range overlapping the catalogue with 409', async () => {
    const p = await expectProblem(await admin('/v1/admin/ranges', { method: 'POST', json: { prefix: '192.0.2.128/25', pool: 'asv-external', region: 'eu-central' } }), 409, 'overlapping_range')
    expect(p.detail).toContain('192.0.2.0/24')
  })

  it('adds a range, publishes it as the next serial, and the feed serves it at once', async () => {
    const before = await latestSerial()
    const oldEtag = (await api('/v1/ranges')).headers.get('etag')!

    let added: Response | undefined
    let prefix = ''
    // a random /64 per run: the same database serves several targets one after the other
    for (let attempt = 0; attempt < 5; attempt++) {
      prefix = runPrefix()
      added = await admin('/v1/admin/ranges', { method: 'POST', json: { prefix, pool: 'blackbox', region: 'test-run', label: 'added by the black-box suite' } })
      if (added.status !== 409) break
    }
    expect(added!.status).toBe(201)
    const { range, warnings } = (await added!.json()) as { range: Range; warnings: string[] }
    expect(range).toMatchObject({ prefix, status: 'active', pool: 'blackbox' })
    expect(added!.headers.get('location')).toBe(`/v1/admin/ranges/${range.id}`)
    // activeFrom defaulted to now: customers get no notice, and the API says so; the
    // documentation prefix is flagged too (fine for a test, not for production)
    expect(warnings).toEqual([expect.stringMatching(/reserved address space/), expect.stringMatching(/less than 7 days/)])

    // no notice at all breaks the notice policy: refused unless forced with a reason
    const refused = await admin('/v1/admin/publish', { method: 'POST', json: { note: 'black-box run' } })
    expect(refused.status).toBe(409)
    const reason = 'black-box suite: a test range, active at once'
    const published = await admin('/v1/admin/publish', { method: 'POST', json: { note: 'black-box run', force: true, reason } })
    expect(published.status).toBe(201)
    const body = (await published.json()) as { status: string; version: { serial: number; changes: { added: { prefix: string }[] }; noticeOverride: { reason: string } } }
    expect(body.version.noticeOverride.reason).toBe(reason)
    expect(body.status).toBe('published')
    expect(body.version.serial).toBe(before + 1)
    expect(body.version.changes.added.map((a) => a.prefix)).toEqual([prefix])
    expect(published.headers.get('location')).toBe(`/v1/versions/${before + 1}`)

    // read-your-writes: the publishing client sees the new version immediately
    const txt = await api('/v1/ranges.txt')
    expect(txt.headers.get('x-feed-serial')).toBe(String(before + 1))
    expect((await txt.text()).split('\n')).toContain(prefix)
    const stale = await api('/v1/ranges', { headers: { 'if-none-match': oldEtag } })
    expect(stale.status).toBe(200)
    expect(stale.headers.get('etag')).not.toBe(oldEtag)
    const lookup = (await (await api(`/v1/lookup/${prefix.replace('::/64', '::42')}`)).json()) as Record<string, unknown>
    expect(lookup).toMatchObject({ ours: true, prefix, pool: 'blackbox' })

    // nothing changed since: no new serial
    const again = await admin('/v1/admin/publish', { method: 'POST' })
    expect(again.status).toBe(200)
    const same = (await again.json()) as { status: string; version: { serial: number } }
    expect(same).toMatchObject({ status: 'unchanged', version: { serial: before + 1 } })
  })
})
