/**
 * @module http/rate-limit
 * Rate limiting for the public write and status endpoints. Counters live outside the
 * process (Postgres by default, Redis when configured) so limits hold across Node
 * processes and Worker isolates. Feed GETs never pass through here.
 */
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import type { Kysely } from 'kysely'
import { hitCounter } from '../db/rate-limit-repository.js'
import type { Database } from '../db/schema.js'
import { DomainError } from '../domain/errors.js'
import { secondsUntilReset, windowStart, type RateLimitPolicy } from '../domain/rate-limit.js'
import type { AppEnv, Logger } from './app-env.js'

/** Where counters are kept. `hit` returns the count after this hit. */
export interface RateLimiter {
  hit(db: Kysely<Database>, bucket: string, start: Date, windowSeconds: number): Promise<number>
}

export const postgresRateLimiter: RateLimiter = {
  hit: (db, bucket, start) => hitCounter(db, bucket, start),
}

export interface RateLimitRule {
  policy: RateLimitPolicy
  /** The counted subject for this request, or null to skip this rule. */
  key: (c: Context<AppEnv>) => string | null | Promise<string | null>
}

/**
 * Middleware applying each rule; the first exceeded one answers 429 with Retry-After.
 * If the counter store fails, the request goes through: losing a limit briefly is
 * better than refusing abuse reports because a cache is down.
 */
export function rateLimit(limiter: RateLimiter, rules: RateLimitRule[], now: () => Date, log: Logger, onRefused?: (policy: string) => void) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const t = now()
    for (const { policy, key } of rules) {
      const subject = await key(c)
      if (subject === null) continue
      let count: number
      try {
        count = await limiter.hit(c.get('db'), `${policy.name}:${subject}`, windowStart(t, policy.windowSeconds), policy.windowSeconds)
      } catch (err) {
        log.warn('rate limiter unavailable; request allowed', { policy: policy.name, error: String(err) })
        continue
      }
      if (count > policy.limit) {
        const retryAfter = secondsUntilReset(t, policy.windowSeconds)
        onRefused?.(policy.name)
        throw new DomainError(
          'rate_limited',
          `Too many requests: at most ${policy.limit} per ${policy.windowSeconds >= 3600 ? `${policy.windowSeconds / 3600} h` : `${policy.windowSeconds / 60} min`} (${policy.name}). Try again in ${retryAfter} s.`,
          { status: 429, extra: { retryAfter } },
        )
      }
    }
    await next()
  })
}
