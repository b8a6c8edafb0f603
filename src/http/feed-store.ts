/**
 * @module http/feed-store
 * Keeps published versions in memory and renders each (version, format, options)
 * exactly once. Versions are immutable, so a rendering never goes stale; only "which
 * serial is latest" is re-checked, at most every `refreshMs`. If the database is down,
 * the last known version keeps being served and marked stale.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { getVersion, latestSerial, type PublishedVersion } from '../db/version-repository.js'
import { DomainError } from '../domain/errors.js'
import type { FeedSigner } from '../domain/feed-signing.js'
import { contentDigest, signResponse } from '../domain/message-signature.js'
import { renderOnce, type Rendered } from './conditional.js'

const MAX_RENDERS_PER_VERSION = 512
const MAX_OLD_VERSIONS = 16

export interface RenderInput {
  text: string
  contentType: string
  count: number
}

/** How rendered bodies are signed: the key, and the clock for the signature's `created`. */
export interface Sealing {
  signer: FeedSigner | undefined
  now: () => Date
}

/** A rendered feed body with its Content-Digest and, when a key is configured, its signature. */
export interface SealedRender extends Rendered {
  /** Headers that describe this exact body (sent with a 200 GET only). */
  bodyHeaders: Record<string, string>
}

export class LoadedVersion {
  readonly version: PublishedVersion
  readonly #renders = new Map<string, Promise<SealedRender>>()
  readonly #memo = new Map<string, Promise<unknown>>()
  readonly #sealing: Sealing

  constructor(version: PublishedVersion, sealing: Sealing = { signer: undefined, now: () => new Date() }) {
    this.version = version
    this.#sealing = sealing
  }

  /** Digest and signature of a body, computed once with the body: every answer reuses them. */
  async #seal(r: Rendered): Promise<SealedRender> {
    const digest = await contentDigest(r.body)
    const { signer, now } = this.#sealing
    const signature = signer
      ? await signResponse(signer, { status: 200, contentType: r.contentType, contentDigest: digest, serial: this.serial }, now())
      : {}
    return { ...r, bodyHeaders: { 'content-digest': digest, ...signature } }
  }

  /** Computes a per-version value once (e.g. its signature). */
  memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    let hit = this.#memo.get(key) as Promise<T> | undefined
    if (!hit) {
      hit = make()
      hit.catch(() => this.#memo.delete(key))
      this.#memo.set(key, hit)
    }
    return hit
  }

  get serial(): number {
    return this.version.serial
  }

  /**
   * The rendering for `key`, made by `make` the first time only. Bounded: past the
   * limit the oldest rendering is dropped (filters are user-chosen, so keys are too).
   */
  render(
    key: string,
    make: () => RenderInput | Promise<RenderInput>,
  ): Promise<SealedRender> {
    let hit = this.#renders.get(key)
    if (!hit) {
      if (this.#renders.size >= MAX_RENDERS_PER_VERSION) {
        const oldest = this.#renders.keys().next().value
        if (oldest !== undefined) this.#renders.delete(oldest)
      }
      hit = Promise.resolve()
        .then(make)
        .then((r) => renderOnce(r.text, r.contentType, r.count))
        .then((r) => this.#seal(r))
      // a failed render must not be cached forever
      hit.catch(() => this.#renders.delete(key))
      this.#renders.set(key, hit)
    }
    return hit
  }
}

export interface LatestResult {
  version: LoadedVersion
  /** True when the database could not be asked and an older answer is served. */
  stale: boolean
}

/**
 * How long a request waits for the database to say which serial is latest when a version
 * is already in memory; past it, that version is served marked stale (a database that
 * drops packets would otherwise hold every feed request until the query times out).
 */
const MAX_REFRESH_WAIT_MS = 1000

/** `p`, or a rejection once `ms` have passed. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${ms} ms`)), ms)
  })
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

export class FeedStore {
  readonly #refreshMs: number
  readonly #maxWaitMs: number
  readonly #clock: () => number
  #latest: LoadedVersion | null = null
  #checkedAt = -Infinity
  #refreshing: Promise<LoadedVersion | null> | null = null
  #refreshStartedAt = 0
  readonly #old = new Map<number, LoadedVersion>()
  readonly #sealing: Sealing

  constructor(opts: { refreshMs: number; maxWaitMs?: number; clock?: () => number; signer?: FeedSigner | undefined; now?: () => Date }) {
    this.#refreshMs = opts.refreshMs
    this.#maxWaitMs = opts.maxWaitMs ?? MAX_REFRESH_WAIT_MS
    this.#clock = opts.clock ?? (() => performance.now())
    this.#sealing = { signer: opts.signer, now: opts.now ?? (() => new Date()) }
  }

  /** Whether rendered bodies carry a signature (a signing key is configured). */
  get signed(): boolean {
    return this.#sealing.signer !== undefined
  }

  /** The latest published version; throws 404 `not_found` when nothing was published yet. */
  async latest(db: Kysely<Database>): Promise<LatestResult> {
    if (this.#latest && this.#clock() - this.#checkedAt < this.#refreshMs) {
      return { version: this.#latest, stale: false }
    }
    try {
      if (!this.#refreshing) {
        this.#refreshStartedAt = this.#clock()
        this.#refreshing = this.#refresh(db).finally(() => (this.#refreshing = null))
      }
      // requests joining a refresh that is already late do not wait again
      const budget = Math.max(0, this.#maxWaitMs - (this.#clock() - this.#refreshStartedAt))
      const v = this.#latest ? await within(this.#refreshing, budget) : await this.#refreshing
      if (!v) throw new DomainError('not_found', 'No version of the scanner range list has been published yet.', { status: 404 })
      return { version: v, stale: false }
    } catch (err) {
      if (err instanceof DomainError || !this.#latest) throw err
      return { version: this.#latest, stale: true }
    }
  }

  async #refresh(db: Kysely<Database>): Promise<LoadedVersion | null> {
    const serial = await latestSerial(db)
    this.#checkedAt = this.#clock()
    if (serial === null) return null
    if (this.#latest?.serial === serial) return this.#latest
    const v = await getVersion(db, serial)
    if (!v) return this.#latest
    this.accept(v)
    return this.#latest
  }

  /** A specific serial (immutable, so cached without re-checking). */
  async bySerial(db: Kysely<Database>, serial: number): Promise<LoadedVersion | null> {
    if (this.#latest?.serial === serial) return this.#latest
    const cached = this.#old.get(serial)
    if (cached) return cached
    const v = await getVersion(db, serial)
    if (!v) return null
    const loaded = new LoadedVersion(v, this.#sealing)
    this.#remember(loaded)
    return loaded
  }

  /** Something outside this app published (the CLI through the control channel): ask the database next time. */
  expire(): void {
    this.#checkedAt = -Infinity
  }

  /** Takes a version this process just published, so it is served without a round trip. */
  accept(v: PublishedVersion): void {
    if (this.#latest && this.#latest.serial >= v.serial) {
      this.#checkedAt = this.#clock()
      return
    }
    if (this.#latest) this.#remember(this.#latest)
    this.#latest = new LoadedVersion(v, this.#sealing)
    this.#checkedAt = this.#clock()
  }

  #remember(v: LoadedVersion): void {
    this.#old.set(v.serial, v)
    if (this.#old.size > MAX_OLD_VERSIONS) {
      const oldest = this.#old.keys().next().value
      if (oldest !== undefined) this.#old.delete(oldest)
    }
  }
}
