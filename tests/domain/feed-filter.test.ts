/** @module tests/domain/feed-filter */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cidrFromBigint, cidrLast, cidrsOverlap, familyBits, parseCidr, type Family } from '../../src/domain/cidr.js'
import { DomainError } from '../../src/domain/errors.js'
import {
  applyFeedFilter,
  entryComment,
  feedFilterKey,
  isUnfiltered,
  NO_FILTER,
  parseFeedFilter,
  SLUG,
  type FeedFilter,
} from '../../src/domain/feed-filter.js'
import type { FeedEntry, FeedLists } from '../../src/domain/feed-version.js'
import type { PublishedStatus } from '../../src/domain/range-lifecycle.js'

function entry(prefix: string, over: Partial<FeedEntry> = {}): FeedEntry {
  return {
    prefix,
    pool: 'asv',
    region: 'eu',
    label: '',
    status: 'active',
    activeFrom: '2026-01-01T00:00:00.000Z',
    retireAt: null,
    ...over,
  }
}

function caught(f: () => unknown): DomainError {
  try {
    f()
  } catch (e) {
    if (e instanceof DomainError) return e
    throw e
  }
  throw new Error('expected a DomainError')
}

describe('parseFeedFilter', () => {
  it('gives NO_FILTER for an empty query and for empty values', () => {
    expect(parseFeedFilter({})).toEqual(NO_FILTER)
    expect(parseFeedFilter({ family: '', pool: '', region: '', status: '', aggregate: '' })).toEqual(NO_FILTER)
    expect(parseFeedFilter({ pool: ',', region: ' , ,' })).toEqual(NO_FILTER)
  })

  it('accepts ipv4/4 and ipv6/6 for family', () => {
    expect(parseFeedFilter({ family: 'ipv4' }).family).toBe('ipv4')
    expect(parseFeedFilter({ family: '4' }).family).toBe('ipv4')
    expect(parseFeedFilter({ family: 'ipv6' }).family).toBe('ipv6')
    expect(parseFeedFilter({ family: '6' }).family).toBe('ipv6')
  })

  it('accepts true/1 and false/0 for aggregate', () => {
    expect(parseFeedFilter({ aggregate: 'true' }).aggregate).toBe(true)
    expect(parseFeedFilter({ aggregate: '1' }).aggregate).toBe(true)
    expect(parseFeedFilter({ aggregate: 'false' }).aggregate).toBe(false)
    expect(parseFeedFilter({ aggregate: '0' }).aggregate).toBe(false)
  })

  it('splits, trims, de-duplicates and sorts comma-separated lists', () => {
    const f = parseFeedFilter({ pool: ' web , asv,web,,', region: 'us-east', status: 'retiring,active' })
    expect(f.pools).toEqual(['asv', 'web'])
    expect(f.regions).toEqual(['us-east'])
    expect(f.statuses).toEqual(['active', 'retiring'])
  })

  it('reads family in any case (IPv4, IPV6, ipv4)', () => {
    expect(parseFeedFilter({ family: 'IPv4' }).family).toBe('ipv4')
    expect(parseFeedFilter({ family: 'IPV6' }).family).toBe('ipv6')
    expect(parseFeedFilter({ family: 'Ipv6' }).family).toBe('ipv6')
  })

  const invalid: [Record<string, string>, string][] = [
    [{ family: 'ipv5' }, 'family'],
    [{ family: 'inet' }, 'family'],
    [{ family: ' 4' }, 'family'],
    [{ aggregate: 'yes' }, 'aggregate'],
    [{ aggregate: 'TRUE' }, 'aggregate'],
    [{ aggregate: '2' }, 'aggregate'],
    [{ pool: 'Web' }, 'pool'],
    [{ pool: 'ok,-bad' }, 'pool'],
    [{ pool: 'has space' }, 'pool'],
    [{ pool: 'a'.repeat(64) }, 'pool'],
    [{ pool: 'ünï' }, 'pool'],
    [{ region: 'eu/central' }, 'region'],
    [{ region: '_x' }, 'region'],
    [{ status: 'retired' }, 'status'],
    [{ status: 'active,Active' }, 'status'],
    [{ status: 'all' }, 'status'],
  ]
  it.each(invalid)('refuses %j with a DomainError naming the field', (query, field) => {
    const e = caught(() => parseFeedFilter(query))
    expect(e.code).toBe('invalid_option')
    expect(e.status).toBe(400)
    expect(e.field).toBe(field)
    expect(e.message).toContain(field)
  })

  it('says which statuses are allowed and why retired is not one', () => {
    expect(caught(() => parseFeedFilter({ status: 'retired' })).message).toMatch(/announced, active, retiring.*retired ranges are not published/)
  })

  it('truncates echoed values so a huge query does not make a huge message', () => {
    const e = caught(() => parseFeedFilter({ family: 'x'.repeat(10_000) }))
    expect(e.message.length).toBeLessThan(100)
    expect(caught(() => parseFeedFilter({ pool: 'X'.repeat(10_000) })).message.length).toBeLessThan(250)
  })

  it('accepts every slug and refuses every non-slug (property)', () => {
    const slugChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789._-'.split(''))
    const slug = fc.tuple(fc.constantFrom(...'abc019'.split('')), fc.string({ unit: slugChar, maxLength: 62 })).map(([a, b]) => a + b)
    fc.assert(
      fc.property(slug, (s) => {
        expect(parseFeedFilter({ pool: s }).pools).toEqual([s])
      }),
    )
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 70 }), (s) => {
        const value = s.trim()
        fc.pre(value !== '' && !value.includes(','))
        if (SLUG.test(value)) expect(parseFeedFilter({ region: s }).regions).toEqual([value])
        else expect(caught(() => parseFeedFilter({ region: s })).field).toBe('region')
      }),
    )
  })
})

describe('feedFilterKey', () => {
  it('distinguishes the unfiltered feed from filtered ones', () => {
    expect(isUnfiltered(NO_FILTER)).toBe(true)
    expect(isUnfiltered(parseFeedFilter({}))).toBe(true)
    expect(isUnfiltered(parseFeedFilter({ aggregate: 'false', pool: '' }))).toBe(true)
    for (const q of [{ family: '4' }, { aggregate: '1' }, { pool: 'a' }, { region: 'a' }, { status: 'active' }]) {
      expect(isUnfiltered(parseFeedFilter(q))).toBe(false)
    }
  })

  it('keeps each dimension apart (no collisions between fields)', () => {
    const keys = [
      { pool: 'a' },
      { region: 'a' },
      { pool: 'a,b' },
      { pool: 'a', region: 'b' },
      { pool: 'b', region: 'a' },
      { family: 'ipv4' },
      { family: 'ipv6' },
      { status: 'active' },
      { aggregate: 'true' },
    ].map((q) => feedFilterKey(parseFeedFilter(q)))
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('is stable under reordering, duplicates and spacing of list values (property)', () => {
    const slugs = fc.uniqueArray(fc.constantFrom('asv', 'web', 'a.b', 'x-1', 'z_9', '0'), { minLength: 1 })
    const statuses = fc.uniqueArray(fc.constantFrom<PublishedStatus>('announced', 'active', 'retiring'), { minLength: 1 })
    const messy = (values: string[]) =>
      fc
        .tuple(fc.shuffledSubarray(values, { minLength: values.length }), fc.subarray(values), fc.constantFrom('', ' ', ','))
        .map(([order, dups, pad]) => [...order, ...dups].map((v) => `${pad === ' ' ? ' ' : ''}${v}`).join(',') + (pad === ',' ? ',' : ''))
    const queries = fc.tuple(slugs, slugs, statuses).chain(([pools, regions, sts]) =>
      fc.tuple(
        fc.constant({ pool: pools.join(','), region: regions.join(','), status: sts.join(',') }),
        fc.record({ pool: messy(pools), region: messy(regions), status: messy(sts) }),
      ),
    )
    fc.assert(
      fc.property(queries, ([plain, shuffled]) => {
        expect(feedFilterKey(parseFeedFilter(shuffled))).toBe(feedFilterKey(parseFeedFilter(plain)))
        expect(parseFeedFilter(shuffled)).toEqual(parseFeedFilter(plain))
      }),
    )
  })
})

// ---------------------------------------------------------------------------------------
// Aggregation coverage, computed independently of aggregateCidrs: union of [first, last]
// intervals per family.

type Interval = [bigint, bigint]

function coverage(prefixes: readonly string[], family: Family): Interval[] {
  const spans = prefixes
    .map((p) => parseCidr(p))
    .filter((c) => c.family === family)
    .map((c): Interval => [c.network, cidrLast(c)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const out: Interval[] = []
  for (const [lo, hi] of spans) {
    const top = out[out.length - 1]
    if (top && lo <= top[1] + 1n) top[1] = hi > top[1] ? hi : top[1]
    else out.push([lo, hi])
  }
  return out
}

const STATUSES: PublishedStatus[] = ['announced', 'active', 'retiring']

/** A random block of the family, biased to a small area so blocks nest and touch often. */
function cidrArb(family: Family) {
  const bits = familyBits(family)
  const base = family === 'ipv4' ? 0x0a00_0000n : 0x2001_0db8n << 96n
  const window = 12
  return fc.tuple(fc.bigInt({ min: 0n, max: (1n << BigInt(window)) - 1n }), fc.integer({ min: bits - window, max: bits })).map(([offset, len]) => {
    const host = BigInt(bits - len)
    return cidrFromBigint(family, base + ((offset >> host) << host), len)
  })
}

function listsArb() {
  const entryFor = (family: Family) =>
    fc.record({
      cidr: cidrArb(family),
      pool: fc.constantFrom('asv', 'web'),
      region: fc.constantFrom('eu', 'us'),
      status: fc.constantFrom(...STATUSES),
    })
  const dedupe = <T extends { cidr: { text: string } }>(xs: T[]) => [...new Map(xs.map((x) => [x.cidr.text, x])).values()]
  return fc
    .tuple(fc.array(entryFor('ipv4'), { maxLength: 30 }), fc.array(entryFor('ipv6'), { maxLength: 30 }))
    .map(([v4, v6]): FeedLists => ({
      ipv4: dedupe(v4).map((x) => entry(x.cidr.text, { pool: x.pool, region: x.region, status: x.status })),
      ipv6: dedupe(v6).map((x) => entry(x.cidr.text, { pool: x.pool, region: x.region, status: x.status })),
    }))
}

function filterArb(aggregate: boolean) {
  return fc.record({
    family: fc.constantFrom<Family | null>(null, 'ipv4', 'ipv6'),
    pools: fc.option(fc.subarray(['asv', 'web', 'none'], { minLength: 1 })),
    regions: fc.option(fc.subarray(['eu', 'us'], { minLength: 1 })),
    statuses: fc.option(fc.subarray(STATUSES, { minLength: 1 })),
    aggregate: fc.constant(aggregate),
  })
}

describe('applyFeedFilter', () => {
  const data: FeedLists = {
    ipv4: [
      entry('192.0.2.0/25', { pool: 'asv', region: 'eu', status: 'active' }),
      entry('192.0.2.128/25', { pool: 'asv', region: 'us', status: 'retiring', retireAt: '2027-01-01T00:00:00.000Z' }),
      entry('198.51.100.0/24', { pool: 'web', region: 'eu', status: 'announced' }),
    ],
    ipv6: [
      entry('2001:db8::/33', { pool: 'asv', region: 'eu' }),
      entry('2001:db8:8000::/33', { pool: 'web', region: 'eu' }),
    ],
  }

  it('returns everything, unaggregated, for NO_FILTER', () => {
    expect(applyFeedFilter(data, NO_FILTER)).toEqual({ aggregated: false, ipv4: data.ipv4, ipv6: data.ipv6 })
  })

  it('filters by family, pool, region and status together', () => {
    const f = (q: Record<string, string>) => {
      const out = applyFeedFilter(data, parseFeedFilter(q))
      return [...out.ipv4, ...out.ipv6].map((e) => e.prefix)
    }
    expect(f({ family: '6' })).toEqual(['2001:db8::/33', '2001:db8:8000::/33'])
    expect(f({ family: '4', pool: 'asv' })).toEqual(['192.0.2.0/25', '192.0.2.128/25'])
    expect(f({ pool: 'web' })).toEqual(['198.51.100.0/24', '2001:db8:8000::/33'])
    expect(f({ region: 'us' })).toEqual(['192.0.2.128/25'])
    expect(f({ status: 'announced,retiring' })).toEqual(['192.0.2.128/25', '198.51.100.0/24'])
    expect(f({ pool: 'asv', region: 'eu', status: 'active' })).toEqual(['192.0.2.0/25', '2001:db8::/33'])
    expect(f({ pool: 'nothing' })).toEqual([])
  })

  it('keeps both arrays even when a family is filtered out or empty', () => {
    const v4 = applyFeedFilter(data, parseFeedFilter({ family: 'ipv4', aggregate: 'true' }))
    expect(v4).toEqual({ aggregated: true, ipv4: [{ prefix: '192.0.2.0/24' }, { prefix: '198.51.100.0/24' }], ipv6: [] })
    const none = applyFeedFilter({ ipv4: [], ipv6: [] }, parseFeedFilter({ aggregate: '1' }))
    expect(none).toEqual({ aggregated: true, ipv4: [], ipv6: [] })
  })

  it('merges sibling halves and keeps only the prefix when aggregating', () => {
    const out = applyFeedFilter(data, parseFeedFilter({ aggregate: 'true' }))
    expect(out).toEqual({
      aggregated: true,
      ipv4: [{ prefix: '192.0.2.0/24' }, { prefix: '198.51.100.0/24' }],
      ipv6: [{ prefix: '2001:db8::/32' }],
    })
  })

  it('does not mutate the version lists', () => {
    const copy = structuredClone(data)
    applyFeedFilter(data, parseFeedFilter({ pool: 'asv', aggregate: '1' }))
    expect(data).toEqual(copy)
  })

  it('without aggregate, keeps exactly the matching entries in order (property)', () => {
    fc.assert(
      fc.property(listsArb(), filterArb(false), (lists, f: FeedFilter) => {
        const out = applyFeedFilter(lists, f)
        expect(out.aggregated).toBe(false)
        const matches = (e: FeedEntry) =>
          (f.pools === null || f.pools.includes(e.pool)) &&
          (f.regions === null || f.regions.includes(e.region)) &&
          (f.statuses === null || f.statuses.includes(e.status))
        expect(out.ipv4).toEqual(f.family === 'ipv6' ? [] : lists.ipv4.filter(matches))
        expect(out.ipv6).toEqual(f.family === 'ipv4' ? [] : lists.ipv6.filter(matches))
      }),
    )
  })

  it('with aggregate, covers exactly the addresses of the filtered entries, per family (property)', () => {
    fc.assert(
      fc.property(listsArb(), filterArb(true), (lists, f: FeedFilter) => {
        const plain = applyFeedFilter(lists, { ...f, aggregate: false })
        const agg = applyFeedFilter(lists, f)
        expect(agg.aggregated).toBe(true)
        expect(Array.isArray(agg.ipv4) && Array.isArray(agg.ipv6)).toBe(true)
        for (const family of ['ipv4', 'ipv6'] as const) {
          const merged = agg[family].map((e) => e.prefix)
          for (const e of agg[family]) expect(Object.keys(e)).toEqual(['prefix'])
          // right family in each list, and canonical text
          for (const p of merged) expect(parseCidr(p)).toMatchObject({ family, text: p })
          expect(coverage(merged, family)).toEqual(coverage(plain[family].map((e) => e.prefix), family))
          // minimal: output blocks never overlap, and never fewer addresses with more blocks
          const cidrs = merged.map((p) => parseCidr(p))
          for (let i = 0; i < cidrs.length; i++) {
            for (let j = i + 1; j < cidrs.length; j++) expect(cidrsOverlap(cidrs[i]!, cidrs[j]!)).toBe(false)
          }
          expect(merged.length).toBeLessThanOrEqual(plain[family].length)
        }
      }),
    )
  })
})

describe('entryComment', () => {
  it('joins pool, region and label, skipping empty parts', () => {
    expect(entryComment(entry('192.0.2.0/24', { pool: 'asv', region: 'eu', label: 'Frankfurt' }))).toBe('asv eu Frankfurt')
    expect(entryComment(entry('192.0.2.0/24', { pool: 'asv', region: 'eu', label: '' }))).toBe('asv eu')
  })

  it('is null for aggregated entries', () => {
    expect(entryComment({ prefix: '192.0.2.0/24' })).toBeNull()
  })
})
