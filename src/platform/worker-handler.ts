/**
 * @module platform/worker-handler
 * The Worker's `fetch` and `scheduled`, with the runtime pieces passed in (how to open a
 * database client, which cache to use, the clock) so they run under Node in tests too.
 *
 * Lifetimes follow the Workers rules: the app (routes, in-memory FeedStore) is built once
 * per isolate and reused; a database client is opened per request or cron run, never at
 * module scope, and closed with `ctx.waitUntil` after the response is on its way. A GET
 * answered by the edge cache opens no client at all.
 */
import type { Context, ExecutionContext } from 'hono'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { DomainError } from '../domain/errors.js'
import { createWebhookDelivery } from '../db/webhook-sender.js'
import { createWorkerOutboundFetch } from './outbound-fetch-worker.js'
import { createFeedSigner, type FeedSigner } from '../domain/feed-signing.js'
import { bytesToHex, sha256Hex } from '../domain/sha256.js'
import { createApp, type App } from '../http/app.js'
import type { Logger } from '../http/app-env.js'
import { createLogger } from './logger.js'
import { createBindingMailSender, type SendEmailBinding } from './mail-sender.js'
import { checkEnv, misconfiguredResponse, type WorkerSettings } from './worker-env.js'
import { FeedEdgeCache, type CacheLike, type WaitUntil } from './worker-feed-cache.js'
import { runScheduledJobs, SCHEDULED_JOBS, type ScheduledJob } from './worker-jobs.js'

/** The request's `c.env` inside the app: only the per-request client, never the raw env. */
export interface RequestBindings {
  db: Kysely<Database>
}

export interface WorkerExecutionContext extends WaitUntil {
  passThroughOnException(): void
}

export interface WorkerDeps {
  /** A new client for one request or cron run; `destroy()` must close it. */
  openDb(connectionString: string): Kysely<Database>
  /** The edge cache (`caches.default`), or null where there is none. */
  cache(): CacheLike | null
  now?: () => Date
  jobs?: readonly ScheduledJob[]
  /** Where log lines go (console.log on Workers). */
  write?: (line: string) => void
}

interface Runtime {
  app: App
  edge: FeedEdgeCache
  log: Logger
  feedSigner: FeedSigner | undefined
}

export function createWorkerHandler(deps: WorkerDeps) {
  const now = deps.now ?? (() => new Date())
  const write = deps.write ?? ((line: string) => console.log(line))
  // one app per isolate and configuration; the variables do not change within an isolate
  let runtime: { key: string; value: Promise<Runtime> } | null = null

  function runtimeFor(settings: WorkerSettings): Promise<Runtime> {
    const key = JSON.stringify(settings)
    if (runtime?.key !== key) {
      const value = buildRuntime(settings)
      // a bad signing key must be reported on every request, not cached as a broken app
      value.catch(() => {
        if (runtime?.value === value) runtime = null
      })
      runtime = { key, value }
    }
    return runtime.value
  }

  async function buildRuntime(settings: WorkerSettings): Promise<Runtime> {
    const feedSigner = settings.feedSigningKey ? await createFeedSigner(settings.feedSigningKey) : undefined
    const log = createLogger(settings.logLevel, write)
    // response signatures and the signature documents depend on the key: a new key, new cache entries
    const keyId = feedSigner ? (await sha256Hex(feedSigner.publicKeyPem)).slice(0, 12) : 'unsigned'
    const edge = new FeedEdgeCache({
      cache: deps.cache(),
      generation: `${settings.cacheGeneration}-${keyId}`,
      pointerTtlSeconds: Math.floor(settings.feedRefreshMs / 1000),
    })
    const app = createApp({
      getDb: (c: Context) => (c.env as RequestBindings).db,
      getClientIp: (c: Context) => c.req.header('cf-connecting-ip') ?? null,
      now,
      logger: log,
      ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
      feedMaxAge: settings.feedMaxAge,
      feedRefreshMs: settings.feedRefreshMs,
      feedSigner,
      // Workers' Web Crypto has MD5 (non-standard) for the .md5 checksum URLs
      md5Hex: async (bytes) => bytesToHex(new Uint8Array(await crypto.subtle.digest('MD5', bytes as Uint8Array<ArrayBuffer>))),
      // counters in Postgres through the per-request client (no Redis on Workers)
      rateLimits: settings.rateLimits,
      exclusionPolicy: settings.exclusionPolicy,
      onPublished: (serial) => edge.notePublished(serial),
      noticeDays: settings.noticeDays,
      reminderDays: settings.reminderDays,
    })
    return { app, edge, log, feedSigner }
  }

  /** The runtime, or the 500 that says which setting to fix. */
  async function runtimeOrProblem(request: Request, settings: WorkerSettings): Promise<Runtime | Response> {
    try {
      return await runtimeFor(settings)
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      const problems = [`secret ${err.message}`]
      logMisconfigured(problems)
      return misconfiguredResponse(request, problems)
    }
  }

  function logMisconfigured(problems: string[]): void {
    write(JSON.stringify({ time: now().toISOString(), level: 'error', msg: 'worker misconfigured', problems }))
  }

  async function fetch(request: Request, env: unknown, ctx: WorkerExecutionContext): Promise<Response> {
    const checked = checkEnv(env)
    if (!checked.ok) {
      logMisconfigured(checked.problems)
      return misconfiguredResponse(request, checked.problems)
    }
    const rt = await runtimeOrProblem(request, checked.settings)
    if (rt instanceof Response) return rt
    const { app, edge } = rt
    return edge.handle(request, ctx, async (req) => {
      const db = deps.openDb(checked.connectionString)
      try {
        const bindings: RequestBindings = { db }
        // the runtime's own object: its methods are native, so it is passed as is, not copied
        return await app.fetch(req, bindings, ctx as unknown as ExecutionContext)
      } finally {
        // after the response: the client belongs to this request and must not outlive it
        ctx.waitUntil(db.destroy().catch(() => undefined))
      }
    })
  }

  /** The outbox mail sender over the send_email binding, when there is one and MAIL_FROM. */
  function mailSenderFor(env: unknown, settings: WorkerSettings) {
    const binding = (env as { SEND_EMAIL?: SendEmailBinding }).SEND_EMAIL
    return binding && typeof binding.send === 'function' && settings.mail.from ? createBindingMailSender({ binding, from: settings.mail.from }) : undefined
  }

  async function scheduled(controller: { cron: string; scheduledTime: number }, env: unknown, ctx: WaitUntil): Promise<void> {
    const checked = checkEnv(env)
    if (!checked.ok) throw new Error(`worker misconfigured: ${checked.problems.join('; ')}`)
    const { log, feedSigner } = await runtimeFor(checked.settings)
    const s = checked.settings
    const db = deps.openDb(checked.connectionString)
    try {
      log.info('scheduled run', { cron: controller.cron })
      const mailSender = mailSenderFor(env, checked.settings)
      await runScheduledJobs(deps.jobs ?? SCHEDULED_JOBS, {
        db,
        now: now(),
        log,
        retention: s.retention,
        ...(mailSender ? { mailSender } : {}),
        noticeDays: s.noticeDays,
        notify: {
          baseUrl: s.publicUrl ?? '',
          reminderDays: s.reminderDays,
          webhooks: createWebhookDelivery(db, { fetch: createWorkerOutboundFetch(), signer: feedSigner, now, disableAfterDays: s.webhookDisableAfterDays, baseUrl: s.publicUrl ?? '' }),
        },
      })
    } finally {
      ctx.waitUntil(db.destroy().catch(() => undefined))
    }
  }

  return { fetch, scheduled }
}
