/**
 * @module domain/outbox-backoff
 * When a failed send is tried again. Full jitter spreads the retries of many rows that
 * failed together (a receiver that was down) instead of sending them in lockstep.
 */

export const OUTBOX_BASE_DELAY_MS = 30_000
export const OUTBOX_MAX_DELAY_MS = 6 * 3600_000
/** Past this a row is given up ("dead"): three days, as receivers are told. */
export const OUTBOX_GIVE_UP_MS = 3 * 24 * 3600_000

/**
 * Delay before the next try after `attempts` failed attempts (1 = the first failed):
 * uniformly random in [base/2, min(cap, base·2^(attempts-1))], so it never retries at once.
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const exp = Math.min(OUTBOX_MAX_DELAY_MS, OUTBOX_BASE_DELAY_MS * 2 ** Math.max(0, Math.min(attempts - 1, 30)))
  const floor = OUTBOX_BASE_DELAY_MS / 2
  return Math.round(floor + random() * Math.max(0, exp - floor))
}

/** The next try, honouring a receiver's Retry-After when it asks for longer. */
export function nextAttemptAt(now: Date, attempts: number, retryAfterMs?: number, random?: () => number): Date {
  const delay = Math.max(retryDelayMs(attempts, random), Math.min(retryAfterMs ?? 0, OUTBOX_MAX_DELAY_MS))
  return new Date(now.getTime() + delay)
}
