import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
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
  it.skipIf(!hasOpenssl && !process.env.CI)('openssl verifies GET /v1/versions/{serial}/signature over the exact bytes of the version', async () => {
    const { app } = await publishedApp()
    const doc = new Uint8Array(await (await app.request('/v1/versions/1')).arrayBuffer())
    const sigRes = await app.request('/v1/versions/1/signature')
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

  it('the old path /v1/versions/{serial}.sig answers the same signature', async () => {
    const { app } = await publishedApp()
    const now = Buffer.from(await (await app.request('/v1/versions/1/signature')).arrayBuffer())
    const old = await app.request('/v1/versions/1.sig')
    expect(old.status).toBe(200)
    expect(Buffer.from(await old.arrayBuffer())).toEqual(now)
    expect((await app.request('/v1/versions/1/signature', { headers: { 'if-none-match': '"sig-1"' } })).status).toBe(304)
  })

  it('every feed and snippet body carries Content-Digest and an RFC 9421 signature of exactly its bytes; X-Feed-Signature is gone', async () => {
    const { app, signer } = await publishedApp()
    const key = await crypto.subtle.importKey('spki', Buffer.from(signer.publicKeyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'), { name: 'Ed25519' }, false, ['verify'])
    for (const path of ['/v1/ranges', '/v1/ranges.txt', '/v1/ranges.csv?family=ipv4', '/v1/ranges?aggregate=true', '/v1/rules/nftables?family=ipv6', '/v1/rules/ipset', '/v1/versions/1', '/v1/versions', '/v1/changes', '/v1/feed.atom']) {
      const res = await app.request(path)
      expect(res.status, path).toBe(200)
      const body = Buffer.from(await res.arrayBuffer())
      expect(res.headers.get('x-feed-signature'), path).toBeNull()
      const digest = res.headers.get('content-digest')!
      expect(digest, path).toBe(`sha-256=:${createHash('sha256').update(body).digest('base64')}:`)
      const input = res.headers.get('signature-input')!
      const m = /^sig1=(\("@status" "content-type" "content-digest" "x-feed-serial"\);created=(\d+);keyid="([0-9a-f]{64})";alg="ed25519")$/.exec(input)
      expect(m, `${path}: ${input}`).not.toBeNull()
      expect(m![3]).toBe(createHash('sha256').update(Buffer.from(signer.publicKeyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64')).digest('hex'))
      const sig = /^sig1=:([A-Za-z0-9+/=]+):$/.exec(res.headers.get('signature')!)![1]!
      const signatureBase = [
        `"@status": 200`,
        `"content-type": ${res.headers.get('content-type')}`,
        `"content-digest": ${digest}`,
        `"x-feed-serial": ${res.headers.get('x-feed-serial')}`,
        `"@signature-params": ${m![1]}`,
      ].join('\n')
      expect(await crypto.subtle.verify({ name: 'Ed25519' }, key, Buffer.from(sig, 'base64'), new TextEncoder().encode(signatureBase)), path).toBe(true)
    }
  })

  it('computes each signature once per rendered body, sends the GET headers on HEAD, and none on 304', async () => {
    const { app } = await publishedApp()
    const first = await app.request('/v1/ranges.txt?family=ipv4')
    const again = await app.request('/v1/ranges.txt?family=ipv4')
    expect(again.headers.get('signature')).toBe(first.headers.get('signature'))
    expect(again.headers.get('signature-input')).toBe(first.headers.get('signature-input'))
    const notModified = await app.request('/v1/ranges.txt?family=ipv4', { headers: { 'if-none-match': first.headers.get('etag')! } })
    expect(notModified.status).toBe(304)
    const head = await app.request('/v1/ranges.txt?family=ipv4', { method: 'HEAD' })
    expect(head.status).toBe(200)
    for (const h of ['content-digest', 'signature-input', 'signature']) {
      expect(notModified.headers.get(h), h).toBeNull()
      // a HEAD answers what a GET would: a firewall may check the digest before downloading
      expect(head.headers.get(h), h).toBe(first.headers.get(h))
    }
    expect(first.headers.get('access-control-expose-headers')).toMatch(/Content-Digest, Signature-Input, Signature/)
  })

  it('without a signing key, bodies still carry Content-Digest but no signature', async () => {
    const { app: _signed } = await publishedApp()
    const unsigned = buildApp(t.db, testClock())
    const res = await unsigned.request('/v1/ranges.txt')
    expect(res.headers.get('content-digest')).toBe(`sha-256=:${createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('base64')}:`)
    expect(res.headers.get('signature')).toBeNull()
  })

  it('answers 404 problems for unknown serials and when signing is not configured', async () => {
    const { app } = await publishedApp()
    expect((await app.request('/v1/versions/7.sig')).status).toBe(404)
    expect((await app.request('/v1/versions/7/signature')).status).toBe(404)
    const unsigned = buildApp(t.db, testClock())
    const res = await unsigned.request('/v1/versions/1/signature')
    expect(res.status).toBe(404)
    expect((await res.json()).detail).toMatch(/not configured/)
    expect((await unsigned.request('/v1/versions/1')).status).toBe(200)
  })

  it('rejects a key that is not Ed25519 PKCS#8 with a message naming the fix', async () => {
    await expect(createFeedSigner('bm90IGEga2V5')).rejects.toThrow(/keygen/)
  })
})
