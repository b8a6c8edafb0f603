/**
 * @module domain/notifications/webhook-signature
 * Standard Webhooks signatures over `{webhook-id}.{webhook-timestamp}.{body}`:
 * `v1,` HMAC-SHA256 with the subscription secret (`whsec_` + base64 key), and optionally
 * `v1a,` Ed25519 with our feed key. Web Crypto rather than the `standardwebhooks` package
 * at runtime: the package (≈5 KiB gzip with its hash and base64 dependencies) would push
 * the Worker over its bundle budget. Tests check every signature with the package's own
 * `sign` and `verify`, so it stays the reference.
 */
import { base64Encode, type FeedSigner } from '../feed-signing.js'

function secretKey(secret: string): Uint8Array<ArrayBuffer> {
  const bin = atob(secret.startsWith('whsec_') ? secret.slice(6) : secret)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** The signed content: Unix seconds, as the `webhook-timestamp` header carries them. */
export function signedContent(id: string, at: Date, body: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${id}.${Math.floor(at.getTime() / 1000)}.${body}`) as Uint8Array<ArrayBuffer>
}

/** The `webhook-signature` header value for one delivery. */
export async function signWebhook(secret: string, signer: FeedSigner | undefined, id: string, at: Date, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', secretKey(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const content = signedContent(id, at, body)
  const v1 = `v1,${base64Encode(new Uint8Array(await crypto.subtle.sign('HMAC', key, content)))}`
  if (!signer) return v1
  return `${v1} v1a,${base64Encode(await signer.sign(content))}`
}
