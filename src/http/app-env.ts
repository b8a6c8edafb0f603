/**
 * @module http/app-env
 * What the app needs from its runtime, passed in by the platform layer (like Hono's
 * `GetConnInfo`): the database, the client address and the clock.
 */
import type { Context } from 'hono'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { TokenInfo } from '../db/token-repository.js'
import type { ExclusionPolicy } from '../domain/exclusion-rules.js'
import type { FeedSigner } from '../domain/feed-signing.js'
import type { OptOutProbes } from '../domain/opt-out/probes.js'
import type { SecurityTxtConfig } from '../domain/security-txt.js'
import type { RateLimiter } from './rate-limit.js'

export interface RateLimits {
  reportsPerMinute: number
  reportsPerDay: number
  statusPerMinute: number
  /** POST /v1/subscriptions per client (×10 per day). */
  subscriptionsPerMinute: number
}

export const DEFAULT_RATE_LIMITS: RateLimits = { reportsPerMinute: 10, reportsPerDay: 200, statusPerMinute: 30, subscriptionsPerMinute: 5 }

/** Structured logger; implementations must never be handed secrets or personal data. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

/**
 * Counters the app feeds (Prometheus on Node; nothing on Workers). `route` is the
 * route pattern (`/v1/versions/:serial`), never the raw path, so labels stay few.
 */
export interface MetricsRecorder {
  /** `raw` is the request object the runtime handed in (the Node cache labels its hits by it). */
  request(info: { method: string; route: string; status: number; seconds: number; raw: Request }): void
  rateLimited(policy: string): void
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }

export interface AppDeps {
  /** The database for this request: a singleton on Node, a per-request client on Workers. */
  getDb: (c: Context) => Kysely<Database>
  /** The client's address as the runtime sees it (socket, or cf-connecting-ip). */
  getClientIp: (c: Context) => string | null
  now?: () => Date
  logger?: Logger
  /**
   * Absolute origin used in links and feed ids. Without it, links are relative where the
   * format allows; bodies that must name an origin (Atom ids) use the request's and are
   * sent `Cache-Control: private`, so a forged Host never reaches a shared cache.
   */
  publicUrl?: string
  /** Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto entries are trusted. */
  trustedProxyHops?: number
  /** Cache-Control max-age (seconds) of the latest-version feed responses. */
  feedMaxAge?: number
  /** How often (ms) a process checks the database for a newer published version. */
  feedRefreshMs?: number
  /** Signs published versions and feed responses (Ed25519); without it the signature endpoints answer 404. */
  feedSigner?: FeedSigner | undefined
  /** Where rate-limit counters live (default: Postgres through `getDb`). */
  rateLimiter?: RateLimiter
  /** Limits for the public write and status endpoints. */
  rateLimits?: Partial<RateLimits>
  /**
   * Hex MD5 for the `.md5` checksum URLs some firewalls poll (node:crypto on Node, Web
   * Crypto's MD5 on Workers; neither is standard Web Crypto). Without it `.md5` is a 404.
   */
  md5Hex?: (bytes: Uint8Array) => Promise<string>
  /** The promised notice period in days (NOTICE_DAYS, default 14). */
  noticeDays?: number
  /** Days before an effective date that subscribers get a reminder (REMINDER_DAYS, default 3). */
  reminderDays?: number
  /** How wide an exclusion may be without an override (default /24 IPv4, /48 IPv6). */
  exclusionPolicy?: ExclusionPolicy
  /** Request and rate-limit counters (Node: prom-client; absent on Workers). */
  metrics?: MetricsRecorder
  /**
   * Hands the platform a function that makes the app ask the database for the latest version
   * on its next feed request (Node: after a publish by the CLI through the control channel).
   */
  onFeedExpiry?: (expire: () => void) => void
  /** Called after a successful publish (the Node timer reschedules itself). */
  onPublished?: (serial: number) => void
  /** DNS and guarded HTTP for network owners' opt-out proofs; without them requests wait for the desk. */
  optOutProbes?: OptOutProbes
  /** RFC 9116 security.txt; without it /.well-known/security.txt answers 404. */
  securityTxt?: SecurityTxtConfig | null
}

export interface AppEnv {
  Variables: {
    requestId: string
    db: Kysely<Database>
    actor: TokenInfo | undefined
    /** the request reached us over HTTPS (http/transport) */
    https: boolean
  }
}
