import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { closedMonths, publishCount, publishRow } from '../../../src/domain/privacy/stats-suppression.js'

describe('publishCount', () => {
  it('publishes the band of ten: rounded down, and "<10" for 0–9', () => {
    expect([0, 1, 9, 10, 14, 15, 19, 20, 96].map(publishCount)).toEqual(['<10', '<10', '<10', 10, 10, 10, 10, 20, 90])
  })

  it('property: padding with k ≤ 5 reports of one’s own leaves at least 10 − k possible counts of the others', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.integer({ min: 1, max: 5 }), (others, k) => {
        const seen = publishCount(others + k)
        // every count of the others an observer who sent k reports cannot tell apart
        const consistent = Array.from({ length: 600 }, (_, n) => n).filter((n) => publishCount(n + k) === seen)
        expect(consistent).toContain(others)
        // a band, never one number; narrowest at the low end (every n with n + k under ten)
        expect(consistent.length).toBeGreaterThanOrEqual(10 - k)
      }),
    )
  })
})

describe('publishRow', () => {
  it('publishes every cell on its own', () => {
    expect(publishRow({ a: 12, b: 3, c: 0, d: 7, e: 45 })).toEqual({ a: 10, b: '<10', c: '<10', d: '<10', e: 40 })
  })
})

describe('closedMonths', () => {
  it('ends where the current month begins and spans twelve months before it', () => {
    const { since, until } = closedMonths(new Date('2026-11-10T12:00:00Z'))
    expect(until.toISOString()).toBe('2026-11-01T00:00:00.000Z')
    expect(since.toISOString()).toBe('2025-11-01T00:00:00.000Z')
    expect(closedMonths(new Date('2026-01-01T00:00:00Z')).until.toISOString()).toBe('2026-01-01T00:00:00.000Z')
  })
})
