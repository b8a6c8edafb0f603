/** @module tests/domain/feed-formats/csv */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyFeedFilter, parseFeedFilter } from '../../../src/domain/feed-filter.js'
import { csvCell, renderFeedCsv } from '../../../src/domain/feed-formats/csv.js'
import type { FeedEntry, FeedLists } from '../../../src/domain/feed-version.js'
import { csvRecords } from '../../../src/domain/range-import.js'

const HEADER = ['prefix', 'family', 'pool', 'region', 'label', 'status', 'active_from', 'retire_at']
const FORMULA_CHARS = ['=', '+', '-', '@', '\t', '\r']

function entry(prefix: string, over: Partial<FeedEntry> = {}): FeedEntry {
  return { prefix, pool: 'asv', region: 'eu', label: '', status: 'active', activeFrom: '2026-01-01T00:00:00.000Z', retireAt: null, ...over }
}

const parse = (text: string) => [...csvRecords(text)].map((r) => r.fields)

/** Strict RFC 4180: every field bare (no quote, comma, CR, LF) or fully quoted with "" inside; CRLF after every record. */
const RFC4180_FILE = /^(?:(?:[^",\r\n]*|"(?:[^"]|"")*")(?:,(?:[^",\r\n]*|"(?:[^"]|"")*"))*\r\n)+$/

/** Strings heavy in what breaks CSV and spreadsheets, plus arbitrary code points. */
const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', ',', '\r', '\n', '\r\n', '\t', ' ', "'", '=', '+', '-', '@', ';', '\u0000', '\u2028', 'é', '😀'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 20,
})

describe('csvCell', () => {
  it('leaves plain values alone', () => {
    expect(csvCell('asv-external')).toBe('asv-external')
    expect(csvCell('2001:db8::/32')).toBe('2001:db8::/32')
    expect(csvCell('')).toBe('')
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
  })

  it('quotes commas, quotes, line breaks and surrounding spaces', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('a\nb')).toBe('"a\nb"')
    expect(csvCell('a\rb')).toBe('"a\rb"')
    expect(csvCell(' padded ')).toBe('" padded "')
  })

  it('defuses formula starts with an apostrophe', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`)
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('-1')).toBe("'-1")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\tx')).toBe("'\tx")
    expect(csvCell('\rx')).toBe(`"'\rx"`)
  })
})

describe('renderFeedCsv', () => {
  const LISTS: FeedLists = {
    ipv4: [entry('192.0.2.0/25', { label: 'Frankfurt, DE' }), entry('192.0.2.128/25', { status: 'retiring', retireAt: '2027-01-01T00:00:00.000Z' })],
    ipv6: [entry('2001:db8::/32', { pool: 'web', region: 'global', label: '=cmd' })],
  }

  it('writes a header row and one CRLF-terminated row per entry, prefix first', () => {
    expect(renderFeedCsv(applyFeedFilter(LISTS, parseFeedFilter({})))).toBe(
      [
        HEADER.join(','),
        '192.0.2.0/25,ipv4,asv,eu,"Frankfurt, DE",active,2026-01-01T00:00:00.000Z,',
        '192.0.2.128/25,ipv4,asv,eu,,retiring,2026-01-01T00:00:00.000Z,2027-01-01T00:00:00.000Z',
        "2001:db8::/32,ipv6,web,global,'=cmd,active,2026-01-01T00:00:00.000Z,",
        '',
      ].join('\r\n'),
    )
  })

  it('writes prefix and family only when aggregated', () => {
    expect(renderFeedCsv(applyFeedFilter(LISTS, parseFeedFilter({ aggregate: 'true' })))).toBe(
      'prefix,family\r\n192.0.2.0/24,ipv4\r\n2001:db8::/32,ipv6\r\n',
    )
  })

  it('writes just the header for no entries', () => {
    expect(renderFeedCsv(applyFeedFilter({ ipv4: [], ipv6: [] }, parseFeedFilter({})))).toBe(HEADER.join(',') + '\r\n')
  })

  it('round-trips arbitrary labels, stays RFC 4180 and never starts a cell with a formula character (property)', () => {
    const lists = fc
      .tuple(fc.array(fc.tuple(hostile, hostile, hostile), { maxLength: 6 }), fc.array(hostile, { maxLength: 3 }))
      .map(([v4, v6]): FeedLists => ({
        ipv4: v4.map(([label, pool, region], i) => entry(`10.0.${i}.0/24`, { label, pool, region })),
        ipv6: v6.map((label, i) => entry(`2001:db8:${i}::/48`, { label, status: 'retiring', retireAt: '2027-01-01T00:00:00.000Z' })),
      }))
    fc.assert(
      fc.property(lists, (l) => {
        const text = renderFeedCsv(applyFeedFilter(l, parseFeedFilter({})))
        expect(text).toMatch(RFC4180_FILE)
        const rows = parse(text)
        expect(rows[0]).toEqual(HEADER)
        const all = [...l.ipv4.map((e) => ['ipv4', e] as const), ...l.ipv6.map((e) => ['ipv6', e] as const)]
        expect(rows).toHaveLength(all.length + 1)
        all.forEach(([family, e], i) => {
          const row = rows[i + 1] ?? []
          expect(row).toHaveLength(HEADER.length)
          const guarded = (v: string) => (FORMULA_CHARS.some((c) => v.startsWith(c)) ? `'${v}` : v)
          expect(row).toEqual([e.prefix, family, guarded(e.pool), guarded(e.region), guarded(e.label), e.status, e.activeFrom, e.retireAt ?? ''])
        })
        for (const row of rows) for (const cell of row) expect(FORMULA_CHARS.some((c) => cell.startsWith(c))).toBe(false)
      }),
    )
  })

  it('csvCell output parses back to the (guarded) value (property)', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const rows = parse(`${csvCell(a)},${csvCell(b)},x\r\n`)
        const guarded = (v: string) => (FORMULA_CHARS.some((c) => v.startsWith(c)) ? `'${v}` : v)
        expect(rows).toEqual([[guarded(a), guarded(b), 'x']])
      }),
    )
  })
})
