/**
 * @module domain/feed-signing
 * Ed25519 signatures over the exact bytes of each published version, through Web
 * Crypto so Node and Workers share the code. Keys travel as one-line base64 of the
 * PKCS#8 DER (easy to keep in an env var or a Workers secret); PEM is accepted too.
 * Verification needs nothing of ours: `openssl pkeyutl -verify -pubin -rawin`.
 */
import { DomainError } from './errors.js'
import { sha256Hex } from './sha256.js'

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow. */
const ED25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])

export interface FeedSigner {
  sign(bytes: Uint8Array): Promise<Uint8Array>
  /** The public key as an SPKI PEM, for /.well-known/scangate-feed-key.pem. */
  publicKeyPem: string
  /**
   * The key's fingerprint, the `keyid` of response signatures: hex SHA-256 of the public
   * key's DER (`openssl pkey -pubin -in key.pem -outform DER | sha256sum`).
   */
  keyId: string
}

export function base64Encode(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin)
}

function base64Decode(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replace(/\s+/g, ''))
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> {
  return base64Decode(text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4))
}

export function toPem(label: string, der: Uint8Array): string {
  const lines = base64Encode(der).match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

/** Accepts base64 PKCS#8 DER, or a PKCS#8 PEM (newlines may be written as `\n`). */
function pkcs8Bytes(configured: string): Uint8Array<ArrayBuffer> {
  const text = configured.replace(/\\n/g, '\n').trim()
  const pem = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(text)
  try {
    return base64Decode(pem ? pem[1]! : text)
  } catch {
    throw new DomainError('validation_failed', 'FEED_SIGNING_KEY is not base64 or a PKCS#8 PEM; make one with `npm run cli -- keygen`')
  }
}

/** Builds a signer from the configured private key. */
export async function createFeedSigner(configured: string): Promise<FeedSigner> {
  let key: CryptoKey
  try {
    key = await crypto.subtle.importKey('pkcs8', pkcs8Bytes(configured), { name: 'Ed25519' }, true, ['sign'])
  } catch (e) {
    if (e instanceof DomainError) throw e
    throw new DomainError('validation_failed', 'FEED_SIGNING_KEY is not an Ed25519 private key (PKCS#8); make one with `npm run cli -- keygen`')
  }
  const jwk = await crypto.subtle.exportKey('jwk', key)
  if (!jwk.x) throw new DomainError('validation_failed', 'FEED_SIGNING_KEY: could not derive the public key')
  const raw = base64UrlDecode(jwk.x)
  const spki = new Uint8Array(ED25519_SPKI_PREFIX.length + raw.length)
  spki.set(ED25519_SPKI_PREFIX)
  spki.set(raw, ED25519_SPKI_PREFIX.length)
  const signing = await crypto.subtle.importKey('pkcs8', pkcs8Bytes(configured), { name: 'Ed25519' }, false, ['sign'])
  return {
    publicKeyPem: toPem('PUBLIC KEY', spki),
    keyId: await sha256Hex(spki),
    async sign(bytes) {
      return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, signing, bytes as Uint8Array<ArrayBuffer>))
    },
  }
}

/** A new key pair: `privateKey` is the one-line base64 PKCS#8 for FEED_SIGNING_KEY. */
export async function generateFeedKey(): Promise<{ privateKey: string; publicKeyPem: string }> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey))
  return { privateKey: base64Encode(pkcs8), publicKeyPem: toPem('PUBLIC KEY', spki) }
}
