/**
 * @module http/app
 * `createApp(deps)`: the whole HTTP API, independent of the runtime. The platform layer
 * (Node, Workers, tests) passes in how to reach the database, who the client is and
 * what time it is.
 *
 * @example
 * ```ts
 * const app = createApp({ getDb: () => db, getClientIp: () => '127.0.0.1' })
 * const res = await app.request('/v1/ranges')
 * ```
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import { requestId } from 'hono/request-id'
import { routePath } from 'hono/route'
import { DomainError } from '../domain/errors.js'
import { DEFAULT_NOTICE_DAYS, DEFAULT_REMINDER_DAYS } from '../domain/notifications/notice-policy.js'
import { silentLogger, type AppDeps, type AppEnv } from './app-env.js'
import { createErrorHandler, summarise, zodFieldErrors } from './error-handler.js'
import { FeedStore } from './feed-store.js'
import { loggedPath } from './log-path.js'
import { reachedOverHttps } from './transport.js'
import { problem, problemResponse } from './problem.js'
import { registerAdminAuditRoutes } from './routes/admin-audit.js'
import { registerAdminWebhookRoutes } from './routes/admin-webhooks.js'
import { registerPolicyRoutes } from './routes/policy.js'
import { registerSubscriptionRoutes } from './routes/subscriptions.js'
import { registerAdminPrivacyRoutes } from './routes/admin-privacy.js'
import { registerStatsRoutes } from './routes/stats.js'
import { registerAdminCaseRoutes } from './routes/admin-cases.js'
import { registerAdminMailRoutes } from './routes/admin-mail.js'
import { registerAdminSessionRoutes } from './routes/admin-sessions.js'
import { registerExclusionRoutes } from './routes/exclusions.js'
import { registerReportReceiptRoutes } from './routes/report-receipt.js'
import { registerReportRoutes } from './routes/reports.js'
import { registerAdminRangeRoutes } from './routes/admin-ranges.js'
import { registerFeedRoutes } from './routes/feed.js'
import { registerFeedSignatureRoutes } from './routes/feed-signature.js'
import type { FeedContext } from './routes/feed-context.js'
import { registerHealthRoutes } from './routes/health.js'
import { registerLookupRoutes } from './routes/lookup.js'
import { registerRuleRoutes } from './routes/rules.js'
import { registerChecksumRoutes } from './routes/checksums.js'
import { registerOpenApiRoutes } from './routes/openapi.js'
import { registerApiDocsRoutes } from './routes/api-docs.js'
import { registerIdentityRoutes } from './routes/identity.js'
import { registerOptOutRoutes } from './routes/opt-outs.js'
import { NO_PROBES } from '../domain/opt-out/probes.js'
import { DEFAULT_EXCLUSION_POLICY } from '../domain/exclusion-rules.js'
import { postgresRateLimiter } from './rate-limit.js'
import { applyRateLimits } from './rate-limit-rules.js'
import { registerPageMiddleware, registerPageRoutes } from './pages/index.js'
import { securityHeaders } from './security-headers.js'
import { strictQuery } from './strict-query.js'

export type App = ReturnType<typeof createApp>

export function createApp(deps: AppDeps) {
  const now = deps.now ?? (() => new Date())
  const log = deps.logger ?? silentLogger
  const app = new OpenAPIHono<AppEnv>({
    // request validation failures become the same 400 problem as every other input error
    defaultHook: (result) => {
      if (!result.success) {
        const errors = zodFieldErrors(result.error)
        throw new DomainError('validation_failed', summarise(errors), {
          field: errors[0]?.field,
          extra: { errors },
        })
      }
    },
  })

  if (!deps.publicUrl) {
    log.warn('PUBLIC_URL is not set: snippets and links name paths only, and the Atom feed (whose ids must be absolute) names the request origin and is sent Cache-Control: private')
  }

  const feed: FeedContext = {
    store: new FeedStore({ refreshMs: deps.feedRefreshMs ?? 1000, signer: deps.feedSigner, now }),
    maxAge: deps.feedMaxAge ?? 300,
    publicUrl: deps.publicUrl,
    noticeDays: deps.noticeDays ?? DEFAULT_NOTICE_DAYS,
    reminderDays: deps.reminderDays ?? DEFAULT_REMINDER_DAYS,
    md5Hex: deps.md5Hex,
  }

  deps.onFeedExpiry?.(() => feed.store.expire())

  app.use('*', requestId({ headerName: '' }))
  app.use('*', securityHeaders())
  const metrics = deps.metrics
  app.use('*', async (c, next) => {
    const started = performance.now()
    c.set('db', deps.getDb(c))
    c.set('https', reachedOverHttps(c, deps))
    await next()
    const ms = performance.now() - started
    // method, route pattern and status only: paths, queries, bodies and headers may carry
    // addresses, personal data or tokens
    log.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: loggedPath(c),
      status: c.res.status,
      ms: Math.round(ms * 10) / 10,
    })
    if (metrics) {
      // the last matched route is the handler's pattern; '*' means no route matched
      const route = routePath(c, -1)
      metrics.request({ method: c.req.method, route: route === '*' || route === '/*' ? 'unmatched' : route, status: c.res.status, seconds: ms / 1000, raw: c.req.raw })
    }
  })

  app.use('*', strictQuery(app))
  registerPageMiddleware(app)
  applyRateLimits(app, deps, now, log)
  registerHealthRoutes(app)
  // the .sig alias first: /v1/versions/{serial} would otherwise claim "1.sig" and reject it
  registerFeedSignatureRoutes(app, feed, deps.feedSigner)
  registerFeedRoutes(app, feed)
  // before the rules: /v1/rules/{format} would otherwise take 'nftables.md5' as a format
  registerChecksumRoutes(app, feed)
  registerRuleRoutes(app, feed)
  registerLookupRoutes(app, feed, now)
  registerAdminRangeRoutes(app, feed, now, deps.onPublished)
  registerAdminAuditRoutes(app, now)
  registerPolicyRoutes(app, feed.noticeDays, feed.reminderDays)
  registerSubscriptionRoutes(app, now, deps.publicUrl)
  registerAdminWebhookRoutes(app, now)
  registerAdminPrivacyRoutes(app, now)
  registerStatsRoutes(app, now)
  registerAdminSessionRoutes(app, now)
  registerReportRoutes(app, now, deps.getClientIp)
  registerReportReceiptRoutes(app)
  registerPageRoutes(app, feed, now, deps.exclusionPolicy)
  registerAdminCaseRoutes(app, now)
  registerAdminMailRoutes(app, now)
  registerExclusionRoutes(app, now, deps.exclusionPolicy)
  registerIdentityRoutes(app, { feed, now, securityTxt: deps.securityTxt ?? null, feedSigner: deps.feedSigner, publicUrl: deps.publicUrl })
  registerOptOutRoutes(app, {
    now,
    log,
    getClientIp: deps.getClientIp,
    limiter: deps.rateLimiter ?? postgresRateLimiter,
    context: { probes: deps.optOutProbes ?? NO_PROBES, policy: deps.exclusionPolicy ?? DEFAULT_EXCLUSION_POLICY, publicUrl: deps.publicUrl ?? null },
  })
  registerOpenApiRoutes(app, deps.publicUrl)
  registerApiDocsRoutes(app)

  app.notFound((c) =>
    problemResponse(
      problem(404, 'not_found', `No such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}. See /openapi.json for the API.`, {
        instance: new URL(c.req.url).pathname,
        requestId: c.get('requestId'),
      }),
    ),
  )
  app.onError(createErrorHandler(log))
  return app
}
