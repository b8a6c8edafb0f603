/**
 * @module domain/intake/report-ids
 * Public report references and reporter status tokens. Both come from Web Crypto
 * randomness: a reference must not reveal how many reports exist or let anyone guess
 * the next one, and the status token is the reporter's only credential (stored as a
 * SHA-256 hash, shown once).
 */

/** Crockford base32: no I, L, O or U, so a reference read aloud or retyped survives. */
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** `R-` + 10 base32 characters (50 random bits). */
export const REF_PATTERN = /^R-[0-9A-HJKMNP-TV-Z]{10}$/

/** `rs_` + 32 base64url characters (192 random bits). */
export const STATUS_TOKEN_PATTERN = /^rs_[A-Za-z0-9_-]{32}$/

export function generateRef(): string {
  // 256 is a multiple of 32, so masking to 5 bits keeps every character equally likely
  const bytes = crypto.getRandomValues(new Uint8Array(10))
  let out = 'R-'
  for (const b of bytes) out += BASE32[b & 31]
  return out
}

export function generateStatusToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return 'rs_' + btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
