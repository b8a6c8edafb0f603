/**
 * @module tests/blackbox/signature
 * Signed feed: the public key, the detached signature of each version and the
 * X-Feed-Signature header, verified here with Web Crypto like a customer would.
 * scripts/blackbox.sh gives both targets the same FEED_SIGNING_KEY.
 */
import { describe, expect, it } from 'vitest'
import { api, latestSerial, target } from './support/target.js'

// Prism's proxy hands binary bodies on as UTF-8 text (64 signature bytes arrive as 112)
const binaryIntact = !target.behindPrism

async function publicKey(): Promise<CryptoKey> {
  const res = await api('/.well-known/scangate-feed-key.pem')
  expect(res.status, 'FEED_SIGNING_KEY must be configured on the target').toBe(200)
  expect(res.headers.get('content-type')).toBe('application/x-pem-file')
  const pem = await res.text()
  const b64 = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem)![1]!.replace(/\s+/g, '')
  return crypto.subtle.importKey('spki', Buffer.from(b64, 'base64'), { name: 'Ed25519' }, false, ['verify'])
}

describe('feed signatures', () => {
  it.runIf(binaryIntact)('GET /v1/versions/{serial}.sig verifies against the exact bytes of that version', async () => {
    const key = await publicKey()
    const serial = await latestSerial()
    const doc = new Uint8Array(await (await api(`/v1/versions/${serial}`)).arrayBuffer())
    const sigRes = await api(`/v1/versions/${serial}.sig`)
    expect(sigRes.status).toBe(200)
    expect(sigRes.headers.get('content-type')).toBe('application/octet-stream')
    const sig = new Uint8Array(await sigRes.arrayBuffer())
    expect(sig.length).toBe(64)
    expect(await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, doc)).toBe(true)
    const tampered = doc.slice()
    tampered[tampered.length - 2] = tampered[tampered.length - 2]! ^ 1
    expect(await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, tampered)).toBe(false)
    expect((await api(`/v1/versions/${serial}.sig`, { headers: { 'if-none-match': sigRes.headers.get('etag')! } })).status).toBe(304)
  })

  it.runIf(binaryIntact)('the unfiltered feed carries the same signature in X-Feed-Signature', async () => {
    const feed = await api('/v1/ranges')
    const serial = feed.headers.get('x-feed-serial')
    const header = feed.headers.get('x-feed-signature')
    expect(header).toMatch(/^[A-Za-z0-9+/]{86}==$/)
    const sig = Buffer.from(await (await api(`/v1/versions/${serial}.sig`)).arrayBuffer()).toString('base64')
    expect(header).toBe(sig)
    expect(await crypto.subtle.verify({ name: 'Ed25519' }, await publicKey(), Buffer.from(header!, 'base64'), new Uint8Array(await feed.arrayBuffer()))).toBe(true)
  })

  it('an unknown serial has no signature', async () => {
    expect((await api('/v1/versions/999999999.sig')).status).toBe(404)
  })
})
