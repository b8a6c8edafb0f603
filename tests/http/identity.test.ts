/**
 * A scanner that says who it is: security.txt, the identity document, User-Agent and
 * reverse-name look-ups, and per-session attestations that openssl verifies.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseConfig, securityTxtConfig } from '../../src/config.js'
import { canonicalJson } from '../../src/domain/canonical-json.js'
import { createFeedSigner, generateFeedKey, type FeedSigner } from '../../src/domain/feed-signing.js'
import { buildApp, bearer, DAY, jsonBody, testClock, tokenWith } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
let dir: string
let signer: FeedSigner
const clock = testClock('2026-11-30T00:00:00Z')
const hasOpenssl = spawnSync('openssl', ['version']).status === 0

beforeAll(async () => {
  t = await openTestDb()
  dir = mkdtempSync(join(tmpdir(), 'scangate-identity-'))
  signer = await createFeedSigner((await generateFeedKey()).privateKey)
})
afterAll(async () => {
  await t.close()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  await t.reset()
})

const SECURITY = { contacts: ['mailto:abuse@asv.example'], expires: new Date('2027-11-01T00:00:00Z'), publicUrl: 'https://scanners.example.test', preferredLanguages: ['en'] }

async function seeded() {
  const app = buildApp(t.db, clock, { feedSigner: signer, securityTxt: SECURITY })
  const admin = await tokenWith(t.db, 'ranges:write')
  const past = new Date(clock.now().getTime() - 30 * DAY).toISOString()
  const ids: string[] = []
  for (const [prefix, pool] of [['192.0.2.0/24', 'asv-external'], ['2001:db8::/48', 'asv-external'], ['198.51.100.0/24', 'web-app']] as const) {
    const r = await app.request('/v1/admin/ranges', jsonBody('POST', { prefix, pool, region: 'eu', activeFrom: past }, admin))
    expect(r.status, await r.clone().text()).toBe(201)
    ids.push(((await r.json()) as { range: { id: string } }).range.id)
  }
  return { app, admin, ids }
}

describe('security.txt', () => {
  it('is served with the configured contacts and policy, and a configuration that has expired stops the start', async () => {
    const { app } = await seeded()
    const res = await app.request('/.well-known/security.txt')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const body = await res.text()
    expect(body).toMatch(/^Contact: mailto:abuse@asv\.example$/m)
    expect(body).toMatch(/^Expires: 2027-11-01T00:00:00Z$/m)
    expect(body).toMatch(/^Policy: https:\/\/scanners\.example\.test\/opt-out$/m)
    const env = { PUBLIC_URL: 'https://scanners.example.test', SECURITY_TXT_CONTACT: 'mailto:abuse@asv.example' }
    expect(() => securityTxtConfig(parseConfig({ ...env, SECURITY_TXT_EXPIRES: '2026-11-01T00:00:00Z' }), clock.now())).toThrow(/in the past/)
    expect(() => securityTxtConfig(parseConfig({ SECURITY_TXT_CONTACT: 'mailto:a@b.example' }), clock.now())).toThrow(/both/)
    expect(securityTxtConfig(parseConfig({}), clock.now())).toBeNull()
    expect((await buildApp(t.db, clock).request('/.well-known/security.txt')).status).toBe(404)
  })
})

describe('identity facts and look-ups', () => {
  it('publishes pools and range facts, and answers User-Agent and reverse-name questions from published ranges only', async () => {
    const { app, admin, ids } = await seeded()
    expect((await app.request(`/v1/admin/ranges/${ids[0]}/identity`, jsonBody('PUT', { asn: 64500, rirHandle: 'NET-192-0-2-0-1', rdns: 'scanner-*.asv.example' }, admin))).status).toBe(204)
    expect((await app.request(`/v1/admin/ranges/${ids[2]}/identity`, jsonBody('PUT', { rdns: 'web-*.asv.example' }, admin))).status).toBe(204)
    expect((await app.request(`/v1/admin/ranges/${ids[0]}/identity`, jsonBody('PUT', { rdns: '*.*.example' }, admin))).status).toBe(400)
    expect((await app.request('/v1/admin/pools/asv-external', jsonBody('PUT', { userAgents: ['ScangateASV/*'], tlsBanner: null, sshBanner: 'SSH-2.0-ScangateASV' }, admin))).status).toBe(200)
    const reader = await tokenWith(t.db, 'reports:read')
    expect((await app.request('/v1/admin/pools/asv-external', jsonBody('PUT', { userAgents: ['x'] }, reader))).status).toBe(403)
    // nothing published yet: the identity page has nothing to show
    expect((await app.request('/v1/identity')).status).toBe(404)
    // publish only the first two; the web-app range stays a draft
    await t.db.deleteFrom('scanner_ranges').where('id', '=', ids[2]!).execute()
    expect((await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))).status).toBe(201)
    const doc = (await (await app.request('/v1/identity')).json()) as { pools: { pool: string; userAgents: string[] }[]; ranges: { prefix: string; asn: number; rdns: string }[] }
    expect(doc.pools).toEqual([{ pool: 'asv-external', description: null, userAgents: ['ScangateASV/*'], tlsBanner: null, sshBanner: 'SSH-2.0-ScangateASV' }])
    expect(doc.ranges).toEqual([{ prefix: '192.0.2.0/24', pool: 'asv-external', asn: 64500, rirHandle: 'NET-192-0-2-0-1', rdns: 'scanner-*.asv.example' }])
    // the address look-up carries the same facts, so one log line is enough to match
    const hit = (await (await app.request('/v1/lookup/192.0.2.10')).json()) as { identity: unknown }
    expect(hit.identity).toEqual({ asn: 64500, rirHandle: 'NET-192-0-2-0-1', rdns: 'scanner-*.asv.example', userAgents: ['ScangateASV/*'], tlsBanner: null, sshBanner: 'SSH-2.0-ScangateASV' })
    const ua = await (await app.request('/v1/lookup?ua=' + encodeURIComponent('ScangateASV/4.1 (+https://scanners.example.test/)'))).json()
    expect(ua).toEqual({ query: 'ua', value: 'ScangateASV/4.1 (+https://scanners.example.test/)', ours: true, pools: ['asv-external'] })
    expect(((await (await app.request('/v1/lookup?ua=curl/8.0')).json()) as { ours: boolean }).ours).toBe(false)
    expect(((await (await app.request('/v1/lookup?rdns=scanner-7.asv.example')).json()) as { ours: boolean }).ours).toBe(true)
    expect(((await (await app.request('/v1/lookup?rdns=web-1.asv.example')).json()) as { ours: boolean }).ours).toBe(false)
    expect((await app.request('/v1/lookup')).status).toBe(400)
    expect((await app.request('/v1/lookup?ua=a&rdns=b')).status).toBe(400)
  })
})

describe.skipIf(!hasOpenssl && !process.env.CI)('session attestations', () => {
  it('are signed over canonical JSON that openssl verifies with the published key, name no customer, and need sessions:write', async () => {
    const { app } = await seeded()
    const sessions = await tokenWith(t.db, 'sessions:write')
    const put = await app.request(
      '/v1/admin/sessions/scan-0042',
      jsonBody('PUT', { customerRef: 'cust-secret-77', scannerIps: ['192.0.2.10'], startedAt: new Date(clock.now().getTime() - DAY).toISOString(), endedAt: clock.now().toISOString(), authorizedTargets: ['100.100.1.0/28'], scanType: 'asv-quarterly' }, sessions),
    )
    expect(put.status, await put.clone().text()).toBeLessThan(300)
    expect((await app.request('/v1/admin/sessions/scan-0042/attestation')).status).toBe(401)
    const res = await app.request('/v1/admin/sessions/scan-0042/attestation', bearer(sessions))
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).not.toContain('cust-secret-77')
    const body = JSON.parse(text) as { attestation: Record<string, unknown>; signature: { value: string } }
    expect(body.attestation).toMatchObject({ session: 'scan-0042', scannerAddresses: ['192.0.2.10'], authorizedTargets: ['100.100.1.0/28'] })
    writeFileSync(join(dir, 'key.pem'), signer.publicKeyPem)
    writeFileSync(join(dir, 'att.json'), canonicalJson(body.attestation))
    writeFileSync(join(dir, 'att.sig'), Buffer.from(body.signature.value, 'base64'))
    const verify = (file: string) => spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'key.pem'), '-rawin', '-in', join(dir, file), '-sigfile', join(dir, 'att.sig')], { encoding: 'utf8' })
    expect(verify('att.json').stdout).toContain('Signature Verified Successfully')
    writeFileSync(join(dir, 'forged.json'), canonicalJson({ ...body.attestation, authorizedTargets: ['0.0.0.0/0'] }))
    expect(verify('forged.json').status).not.toBe(0)
    expect((await app.request('/v1/admin/sessions/nope/attestation', bearer(sessions))).status).toBe(404)
  })
})
