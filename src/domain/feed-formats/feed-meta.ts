/**
 * @module domain/feed-formats/feed-meta
 * What every rendering of a version knows about it.
 */
import type { VersionChanges } from '../feed-version.js'
import type { NoticeOverride } from '../notifications/notice-policy.js'

export interface VersionMeta {
  serial: number
  createdAt: string
  /** Content hash of the whole version (see feed-version `feedSha256`). */
  sha256: string
  note?: string | null
  noticeOverride?: NoticeOverride | null
}

export interface VersionSummary extends VersionMeta {
  counts: { ipv4: number; ipv6: number }
  changes: VersionChanges
}
