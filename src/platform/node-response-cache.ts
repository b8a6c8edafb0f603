/**
 * @module platform/node-response-cache
 * A short-lived in-process cache in front of the Hono app on Node, for the public feed
 * GETs only. The app already renders each published version once. This cache also skips
 * the per-request work around that body: building a Request, running the middleware
 * chain, and converting the Response back to Node's. It exists because firewall
 * automation polls the feed far more often than anything else is called.
 *
 * What it caches: GET answers (200 or 304) that carry `X-Feed-Serial` and a `public`
 * Cache-Control. Those are the feed, versions, changes, Atom and snippet routes. Stale
 * answers (database down), answers with cookies and `private` answers (the Atom feed
 * without PUBLIC_URL, whose ids name the request origin) are never cached. The key is the
 * Host, the normalised path and query, and If-None-Match; no cached body names the Host,
 * but keying by it keeps one client's Host from ever answering another's.
 *
 * How long: `ttlMs`, set to the feed store's refresh interval. A version published by
 * another process therefore shows up no later than it would without this cache. Any
 * successful write through this process clears the cache at once.
 *
 * Memory: at most `maxEntries` entries and `maxBytes` of bodies. The least recently
 * stored entry is evicted first, so query strings made up by a client cannot grow it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

interface Entry {
  status: number
  headers: Record<string, string>
  body: Buffer
  expires: number
  /** The route pattern of the answer, for metrics ('' when unknown). */
  route: string
}

export interface ResponseCacheOptions {
  ttlMs: number
  maxEntries?: number
  maxBytes?: number
  /** Milliseconds clock; injected by tests. */
  now?: () => number
  /** Called for every answer served from the cache (the request log). */
  onHit?: (info: { method: string; path: string; status: number; ms: number; route: string }) => void
  /** The route pattern the app matched for a request (remembered with its answer). */
  routeOf?: (req: Request) => string | undefined
}

const BASE = 'http://cache.invalid'
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export class ResponseCache {
  private readonly entries = new Map<string, Entry>()
  private bytes = 0
  private readonly ttlMs: number
  private readonly maxEntries: number
  private readonly maxBytes: number
  private readonly now: () => number
  private readonly onHit: ResponseCacheOptions['onHit']
  private readonly routeOf: ResponseCacheOptions['routeOf']

  constructor(opts: ResponseCacheOptions) {
    this.ttlMs = opts.ttlMs
    this.maxEntries = opts.maxEntries ?? 256
    this.maxBytes = opts.maxBytes ?? 32 * 1024 * 1024
    this.now = opts.now ?? Date.now
    this.onHit = opts.onHit
    this.routeOf = opts.routeOf
  }

  get size(): number {
    return this.entries.size
  }

  get storedBytes(): number {
    return this.bytes
  }

  clear(): void {
    this.entries.clear()
    this.bytes = 0
  }

  /**
   * Answers `req` from the cache if it can. Returns false (and writes nothing) on a miss,
   * in which case the caller hands the request to the app.
   */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' || this.entries.size === 0) return false
    const started = this.onHit ? performance.now() : 0
    const h = req.headers
    const url = req.url
    // Looked up by the raw request target, unparsed: entries are stored under the
    // normalised form (remember()), so only a target already in that form can hit, and
    // the same string always names the same resource. Anything else goes to the app.
    if (!h.host || h['if-modified-since'] !== undefined || url === undefined || url.charCodeAt(0) !== 47 /* / */) return false
    const key = `${h.host.toLowerCase()}\n${url}\n${h['if-none-match'] ?? ''}`
    const entry = this.entries.get(key)
    if (!entry) return false
    if (entry.expires <= this.now()) {
      this.drop(key, entry)
      return false
    }
    res.writeHead(entry.status, entry.headers)
    res.end(entry.status === 304 ? undefined : entry.body)
    this.onHit?.({ method: 'GET', path: pathOf(url), status: entry.status, ms: Math.round((performance.now() - started) * 10) / 10, route: entry.route })
    return true
  }

  /**
   * Wraps the app's fetch: remembers cacheable answers and clears the cache after writes.
   * The response handed back is the app's own, unchanged.
   */
  wrap<A extends unknown[]>(fetch: (req: Request, ...rest: A) => Response | Promise<Response>) {
    return async (req: Request, ...rest: A): Promise<Response> => {
      const res = await fetch(req, ...rest)
      if (WRITE_METHODS.has(req.method) && res.status < 400) this.clear()
      else if (req.method === 'GET' && isCacheable(res)) await this.remember(req, res)
      return res
    }
  }

  private async remember(req: Request, res: Response): Promise<void> {
    const url = new URL(req.url)
    const key = keyOf(req.headers.get('host') ?? url.host, url.pathname + url.search, req.headers.get('if-none-match') ?? undefined, req.headers.get('if-modified-since') ?? undefined)
    if (key === null) return
    const body = Buffer.from(await res.clone().arrayBuffer())
    if (body.length > this.maxBytes / 4) return
    const headers: Record<string, string> = {}
    res.headers.forEach((value, name) => {
      headers[name] = value
    })
    if (res.status === 200) headers['content-length'] = String(body.length)
    const old = this.entries.get(key)
    if (old) this.drop(key, old)
    this.entries.set(key, { status: res.status, headers, body, expires: this.now() + this.ttlMs, route: this.routeOf?.(req) ?? '' })
    this.bytes += body.length
    // Map keeps insertion order: the first key is the one stored longest ago
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break
      this.drop(k, e)
    }
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key)
    this.bytes -= entry.body.length
  }
}

function isCacheable(res: Response): boolean {
  const h = res.headers
  return (
    (res.status === 200 || res.status === 304) &&
    h.has('x-feed-serial') &&
    !h.has('x-feed-stale') &&
    !h.has('set-cookie') &&
    /(^|,)\s*public\b/.test(h.get('cache-control') ?? '')
  )
}

/**
 * The cache key, or null when the request should not use the cache at all (no Host, or
 * an If-Modified-Since the app would have to weigh).
 */
function keyOf(host: string | undefined, rawUrl: string | undefined, ifNoneMatch: string | undefined, ifModifiedSince: string | undefined): string | null {
  // origin-form only ("/v1/ranges?x"): an absolute-form target names its own host
  if (!host || !rawUrl?.startsWith('/') || ifModifiedSince !== undefined) return null
  let url: URL
  try {
    url = new URL(rawUrl, BASE)
  } catch {
    return null
  }
  return `${host.toLowerCase()}\n${url.pathname}${url.search}\n${ifNoneMatch ?? ''}`
}

function pathOf(rawUrl: string | undefined): string {
  const q = (rawUrl ?? '/').indexOf('?')
  return q < 0 ? (rawUrl ?? '/') : rawUrl!.slice(0, q)
}
