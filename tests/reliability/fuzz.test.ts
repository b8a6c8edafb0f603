/**
 * @module tests/reliability/fuzz
 * Property-based fuzzing of every route that takes input, found from the OpenAPI document
 * (so routes added later are fuzzed without touching this file): at least 10 000
 * generated request bodies to the public and admin POST/PUT/PATCH routes (admin ones
 * with a valid token, so bodies get past authentication), and hostile path parameters and
 * query strings to every GET. The property: never a 5xx, and every 4xx is an
 * application/problem+json with a `code`.
 */
import fc from 'fast-check'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/schema.js'
import { SCOPES } from '../../src/domain/tokens.js'
import { HTTP_METHODS, type JsonSchema, type OpenApiDocument, type Operation } from '../../src/http/routes/openapi.js'
import { bodyFor, formBodyFor, paramValue, percentEncode, type FuzzBody } from '../helpers/fuzz-inputs.js'
import { buildApp, jsonBody, testClock, tokenWith, type Clock } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

/** Bodies for POST /v1/reports, the public write route; the rest is shared by the others. */
const REPORT_BODIES = 4000
const OTHER_BODIES = 6400
const GETS_PER_ROUTE = 200
const MIN_BODIES = 10_000

const noDb = new Proxy({}, { get: () => { throw new Error('not used') } }) as Kysely<Database>
const doc = (await (await buildApp(noDb, testClock()).request('/openapi.json')).json()) as OpenApiDocument

interface Target {
  method: string
  path: string
  op: Operation
}

const all: Target[] = Object.entries(doc.paths).flatMap(([path, item]) =>
  HTTP_METHODS.filter((m) => item[m]).map((method) => ({ method: method.toUpperCase(), path, op: item[method]! })),
)
const bodyTargets = all.filter((t) => t.op.requestBody?.content?.['application/json'])
const getTargets = all.filter((t) => t.method === 'GET')
const othersCount = bodyTargets.filter((t) => t.path !== '/v1/reports').length
const runsFor = (t: Target) => (t.path === '/v1/reports' ? REPORT_BODIES : Math.ceil(OTHER_BODIES / Math.max(1, othersCount)))

const figures = {
  bodies: 0,
  gets: 0,
  bodiesByRoute: new Map<string, number>(),
  bodiesByKind: new Map<string, number>(),
  statuses: new Map<number, number>(),
  ms: 0,
}
const bump = <K>(m: Map<K, number>, k: K, n = 1) => m.set(k, (m.get(k) ?? 0) + n)

let t: TestDb
let clock: Clock
let app: ReturnType<typeof buildApp>
let token: string
/** Real ids, so fuzzed bodies to /x/{id} routes reach the handler rather than a 404. */
const realIds: Record<string, string[]> = { ranges: [], cases: [], sessions: [], reports: [] }
const started = performance.now()

beforeAll(async () => {
  t = await openTestDb()
  clock = testClock('2026-11-01T00:00:00.000Z')
  // limits out of the way: the fuzz is about input handling, one client sends it all
  app = buildApp(t.db, clock, { rateLimits: { reportsPerMinute: 1e9, reportsPerDay: 1e9, statusPerMinute: 1e9 } })
  token = await tokenWith(t.db, ...SCOPES)
  await seed()
}, 120_000)

afterAll(async () => {
  const statuses = [...figures.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')
  const routes = [...figures.bodiesByRoute].map(([r, n]) => `  ${r}: ${n}`).join('\n')
  const kinds = [...figures.bodiesByKind].sort(([, a], [, b]) => b - a).map(([k, n]) => `${k} ${n}`).join(', ')
  console.log(
    `[fuzz] ${figures.bodies} generated bodies to ${figures.bodiesByRoute.size} body routes, ${figures.gets} generated GETs to ${getTargets.length} GET routes, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s on ${t.kind}\n[fuzz] bodies per route:\n${routes}\n[fuzz] body kinds: ${kinds}\n[fuzz] statuses: ${statuses}`,
  )
  await t?.close()
})

async function seed(): Promise<void> {
  const post = (path: string, body: unknown, method = 'POST') => app.request(path, jsonBody(method, body, token))
  for (const r of [
    { prefix: '192.0.2.0/24', pool: 'asv-external', region: 'eu-central', activeFrom: '2026-10-01T00:00:00Z' },
    { prefix: '198.51.100.0/24', pool: 'web-app', region: 'us-east', activeFrom: '2026-10-01T00:00:00Z' },
    { prefix: '2001:db8:1000::/36', pool: 'asv-external', region: 'global', activeFrom: '2026-10-01T00:00:00Z' },
  ]) {
    const res = await post('/v1/admin/ranges', r)
    expect(res.status, await res.clone().text()).toBe(201)
    realIds.ranges!.push(((await res.json()) as { range: { id: string } }).range.id)
  }
  expect((await post('/v1/admin/publish', {})).status).toBe(201)
  if (doc.paths['/v1/admin/sessions/{externalId}']?.put) {
    const res = await post('/v1/admin/sessions/sess-fuzz-1', {
      customerRef: 'cust-fuzz',
      scannerIps: ['192.0.2.10'],
      startedAt: '2026-10-31T20:00:00Z',
      endedAt: '2026-10-31T23:00:00Z',
      authorizedTargets: ['203.0.113.0/24'],
    }, 'PUT')
    if (res.ok) realIds.sessions!.push('sess-fuzz-1')
    else console.warn(`[fuzz] could not seed a scan session (${res.status}); session routes get random ids only`)
  }
  if (doc.paths['/v1/reports']?.post) {
    const res = await app.request('/v1/reports', jsonBody('POST', {
      sourceIps: ['192.0.2.10'],
      observedFrom: '2026-10-31T21:00:00Z',
      target: '203.0.113.5',
      category: 'port-scan',
      contactEmail: 'abuse@example.test',
    }))
    expect(res.status, await res.clone().text()).toBe(201)
    realIds.reports!.push(((await res.json()) as { ref: string }).ref)
    const cases = await app.request('/v1/admin/cases', { headers: { authorization: `Bearer ${token}` } })
    if (cases.ok) realIds.cases!.push(...((await cases.json()) as { cases: { id: string }[] }).cases.map((c) => c.id))
  }
}

/** Statuses that only ever mean one thing, whichever layer answers them. */
const CODE_FOR_STATUS: Record<number, string> = { 401: 'unauthorized', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'rate_limited' }

/** The XARF v4 sample reports, dated inside the accepted window of the test clock. */
function xarfSeeds(): unknown[] {
  const dir = fileURLToPath(new URL('../domain/intake/fixtures/xarf/', import.meta.url))
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as object), timestamp: '2026-10-31T11:26:59Z' }))
}

/**
 * The invariant every response must keep, whatever was sent. HTML pages (`page`) may
 * answer a 4xx with an HTML page for the person at the browser instead of a problem.
 */
async function check(res: Response, what: string, page = false): Promise<void> {
  bump(figures.statuses, res.status)
  const text = await res.text()
  if (res.status >= 500) throw new Error(`${what} → ${res.status}: ${text.slice(0, 500)}`)
  if (page && res.status >= 400 && (res.headers.get('content-type') ?? '').startsWith('text/html')) return
  if (res.status >= 400) {
    const type = res.headers.get('content-type') ?? ''
    if (!type.startsWith('application/problem+json')) throw new Error(`${what} → ${res.status} with content-type ${type}: ${text.slice(0, 200)}`)
    const p = JSON.parse(text) as { code?: unknown; status?: unknown }
    if (typeof p.code !== 'string' || p.code === '') throw new Error(`${what} → ${res.status} problem without a code: ${text.slice(0, 200)}`)
    if (p.status !== res.status) throw new Error(`${what} → ${res.status} but the problem says status ${String(p.status)}`)
    const expected = CODE_FOR_STATUS[res.status]
    if (expected && p.code !== expected) throw new Error(`${what} → ${res.status} with code ${p.code}, expected ${expected}`)
  }
}

function idsFor(path: string, param: string): string[] {
  if (param === 'externalId') return realIds.sessions!
  if (param === 'ref') return realIds.reports!
  if (path.startsWith('/v1/admin/ranges')) return realIds.ranges!
  if (path.includes('/cases/')) return realIds.cases!
  return []
}

/** A path with each `{param}` filled: mostly a real id (bodies then reach the handler), else hostile. */
function pathArb(target: Target, realShare: number): fc.Arbitrary<string> {
  const names = [...target.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)
  if (names.length === 0) return fc.constant(target.path)
  const param = (name: string) => {
    const schema = target.op.parameters?.find((p) => p.name === name && p.in === 'path')?.schema
    const hostile = paramValue(name, schema).map((v) => (v.encode ? percentEncode(v.raw) : v.raw))
    const ids = idsFor(target.path, name)
    return ids.length ? fc.oneof({ weight: Math.round(realShare * 10), arbitrary: fc.constantFrom(...ids) }, { weight: 10 - Math.round(realShare * 10), arbitrary: hostile }) : hostile
  }
  return fc.tuple(...names.map(param)).map((values) => names.reduce((p, n, i) => p.replace(`{${n}}`, values[i] || 'x'), target.path))
}

function headersFor(target: Target, body: FuzzBody | null, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra }
  if (body?.contentType !== null && body?.contentType !== undefined) h['content-type'] = body.contentType
  if (target.op.security?.length) h.authorization = `Bearer ${token}`
  return h
}

describe('fuzzed request bodies never cause a 5xx; every 4xx is a problem with a code', () => {
  it('the document lists the routes to fuzz', () => {
    expect(bodyTargets.map((b) => `${b.method} ${b.path}`)).toEqual(expect.arrayContaining(['POST /v1/admin/ranges', 'POST /v1/admin/publish']))
    expect(getTargets.length).toBeGreaterThan(5)
  })

  for (const target of bodyTargets) {
    const runs = runsFor(target)
    it(`${target.method} ${target.path}: ${runs} bodies`, async () => {
      const content = target.op.requestBody!.content!
      const schema = content['application/json']!.schema as JsonSchema
      const opts = { form: 'application/x-www-form-urlencoded' in content, seeds: target.path === '/v1/reports' ? xarfSeeds() : [] }
      const idempotencyKey = fc.option(fc.oneof(fc.uuid(), fc.constantFrom('k', 'a'.repeat(256), 'has space', 'tab\there', '')), { freq: 5 })
      await fc.assert(
        fc.asyncProperty(pathArb(target, 0.8), bodyFor(schema, doc, opts), idempotencyKey, async (path, body, key) => {
          const extra: Record<string, string> = target.path === '/v1/reports' && key !== null ? { 'idempotency-key': key } : {}
          const res = await app.request(path, { method: target.method, headers: headersFor(target, body, extra), body: body.body as BodyInit })
          figures.bodies++
          bump(figures.bodiesByRoute, `${target.method} ${target.path}`)
          bump(figures.bodiesByKind, body.kind)
          await check(res, `${target.method} ${path} [${body.kind}, ${body.contentType}]`)
        }),
        { numRuns: runs },
      )
    }, 300_000)
  }

  it(`sent at least ${MIN_BODIES} bodies in total`, () => {
    expect(figures.bodies).toBeGreaterThanOrEqual(MIN_BODIES)
  })
})

/**
 * The HTML form posts people use (not in the OpenAPI document; they answer with pages):
 * the public report and status forms in depth — with the form's own signed fill-time
 * stamp, so bodies get past the bot trap — and the desk forms without a session (they
 * must refuse, never fail). Desk forms with a session are covered by the desk's own tests.
 */
const PAGE_POSTS: { path: string; runs: number; fields: string; extra?: 'report-stamp' }[] = [
  { path: '/report', runs: 800, fields: 'ReportInput', extra: 'report-stamp' },
  { path: '/report/status', runs: 300, fields: 'ReportStatusForm' },
  { path: '/desk/sign-in', runs: 150, fields: 'DeskSignIn' },
  { path: '/desk/sign-out', runs: 50, fields: 'DeskSignIn' },
  { path: '/desk/cases/{id}/notes', runs: 100, fields: 'NoteInput' },
  { path: '/desk/cases/{id}/assign', runs: 50, fields: 'AssignInput' },
  { path: '/desk/cases/{id}/transition', runs: 50, fields: 'TransitionInput' },
]

/** Form fields of pages that have no API twin in the document. */
const PAGE_SCHEMAS: Record<string, JsonSchema> = {
  ReportStatusForm: { type: 'object', properties: { ref: { type: 'string', example: 'R-7K3M9Q2XTV' }, token: { type: 'string', example: 'rs_' + 'a'.repeat(32) } }, required: ['ref', 'token'] },
  DeskSignIn: { type: 'object', properties: { token: { type: 'string', example: 'sg_' + 'a'.repeat(32) }, csrf: { type: 'string' } }, required: ['token'] },
}

describe('fuzzed HTML form posts never cause a 5xx', () => {
  const served = new Set(buildApp(noDb, testClock()).routes.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`))
  for (const form of PAGE_POSTS) {
    it.skipIf(!served.has(`POST ${form.path}`))(`POST ${form.path}: ${form.runs} bodies`, async () => {
      let extra: fc.Arbitrary<Record<string, string>> = fc.constant({})
      if (form.extra === 'report-stamp') {
        const page = await (await app.request('/report')).text()
        const stamp = /name="formStarted"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="formStarted"/.exec(page)
        expect(stamp, 'the report form carries its fill-time stamp').not.toBeNull()
        // past the minimum fill time, so the bot trap lets the bodies through
        clock.advance(10_000)
        extra = fc.record({ formStarted: fc.oneof({ weight: 9, arbitrary: fc.constant(stamp![1] ?? stamp![2]!) }, { weight: 1, arbitrary: fc.string({ maxLength: 60 }) }), website: fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }) })
      }
      const schema = PAGE_SCHEMAS[form.fields] ?? doc.components?.schemas?.[form.fields] ?? {}
      const target: Target = { method: 'POST', path: form.path, op: { responses: {}, parameters: [{ name: 'id', in: 'path', required: true }] } }
      await fc.assert(
        fc.asyncProperty(pathArb(target, 0.8), formBodyFor(schema, doc, extra), async (path, body) => {
          const headers: Record<string, string> = { accept: 'text/html', 'sec-fetch-site': 'same-origin' }
          if (body.contentType !== null) headers['content-type'] = body.contentType
          const res = await app.request(path, { method: 'POST', headers, body: body.body as BodyInit })
          figures.bodies++
          bump(figures.bodiesByRoute, `POST ${form.path} (HTML form)`)
          bump(figures.bodiesByKind, body.kind)
          await check(res, `POST ${path} [${body.kind}, ${body.contentType}]`, true)
        }),
        { numRuns: form.runs },
      )
    }, 300_000)
  }
})

/** A query string from the declared parameters (and some undeclared), values hostile or plausible. */
function queryArb(target: Target): fc.Arbitrary<string> {
  const declared = (target.op.parameters ?? []).filter((p) => p.in === 'query')
  const pair = (name: string, schema: JsonSchema | undefined) =>
    paramValue(name, schema).map((v) => `${percentEncode(name)}=${v.encode ? percentEncode(v.raw) : v.raw}`)
  const pairs = [
    ...declared.map((p) => pair(p.name, p.schema)),
    fc.string({ maxLength: 8 }).chain((n) => pair(n, undefined)),
  ]
  return fc.array(fc.oneof(...pairs), { maxLength: 6 }).map((ps) => (ps.length ? `?${ps.join('&')}` : ''))
}

/** HTML pages people open, with the query parameters they read (not in the document). */
const PAGE_GETS: { path: string; query: string[] }[] = [
  { path: '/', query: ['family', 'pool', 'region', 'status'] },
  { path: '/lookup', query: ['ip'] },
  { path: '/report', query: ['sourceIps'] },
  { path: '/report/status', query: ['ref'] },
  { path: '/report/receipt/{ref}', query: [] },
  { path: '/desk', query: ['status', 'verdict', 'assignee', 'cursor', 'signed-out'] },
  { path: '/desk/cases/{id}', query: ['done'] },
]

describe('fuzzed path parameters and query strings never cause a 5xx', () => {
  const served = new Set(buildApp(noDb, testClock()).routes.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`))
  for (const page of PAGE_GETS) {
    it.skipIf(!served.has(`GET ${page.path}`))(`GET ${page.path} (HTML page): ${GETS_PER_ROUTE} requests`, async () => {
      const params = [...page.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1]!, in: 'path' as const, required: true }))
      const target: Target = { method: 'GET', path: page.path, op: { responses: {}, parameters: [...params, ...page.query.map((name) => ({ name, in: 'query' as const }))] } }
      await fc.assert(
        fc.asyncProperty(pathArb(target, 0.5), queryArb(target), async (path, query) => {
          const res = await app.request(path + query, { headers: { accept: 'text/html' } })
          figures.gets++
          await check(res, `GET ${path}${query}`, true)
        }),
        { numRuns: GETS_PER_ROUTE },
      )
    }, 300_000)
  }

  for (const target of getTargets) {
    it(`GET ${target.path}: ${GETS_PER_ROUTE} requests`, async () => {
      const header = fc.record(
        {
          'if-none-match': fc.oneof(fc.constantFrom('*', '""', 'W/', '"a", W/"b"'), fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''))),
          accept: fc.constantFrom('*/*', 'text/html', 'application/json;q=0', 'x/y'),
        },
        { requiredKeys: [] },
      )
      await fc.assert(
        fc.asyncProperty(pathArb(target, 0.5), queryArb(target), header, async (path, query, headers) => {
          const res = await app.request(path + query, { headers: headersFor(target, null, headers) })
          figures.gets++
          await check(res, `GET ${path}${query}`)
        }),
        { numRuns: GETS_PER_ROUTE },
      )
    }, 300_000)
  }
})
