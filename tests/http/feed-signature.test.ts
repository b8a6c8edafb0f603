import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFeedSigner, generateFeedKey } from '../../src/domain/feed-signing.js'
import { buildApp, jsonBody, testClock, tokenWith } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
let dir: string
const hasOpenssl = spawnSync('openssl', ['version']).status === 0

beforeAll(async () => {
  t = await openTestDb()
  dir = mkdtempSync(join(tmpdir(), 'scangate-sig-'))
})
afterAll(async () => {
  await t.close()
  rmSync(dir, { recursive: true, force: true })
})

async function publishedApp() {
  await t.reset()
  const { privateKey } = await generateFeedKey()
  const signer = await createFeedSigner(privateKey)
  const app = buildApp(t.db, testClock(), { feedSigner: signer })
  const admin = await tokenWith(t.db, 'ranges:write')
  await app.request('/v1/admin/ranges', jsonBody('POST', { prefix: '192.0.2.0/24', pool: 'asv-external', region: 'eu' }, admin))
  await app.request('/v1/admin/ranges', jsonBody('POST', { prefix: '2001:db8::/48', pool: 'asv-external', region: 'eu' }, admin))
  expect((await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))).status).toBe(201)
  return { app, signer }
}

describe('signed feed', () => {
  it.skipIf(!hasOpenssl && !process.env.CI)('openssl verifies GET /v1/versions/{serial}.sig over the exact bytes of the version', async () => {
    const { app } = await publishedApp()
    const doc = new Uint8Array(await (await app.request('/v1/versions/1')).arrayBuffer())
    const sigRes = await app.request('/v1/versions/1.sig')
    expect(sigRes.status).toBe(200)
    expect(sigRes.headers.get('content-type')).toBe('application/octet-stream')
    const sig = new Uint8Array(await sigRes.arrayBuffer())
    expect(sig.byteLength).toBe(64)
    const pem = await (await app.request('/.well-known/scangate-feed-key.pem')).text()
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/)
    writeFileSync(join(dir, 'key.pem'), pem)
    writeFileSync(join(dir, 'v1.json'), doc)
    writeFileSync(join(dir, 'v1.sig'), sig)
    const verify = (file: string) =>
      spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', join(dir, 'key.pem'), '-rawin', '-in', join(dir, file), '-sigfile', join(dir, 'v1.sig')], { encoding: 'utf8' })
    const ok = verify('v1.json')
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/Signature Verified Successfully/)
    // one changed byte and the same command fails
    const tampered = Buffer.from(doc)
    tampered[tampered.indexOf('192.0.2.0')] = '3'.charCodeAt(0)
    writeFileSync(join(dir, 'tampered.json'), tampered)
    expect(verify('tampered.json').status).not.toBe(0)
  })

  it('GET /v1/ranges carries X-Feed-Signature of the version it serves (same bytes when unfiltered)', async () => {
    const { app, signer } = await publishedApp()
    const res = await app.request('/v1/ranges')
    const body = new Uint8Array(await res.arrayBuffer())
    const header = res.headers.get('x-feed-signature')!
    expect(Buffer.from(header, 'base64')).toEqual(Buffer.from(await signer.sign(body)))
    const sig = new Uint8Array(await (await app.request('/v1/versions/1.sig')).arrayBuffer())
    expect(Buffer.from(sig).toString('base64')).toBe(header)
    // filtered responses still name the version's signature, not one of their own bytes
    expect((await app.request('/v1/ranges.txt')).headers.get('x-feed-signature')).toBe(header)
  })

  it('answers 404 problems for unknown serials and when signing is not configured', async () => {
    const { app } = await publishedApp()
    expect((await app.request('/v1/versions/7.sig')).status).toBe(404)
    const unsigned = buildApp(t.db, testClock())
    const res = await unsigned.request('/v1/versions/1.sig')
    expect(res.status).toBe(404)
    expect((await res.json()).detail).toMatch(/not configured/)
    expect((await unsigned.request('/v1/versions/1')).status).toBe(200)
  })

  it('rejects a key that is not Ed25519 PKCS#8 with a message naming the fix', async () => {
    await expect(createFeedSigner('bm90IGEga2V5')).rejects.toThrow(/keygen/)
  })
})
