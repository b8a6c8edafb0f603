/**
 * @module http/routes/feed-context
 * What the feed-serving routes share: the in-memory store and caching settings.
 */
import type { FeedStore } from '../feed-store.js'

export interface FeedContext {
  /** Renders, digests and signs each body once (see FeedStore). */
  store: FeedStore
  maxAge: number
  publicUrl: string | undefined
  /** The promised notice period (NOTICE_DAYS): publishing checks it, /v1/policy states it. */
  noticeDays: number
  /** Days before an effective date that subscribers are reminded (REMINDER_DAYS). */
  reminderDays: number
  /** MD5 for the checksum URLs, when the runtime has one. */
  md5Hex?: ((bytes: Uint8Array) => Promise<string>) | undefined
}
