/**
 * @module tests/reliability/fuzz-inputs
 * The fuzz generators themselves: every body they make can be serialised, and making one
 * never changes the next (a shared value written into once made cyclic bodies for the
 * rest of a run).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mutated } from '../helpers/fuzz-inputs.js'

describe('mutated', () => {
  const seed = { description: { text: 'x', tags: ['a', 'b'] }, sourceIps: ['192.0.2.1'], nested: { a: { b: { c: 1 } } } }

  it('makes 5 000 serialisable variants and leaves its seed alone', () => {
    const before = JSON.stringify(seed)
    const variants = fc.sample(mutated(seed), { numRuns: 5_000, seed: 42 })
    for (const v of variants) expect(() => JSON.stringify(v)).not.toThrow()
    expect(JSON.stringify(seed)).toBe(before)
  })

  it('draws do not leak into each other: the same seed gives the same variants twice', () => {
    const a = fc.sample(mutated(seed), { numRuns: 2_000, seed: 7 }).map((v) => JSON.stringify(v))
    const b = fc.sample(mutated(seed), { numRuns: 2_000, seed: 7 }).map((v) => JSON.stringify(v))
    expect(b).toEqual(a)
  })
})
