/**
 * @module domain/feed-formats/json
 * The JSON feed document. Both arrays are always present, so a client can tell
 * "no IPv6 ranges" from "a broken document".
 */
import type { FilteredLists } from '../feed-filter.js'
import type { VersionMeta } from './feed-meta.js'

export function renderFeedJson(meta: VersionMeta, lists: FilteredLists): string {
  const doc = {
    serial: meta.serial,
    createdAt: meta.createdAt,
    sha256: meta.sha256,
    counts: { ipv4: lists.ipv4.length, ipv6: lists.ipv6.length },
    // only when present, so versions without them keep the bytes they were signed with
    ...(meta.note ? { note: meta.note } : {}),
    ...(meta.noticeOverride ? { noticeOverride: meta.noticeOverride } : {}),
    ...(lists.aggregated ? { aggregated: true } : {}),
    ipv4: lists.ipv4,
    ipv6: lists.ipv6,
  }
  return JSON.stringify(doc, null, 2) + '\n'
}
