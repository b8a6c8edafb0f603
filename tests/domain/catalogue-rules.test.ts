/** @module tests/domain/catalogue-rules */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ANNOUNCE_LEAD_DAYS,
  checkDates,
  checkLabel,
  checkSlug,
  findOverlaps,
  leadTimeWarnings,
  MAX_LABEL_LENGTH,
  normaliseRange,
  parseDateField,
  type NormalisedRange,
  type RangeInput,
} from '../../src/domain/catalogue-rules.js'
import { cidrFromBigint, cidrsOverlap, familyBits, parseCidr, type Family } from '../../src/domain/cidr.js'
import { DomainError } from '../../src/domain/errors.js'

const NOW = new Date('2026-11-15T00:00:00.000Z')
const DAY = 86_400_000

function caught(f: () => unknown): DomainError {
  try {
    f()
  } catch (e) {
    if (e instanceof DomainError) return e
    throw e
  }
  throw new Error('expected a DomainError')
}

const input = (over: Partial<RangeInput> = {}): RangeInput => ({ prefix: '192.0.2.0/24', pool: 'asv', region: 'eu', ...over })

describe('normaliseRange', () => {
  it('canonicalises the prefix and derives the family', () => {
    expect(normaliseRange(input({ prefix: '2001:0DB8:0000::/32' }), NOW)).toMatchObject({ prefix: '2001:db8::/32', family: 'ipv6' })
    expect(normaliseRange(input(), NOW)).toMatchObject({ prefix: '192.0.2.0/24', family: 'ipv4' })
  })

  it('defaults activeFrom to now, retireAt to null and label to empty', () => {
    expect(normaliseRange(input(), NOW)).toEqual({
      prefix: '192.0.2.0/24',
      family: 'ipv4',
      pool: 'asv',
      region: 'eu',
      label: '',
      activeFrom: NOW,
      retireAt: null,
    })
    expect(normaliseRange(input({ activeFrom: null, retireAt: null, label: null }), NOW)).toMatchObject({ activeFrom: NOW, retireAt: null, label: '' })
    expect(normaliseRange(input({ activeFrom: '', retireAt: '' }), NOW)).toMatchObject({ activeFrom: NOW, retireAt: null })
  })

  it('reads ISO strings and Date objects', () => {
    const r = normaliseRange(input({ activeFrom: '2026-12-01T00:00:00+01:00', retireAt: new Date('2027-01-01T00:00:00Z') }), NOW)
    expect(r.activeFrom.toISOString()).toBe('2026-11-30T23:00:00.000Z')
    expect(r.retireAt?.toISOString()).toBe('2027-01-01T00:00:00.000Z')
  })

  it('explains host bits and offers the network', () => {
    const e = caught(() => normaliseRange(input({ prefix: '192.0.2.1/24' }), NOW))
    expect(e.code).toBe('invalid_cidr')
    expect(e.status).toBe(400)
    expect(e.message).toBe('192.0.2.1/24 has host bits set; the network is 192.0.2.0/24')
    expect(e.extra).toEqual({ network: '192.0.2.0/24' })
    expect(e.field).toBe('prefix')
    const v6 = caught(() => normaliseRange(input({ prefix: '2001:db8::1/32' }), NOW))
    expect(v6.message).toBe('2001:db8::1/32 has host bits set; the network is 2001:db8::/32')
  })

  it.each(['', '10.0.0.0', '10.0.0.0/33', '010.0.0.0/8', 'not-an-ip/8', ' 10.0.0.0/8'])('refuses prefix %j with field prefix', (prefix) => {
    const e = caught(() => normaliseRange(input({ prefix }), NOW))
    expect(e.code).toBe('invalid_cidr')
    expect(e.field).toBe('prefix')
  })

  it.each([
    ['pool', 'ASV'],
    ['pool', ''],
    ['pool', '-asv'],
    ['pool', 'a b'],
    ['pool', 'a'.repeat(64)],
    ['region', 'eu/central'],
    ['region', '.eu'],
    ['region', 'ëu'],
  ] as const)('refuses %s %j as a slug, naming the field', (field, value) => {
    const e = caught(() => normaliseRange(input({ [field]: value }), NOW))
    expect(e.code).toBe('validation_failed')
    expect(e.field).toBe(field)
    expect(e.message).toMatch(new RegExp(`^${field} must be 1–63 characters`))
  })

  it('accepts slugs up to 63 characters', () => {
    expect(normaliseRange(input({ pool: 'a'.repeat(63), region: '0._-z' }), NOW)).toMatchObject({ pool: 'a'.repeat(63), region: '0._-z' })
  })

  it('requires retireAt later than activeFrom', () => {
    for (const retireAt of ['2026-12-01T00:00:00Z', '2026-11-30T00:00:00Z']) {
      const e = caught(() => normaliseRange(input({ activeFrom: '2026-12-01T00:00:00Z', retireAt }), NOW))
      expect(e.field).toBe('retireAt')
      expect(e.message).toBe('retireAt must be later than activeFrom')
    }
    // against the default activeFrom (now) too
    expect(caught(() => normaliseRange(input({ retireAt: '2026-11-01T00:00:00Z' }), NOW)).field).toBe('retireAt')
    expect(normaliseRange(input({ retireAt: '2026-11-15T00:00:00.001Z' }), NOW).retireAt?.getTime()).toBe(NOW.getTime() + 1)
  })
})

describe('date fields', () => {
  it.each([
    ['2026-12-01T00:00:00Z', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01T00:00:00.123Z', '2026-12-01T00:00:00.123Z'],
    ['2026-12-01T10:30Z', '2026-12-01T10:30:00.000Z'],
    ['2026-12-01T00:00:00+02:00', '2026-11-30T22:00:00.000Z'],
    ['2026-12-01T00:00:00-0130', '2026-12-01T01:30:00.000Z'],
    ['2026-12-01t00:00:00z', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01 00:00:00Z', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01', '2026-12-01T00:00:00.000Z'],
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
    ['2000-02-29T12:00:00Z', '2000-02-29T12:00:00.000Z'],
  ])('accepts %j', (text, iso) => {
    expect(parseDateField(text, 'activeFrom').toISOString()).toBe(iso)
  })

  it.each([
    ['tomorrow', 'not a date'],
    ['12/01/2026', 'US format'],
    ['1796083200000', 'epoch milliseconds'],
    ['2026-13-01T00:00:00Z', 'month 13'],
    ['2026-12-32', 'day 32'],
    ['2026-02-30T00:00:00Z', 'was: rolled over to 2 March'],
    ['2027-02-29', 'was: rolled over to 1 March (not a leap year)'],
    ['2100-02-29', 'was: rolled over (century, not a leap year)'],
    ['2026-04-31T00:00:00Z', 'was: rolled over to 1 May'],
    ['2026-12-01junk 10:00', 'was: read as 2026-06-12T10:00'],
    ['2026-12-01T00:00:00', 'was: read in the server time zone'],
    ['2026-12-01T25:00:00Z', 'hour 25'],
    ['2026-12-01T00:00:00+02', 'short offset'],
    [' 2026-12-01', 'leading space'],
  ])('refuses %j (%s) with the field name', (text) => {
    const e = caught(() => normaliseRange(input({ activeFrom: text }), NOW))
    expect(e.code).toBe('validation_failed')
    expect(e.field).toBe('activeFrom')
    expect(e.message).toMatch(/^activeFrom must be an ISO-8601 date-time such as 2026-12-01T00:00:00Z/)
    expect(caught(() => normaliseRange(input({ retireAt: text }), NOW)).field).toBe('retireAt')
  })

  it('refuses an invalid Date object', () => {
    expect(caught(() => parseDateField(new Date(Number.NaN), 'retireAt')).field).toBe('retireAt')
  })

  it('round-trips every toISOString() output (property)', () => {
    const ms = fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) })
    fc.assert(
      fc.property(ms, (t) => {
        const iso = new Date(t).toISOString()
        expect(parseDateField(iso, 'activeFrom').getTime()).toBe(t)
      }),
    )
  })

  it('accepts a calendar date exactly when the day exists (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1970, max: 2400 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
        const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
        const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d
        if (real) expect(parseDateField(text, 'activeFrom').toISOString().slice(0, 10)).toBe(text)
        else expect(caught(() => parseDateField(text, 'activeFrom')).field).toBe('activeFrom')
      }),
    )
  })
})

describe('checkLabel', () => {
  it('trims, and turns null or undefined into an empty label', () => {
    expect(checkLabel('  Frankfurt  ')).toBe('Frankfurt')
    expect(checkLabel(null)).toBe('')
    expect(checkLabel(undefined)).toBe('')
  })

  it('allows up to MAX_LABEL_LENGTH characters after trimming', () => {
    expect(MAX_LABEL_LENGTH).toBe(200)
    expect(checkLabel('x'.repeat(200))).toHaveLength(200)
    expect(checkLabel(` ${'x'.repeat(200)} `)).toHaveLength(200)
    const e = caught(() => checkLabel('x'.repeat(201)))
    expect(e.field).toBe('label')
    expect(e.message).toBe('label must be at most 200 characters')
  })

  it('keeps unicode text, quotes and markup (escaping is the renderers’ job)', () => {
    expect(checkLabel('Zürich "new" <b>&</b> =1 😀')).toBe('Zürich "new" <b>&</b> =1 😀')
  })

  it.each(['a\nb', 'a\rb', 'a\tb', 'a\u0000b', 'a\u001bb', 'a\u007fb'])('refuses control characters inside the label: %j', (label) => {
    const e = caught(() => normaliseRange(input({ label }), NOW))
    expect(e.code).toBe('validation_failed')
    expect(e.field).toBe('label')
    expect(e.message).toMatch(/single line without control characters/)
  })

  it('refuses every C0 control and DEL anywhere but the trimmed ends (property)', () => {
    const control = fc.integer({ min: 0, max: 0x7f }).filter((c) => c < 0x20 || c === 0x7f).map((c) => String.fromCharCode(c))
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), control, fc.string({ minLength: 1, maxLength: 20 }), (a, c, b) => {
        fc.pre(a.trim() !== '' && b.trim() !== '')
        expect(caught(() => checkLabel(`${a.trim()}${c}${b.trim()}`)).field).toBe('label')
      }),
    )
  })
})

describe('checkSlug and checkDates', () => {
  it('checkSlug returns the value unchanged or throws with the given field', () => {
    expect(checkSlug('us-east-1', 'region')).toBe('us-east-1')
    expect(caught(() => checkSlug('US', 'whatever')).field).toBe('whatever')
  })

  it('checkDates allows no retireAt and refuses retireAt <= activeFrom', () => {
    expect(() => checkDates(NOW, null)).not.toThrow()
    expect(() => checkDates(NOW, new Date(NOW.getTime() + 1))).not.toThrow()
    expect(caught(() => checkDates(NOW, NOW)).field).toBe('retireAt')
  })
})

// ---------------------------------------------------------------------------------------

describe('findOverlaps', () => {
  it('finds nothing between disjoint blocks or across families', () => {
    expect(findOverlaps(['192.0.2.0/25', '::/0'], ['192.0.2.128/25', '198.51.100.0/24'])).toEqual([])
    expect(findOverlaps(['0.0.0.0/0'], ['::/0'])).toEqual([])
    expect(findOverlaps([], [])).toEqual([])
  })

  it('reports an incoming block inside an existing one, and the reverse', () => {
    expect(findOverlaps(['10.0.0.0/8'], ['10.1.0.0/16'])).toEqual([{ a: '10.0.0.0/8', b: '10.1.0.0/16' }])
    expect(findOverlaps(['10.1.0.0/16'], ['10.0.0.0/8'])).toEqual([{ a: '10.0.0.0/8', b: '10.1.0.0/16' }])
  })

  it('reports overlaps among incoming blocks, and duplicates', () => {
    expect(findOverlaps([], ['2001:db8::/32', '2001:db8:1::/48'])).toEqual([{ a: '2001:db8::/32', b: '2001:db8:1::/48' }])
    expect(findOverlaps(['192.0.2.0/24'], ['192.0.2.0/24'])).toHaveLength(1)
    expect(findOverlaps([], ['192.0.2.0/24', '192.0.2.0/24'])).toHaveLength(1)
  })

  it('does not report overlaps among existing blocks only', () => {
    expect(findOverlaps(['10.0.0.0/8', '10.1.0.0/16'], ['192.0.2.0/24'])).toEqual([])
  })

  it('compares canonical forms', () => {
    expect(findOverlaps(['2001:DB8::/32'], ['2001:0db8:0:1::/64'])).toEqual([{ a: '2001:db8::/32', b: '2001:db8:0:1::/64' }])
  })

  it('throws invalid_cidr for a bad prefix', () => {
    expect(caught(() => findOverlaps([], ['10.0.0.1/8'])).code).toBe('invalid_cidr')
  })

  /** Blocks in a small area of each family so they nest and collide often. */
  function blockArb(family: Family) {
    const bits = familyBits(family)
    const base = family === 'ipv4' ? 0xc000_0200n : 0x2001_0db8n << 96n
    const window = 8
    return fc.tuple(fc.bigInt({ min: 0n, max: (1n << BigInt(window)) - 1n }), fc.integer({ min: bits - window, max: bits })).map(([offset, len]) => {
      const host = BigInt(bits - len)
      return cidrFromBigint(family, base + ((offset >> host) << host), len).text
    })
  }
  const blocks = fc.array(fc.oneof(blockArb('ipv4'), blockArb('ipv6')), { maxLength: 25 })

  it('agrees with a brute-force pairwise check (property)', () => {
    fc.assert(
      fc.property(blocks, blocks, (existing, incoming) => {
        const found = findOverlaps(existing, incoming)
        const incomingSet = new Set(incoming)
        // every reported pair overlaps and involves an incoming block
        for (const { a, b } of found) {
          expect(cidrsOverlap(parseCidr(a), parseCidr(b))).toBe(true)
          expect(incomingSet.has(a) || incomingSet.has(b)).toBe(true)
        }
        // every incoming block that overlaps any other block is named in some pair
        const named = new Set(found.flatMap((o) => [o.a, o.b]))
        const all = [...existing.map((p) => ({ p, isNew: false })), ...incoming.map((p) => ({ p, isNew: true }))]
        all.forEach((x, i) => {
          if (!x.isNew) return
          const overlapsSomething = all.some((y, j) => j !== i && cidrsOverlap(parseCidr(x.p), parseCidr(y.p)))
          if (overlapsSomething) expect(named.has(x.p)).toBe(true)
        })
        // and nothing is reported when brute force finds no overlap involving an incoming block
        const anyIncomingOverlap = all.some((x, i) => x.isNew && all.some((y, j) => j !== i && cidrsOverlap(parseCidr(x.p), parseCidr(y.p))))
        expect(found.length > 0).toBe(anyIncomingOverlap)
      }),
    )
  })
})

describe('leadTimeWarnings', () => {
  const at = (ms: number): NormalisedRange => normaliseRange(input({ activeFrom: new Date(NOW.getTime() + ms) }), NOW)

  it(`warns when activeFrom is less than ${ANNOUNCE_LEAD_DAYS} days away, including the past`, () => {
    for (const ms of [-30 * DAY, 0, DAY, ANNOUNCE_LEAD_DAYS * DAY - 1]) {
      const warnings = leadTimeWarnings(at(ms), NOW)
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/activeFrom is less than 7 days away/)
    }
  })

  it(`is silent from ${ANNOUNCE_LEAD_DAYS} days ahead on`, () => {
    expect(leadTimeWarnings(at(ANNOUNCE_LEAD_DAYS * DAY), NOW)).toEqual([])
    expect(leadTimeWarnings(at(90 * DAY), NOW)).toEqual([])
  })

  it('warns for the default activeFrom (now)', () => {
    expect(leadTimeWarnings(normaliseRange(input(), NOW), NOW)).toHaveLength(1)
  })
})
