/**
 * @module platform/metrics
 * Prometheus metrics on Node (prom-client), served on their own listen address
 * (METRICS_PORT, loopback by default) so the public port never exposes them.
 *
 * Counters the app feeds (requests, rate-limit refusals) live in memory; what the
 * database knows (feed serial and age, reports, open cases, outbox) is read at scrape
 * time, so it is right across restarts and across processes sharing one Postgres.
 */
import { createServer, type Server } from 'node:http'
import { sql, type Kysely } from 'kysely'
import client from 'prom-client'
import { outboxStats } from '../db/outbox.js'
import type { Database } from '../db/schema.js'
import type { MetricsRecorder } from '../http/app-env.js'

export interface NodeMetrics {
  recorder: MetricsRecorder
  registry: client.Registry
  /** Requests answered from the Node response cache (they never reach the app). */
  cachedRequest(route: string, status: number, seconds: number): void
  /** Starts the HTTP listener for GET /metrics. */
  listen(port: number, host: string): Promise<Server>
}

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

export function createNodeMetrics(opts: {
  db: Kysely<Database>
  poolStats: () => { total: number; idle: number; waiting: number }
}): NodeMetrics {
  const registry = new client.Registry()
  client.collectDefaultMetrics({ register: registry, prefix: 'scangate_' })
  const registers = [registry]

  const requests = new client.Counter({ name: 'scangate_http_requests_total', help: 'HTTP requests by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers })
  const duration = new client.Histogram({ name: 'scangate_http_request_duration_seconds', help: 'HTTP request latency by method and route pattern', labelNames: ['method', 'route'], buckets: BUCKETS, registers })
  const refusals = new client.Counter({ name: 'scangate_rate_limit_refusals_total', help: 'Requests refused with 429, by rate-limit policy', labelNames: ['policy'], registers })

  // label children are looked up once per (method, route, status): the hot path then only increments
  const children = new Map<string, { count: client.Counter.Internal; time: client.Histogram.Internal<string> }>()
  const observe = (method: string, route: string, status: number, seconds: number) => {
    const key = `${method} ${route} ${status}`
    let child = children.get(key)
    if (!child) {
      child = { count: requests.labels(method, route, String(status)), time: duration.labels(method, route) }
      children.set(key, child)
    }
    child.count.inc()
    child.time.observe(seconds)
  }

  const gauge = (name: string, help: string, labelNames: string[], collect: (g: client.Gauge) => Promise<void> | void) =>
    new client.Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        this.reset()
        await collect(this)
      },
    })

  gauge('scangate_feed_serial', 'Serial of the latest published version', [], async (g) => {
    const row = await opts.db.selectFrom('feed_versions').select(['serial', 'created_at']).orderBy('serial', 'desc').limit(1).executeTakeFirst()
    if (row) g.set(row.serial)
  })
  gauge('scangate_feed_age_seconds', 'Seconds since the latest version was published', [], async (g) => {
    const row = await opts.db.selectFrom('feed_versions').select('created_at').orderBy('serial', 'desc').limit(1).executeTakeFirst()
    if (row) g.set((Date.now() - new Date(row.created_at).getTime()) / 1000)
  })
  gauge('scangate_reports', 'Reports received, by channel and suggested verdict', ['channel', 'verdict'], async (g) => {
    const rows = await opts.db.selectFrom('reports').select(['channel', 'verdict', sql<string>`count(*)`.as('n')]).groupBy(['channel', 'verdict']).execute()
    for (const r of rows) g.set({ channel: r.channel, verdict: r.verdict }, Number(r.n))
  })
  gauge('scangate_open_cases', 'Cases not resolved or dismissed, by status', ['status'], async (g) => {
    const rows = await opts.db.selectFrom('cases').select(['status', sql<string>`count(*)`.as('n')]).where('status', 'not in', ['resolved', 'dismissed']).groupBy('status').execute()
    for (const r of rows) g.set({ status: r.status }, Number(r.n))
  })
  gauge('scangate_db_pool_connections', 'Database connections by state (embedded: one session)', ['state'], (g) => {
    const s = opts.poolStats()
    g.set({ state: 'total' }, s.total)
    g.set({ state: 'idle' }, s.idle)
    g.set({ state: 'waiting' }, s.waiting)
  })
  // one query per scrape for the three outbox gauges
  let outbox: ReturnType<typeof outboxStats> | null = null
  const outboxNow = () => (outbox ??= outboxStats(opts.db, new Date()).finally(() => setTimeout(() => (outbox = null), 0)))
  gauge('scangate_outbox_pending', 'Outgoing mail and webhooks waiting to be delivered', [], async (g) => g.set((await outboxNow()).pending))
  gauge('scangate_outbox_dead', 'Outgoing mail and webhooks that gave up (see the delivery log)', [], async (g) => g.set((await outboxNow()).dead))
  gauge('scangate_outbox_oldest_pending_seconds', 'Age of the oldest undelivered item', [], async (g) => g.set((await outboxNow()).oldestPendingSeconds))
  gauge('scangate_outbox_failed_attempts', 'Failed delivery attempts in the kept delivery log, by kind', ['kind'], async (g) => {
    const rows = await opts.db
      .selectFrom('outbox_attempts')
      .innerJoin('outbox', 'outbox.id', 'outbox_attempts.outbox_id')
      .select(['outbox.kind', sql<string>`count(*)`.as('n')])
      .where('outbox_attempts.ok', '=', false)
      .groupBy('outbox.kind')
      .execute()
    for (const r of rows) g.set({ kind: r.kind }, Number(r.n))
  })

  return {
    registry,
    recorder: {
      request: ({ method, route, status, seconds }) => observe(method, route, status, seconds),
      rateLimited: (policy) => refusals.labels(policy).inc(),
    },
    cachedRequest: (route, status, seconds) => observe('GET', route, status, seconds),
    listen(port, host) {
      const server = createServer((req, res) => {
        if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n')
          return
        }
        registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (err: unknown) => res.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${err instanceof Error ? err.message : String(err)}\n`),
        )
      })
      return new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => resolve(server))
      })
    },
  }
}
