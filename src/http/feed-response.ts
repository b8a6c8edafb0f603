/**
 * @module http/feed-response
 * Answers a feed request from a pre-rendered body: strong ETag, 304 on a match,
 * Last-Modified, caching headers and the serial/count headers automation checks.
 */
import type { Context } from 'hono'
import { ifNoneMatchHits, type Rendered } from './conditional.js'
import type { LoadedVersion } from './feed-store.js'

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
  rendered: Rendered,
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
    'access-control-expose-headers': 'ETag, X-Feed-Serial, X-Entry-Count, X-Feed-Stale, X-Feed-Signature',
    ...opts.extraHeaders,
  }
  if (opts.stale) headers['x-feed-stale'] = 'true; database unreachable, serving the last known version'
  // c.body (not `new Response`) so the headers prepared by middleware are merged in
  if (ifNoneMatchHits(c.req.header('if-none-match'), rendered.etag)) {
    return c.body(null, 304, headers)
  }
  headers['content-type'] = rendered.contentType
  if (c.req.method === 'HEAD') return c.body(null, 200, headers)
  return c.body(rendered.body, 200, headers)
}
