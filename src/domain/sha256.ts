/**
 * @module domain/sha256
 * SHA-256 through Web Crypto, which Node 20 and Workers both provide as a global:
 * the same code hashes feeds and tokens on either runtime.
 */

const encoder = new TextEncoder()

/** Hex SHA-256 of a UTF-8 string or bytes. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
  return bytesToHex(new Uint8Array(digest))
}

/** Base64url SHA-256 (shorter; used for ETags). */
export async function sha256Base64Url(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
  let bin = ''
  for (const b of digest) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = ''
  for (const b of bytes) hex += b.toString(16).padStart(2, '0')
  return hex
}
