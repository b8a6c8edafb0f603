/**
 * @module tests/http/intake-setup
 * Shared fixtures of the intake HTTP tests: a catalogue, tokens per role, request helpers
 * and a recorder that keeps every public response (report intake, reporter status,
 * receipt page) together with every secret the suite created (customer refs, session ids,
 * internal notes, reporter e-mails), so each file can assert that no public response
 * ever carried one.
 */
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, beforeEach, expect } from 'vitest'
import { insertRanges } from '../../src/db/range-repository.js'
import type { Database } from '../../src/db/schema.js'
import { normaliseRange } from '../../src/domain/catalogue-rules.js'
import { isEmail } from '../../src/domain/intake/report-rules.js'
import { buildApp, DAY, testClock, tokenWith, type Clock } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

export { DAY }
export const HOUR = 3_600_000
export const MINUTE = 60_000

/**
 * The catalogue: two active IPv4 ranges, an IPv6 range, one retired 30 days ago (still
 * ours: 90-day grace) and one retired 120 days ago (no longer ours).
 */
export const RANGES = {
  active: '192.0.2.0/24',
  active2: '198.51.100.0/24',
  v6: '2001:db8::/32',
  retiredRecently: '203.0.113.0/24',
  retiredLongAgo: '100.64.0.0/24',
}

export async function seedCatalogue(db: Kysely<Database>, now: Date): Promise<void> {
  const at = (days: number) => new Date(now.getTime() + days * DAY).toISOString()
  await insertRanges(db, [
    normaliseRange({ prefix: RANGES.active, pool: 'asv-external', region: 'eu-central', activeFrom: at(-400) }, now),
    normaliseRange({ prefix: RANGES.active2, pool: 'asv-external', region: 'us-east', activeFrom: at(-400) }, now),
    normaliseRange({ prefix: RANGES.v6, pool: 'asv-external', region: 'global', activeFrom: at(-400) }, now),
    normaliseRange({ prefix: RANGES.retiredRecently, pool: 'web-app', region: 'ap', activeFrom: at(-400), retireAt: at(-30) }, now),
    normaliseRange({ prefix: RANGES.retiredLongAgo, pool: 'web-app', region: 'ap', activeFrom: at(-400), retireAt: at(-120) }, now),
  ])
}

export interface Recorded {
  what: string
  text: string
}

/** Paths whose responses anyone on the internet can get. */
export function isPublicPath(path: string): boolean {
  return path.startsWith('/v1/reports') || path.startsWith('/report/')
}

export class Harness {
  readonly app: ReturnType<typeof buildApp>
  readonly publicResponses: Recorded[] = []
  readonly secrets = new Map<string, string>()
  sessions = ''
  desk = ''
  reader = ''

  constructor(
    readonly db: Kysely<Database>,
    readonly clock: Clock,
  ) {
    // these tests are about intake, not throttling (tests/http/rate-limit.test.ts)
    this.app = buildApp(db, clock, { rateLimits: { reportsPerMinute: 1_000_000, reportsPerDay: 1_000_000, statusPerMinute: 1_000_000 } })
  }

  async init(): Promise<this> {
    await seedCatalogue(this.db, this.clock.now())
    this.sessions = await tokenWith(this.db, 'sessions:write')
    this.desk = await tokenWith(this.db, 'reports:read', 'reports:triage')
    this.reader = await tokenWith(this.db, 'reports:read')
    return this
  }

  /** `app.request`, recording public responses (body and headers) for the leak check. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    return isPublicPath(path) ? this.publicPage(path, init) : this.app.request(path, init)
  }

  /** `app.request`, always recording the response for the leak check (any public page). */
  async publicPage(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await this.app.request(path, init)
    const text = await res.clone().text()
    const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n')
    this.publicResponses.push({ what: `${init.method ?? 'GET'} ${path} → ${res.status}`, text: `${headers}\n\n${text}` })
    return res
  }

  secret(kind: string, value: string | null | undefined): void {
    if (!value) return
    // a short secret could turn up by chance inside a random token and make the check flaky
    if (value.length < 8) throw new Error(`use a longer ${kind} than ${JSON.stringify(value)} so the leak check means something`)
    this.secrets.set(value, kind)
  }

  async putSession(externalId: string, body: Record<string, unknown>): Promise<Response> {
    this.secret('session externalId', externalId)
    this.secret('customerRef', body.customerRef as string)
    return this.request(`/v1/admin/sessions/${encodeURIComponent(externalId)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.sessions}` },
      body: JSON.stringify(body),
    })
  }

  async batch(sessions: Record<string, unknown>[]): Promise<Response> {
    for (const s of sessions) {
      this.secret('session externalId', s.externalId as string)
      this.secret('customerRef', s.customerRef as string)
    }
    return this.request('/v1/admin/sessions:batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.sessions}` },
      body: JSON.stringify({ sessions }),
    })
  }

  async report(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const b = (typeof body === 'string' ? {} : body) as Record<string, unknown>
    // only addresses the system would store (invalid ones are refused and echo nowhere)
    for (const e of [b?.contactEmail, (b?.reporter as Record<string, unknown> | undefined)?.contact]) {
      if (typeof e === 'string' && isEmail(e)) this.secret('reporter e-mail', e)
    }
    return this.request('/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  }

  /** Posts a report that must succeed; returns the 201 body. */
  async reportOk(body: unknown, headers: Record<string, string> = {}): Promise<{ ref: string; statusToken: string; ours: boolean; status: string }> {
    const res = await this.report(body, headers)
    const json = await res.json()
    expect(res.status, JSON.stringify(json)).toBe(201)
    return json
  }

  async status(ref: string, token: string | null): Promise<Response> {
    return this.request(`/v1/reports/${ref}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } })
  }

  async admin(method: string, path: string, body?: unknown, token = this.desk): Promise<Response> {
    if (method === 'POST' && path.endsWith('/notes') && (body as { visibility?: string })?.visibility === 'internal') {
      this.secret('internal note', (body as { body: string }).body)
    }
    return this.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  }

  /** The case id of a report, through the desk's listing. */
  async caseOf(ref: string): Promise<Record<string, any>> {
    const res = await this.admin('GET', '/v1/admin/cases?limit=200')
    const { cases } = await res.json()
    for (const k of cases) {
      const detail = await (await this.admin('GET', `/v1/admin/cases/${k.id}`)).json()
      if (detail.reports.some((r: { ref: string }) => r.ref === ref)) return detail
    }
    throw new Error(`no case holds ${ref}`)
  }
}

/**
 * Asserts that no public response recorded by any of `harnesses` contained any secret
 * recorded by any of them (so one report's e-mail in another report's status counts).
 */
export function assertNoLeaks(harnesses: readonly Harness[], minResponses: number): void {
  const responses = harnesses.flatMap((x) => x.publicResponses)
  const secrets = new Map(harnesses.flatMap((x) => [...x.secrets]))
  expect(responses.length).toBeGreaterThanOrEqual(minResponses)
  expect(secrets.size).toBeGreaterThan(0)
  const leaks: string[] = []
  for (const r of responses) {
    const lower = r.text.toLowerCase()
    for (const [secret, kind] of secrets) {
      if (lower.includes(secret.toLowerCase())) leaks.push(`${r.what} contains ${kind} ${JSON.stringify(secret)}`)
    }
  }
  expect(leaks).toEqual([])
}

/** A valid JSON report body around `now`, overridable per field. */
export function reportBody(now: Date, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sourceIps: ['192.0.2.10'],
    observedFrom: new Date(now.getTime() - 2 * HOUR).toISOString(),
    observedTo: new Date(now.getTime() - HOUR).toISOString(),
    target: '100.100.1.5',
    ports: [22, 443],
    protocol: 'tcp',
    category: 'port-scan',
    description: 'SYN scan against our mail server',
    ...over,
  }
}

/** A session around `now` (started a day ago, still running), overridable per field. */
export function sessionBody(now: Date, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerRef: 'cust-acme-001',
    scannerIps: ['192.0.2.10'],
    startedAt: new Date(now.getTime() - DAY).toISOString(),
    endedAt: null,
    authorizedTargets: ['100.100.1.0/28'],
    scanType: 'asv-quarterly',
    ...over,
  }
}

/**
 * The hooks every intake test file needs: one database per file, reset before each test,
 * and a fresh harness (catalogue, tokens, clock). `onEach` receives the harness and the
 * database before each test; the returned list holds every harness, for assertNoLeaks.
 */
export function useIntakeHarness(onEach: (h: Harness, t: TestDb) => void | Promise<void>): Harness[] {
  let t: TestDb
  const harnesses: Harness[] = []
  beforeAll(async () => {
    t = await openTestDb()
  })
  afterAll(async () => {
    await t.close()
  })
  beforeEach(async () => {
    await t.reset()
    const h = await new Harness(t.db, testClock()).init()
    harnesses.push(h)
    await onEach(h, t)
  })
  return harnesses
}
