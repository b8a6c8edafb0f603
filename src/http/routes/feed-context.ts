/**
 * @module http/routes/feed-context
 * What the feed-serving routes share: the in-memory store and caching settings.
 */
import type { FeedStore, LoadedVersion } from '../feed-store.js'

export interface FeedContext {
  store: FeedStore
  maxAge: number
  publicUrl: string | undefined
  /** The promised notice period (NOTICE_DAYS): publishing checks it, /v1/policy states it. */
  noticeDays: number
  /** Days before an effective date that subscribers are reminded (REMINDER_DAYS). */
  reminderDays: number
  /** Extra headers per version (e.g. its signature once signing is configured). */
  feedHeaders: (v: LoadedVersion) => Promise<Record<string, string>>
}
