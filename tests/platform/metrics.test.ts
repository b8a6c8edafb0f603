import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimDueOutbox, enqueueOutbox, recordOutboxAttempt } from '../../src/db/outbox.js'
import { createNodeMetrics, type NodeMetrics } from '../../src/platform/metrics.js'
import { buildApp, jsonBody, testClock, tokenWith } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
let metrics: NodeMetrics
let server: Server
let app: ReturnType<typeof buildApp>

beforeAll(async () => {
  t = await openTestDb()
  metrics = createNodeMetrics({ db: t.db, poolStats: () => ({ total: 3, idle: 2, waiting: 0 }) })
  app = buildApp(t.db, testClock(), { metrics: metrics.recorder, rateLimits: { reportsPerMinute: 1 } })
  server = await metrics.listen(0, '127.0.0.1')
}, 60_000)
afterAll(async () => {
  await new Promise((r) => server.close(r))
  await t.close()
})

async function scrape(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return res.text()
}

describe('Prometheus metrics', () => {
  it('counts requests per route pattern, never per raw path, with latency histograms', async () => {
    const token = await tokenWith(t.db, 'ranges:write')
    expect((await app.request('/v1/admin/ranges', jsonBody('POST', { prefix: '192.0.2.0/24', pool: 'p', region: 'r' }, token))).status).toBe(201)
    expect((await app.request('/v1/admin/publish', jsonBody('POST', {}, token))).status).toBe(201)
    for (const serial of [1, 1, 77]) await app.request(`/v1/versions/${serial}`)
    await app.request('/no/such/thing?email=someone@example.org')
    const text = await scrape()
    expect(text).toMatch(/^scangate_http_requests_total\{method="GET",route="\/v1\/versions\/:serial",status="200"\} 2$/m)
    expect(text).toMatch(/^scangate_http_requests_total\{method="GET",route="\/v1\/versions\/:serial",status="404"\} 1$/m)
    expect(text).toMatch(/^scangate_http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m)
    expect(text).toMatch(/^scangate_http_request_duration_seconds_count\{method="GET",route="\/v1\/versions\/:serial"\} 3$/m)
    expect(text).toMatch(/^scangate_http_request_duration_seconds_bucket\{le="0\.005",method="POST",route="\/v1\/admin\/ranges"\} \d+$/m)
    expect(text).not.toMatch(/\/v1\/versions\/77|\/no\/such|example\.org/)
    expect(text).toMatch(/^scangate_feed_serial 1$/m)
    expect(text).toMatch(/^scangate_feed_age_seconds \d/m)
    expect(text).toMatch(/^scangate_db_pool_connections\{state="idle"\} 2$/m)
    expect(text).toMatch(/^scangate_outbox_pending 0$/m)
    expect(text).toMatch(/^scangate_outbox_dead 0$/m)
  })

  it('counts reports by channel and verdict, open cases, and rate-limit refusals', async () => {
    const report = {
      sourceIps: ['192.0.2.7'],
      observedFrom: '2026-10-31T22:00:00Z',
      target: '203.0.113.5',
      category: 'port-scan',
    }
    expect((await app.request('/v1/reports', jsonBody('POST', report))).status).toBe(201)
    expect((await app.request('/v1/reports', jsonBody('POST', report))).status).toBe(429)
    const text = await scrape()
    expect(text).toMatch(/^scangate_reports\{channel="json",verdict="[a-z_]+"\} 1$/m)
    expect(text).toMatch(/^scangate_open_cases\{status="open"\} 1$/m)
    expect(text).toMatch(/^scangate_rate_limit_refusals_total\{policy="report-min"\} 1$/m)
  })

  it('reports outbox depth, dead items and failed attempts', async () => {
    const now = new Date()
    await enqueueOutbox(t.db, { kind: 'webhook', destination: 'sub-1', payload: { event: 'x' } }, now)
    const [item] = await claimDueOutbox(t.db, { now, limit: 1, leaseMs: 60_000, kinds: ['webhook'] })
    await recordOutboxAttempt(t.db, item!, { ok: false, latencyMs: 12, error: 'connection refused' }, now)
    const text = await scrape()
    expect(text).toMatch(/^scangate_outbox_pending 1$/m)
    expect(text).toMatch(/^scangate_outbox_failed_attempts\{kind="webhook"\} 1$/m)
  })

  it('answers nothing but GET /metrics on its listener', async () => {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/ranges`)
    expect(res.status).toBe(404)
  })
})
