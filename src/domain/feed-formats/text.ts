/**
 * @module domain/feed-formats/text
 * One prefix per line, IPv4 first: what scripts, ipset loops and EDL-style fetchers want.
 * No comments, so the most naive consumer still reads only addresses.
 */
import type { FilteredLists } from '../feed-filter.js'

export function renderFeedText(lists: FilteredLists): string {
  const lines = [...lists.ipv4, ...lists.ipv6].map((e) => e.prefix)
  return lines.length ? lines.join('\n') + '\n' : ''
}
