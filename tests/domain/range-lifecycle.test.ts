/** @module tests/domain/range-lifecycle */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  isInUse,
  nextTransition,
  PUBLISHED_STATUSES,
  rangeStatus,
  type RangeDates,
  type RangeStatus,
} from '../../src/domain/range-lifecycle.js'

const at = (iso: string) => new Date(iso)
const FROM = at('2026-12-01T00:00:00Z')
const RETIRE = at('2027-01-01T00:00:00Z')

describe('rangeStatus', () => {
  it('is announced before activeFrom, with or without retireAt', () => {
    expect(rangeStatus({ activeFrom: FROM, retireAt: null }, at('2026-11-30T23:59:59.999Z'))).toBe('announced')
    expect(rangeStatus({ activeFrom: FROM, retireAt: RETIRE }, at('2026-11-01T00:00:00Z'))).toBe('announced')
  })

  it('is active from activeFrom itself (inclusive) when no retireAt is set', () => {
    expect(rangeStatus({ activeFrom: FROM, retireAt: null }, FROM)).toBe('active')
    expect(rangeStatus({ activeFrom: FROM, retireAt: null }, at('2099-01-01T00:00:00Z'))).toBe('active')
  })

  it('is retiring between activeFrom and retireAt', () => {
    const r = { activeFrom: FROM, retireAt: RETIRE }
    expect(rangeStatus(r, FROM)).toBe('retiring')
    expect(rangeStatus(r, new Date(RETIRE.getTime() - 1))).toBe('retiring')
  })

  it('is retired from retireAt itself (inclusive) on', () => {
    const r = { activeFrom: FROM, retireAt: RETIRE }
    expect(rangeStatus(r, RETIRE)).toBe('retired')
    expect(rangeStatus(r, at('2030-01-01T00:00:00Z'))).toBe('retired')
  })

  it('never goes backwards as time passes (property)', () => {
    const order: RangeStatus[] = ['announced', 'active', 'retiring', 'retired']
    const ms = fc.integer({ min: 0, max: 4_000_000_000_000 })
    fc.assert(
      fc.property(ms, fc.option(fc.integer({ min: 1, max: 1e11 })), ms, ms, (from, len, t1, t2) => {
        const r: RangeDates = { activeFrom: new Date(from), retireAt: len === null ? null : new Date(from + len) }
        const [early, late] = t1 <= t2 ? [t1, t2] : [t2, t1]
        const a = rangeStatus(r, new Date(early))
        const b = rangeStatus(r, new Date(late))
        // active and retiring are alternatives (retireAt set or not), never successive
        if (r.retireAt === null) expect(['announced', 'active']).toContain(b)
        else expect(b).not.toBe('active')
        expect(order.indexOf(b)).toBeGreaterThanOrEqual(order.indexOf(a))
      }),
    )
  })
})

describe('isInUse', () => {
  it('is true exactly for active and retiring', () => {
    expect(isInUse('announced')).toBe(false)
    expect(isInUse('active')).toBe(true)
    expect(isInUse('retiring')).toBe(true)
    expect(isInUse('retired')).toBe(false)
  })

  it('PUBLISHED_STATUSES lists every status except retired', () => {
    expect([...PUBLISHED_STATUSES].sort()).toEqual(['active', 'announced', 'retiring'])
  })
})

describe('nextTransition', () => {
  const now = at('2026-11-15T00:00:00Z')

  it('is null with no ranges or no future dates', () => {
    expect(nextTransition([], now)).toBeNull()
    expect(nextTransition([{ activeFrom: at('2026-01-01T00:00:00Z'), retireAt: null }], now)).toBeNull()
  })

  it('ignores a date equal to now (that transition has already happened)', () => {
    expect(nextTransition([{ activeFrom: now, retireAt: null }], now)).toBeNull()
  })

  it('picks the earliest future activeFrom or retireAt across ranges', () => {
    const ranges: RangeDates[] = [
      { activeFrom: at('2026-01-01T00:00:00Z'), retireAt: at('2026-12-20T00:00:00Z') },
      { activeFrom: at('2026-12-05T00:00:00Z'), retireAt: null },
      { activeFrom: at('2026-12-10T00:00:00Z'), retireAt: at('2026-12-11T00:00:00Z') },
    ]
    expect(nextTransition(ranges, now)?.toISOString()).toBe('2026-12-05T00:00:00.000Z')
    expect(nextTransition(ranges, at('2026-12-05T00:00:00Z'))?.toISOString()).toBe('2026-12-10T00:00:00.000Z')
    expect(nextTransition(ranges, at('2026-12-10T00:00:00Z'))?.toISOString()).toBe('2026-12-11T00:00:00.000Z')
    expect(nextTransition(ranges, at('2026-12-11T00:00:00Z'))?.toISOString()).toBe('2026-12-20T00:00:00.000Z')
    expect(nextTransition(ranges, at('2026-12-20T00:00:00Z'))).toBeNull()
  })

  it('returns a new Date, not one of the inputs', () => {
    const activeFrom = at('2026-12-05T00:00:00Z')
    const next = nextTransition([{ activeFrom, retireAt: null }], now)
    expect(next).not.toBe(activeFrom)
    expect(next?.getTime()).toBe(activeFrom.getTime())
  })

  it('is the first instant after now at which some status changes (property)', () => {
    const base = now.getTime()
    const offset = fc.integer({ min: -1_000_000, max: 1_000_000 })
    const range = fc
      .tuple(offset, fc.option(fc.integer({ min: 1, max: 1_000_000 })))
      .map(([f, len]): RangeDates => ({
        activeFrom: new Date(base + f),
        retireAt: len === null ? null : new Date(base + f + len),
      }))
    fc.assert(
      fc.property(fc.array(range, { maxLength: 8 }), (ranges) => {
        const next = nextTransition(ranges, now)
        const statuses = (t: number) => ranges.map((r) => rangeStatus(r, new Date(t)))
        if (next === null) {
          // nothing changes, even far in the future
          expect(statuses(base + 10_000_000)).toEqual(statuses(base))
          return
        }
        expect(next.getTime()).toBeGreaterThan(base)
        expect(statuses(next.getTime() - 1)).toEqual(statuses(base))
        expect(statuses(next.getTime())).not.toEqual(statuses(base))
      }),
    )
  })
})

describe('withdrawn and retired marks (retiredAt)', () => {
  it('a range marked before its activeFrom is withdrawn; one marked after it is retired', () => {
    const now = at('2026-11-20T00:00:00Z')
    expect(rangeStatus({ activeFrom: FROM, retireAt: null, retiredAt: at('2026-11-10T00:00:00Z') }, now)).toBe('withdrawn')
    expect(rangeStatus({ activeFrom: at('2026-10-01T00:00:00Z'), retireAt: at('2026-11-01T00:00:00Z'), retiredAt: at('2026-11-01T00:00:00Z') }, now)).toBe('retired')
    // the mark only counts from when it was set
    expect(rangeStatus({ activeFrom: FROM, retireAt: null, retiredAt: at('2026-11-25T00:00:00Z') }, now)).toBe('announced')
  })

  it('a withdrawn range has no transitions left', () => {
    const now = at('2026-11-20T00:00:00Z')
    expect(nextTransition([{ activeFrom: FROM, retireAt: RETIRE, retiredAt: at('2026-11-10T00:00:00Z') }], now)).toBeNull()
    expect(nextTransition([{ activeFrom: FROM, retireAt: RETIRE }], now)).toEqual(FROM)
  })
})
