/**
 * @module http/transport
 * Whether a request reached us over HTTPS, decided once per request from what can be
 * trusted: the request URL itself (Workers, or TLS in the Node process), an `https`
 * PUBLIC_URL (the operator says the service is only reached over TLS), or the
 * X-Forwarded-Proto entry written by the nearest of `TRUSTED_PROXY_HOPS` proxies. A
 * client's own X-Forwarded-Proto is not trusted: with no trusted proxy it is ignored.
 */
import type { Context } from 'hono'

export function reachedOverHttps(c: Context, opts: { publicUrl?: string | undefined; trustedProxyHops?: number | undefined }): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true
  if (opts.publicUrl?.toLowerCase().startsWith('https://')) return true
  const hops = opts.trustedProxyHops ?? 0
  if (hops === 0) return false
  // each proxy appends its own view; the entry `hops` places from the right is the
  // outermost trusted proxy's, the one that spoke to the client
  const chain = (c.req.header('x-forwarded-proto') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)
  if (chain.length === 0) return false
  return chain[Math.max(0, chain.length - hops)] === 'https'
}

/** Whether this request came over HTTPS (set for every request by createApp). */
export function isHttps(c: Context): boolean {
  return c.get('https') === true
}
