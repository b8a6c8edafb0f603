/** @module tests/domain/feed-formats/text */
import { describe, expect, it } from 'vitest'
import { applyFeedFilter, parseFeedFilter } from '../../../src/domain/feed-filter.js'
import { renderFeedText } from '../../../src/domain/feed-formats/text.js'
import type { FeedEntry, FeedLists } from '../../../src/domain/feed-version.js'

function entry(prefix: string): FeedEntry {
  return { prefix, pool: 'asv', region: 'eu', label: 'a label', status: 'active', activeFrom: '2026-01-01T00:00:00.000Z', retireAt: null }
}

const LISTS: FeedLists = {
  ipv4: [entry('192.0.2.0/25'), entry('192.0.2.128/25'), entry('198.51.100.0/24')],
  ipv6: [entry('2001:db8::/32')],
}

describe('renderFeedText', () => {
  it('writes one prefix per line, IPv4 first, newline-terminated, nothing else', () => {
    expect(renderFeedText(applyFeedFilter(LISTS, parseFeedFilter({})))).toBe(
      '192.0.2.0/25\n192.0.2.128/25\n198.51.100.0/24\n2001:db8::/32\n',
    )
  })

  it('writes aggregated prefixes', () => {
    expect(renderFeedText(applyFeedFilter(LISTS, parseFeedFilter({ aggregate: '1' })))).toBe(
      '192.0.2.0/24\n198.51.100.0/24\n2001:db8::/32\n',
    )
  })

  it('respects the family filter', () => {
    expect(renderFeedText(applyFeedFilter(LISTS, parseFeedFilter({ family: '6' })))).toBe('2001:db8::/32\n')
  })

  it('is empty (no lone newline) for no entries', () => {
    expect(renderFeedText(applyFeedFilter({ ipv4: [], ipv6: [] }, parseFeedFilter({})))).toBe('')
  })

  it('never contains metadata', () => {
    const text = renderFeedText(applyFeedFilter(LISTS, parseFeedFilter({})))
    expect(text).not.toMatch(/asv|label|active|#/)
  })
})
