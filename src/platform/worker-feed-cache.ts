/**
 * @module platform/worker-feed-cache
 * The edge cache in front of the app on Workers. A published version never changes, so
 * every feed document is cached in the data centre's Cache API under its serial, for as
 * long as the cache keeps it. Only "which serial is latest" can change; that one small
 * pointer is cached for `pointerTtlSeconds`. A GET that finds both is answered (200 or
 * 304) without creating a database client or running the app; a miss runs the app (whose
 * in-isolate FeedStore may still answer from memory) and fills the cache from its reply.
 * When the database is down and the app can only answer 503, the last serial this data
 * centre served (kept for a day) is answered instead, marked `X-Feed-Stale`, like Node does.
 *
 * The Cache API is per data centre and does nothing on *.workers.dev: there every GET
 * falls through to the app, which stays correct, only slower.
 */
import { BODY_SIGNATURE_HEADERS } from '../domain/message-signature.js'
import { ifNoneMatchHits } from '../http/conditional.js'

/** The part of the Workers `Cache` used here (`caches.default` in production). */
export interface CacheLike {
  match(key: string): Promise<Response | undefined>
  put(key: string, response: Response): Promise<void>
}

export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void
}

/**
 * A GET path whose 200 responses are fixed once the serial is known: `latest` documents
 * render the newest version, the others name their serial in the path.
 */
export interface FeedDocument {
  pattern: RegExp
  serial: 'latest' | ((match: RegExpExecArray) => number)
}

/**
 * The feed documents served from the edge cache. Another document keyed by serial (a
 * signed snippet, say) is one more entry here; its responses must carry `ETag` and
 * `X-Feed-Serial`, or they are passed through uncached.
 */
export const FEED_DOCUMENTS: readonly FeedDocument[] = [
  { pattern: /^\/v1\/ranges(?:\.txt|\.csv)?$/, serial: 'latest' },
  { pattern: /^\/v1\/feed\.atom$/, serial: 'latest' },
  // firewall snippets: one per (serial, format, query), like the feed they are made from
  { pattern: /^\/v1\/rules\/[A-Za-z0-9._-]{1,64}$/, serial: 'latest' },
  { pattern: /^\/v1\/versions\/([1-9][0-9]{0,9})$/, serial: (m) => Number(m[1]) },
  { pattern: /^\/v1\/versions\/([1-9][0-9]{0,9})(?:\.sig|\/signature)$/, serial: (m) => Number(m[1]) },
]

export interface FeedEdgeCacheOptions {
  /** null disables the edge cache (every request goes to the app). */
  cache: CacheLike | null
  /**
   * Part of every key: what else (besides the serial) fixes the bytes, i.e. the
   * database's lifetime and the signing key, so neither change serves old entries.
   */
  generation: string
  /** How long the latest-serial pointer is trusted; 0 asks the app every time. */
  pointerTtlSeconds: number
  documents?: readonly FeedDocument[]
}

/** The response header that says whether the edge cache answered (for operators). */
export const EDGE_CACHE_HEADER = 'x-edge-cache'
/** The stored copy keeps the client-facing Cache-Control here while it is cached for long. */
const ORIGINAL_CACHE_CONTROL = 'x-origin-cache-control'
const STORED_CACHE_CONTROL = 'public, max-age=31536000, immutable'
const CONDITIONAL_HEADERS = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'range']
/** How long the last known serial is kept for outages (the feeds' own stale-if-error). */
const LAST_KNOWN_TTL_SECONDS = 86_400
const STALE = 'true; database unreachable, serving the last known version'

export class FeedEdgeCache {
  readonly #cache: CacheLike | null
  readonly #generation: string
  readonly #pointerTtl: number
  readonly #documents: readonly FeedDocument[]
  /** The newest serial this isolate published and has not yet written to the pointer. */
  #published: number | null = null

  constructor(opts: FeedEdgeCacheOptions) {
    this.#cache = opts.cache
    this.#generation = opts.generation
    this.#pointerTtl = Math.max(0, Math.floor(opts.pointerTtlSeconds))
    this.#documents = opts.documents ?? FEED_DOCUMENTS
  }

  /** Called by the app after a publish, so this data centre serves the new serial at once. */
  notePublished(serial: number): void {
    if (this.#published === null || serial > this.#published) this.#published = serial
  }

  /**
   * Answers `request` from the edge cache when it can, otherwise from `origin` (the app
   * with a per-request database client), storing what the app answered.
   */
  async handle(request: Request, ctx: WaitUntil, origin: (request: Request) => Promise<Response>): Promise<Response> {
    const url = new URL(request.url)
    const doc = this.#cache && (request.method === 'GET' || request.method === 'HEAD') ? this.#match(url) : null
    if (!doc) {
      const res = await origin(request)
      await this.#flushPublished(url)
      return res
    }

    const pointer = doc.serial === 'latest' && this.#pointerTtl > 0 ? await this.#readPointer(url, 'latest-serial') : null
    const serial = doc.serial === 'latest' ? pointer : doc.serial
    if (serial !== null) {
      const hit = await this.#get(this.#key(url, serial))
      if (hit) return answer(hit, request, 'hit')
    }

    // fetch the full representation (no conditionals) so there is a body worth storing
    const headers = new Headers(request.headers)
    for (const h of CONDITIONAL_HEADERS) headers.delete(h)
    const res = await origin(new Request(request.url, { method: 'GET', headers }))
    await this.#flushPublished(url)
    const served = Number(res.headers.get('x-feed-serial'))
    const storable =
      res.status === 200 &&
      res.headers.has('etag') &&
      !res.headers.has('x-feed-stale') &&
      // a body naming the request's own origin (no PUBLIC_URL) is for this client only
      !/\bprivate\b/.test(res.headers.get('cache-control') ?? '') &&
      Number.isInteger(served) &&
      served > 0 &&
      (doc.serial === 'latest' || served === doc.serial)
    if (!storable) {
      // the database is down and this isolate has nothing in memory: the last version this
      // data centre served is still right for a day, as the feed's stale-if-error promises
      if (res.status === 503 && doc.serial === 'latest') {
        const lastKnown = await this.#readPointer(url, 'last-known-serial')
        const hit = lastKnown === null ? undefined : await this.#get(this.#key(url, lastKnown))
        if (hit) return answer(hit, request, 'stale')
      }
      // a problem, or a stale answer from the isolate's memory: still honour If-None-Match
      return res.status === 200 && res.headers.has('etag') ? answer(res, request, null) : res
    }
    ctx.waitUntil(this.#put(this.#key(url, served), toStored(res.clone())))
    // an isolate whose FeedStore lags behind the pointer must not move it back
    if (doc.serial === 'latest' && (pointer === null || served > pointer)) ctx.waitUntil(this.#writePointers(url, served))
    return answer(res, request, 'miss')
  }

  #match(url: URL): { serial: 'latest' | number } | null {
    for (const d of this.#documents) {
      const m = d.pattern.exec(url.pathname)
      if (m) return { serial: d.serial === 'latest' ? 'latest' : d.serial(m) }
    }
    return null
  }

  /** Same serial, path and query (in any parameter order) ⇒ same key. */
  #key(url: URL, serial: number): string {
    const params = [...url.searchParams].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    const query = new URLSearchParams(params).toString()
    return `${url.origin}/__edge-cache/${this.#generation}/${serial}${url.pathname}${query ? `?${query}` : ''}`
  }

  #pointerKey(url: URL, name: 'latest-serial' | 'last-known-serial'): string {
    return `${url.origin}/__edge-cache/${this.#generation}/${name}`
  }

  async #readPointer(url: URL, name: 'latest-serial' | 'last-known-serial'): Promise<number | null> {
    const res = await this.#get(this.#pointerKey(url, name))
    if (!res) return null
    const serial = Number(await res.text())
    return Number.isInteger(serial) && serial > 0 ? serial : null
  }

  /** "Latest" for `pointerTtl` (skipped when 0), "last known" for a day. */
  async #writePointers(url: URL, serial: number): Promise<void> {
    const put = (name: 'latest-serial' | 'last-known-serial', ttl: number) =>
      this.#put(
        this.#pointerKey(url, name),
        new Response(String(serial), { headers: { 'content-type': 'text/plain', 'cache-control': `public, max-age=${ttl}` } }),
      )
    await Promise.all([this.#pointerTtl > 0 ? put('latest-serial', this.#pointerTtl) : null, put('last-known-serial', LAST_KNOWN_TTL_SECONDS)])
  }

  /** After a publish in this isolate: point this data centre at the new serial before answering. */
  async #flushPublished(url: URL): Promise<void> {
    const serial = this.#published
    if (serial === null || !this.#cache) return
    await this.#writePointers(url, serial)
    if (this.#published === serial) this.#published = null
  }

  // the cache is an optimisation: its failures must never fail a request
  async #get(key: string): Promise<Response | undefined> {
    try {
      return await this.#cache?.match(key)
    } catch {
      return undefined
    }
  }

  async #put(key: string, res: Response): Promise<void> {
    try {
      await this.#cache?.put(key, res)
    } catch {
      // a full or unavailable cache only means the next request asks the app again
    }
  }
}

/** The copy kept in the cache: long-lived, with the client-facing Cache-Control kept aside. */
function toStored(res: Response): Response {
  const headers = new Headers(res.headers)
  headers.set(ORIGINAL_CACHE_CONTROL, headers.get('cache-control') ?? 'no-cache')
  headers.set('cache-control', STORED_CACHE_CONTROL)
  headers.delete(EDGE_CACHE_HEADER)
  return new Response(res.body, { status: 200, headers })
}

/**
 * This request's answer from a stored or fresh 200: the document, no body for HEAD, or 304
 * when If-None-Match matches. `state` null: the edge cache played no part.
 */
function answer(res: Response, request: Request, state: 'hit' | 'miss' | 'stale' | null): Response {
  const headers = new Headers(res.headers)
  const original = headers.get(ORIGINAL_CACHE_CONTROL)
  if (original) headers.set('cache-control', original)
  headers.delete(ORIGINAL_CACHE_CONTROL)
  if (state) headers.set(EDGE_CACHE_HEADER, state)
  if (state === 'stale') headers.set('x-feed-stale', STALE)
  const etag = headers.get('etag')
  const notModified = etag !== null && ifNoneMatchHits(request.headers.get('if-none-match') ?? undefined, etag)
  // the digest and signature describe the body: a 304 carries neither; a HEAD, like the app's,
  // carries what the GET would (RFC 9530), so a firewall can check before downloading
  if (notModified) for (const h of BODY_SIGNATURE_HEADERS) headers.delete(h)
  if (notModified) {
    headers.delete('content-type')
    headers.delete('content-length')
    return new Response(null, { status: 304, headers })
  }
  return new Response(request.method === 'HEAD' ? null : res.body, { status: 200, headers })
}
