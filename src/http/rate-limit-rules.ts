/**
 * @module http/rate-limit-rules
 * Which endpoints are limited and by what: report submissions per client, and status
 * look-ups per client, per status token and per client and report reference (the last
 * two stop anyone guessing a token for a known reference). The reference is counted per
 * client: counted alone, a stranger guessing wrong tokens for a reference would lock its
 * owner out. Feed GETs are never limited.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import { clientKey } from '../domain/rate-limit.js'
import { sha256Hex } from '../domain/sha256.js'
import { DEFAULT_RATE_LIMITS, type AppDeps, type AppEnv, type Logger } from './app-env.js'
import { bearerToken } from './auth.js'
import { postgresRateLimiter, rateLimit } from './rate-limit.js'

export function applyRateLimits(app: OpenAPIHono<AppEnv>, deps: AppDeps, now: () => Date, log: Logger): void {
  const limits = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits }
  const limiter = deps.rateLimiter ?? postgresRateLimiter
  const refused = deps.metrics ? (policy: string) => deps.metrics!.rateLimited(policy) : undefined
  const client = (c: Parameters<AppDeps['getClientIp']>[0]) => clientKey(deps.getClientIp(c))

  const reportRules = [
    { policy: { name: 'report-min', limit: limits.reportsPerMinute, windowSeconds: 60 }, key: client },
    { policy: { name: 'report-day', limit: limits.reportsPerDay, windowSeconds: 86_400 }, key: client },
  ]
  app.on('POST', ['/v1/reports', '/report'], rateLimit(limiter, reportRules, now, log, refused))

  const statusRules = [
    { policy: { name: 'status-min', limit: limits.statusPerMinute, windowSeconds: 60 }, key: client },
    {
      policy: { name: 'status-token-min', limit: limits.statusPerMinute, windowSeconds: 60 },
      // counted under a hash: counters must not hold usable tokens
      key: async (c: Parameters<AppDeps['getClientIp']>[0]) => {
        const token = bearerToken(c.req.header('authorization'))
        return token ? (await sha256Hex(token)).slice(0, 32) : null
      },
    },
    {
      policy: { name: 'status-ref-min', limit: limits.statusPerMinute, windowSeconds: 60 },
      key: (c: Parameters<AppDeps['getClientIp']>[0]) => {
        const ref = c.req.param('ref')?.slice(0, 64)
        return ref ? `${client(c)}:${ref}` : null
      },
    },
  ]
  app.on('GET', '/v1/reports/:ref', rateLimit(limiter, statusRules, now, log, refused))

  // each accepted subscription sends one challenge or confirmation mail to an address the
  // client chose: few per client, so nobody can use us to knock on many doors
  const subscriptionRules = [
    { policy: { name: 'subscribe-min', limit: limits.subscriptionsPerMinute, windowSeconds: 60 }, key: client },
    { policy: { name: 'subscribe-day', limit: limits.subscriptionsPerMinute * 10, windowSeconds: 86_400 }, key: client },
  ]
  app.on('POST', '/v1/subscriptions', rateLimit(limiter, subscriptionRules, now, log, refused))
}
