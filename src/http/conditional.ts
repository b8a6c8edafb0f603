/**
 * @module http/conditional
 * Strong ETags and conditional GETs for pre-rendered bodies.
 */
import { sha256Base64Url } from '../domain/sha256.js'

/** A rendered body with everything needed to answer for it, computed once. */
export interface Rendered {
  body: Uint8Array<ArrayBuffer>
  etag: string
  contentType: string
  count: number
}

const encoder = new TextEncoder()

export async function renderOnce(text: string, contentType: string, count: number): Promise<Rendered> {
  const body = encoder.encode(text)
  return { body, etag: `"${await sha256Base64Url(body)}"`, contentType, count }
}

/**
 * Whether `If-None-Match` matches `etag` (weak comparison, as RFC 9110 prescribes for
 * If-None-Match; `*` matches any current representation).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  const bare = etag.replace(/^W\//, '')
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare)
}
