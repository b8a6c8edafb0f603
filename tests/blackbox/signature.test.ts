/**
 * @module tests/blackbox/signature
 * Signed feed: the public key, the detached signature of each version, and the
 * Content-Digest + RFC 9421 signature headers of every feed and snippet body, verified here
 * with Web Crypto like a customer would (docs/verify-signatures.md does it with openssl).
 * scripts/blackbox.sh gives both targets the same FEED_SIGNING_KEY.
 */
import { describe, expect, it } from 'vitest'
import { api, latestSerial, target } from './support/target.js'

// Prism's proxy does not hand bodies on byte for byte: binary ones arrive as UTF-8 text (64
// signature bytes as 112) and JSON is serialised again, so byte-exact checks skip it
const bodiesIntact = !target.behindPrism

async function publicKey(): Promise<CryptoKey> {
  const res = await api('/.well-known/scangate-feed-key.pem')
  expect(res.status, 'FEED_SIGNING_KEY must be configured on the target').toBe(200)
  expect(res.headers.get('content-type')).toBe('application/x-pem-file')
  const pem = await res.text()
  const b64 = /-----BEGIN PUBLIC KEY-----([\s\S]+?)-----END PUBLIC KEY-----/.exec(pem)![1]!.replace(/\s+/g, '')
  return crypto.subtle.importKey('spki', Buffer.from(b64, 'base64'), { name: 'Ed25519' }, false, ['verify'])
}

describe('feed signatures', () => {
  it.runIf(bodiesIntact)('GET /v1/versions/{serial}/signature verifies against the exact bytes of that version', async () => {
    const key = await publicKey()
    const serial = await latestSerial()
    const doc = new Uint8Array(await (await api(`/v1/versions/${serial}`)).arrayBuffer())
    const sigRes = await api(`/v1/versions/${serial}/signature`)
    expect(sigRes.status).toBe(200)
    expect(sigRes.headers.get('content-type')).toBe('application/octet-stream')
    const sig = new Uint8Array(await sigRes.arrayBuffer())
    expect(sig.length).toBe(64)
    expect(await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, doc)).toBe(true)
    const tampered = doc.slice()
    tampered[tampered.length - 2] = tampered[tampered.length - 2]! ^ 1
    expect(await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, tampered)).toBe(false)
    expect((await api(`/v1/versions/${serial}/signature`, { headers: { 'if-none-match': sigRes.headers.get('etag')! } })).status).toBe(304)
    // the old path stays as an alias
    expect(Buffer.from(await (await api(`/v1/versions/${serial}.sig`)).arrayBuffer())).toEqual(Buffer.from(sig))
  })

  it.runIf(bodiesIntact)('every feed and snippet body carries Content-Digest and an RFC 9421 signature of its own bytes', async () => {
    const key = await publicKey()
    for (const path of ['/v1/ranges', '/v1/ranges.txt?family=ipv4', '/v1/ranges.csv', '/v1/rules/nftables', '/v1/changes']) {
      const res = await api(path)
      expect(res.status, path).toBe(200)
      const body = new Uint8Array(await res.arrayBuffer())
      expect(res.headers.get('x-feed-signature'), path).toBeNull()
      const digest = res.headers.get('content-digest')!
      expect(digest, path).toBe(`sha-256=:${Buffer.from(await crypto.subtle.digest('SHA-256', body)).toString('base64')}:`)
      const params = /^sig1=(\(.*\);created=\d+;keyid="[0-9a-f]{64}";alg="ed25519")$/.exec(res.headers.get('signature-input') ?? '')
      expect(params, path).not.toBeNull()
      const base = [
        `"@status": ${res.status}`,
        `"content-type": ${res.headers.get('content-type')}`,
        `"content-digest": ${digest}`,
        `"x-feed-serial": ${res.headers.get('x-feed-serial')}`,
        `"@signature-params": ${params![1]}`,
      ].join('\n')
      const sig = Buffer.from(/^sig1=:(.+):$/.exec(res.headers.get('signature')!)![1]!, 'base64')
      expect(await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, new TextEncoder().encode(base)), path).toBe(true)
    }
  })

  it('an unknown serial has no signature', async () => {
    expect((await api('/v1/versions/999999999/signature')).status).toBe(404)
    expect((await api('/v1/versions/999999999.sig')).status).toBe(404)
  })
})
