import { describe, expect, it } from 'vitest'
import { nextAttemptAt, OUTBOX_BASE_DELAY_MS, OUTBOX_MAX_DELAY_MS, retryDelayMs } from '../../src/domain/outbox-backoff.js'

describe('outbox backoff', () => {
  it('grows exponentially up to the cap, with jitter never below half the base', () => {
    expect(retryDelayMs(1, () => 1)).toBe(OUTBOX_BASE_DELAY_MS)
    expect(retryDelayMs(4, () => 1)).toBe(OUTBOX_BASE_DELAY_MS * 8)
    expect(retryDelayMs(50, () => 1)).toBe(OUTBOX_MAX_DELAY_MS)
    for (let a = 1; a < 40; a++) expect(retryDelayMs(a, () => 0)).toBe(OUTBOX_BASE_DELAY_MS / 2)
  })

  it('spreads retries of rows that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(6)))
    expect(delays.size).toBeGreaterThan(40)
  })

  it('takes a longer Retry-After, but not beyond the cap', () => {
    const now = new Date(0)
    expect(nextAttemptAt(now, 1, 600_000, () => 0).getTime()).toBe(600_000)
    expect(nextAttemptAt(now, 1, 10 * OUTBOX_MAX_DELAY_MS, () => 0).getTime()).toBe(OUTBOX_MAX_DELAY_MS)
    expect(nextAttemptAt(now, 1, 1, () => 0).getTime()).toBe(OUTBOX_BASE_DELAY_MS / 2)
  })
})
