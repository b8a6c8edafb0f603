/**
 * @module domain/message-signature
 * Signed responses by the standards, so anyone can check any feed or snippet body with
 * curl and openssl: `Content-Digest` (RFC 9530, sha-256) of the exact body, and an HTTP
 * Message Signature (RFC 9421) over the status, the content type, that digest and the
 * serial. The signature base is plain text built from those header values; Ed25519 signs
 * it. docs/verify-signatures.md shows the shell recipe that rebuilds and checks it.
 */
import type { FeedSigner } from './feed-signing.js'
import { base64Encode } from './feed-signing.js'

/** The label of our signature in Signature-Input / Signature. */
export const SIGNATURE_LABEL = 'sig1'

/** What the signature covers, in order: a verifier rebuilds one base line per component. */
export const SIGNED_COMPONENTS = ['@status', 'content-type', 'content-digest', 'x-feed-serial'] as const

/** Response headers that describe the body sent: wrong on a 304 or a HEAD answer, so dropped there. */
export const BODY_SIGNATURE_HEADERS = ['content-digest', 'signature-input', 'signature'] as const

/** `sha-256=:<base64>:` (an RFC 8941 byte sequence) of the body. */
export async function contentDigest(body: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body as Uint8Array<ArrayBuffer>))
  return `sha-256=:${base64Encode(digest)}:`
}

export interface SignedFields {
  status: number
  contentType: string
  contentDigest: string
  serial: number
}

/** The `@signature-params` value: the covered components and the parameters, as sent in Signature-Input. */
export function signatureParams(created: number, keyId: string): string {
  return `(${SIGNED_COMPONENTS.map((c) => `"${c}"`).join(' ')});created=${created};keyid="${keyId}";alg="ed25519"`
}

/** RFC 9421 §2.5: one `"name": value` line per component, then the parameters; no final newline. */
export function signatureBase(f: SignedFields, params: string): string {
  const values: Record<(typeof SIGNED_COMPONENTS)[number], string> = {
    '@status': String(f.status),
    'content-type': f.contentType.trim(),
    'content-digest': f.contentDigest,
    'x-feed-serial': String(f.serial),
  }
  return [...SIGNED_COMPONENTS.map((c) => `"${c}": ${values[c]}`), `"@signature-params": ${params}`].join('\n')
}

/** The Signature-Input and Signature headers for a response with these fields. */
export async function signResponse(signer: FeedSigner, f: SignedFields, created: Date): Promise<Record<string, string>> {
  const params = signatureParams(Math.floor(created.getTime() / 1000), signer.keyId)
  const sig = await signer.sign(new TextEncoder().encode(signatureBase(f, params)))
  return {
    'signature-input': `${SIGNATURE_LABEL}=${params}`,
    signature: `${SIGNATURE_LABEL}=:${base64Encode(sig)}:`,
  }
}
