/** @module tests/domain/feed-version */
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareCidrs, parseCidr } from '../../src/domain/cidr.js'
import {
  buildFeedLists,
  diffFeedLists,
  feedSha256,
  hasChanges,
  MAX_UNPLANNED_DROP,
  publishRefusal,
  type CatalogueRange,
  type FeedEntry,
  type FeedLists,
} from '../../src/domain/feed-version.js'
import type { PublishedStatus } from '../../src/domain/range-lifecycle.js'

const NOW = new Date('2026-11-15T00:00:00.000Z')
const DAY = 86_400_000
const iso = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString()

let nextId = 0
function range(prefix: string, over: Partial<CatalogueRange> = {}): CatalogueRange {
  return {
    id: `r${++nextId}`,
    prefix,
    family: prefix.includes(':') ? 'ipv6' : 'ipv4',
    pool: 'asv',
    region: 'eu',
    label: '',
    activeFrom: new Date(NOW.getTime() - 30 * DAY),
    retireAt: null,
    ...over,
  }
}

function entry(prefix: string, over: Partial<FeedEntry> = {}): FeedEntry {
  return {
    prefix,
    pool: 'asv',
    region: 'eu',
    label: '',
    status: 'active',
    activeFrom: iso(-30),
    retireAt: null,
    ...over,
  }
}

function lists(...entries: FeedEntry[]): FeedLists {
  return {
    ipv4: entries.filter((e) => !e.prefix.includes(':')),
    ipv6: entries.filter((e) => e.prefix.includes(':')),
  }
}

/** n distinct active IPv4 /24 entries. */
function many(n: number, over: Partial<FeedEntry> = {}): FeedEntry[] {
  return Array.from({ length: n }, (_, i) => entry(`10.${Math.floor(i / 256)}.${i % 256}.0/24`, over))
}

describe('buildFeedLists', () => {
  it('splits by family, sorts by address and leaves out retired ranges', () => {
    const out = buildFeedLists(
      [
        range('2001:db8:1::/48'),
        range('198.51.100.0/24'),
        range('10.0.0.0/8'),
        range('2001:db8::/48'),
        range('192.0.2.0/25'),
        range('192.0.2.128/25', { retireAt: new Date(NOW.getTime() - DAY) }),
      ],
      NOW,
    )
    expect(out.ipv4.map((e) => e.prefix)).toEqual(['10.0.0.0/8', '192.0.2.0/25', '198.51.100.0/24'])
    expect(out.ipv6.map((e) => e.prefix)).toEqual(['2001:db8::/48', '2001:db8:1::/48'])
  })

  it('sorts numerically, not as text', () => {
    const out = buildFeedLists([range('10.0.0.0/24'), range('9.0.0.0/24'), range('100.0.0.0/24')], NOW)
    expect(out.ipv4.map((e) => e.prefix)).toEqual(['9.0.0.0/24', '10.0.0.0/24', '100.0.0.0/24'])
  })

  it('computes each status at now and writes dates as ISO strings', () => {
    const out = buildFeedLists(
      [
        range('192.0.2.0/26', { activeFrom: new Date(NOW.getTime() + DAY), pool: 'p', region: 'r', label: 'L' }),
        range('192.0.2.64/26'),
        range('192.0.2.128/26', { retireAt: new Date(NOW.getTime() + DAY) }),
        range('192.0.2.192/26', { retireAt: NOW }),
      ],
      NOW,
    )
    expect(out.ipv4).toEqual([
      { prefix: '192.0.2.0/26', pool: 'p', region: 'r', label: 'L', status: 'announced', activeFrom: iso(1), retireAt: null },
      { prefix: '192.0.2.64/26', pool: 'asv', region: 'eu', label: '', status: 'active', activeFrom: iso(-30), retireAt: null },
      { prefix: '192.0.2.128/26', pool: 'asv', region: 'eu', label: '', status: 'retiring', activeFrom: iso(-30), retireAt: iso(1) },
    ])
    expect(out.ipv6).toEqual([])
  })

  it('keeps entry keys in the documented order (what JSON clients see)', () => {
    const [e] = buildFeedLists([range('192.0.2.0/24')], NOW).ipv4
    expect(Object.keys(e ?? {})).toEqual(['prefix', 'pool', 'region', 'label', 'status', 'activeFrom', 'retireAt'])
  })

  it('does not depend on input order (property)', () => {
    const prefixes = ['10.0.0.0/8', '192.0.2.0/24', '198.51.100.0/24', '2001:db8::/32', '::/127', '2001:db8:1::/48']
    fc.assert(
      fc.property(fc.shuffledSubarray(prefixes), fc.nat(), (subset, seed) => {
        const ranges = subset.map((p) => range(p))
        const rotated = [...ranges.slice(seed % (ranges.length || 1)), ...ranges.slice(0, seed % (ranges.length || 1))]
        const a = buildFeedLists(ranges, NOW)
        expect(buildFeedLists(rotated, NOW)).toEqual(a)
        for (const list of [a.ipv4, a.ipv6]) {
          const cidrs = list.map((e) => parseCidr(e.prefix))
          expect([...cidrs].sort(compareCidrs)).toEqual(cidrs)
        }
      }),
    )
  })
})

describe('feedSha256', () => {
  it('is the SHA-256 of the canonical JSON (sorted keys, ipv4 before ipv6, no spaces)', async () => {
    const l = lists(entry('192.0.2.0/24', { label: 'ünïcode ✓' }), entry('2001:db8::/32'))
    const expected = createHash('sha256')
      .update(
        JSON.stringify({
          ipv4: l.ipv4.map((e) => ({ activeFrom: e.activeFrom, label: e.label, pool: e.pool, prefix: e.prefix, region: e.region, retireAt: e.retireAt, status: e.status })),
          ipv6: l.ipv6.map((e) => ({ activeFrom: e.activeFrom, label: e.label, pool: e.pool, prefix: e.prefix, region: e.region, retireAt: e.retireAt, status: e.status })),
        }),
        'utf8',
      )
      .digest('hex')
    expect(await feedSha256(l)).toBe(expected)
  })

  it('ignores extra properties on the lists object', async () => {
    const l = lists(entry('192.0.2.0/24'))
    expect(await feedSha256({ ...l, extra: 1 } as FeedLists)).toBe(await feedSha256(l))
  })

  it('changes when any field of any entry changes', async () => {
    const base = await feedSha256(lists(entry('192.0.2.0/24')))
    const variants: Partial<FeedEntry>[] = [
      { pool: 'other' },
      { region: 'us' },
      { label: 'x' },
      { status: 'retiring' },
      { activeFrom: iso(-29) },
      { retireAt: iso(5) },
    ]
    for (const v of variants) expect(await feedSha256(lists(entry('192.0.2.0/24', v)))).not.toBe(base)
    expect(await feedSha256(lists(entry('192.0.3.0/24')))).not.toBe(base)
  })
})

describe('diffFeedLists', () => {
  it('reports everything as added for the first version', () => {
    const next = lists(entry('192.0.2.0/24', { status: 'retiring', retireAt: iso(3) }), entry('2001:db8::/32'))
    expect(diffFeedLists(null, next, NOW)).toEqual({
      added: [
        { prefix: '192.0.2.0/24', status: 'retiring', activeFrom: iso(-30), retireAt: iso(3) },
        { prefix: '2001:db8::/32', status: 'active', activeFrom: iso(-30), retireAt: null },
      ],
      removed: [],
      changed: [],
    })
  })

  it('reports no changes between equal lists', () => {
    const l = lists(entry('192.0.2.0/24'), entry('2001:db8::/32'))
    const c = diffFeedLists(l, structuredClone(l), NOW)
    expect(c).toEqual({ added: [], removed: [], changed: [] })
    expect(hasChanges(c)).toBe(false)
  })

  it('reports additions and removals across both families', () => {
    const prev = lists(entry('192.0.2.0/24'), entry('2001:db8::/32'))
    const next = lists(entry('198.51.100.0/24'), entry('2001:db8::/32'))
    const c = diffFeedLists(prev, next, NOW)
    expect(c.added.map((a) => a.prefix)).toEqual(['198.51.100.0/24'])
    expect(c.removed).toEqual([{ prefix: '192.0.2.0/24', previousStatus: 'active', effective: NOW.toISOString(), reason: 'retired' }])
    expect(c.changed).toEqual([])
    expect(hasChanges(c)).toBe(true)
  })

  it('dates a removal at its retireAt when it retired on schedule, otherwise at now', () => {
    const prev = lists(
      entry('192.0.2.0/24', { status: 'retiring', retireAt: iso(-1) }),
      entry('198.51.100.0/24', { status: 'retiring', retireAt: iso(10) }),
      entry('203.0.113.0/24', { status: 'retiring', retireAt: NOW.toISOString() }),
    )
    const c = diffFeedLists(prev, lists(entry('10.0.0.0/8')), NOW)
    expect(c.removed).toEqual([
      { prefix: '192.0.2.0/24', previousStatus: 'retiring', effective: iso(-1), reason: 'retired' },
      { prefix: '198.51.100.0/24', previousStatus: 'retiring', effective: NOW.toISOString(), reason: 'retired' },
      { prefix: '203.0.113.0/24', previousStatus: 'retiring', effective: NOW.toISOString(), reason: 'retired' },
    ])
  })

  it('lists only the fields that changed, with from and to', () => {
    const prev = lists(entry('192.0.2.0/24', { label: 'old', pool: 'a' }))
    const next = lists(entry('192.0.2.0/24', { label: 'new', pool: 'a' }))
    expect(diffFeedLists(prev, next, NOW).changed).toEqual([
      { prefix: '192.0.2.0/24', fields: { label: { from: 'old', to: 'new' } }, effective: NOW.toISOString() },
    ])
  })

  describe('effective date of a change', () => {
    const effectiveOf = (before: Partial<FeedEntry>, after: Partial<FeedEntry>) => {
      const c = diffFeedLists(lists(entry('192.0.2.0/24', before)), lists(entry('192.0.2.0/24', after)), NOW)
      expect(c.changed).toHaveLength(1)
      return c.changed[0]?.effective
    }

    it('announced → active takes effect at activeFrom', () => {
      expect(effectiveOf({ status: 'announced', activeFrom: iso(-1) }, { status: 'active', activeFrom: iso(-1) })).toBe(iso(-1))
    })

    it('announced → retiring (activeFrom passed, retireAt already set) takes effect at activeFrom', () => {
      // was: retireAt (a future date), although the range was already in use
      const before = { status: 'announced' as const, activeFrom: iso(-1), retireAt: iso(20) }
      expect(effectiveOf(before, { ...before, status: 'retiring' })).toBe(iso(-1))
    })

    it('active → retiring (retireAt newly set) takes effect at retireAt', () => {
      expect(effectiveOf({ status: 'active' }, { status: 'retiring', retireAt: iso(20) })).toBe(iso(20))
    })

    it('a moved retireAt takes effect at the new retireAt', () => {
      expect(effectiveOf({ status: 'retiring', retireAt: iso(20) }, { status: 'retiring', retireAt: iso(40) })).toBe(iso(40))
    })

    it('a cancelled retirement (retiring → active) takes effect now, not at the old activeFrom', () => {
      // was: activeFrom, 30 days in the past
      expect(effectiveOf({ status: 'retiring', retireAt: iso(20) }, { status: 'active', retireAt: null })).toBe(NOW.toISOString())
    })

    it('a moved activeFrom of an announced range takes effect at the new activeFrom', () => {
      const before = { status: 'announced' as const, activeFrom: iso(10) }
      expect(effectiveOf(before, { ...before, activeFrom: iso(14) })).toBe(iso(14))
    })

    it('metadata edits take effect now', () => {
      expect(effectiveOf({ pool: 'a' }, { pool: 'b' })).toBe(NOW.toISOString())
      expect(effectiveOf({ region: 'a', status: 'retiring', retireAt: iso(5) }, { region: 'b', status: 'retiring', retireAt: iso(5) })).toBe(NOW.toISOString())
    })
  })

  it('added + kept = next and removed + kept = prev (property)', () => {
    const pool = ['10.0.0.0/8', '192.0.2.0/24', '198.51.100.0/24', '2001:db8::/32', '2001:db8:1::/48', '::1/128']
    const statuses: PublishedStatus[] = ['announced', 'active', 'retiring']
    const entryArb = (prefix: string) =>
      fc.record({ status: fc.constantFrom(...statuses), label: fc.constantFrom('', 'a', 'b') }).map((o) => entry(prefix, o))
    const listsArb = fc.subarray(pool).chain((ps) => fc.tuple(...ps.map(entryArb))).map((es) => lists(...es))
    fc.assert(
      fc.property(fc.option(listsArb), listsArb, (prev, next) => {
        const c = diffFeedLists(prev, next, NOW)
        const prevSet = new Set(prev ? [...prev.ipv4, ...prev.ipv6].map((e) => e.prefix) : [])
        const nextSet = new Set([...next.ipv4, ...next.ipv6].map((e) => e.prefix))
        expect(new Set(c.added.map((a) => a.prefix))).toEqual(new Set([...nextSet].filter((p) => !prevSet.has(p))))
        expect(new Set(c.removed.map((a) => a.prefix))).toEqual(new Set([...prevSet].filter((p) => !nextSet.has(p))))
        for (const ch of c.changed) {
          expect(prevSet.has(ch.prefix) && nextSet.has(ch.prefix)).toBe(true)
          expect(Object.keys(ch.fields).length).toBeGreaterThan(0)
        }
        expect(hasChanges(c)).toBe(c.added.length + c.removed.length + c.changed.length > 0)
      }),
    )
  })
})

describe('hasChanges', () => {
  it('is true when any of the three lists is non-empty', () => {
    const none = { added: [], removed: [], changed: [] }
    expect(hasChanges(none)).toBe(false)
    expect(hasChanges({ ...none, added: [{ prefix: 'x', status: 'active', activeFrom: iso(0), retireAt: null }] })).toBe(true)
    expect(hasChanges({ ...none, removed: [{ prefix: 'x', previousStatus: 'active', effective: iso(0) }] })).toBe(true)
    expect(hasChanges({ ...none, changed: [{ prefix: 'x', fields: {}, effective: iso(0) }] })).toBe(true)
  })
})

describe('publishRefusal', () => {
  it('refuses an empty list, with or without a previous version', () => {
    expect(publishRefusal(null, lists(), NOW)).toMatch(/empty list/)
    expect(publishRefusal(lists(entry('192.0.2.0/24')), lists(), NOW)).toMatch(/force: true/)
  })

  it('accepts any non-empty first version', () => {
    expect(publishRefusal(null, lists(entry('2001:db8::/32')), NOW)).toBeNull()
  })

  it('allows dropping exactly 25% of in-use prefixes and refuses more', () => {
    expect(MAX_UNPLANNED_DROP).toBe(0.25)
    const prev = lists(...many(8))
    expect(publishRefusal(prev, lists(...many(8).slice(2)), NOW)).toBeNull()
    const refusal = publishRefusal(prev, lists(...many(8).slice(3)), NOW)
    expect(refusal).toMatch(/drops 3 of 8 in-use prefixes/)
    expect(refusal).toContain('10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24')
  })

  it('shows at most five dropped prefixes', () => {
    const refusal = publishRefusal(lists(...many(10)), lists(...many(10).slice(7)), NOW)
    expect(refusal).toMatch(/drops 7 of 10/)
    expect(refusal).toContain('10.0.4.0/24, …')
    expect(refusal).not.toContain('10.0.5.0/24')
  })

  it('does not count removals whose retireAt has passed (planned retirements)', () => {
    const retired = many(6, { status: 'retiring', retireAt: iso(-1) })
    const prev = lists(...retired, entry('2001:db8::/32'))
    expect(publishRefusal(prev, lists(entry('2001:db8::/32')), NOW)).toBeNull()
    // a retireAt exactly at now has passed too
    const atNow = many(6, { status: 'retiring', retireAt: NOW.toISOString() })
    expect(publishRefusal(lists(...atNow, entry('2001:db8::/32')), lists(entry('2001:db8::/32')), NOW)).toBeNull()
  })

  it('counts removals whose retireAt is still in the future', () => {
    const prev = lists(...many(4, { status: 'retiring', retireAt: iso(5) }))
    expect(publishRefusal(prev, lists(...many(4).slice(2)), NOW)).toMatch(/drops 2 of 4/)
  })

  it('ignores announced prefixes that are still announced', () => {
    const prev = lists(...many(6, { status: 'announced', activeFrom: iso(3) }), entry('2001:db8::/32'))
    expect(publishRefusal(prev, lists(entry('2001:db8::/32')), NOW)).toBeNull()
  })

  it('counts prefixes published as announced whose activeFrom has passed since', () => {
    // the version that would have marked them active was never published (e.g. the timer
    // was down); scanners use them now, so losing them is exactly what the guard is for
    const prev = lists(...many(6, { status: 'announced', activeFrom: iso(-1) }), entry('2001:db8::/32'))
    expect(publishRefusal(prev, lists(entry('2001:db8::/32')), NOW)).toMatch(/drops 6 of 7/)
  })

  it('is fine when nothing in the previous version was in use', () => {
    const prev = lists(...many(3, { status: 'announced', activeFrom: iso(3) }))
    expect(publishRefusal(prev, lists(entry('2001:db8::/32')), NOW)).toBeNull()
  })

  it('counts both families together', () => {
    const prev = lists(entry('192.0.2.0/24'), entry('2001:db8::/32'), entry('2001:db8:1::/48'), entry('2001:db8:2::/48'))
    expect(publishRefusal(prev, lists(entry('192.0.2.0/24'), entry('2001:db8::/32'), entry('2001:db8:1::/48')), NOW)).toBeNull()
    expect(publishRefusal(prev, lists(entry('192.0.2.0/24'), entry('2001:db8::/32')), NOW)).toMatch(/drops 2 of 4/)
  })

  it('refuses exactly when the unplanned share exceeds 25% (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        (inUse, droppedRaw, planned) => {
          const dropped = Math.min(droppedRaw, inUse)
          const active = many(inUse)
          const retired = many(planned, { status: 'retiring', retireAt: iso(-1) }).map((e) => ({ ...e, prefix: e.prefix.replace(/^10\./, '11.') }))
          const prev = lists(...active, ...retired)
          const next = lists(...active.slice(dropped), entry('2001:db8::/32'))
          const refusal = publishRefusal(prev, next, NOW)
          const total = inUse + planned
          expect(refusal !== null).toBe(dropped / total > MAX_UNPLANNED_DROP)
        },
      ),
    )
  })
})

describe('retirements and withdrawals the previous version did not show', () => {
  it('publishRefusal counts prefixes the catalogue retired or withdrew as planned', () => {
    const prev = lists(...many(8))
    const next = lists(...many(8).slice(4))
    expect(publishRefusal(prev, next, NOW)).toMatch(/drops 4 of 8/)
    expect(publishRefusal(prev, next, NOW, new Set(['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24']))).toBeNull()
    expect(publishRefusal(prev, next, NOW, new Set(['10.0.0.0/24']))).toMatch(/drops 3 of 8/)
  })

  it('diffFeedLists says which removals were withdrawals', () => {
    const prev = lists(entry('192.0.2.0/24', { status: 'announced', activeFrom: iso(10) }), entry('198.51.100.0/24'))
    const c = diffFeedLists(prev, lists(), NOW, new Set(['192.0.2.0/24']))
    expect(c.removed.map((r) => [r.prefix, r.reason])).toEqual([
      ['192.0.2.0/24', 'withdrawn'],
      ['198.51.100.0/24', 'retired'],
    ])
  })

  it('buildFeedLists leaves out withdrawn ranges', () => {
    const l = buildFeedLists([range('192.0.2.0/24', { activeFrom: new Date(iso(10)), retiredAt: new Date(iso(-1)) }), range('198.51.100.0/24')], NOW)
    expect(l.ipv4.map((e) => e.prefix)).toEqual(['198.51.100.0/24'])
  })
})
