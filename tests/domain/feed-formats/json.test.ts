/** @module tests/domain/feed-formats/json */
import { describe, expect, it } from 'vitest'
import { applyFeedFilter, parseFeedFilter } from '../../../src/domain/feed-filter.js'
import { renderFeedJson } from '../../../src/domain/feed-formats/json.js'
import type { FeedEntry, FeedLists } from '../../../src/domain/feed-version.js'

const META = { serial: 7, createdAt: '2026-11-15T00:00:00.000Z', sha256: 'ab'.repeat(32) }

function entry(prefix: string, over: Partial<FeedEntry> = {}): FeedEntry {
  return { prefix, pool: 'asv', region: 'eu', label: 'L "quoted" </x>', status: 'active', activeFrom: '2026-01-01T00:00:00.000Z', retireAt: null, ...over }
}

const LISTS: FeedLists = {
  ipv4: [entry('192.0.2.0/25'), entry('192.0.2.128/25', { status: 'retiring', retireAt: '2027-01-01T00:00:00.000Z' })],
  ipv6: [entry('2001:db8::/32')],
}

describe('renderFeedJson', () => {
  it('writes meta, counts and both lists, in that key order', () => {
    const text = renderFeedJson(META, applyFeedFilter(LISTS, parseFeedFilter({})))
    const doc = JSON.parse(text)
    expect(Object.keys(doc)).toEqual(['serial', 'createdAt', 'sha256', 'counts', 'ipv4', 'ipv6'])
    expect(doc).toEqual({ ...META, counts: { ipv4: 2, ipv6: 1 }, ipv4: LISTS.ipv4, ipv6: LISTS.ipv6 })
  })

  it('is pretty-printed and ends with a newline', () => {
    const text = renderFeedJson(META, applyFeedFilter(LISTS, parseFeedFilter({})))
    expect(text.endsWith('}\n')).toBe(true)
    expect(text).toContain('\n  "serial": 7,')
  })

  it('always has both arrays, even when a family is filtered out or empty', () => {
    const v6 = JSON.parse(renderFeedJson(META, applyFeedFilter(LISTS, parseFeedFilter({ family: 'ipv6' }))))
    expect(v6.ipv4).toEqual([])
    expect(v6.counts).toEqual({ ipv4: 0, ipv6: 1 })
    const empty = JSON.parse(renderFeedJson(META, applyFeedFilter({ ipv4: [], ipv6: [] }, parseFeedFilter({}))))
    expect(empty).toMatchObject({ counts: { ipv4: 0, ipv6: 0 }, ipv4: [], ipv6: [] })
  })

  it('marks aggregated documents and lists only prefixes in them', () => {
    const doc = JSON.parse(renderFeedJson(META, applyFeedFilter(LISTS, parseFeedFilter({ aggregate: 'true' }))))
    expect(doc.aggregated).toBe(true)
    expect(doc.ipv4).toEqual([{ prefix: '192.0.2.0/24' }])
    expect(doc.ipv6).toEqual([{ prefix: '2001:db8::/32' }])
    expect(doc.counts).toEqual({ ipv4: 1, ipv6: 1 })
    expect(Object.keys(doc).indexOf('aggregated')).toBeLessThan(Object.keys(doc).indexOf('ipv4'))
  })

  it('has no aggregated key when not aggregated', () => {
    const doc = JSON.parse(renderFeedJson(META, applyFeedFilter(LISTS, parseFeedFilter({ aggregate: 'false' }))))
    expect('aggregated' in doc).toBe(false)
  })
})
