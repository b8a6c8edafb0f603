/**
 * @module http/feed-response
 * Answers a feed request from a pre-rendered body: strong ETag, 304 on a match,
 * Last-Modified, caching headers and the serial/count headers automation checks. A 200
 * GET or HEAD also carries the body's Content-Digest and signature: a HEAD answers with the
 * headers of the GET (RFC 9530 lets its digest describe the content a GET would send), so a
 * firewall can check a digest before downloading. A 304 carries neither.
 */
import type { Context } from 'hono'
import { ifNoneMatchHits } from './conditional.js'
import type { LoadedVersion, SealedRender } from './feed-store.js'

export interface FeedResponseOptions {
  maxAge: number
  /** Versions addressed by serial never change. */
  immutable?: boolean
  /** Served from memory while the database could not be reached. */
  stale?: boolean
  extraHeaders?: Record<string, string>
  /** The body names the request's origin (no PUBLIC_URL): no shared cache may keep it. */
  private?: boolean
}

export function sendRendered(
  c: Context,
  loaded: LoadedVersion,
  rendered: SealedRender,
  opts: FeedResponseOptions,
): Response {
  const headers: Record<string, string> = {
    etag: rendered.etag,
    'last-modified': new Date(loaded.version.createdAt).toUTCString(),
    'cache-control': opts.private
      ? `private, max-age=${opts.maxAge}`
      : opts.immutable
        ? 'public, max-age=31536000, immutable'
        : `public, max-age=${opts.maxAge}, stale-if-error=86400`,
    'x-feed-serial': String(loaded.serial),
    'x-entry-count': String(rendered.count),
    'access-control-allow-origin': '*',
    'access-control-expose-headers': 'ETag, X-Feed-Serial, X-Entry-Count, X-Feed-Stale, Content-Digest, Signature-Input, Signature',
    ...opts.extraHeaders,
  }
  if (opts.stale) headers['x-feed-stale'] = 'true; database unreachable, serving the last known version'
  // c.body (not `new Response`) so the headers prepared by middleware are merged in
  if (ifNoneMatchHits(c.req.header('if-none-match'), rendered.etag)) {
    return c.body(null, 304, headers)
  }
  headers['content-type'] = rendered.contentType
  // Set explicitly so HEAD, which has no body to measure, answers the same length as GET.
  headers['content-length'] = String(rendered.body.byteLength)
  if (c.req.method === 'HEAD') return c.body(null, 200, { ...headers, ...rendered.bodyHeaders })
  return c.body(rendered.body, 200, { ...headers, ...rendered.bodyHeaders })
}
