import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { suppressRow, suppressTotal } from '../../../src/domain/privacy/stats-suppression.js'

describe('suppressRow', () => {
  it('replaces counts under 5 with "<5" and keeps the rest', () => {
    expect(suppressRow({ a: 12, b: 3, c: 0, d: 7 })).toEqual({ a: 12, b: '<5', c: '<5', d: 7 })
  })

  it('with exactly one small cell, hides the next smallest too so the total does not reveal it', () => {
    expect(suppressRow({ a: 12, b: 3, d: 7 })).toEqual({ a: 12, b: '<5', d: 'suppressed' })
    expect(suppressRow({ a: 5, b: 5, c: 1 })).toEqual({ a: 'suppressed', b: 5, c: '<5' })
  })

  it('property: no published number is under 5, and a single hidden cell never stands alone', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.nat(40), { minKeys: 1, maxKeys: 8 }), (row) => {
        const out = suppressRow(row)
        expect(Object.keys(out).sort()).toEqual(Object.keys(row).sort())
        const hidden = Object.values(out).filter((v) => typeof v !== 'number').length
        for (const [k, v] of Object.entries(out)) {
          if (typeof v === 'number') {
            expect(v).toBe(row[k])
            expect(v).toBeGreaterThanOrEqual(5)
          }
        }
        if (Object.keys(row).length > 1) expect(hidden === 1).toBe(false)
      }),
    )
  })

  it('suppresses small totals', () => {
    expect(suppressTotal(4)).toBe('<5')
    expect(suppressTotal(5)).toBe(5)
  })
})
