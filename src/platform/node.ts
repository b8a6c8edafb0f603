/**
 * @module platform/node
 * The Node entry point: configuration from process.env, one database (pg pool or
 * embedded PGlite), migrations, demo data on a fresh embedded install, the lifecycle
 * timer, and the HTTP server with graceful shutdown.
 */
import { getRequestListener } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { exclusionPolicy, parseConfig, retentionPolicy, securityTxtConfig, type Config } from '../config.js'
import { addRanges } from '../db/add-ranges.js'
import { runOutbox, type OutboxKind, type OutboxSender } from '../db/outbox.js'
import { publishCatalogue } from '../db/publish-catalogue.js'
import { listRanges } from '../db/range-repository.js'
import { relinkOpenReports } from '../db/linking.js'
import { runRetentionPurge } from '../db/retention-purge.js'
import { runNotifyTick } from '../db/notify-tick.js'
import { publishDueTransitions } from '../db/scheduled-publish.js'
import { createWebhookDelivery } from '../db/webhook-sender.js'
import { normaliseRange } from '../domain/catalogue-rules.js'
import { demoCatalogue } from '../domain/demo-catalogue.js'
import { createFeedSigner, generateFeedKey, type FeedSigner } from '../domain/feed-signing.js'
import type { Logger } from '../http/app-env.js'
import { createHash } from 'node:crypto'
import { createApp } from '../http/app.js'
import { COMMANDS } from './cli/commands.js'
import { startControlServer, socketPath, type ControlServer } from './control-channel.js'
import { lockDataDir, SERVER_LOCK_NAME } from './data-dir-lock.js'
import { clientIp } from './client-ip.js'
import { createOutboundFetch } from './outbound-fetch.js'
import { createOptOutProbes } from './opt-out-probes.js'
import { createNodeMetrics } from './metrics.js'
import { createNodeLogger } from './node-logger.js'
import { drainHttpServer, runShutdown } from './shutdown.js'
import { SIGNING_KEY_FILE } from './backup.js'
import { createRedisRateLimiter } from './redis-rate-limiter.js'
import { migrate, openEmbedded, openPostgres, type OpenedDatabase } from './node-database.js'
import { ResponseCache } from './node-response-cache.js'
import { startNodeMail } from './node-mail.js'

/** The longest the lifecycle timer sleeps: other processes may have changed the catalogue. */
const MAX_TIMER_MS = 5 * 60_000

async function main(): Promise<void> {
  const config = parseConfig(process.env)
  // an expired security.txt would advertise stale contacts: refuse to start instead
  const securityTxt = securityTxtConfig(config, new Date())
  const log = createNodeLogger(config.LOG_LEVEL)
  let release = () => {}
  let opened: OpenedDatabase
  if (config.DATABASE_URL) {
    opened = openPostgres(config.DATABASE_URL, { max: config.DATABASE_POOL_SIZE })
  } else {
    release = lockDataDir(config.DATA_DIR, SERVER_LOCK_NAME)
    opened = await openEmbedded(join(config.DATA_DIR, 'pgdata'))
  }
  const { db } = opened
  const { applied } = await migrate(db)
  log.info('database ready', { kind: opened.kind, migrationsApplied: applied })

  if (opened.kind === 'embedded' && config.DEMO_DATA === 'auto' && (await listRanges(db)).length === 0) {
    const now = new Date()
    await addRanges(db, demoCatalogue(now).map((r) => normaliseRange(r, now)), { actor: 'system:demo', at: now })
    const result = await publishCatalogue(db, { now, actor: 'system:demo', note: 'demo catalogue' })
    log.info('empty embedded catalogue: loaded the demo catalogue (documentation prefixes only) and published it', {
      serial: result.version.serial,
      counts: result.version.counts,
    })
  }

  const feedSigner = await loadFeedSigner(config, opened.kind, log)

  let timer: NodeJS.Timeout | undefined
  const schedule = async () => {
    clearTimeout(timer)
    let wait = MAX_TIMER_MS
    try {
      const outcome = await publishDueTransitions(db, new Date(), config.NOTICE_DAYS)
      if (outcome.status === 'published') log.info('lifecycle publish', { serial: outcome.serial })
      if (outcome.status === 'refused') log.warn('lifecycle publish refused', { reason: outcome.reason })
      if (outcome.next) wait = Math.min(wait, Math.max(1000, outcome.next.getTime() - Date.now() + 50))
    } catch (err) {
      log.error('lifecycle publish failed', { error: String(err) })
      wait = 30_000
    }
    timer = setTimeout(schedule, wait)
    timer.unref()
  }

  // housekeeping once at start, then every six hours (the Workers cron runs the same jobs
  // hourly): the retention purge, then the re-link sweep
  const purge = async () => {
    try {
      const counts = await runRetentionPurge(db, retentionPolicy(config), new Date(), 'system:retention')
      log.info('retention purge', { ...counts })
    } catch (err) {
      log.error('retention purge failed', { error: String(err) })
    }
    try {
      log.info('relink sweep', { ...(await relinkOpenReports(db, new Date())) })
    } catch (err) {
      log.error('relink sweep failed', { error: String(err) })
    }
  }
  void purge()
  const purgeTimer = setInterval(() => void purge(), 6 * 3_600_000)
  purgeTimer.unref()

  // notifications: new versions and reminders become events, fanned out and delivered
  // through the outbox every NOTIFY_INTERVAL_MS and right after a publish
  const baseUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '')
  // the one guard for every outbound request: webhooks and opt-out proofs
  const outbound = createOutboundFetch(config.DNS_RESOLVER ? { dnsResolver: config.DNS_RESOLVER } : {})
  const webhooks = createWebhookDelivery(db, {
    fetch: outbound,
    signer: feedSigner,
    now: () => new Date(),
    disableAfterDays: config.WEBHOOK_DISABLE_AFTER_DAYS,
    baseUrl,
  })
  let notifying: Promise<void> | null = null
  const notify = () => {
    notifying ??= runNotifyTick(db, { now: () => new Date(), baseUrl, reminderDays: config.REMINDER_DAYS, webhooks })
      .then((r) => {
        if (r.events + r.fannedOut + r.delivery.sent + r.delivery.retried + r.delivery.dead > 0) log.info('notifications', { events: r.events, fannedOut: r.fannedOut, ...r.delivery })
      })
      .catch((err) => log.error('notifications failed', { error: String(err) }))
      .finally(() => (notifying = null))
    return notifying
  }
  const notifyTimer = setInterval(() => void notify(), config.NOTIFY_INTERVAL_MS)
  notifyTimer.unref()

  const redis = config.REDIS_URL ? await createRedisRateLimiter(config.REDIS_URL) : null
  // what sends the outbox's items from this process; the mail and webhook senders register
  // here, and the shutdown sequence runs the outbox once more with them
  const outboxSenders: Partial<Record<OutboxKind, OutboxSender>> = { webhook: webhooks.send }
  const metrics = createNodeMetrics({ db, poolStats: opened.poolStats })
  const routeOfRequest = new WeakMap<Request, string>()
  let expireFeed = () => {}
  const app = createApp({
    metrics: {
      request: (info) => {
        routeOfRequest.set(info.raw, info.route)
        metrics.recorder.request(info)
      },
      rateLimited: (policy) => metrics.recorder.rateLimited(policy),
    },
    getDb: () => db,
    getClientIp: (c) => clientIp(getConnInfo(c).remote.address ?? null, c.req.header('x-forwarded-for'), config.TRUSTED_PROXY_HOPS),
    ...(redis ? { rateLimiter: redis.limiter } : {}),
    rateLimits: {
      reportsPerMinute: config.RATE_LIMIT_REPORTS_PER_MINUTE,
      reportsPerDay: config.RATE_LIMIT_REPORTS_PER_DAY,
      statusPerMinute: config.RATE_LIMIT_STATUS_PER_MINUTE,
    },
    exclusionPolicy: exclusionPolicy(config),
    logger: log,
    trustedProxyHops: config.TRUSTED_PROXY_HOPS,
    ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL.replace(/\/$/, '') } : {}),
    feedMaxAge: config.FEED_MAX_AGE,
    feedRefreshMs: config.FEED_REFRESH_MS,
    feedSigner,
    md5Hex: async (bytes) => createHash('md5').update(bytes).digest('hex'),
    onPublished: () => published(),
    onFeedExpiry: (expire) => (expireFeed = expire),
    noticeDays: config.NOTICE_DAYS,
    reminderDays: config.REMINDER_DAYS,
    securityTxt,
    optOutProbes: createOptOutProbes({ ...(config.DNS_RESOLVER ? { dnsResolver: config.DNS_RESOLVER } : {}), fetch: outbound, rdapBaseUrl: config.RDAP_BASE_URL }),
  })
  await schedule()
  // outbox mail sender and (with SMTP_PORT) the SMTP listener for abuse mail
  const mail = await startNodeMail(config, db, log)

  // feed polls are answered from memory for as long as the feed store would trust its copy
  const responses = new ResponseCache({
    ttlMs: config.FEED_REFRESH_MS,
    routeOf: (req) => routeOfRequest.get(req),
    onHit: (hit) => {
      log.info('request', { method: hit.method, path: hit.path, status: hit.status, ms: hit.ms, cached: true })
      metrics.cachedRequest(hit.route || 'cached', hit.status, hit.ms / 1000)
    },
  })
  // a publish (API, CLI through the control channel, timer) shows at once in this process
  const published = () => {
    expireFeed()
    responses.clear()
    void schedule()
    void notify()
  }
  const listener = getRequestListener(responses.wrap(app.fetch))
  const server = createServer((req, res) => {
    if (!responses.serve(req, res)) void listener(req, res)
  })
  server.listen(config.PORT, config.HOST, () => {
    const info = server.address() as AddressInfo
    log.info('listening', { url: `http://${info.address.includes(':') ? `[${info.address}]` : info.address}:${info.port}` })
  })
  const metricsServer = config.METRICS_PORT ? await metrics.listen(config.METRICS_PORT, config.METRICS_HOST) : null
  if (metricsServer) log.info('metrics listening', { url: `http://${config.METRICS_HOST}:${config.METRICS_PORT}/metrics` })

  // the CLI reaches the embedded database through this socket while the server holds it
  let control: ControlServer | null = null
  if (opened.kind === 'embedded') {
    control = await startControlServer({
      path: socketPath(config.DATA_DIR),
      commands: COMMANDS,
      context: { db, kind: opened.kind, config, ...(opened.dump ? { dumpEmbedded: opened.dump } : {}), published },
      log,
    })
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info('shutting down', { signal })
    clearTimeout(timer)
    clearInterval(purgeTimer)
    clearInterval(notifyTimer)
    const grace = config.SHUTDOWN_GRACE_MS
    await runShutdown(
      [
        { name: 'stop accepting; finish requests in flight', timeoutMs: grace + 1000, run: () => drainHttpServer(server, grace) },
        { name: 'close the metrics listener', timeoutMs: 1000, run: () => metricsServer && drainHttpServer(metricsServer, 500) },
        { name: 'finish control-channel commands', timeoutMs: grace, run: () => control?.close(grace) },
        { name: 'stop the SMTP listener; send mail already due', timeoutMs: 10_000, run: async () => (await mail.flush(), await mail.stop()) },
        // one bounded pass, so mail and webhooks already due leave now rather than after the restart
        { name: 'flush outbox', timeoutMs: 5000, run: () => runOutbox(db, outboxSenders, { now: () => new Date(), limit: 50 }) },
        { name: 'close redis', timeoutMs: 2000, run: () => redis?.close() },
        { name: 'close the database', timeoutMs: 5000, run: () => opened.close() },
      ],
      log,
    )
    release()
    log.info('stopped')
    await log.flush()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}


/**
 * The feed signer from FEED_SIGNING_KEY. A fresh embedded install gets a key of its own,
 * kept in DATA_DIR, so signatures work out of the box; with a real database the key must
 * be configured (every process must sign with the same key).
 */
async function loadFeedSigner(config: Config, kind: OpenedDatabase['kind'], log: Logger): Promise<FeedSigner | undefined> {
  if (config.FEED_SIGNING_KEY) return createFeedSigner(config.FEED_SIGNING_KEY)
  if (kind !== 'embedded') {
    log.warn('FEED_SIGNING_KEY is not set: feed signatures are disabled (make a key with `npm run cli -- keygen`)')
    return undefined
  }
  const file = join(config.DATA_DIR, SIGNING_KEY_FILE)
  if (!existsSync(file)) {
    const { privateKey } = await generateFeedKey()
    writeFileSync(file, privateKey + '\n', { mode: 0o600 })
    log.info('generated a feed signing key for the embedded install', { file })
  }
  return createFeedSigner(readFileSync(file, 'utf8').trim())
}

main().catch((err) => {
  process.stderr.write(`scangate failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
