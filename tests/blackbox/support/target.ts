/**
 * @module tests/blackbox/support/target
 * The one thing the black-box suite knows about the server under test: its base URL (and
 * two tokens). Nothing here imports the app, so the same files check the Node server,
 * `wrangler dev` (workerd) or a real deployment. scripts/blackbox.sh sets:
 *
 * - BLACKBOX_BASE_URL      e.g. http://127.0.0.1:8787 (no trailing slash needed)
 * - BLACKBOX_ADMIN_TOKEN   a token with the `ranges:write` scope
 * - BLACKBOX_OTHER_TOKEN   a valid token WITHOUT `ranges:write` (for the 403 checks)
 *
 * To add checks for a new resource, add `tests/blackbox/<resource>.test.ts` using `api()`;
 * assert relative to what the server answers (the same database serves several targets
 * one after the other, so serials and counts grow between runs).
 */

function required(name: string): string {
  const v = process.env[name]
  if (!v) {
    throw new Error(`${name} is not set: run the black-box suite through scripts/blackbox.sh, or set ${name} yourself (see tests/blackbox/support/target.ts)`)
  }
  return v
}

export const target = {
  get baseUrl(): string {
    return required('BLACKBOX_BASE_URL').replace(/\/$/, '')
  },
  get adminToken(): string {
    return required('BLACKBOX_ADMIN_TOKEN')
  },
  get otherToken(): string {
    return required('BLACKBOX_OTHER_TOKEN')
  },
  /** BLACKBOX_PROXY=prism: Prism's validating proxy stands in front of the server. */
  get behindPrism(): boolean {
    return process.env.BLACKBOX_PROXY === 'prism'
  },
}

/** One request to the server under test, bounded in time. */
export async function api(path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response> {
  const { token, json, ...rest } = init
  const headers = new Headers(rest.headers)
  if (token) headers.set('authorization', `Bearer ${token}`)
  let body = rest.body
  if (json !== undefined) {
    headers.set('content-type', 'application/json')
    body = JSON.stringify(json)
  }
  const res = await fetch(target.baseUrl + path, { ...rest, headers, body: body ?? null, redirect: 'manual', signal: AbortSignal.timeout(15_000) })
  const violations = UNDOCUMENTED_ALIAS.test(path) ? [] : responseViolations(res.headers.get('sl-violations'))
  if (violations.length) throw new Error(`${rest.method ?? 'GET'} ${path} → ${res.status} does not match /openapi.json: ${violations.join('; ')}`)
  return res
}

/**
 * `/v1/versions/{serial}.sig` is an alias kept for old clients, outside the document: as a
 * template it is ambiguous with `/v1/versions/{serial}`, which is where Prism routes it.
 * (The same pattern is exempted in Prism's log by scripts/blackbox.sh.)
 */
const UNDOCUMENTED_ALIAS = /^\/v1\/versions\/[0-9]+\.sig$/

/**
 * Behind Prism's validating proxy (`scripts/blackbox.sh prism`) every answer that breaks
 * the document carries `sl-violations`; response errors fail the request at once. Request
 * violations are the suite's own deliberate bad input, which the server must answer.
 */
function responseViolations(header: string | null): string[] {
  if (!header) return []
  const parsed = JSON.parse(header.replace(/^Too many violations! /, '')) as { location?: string[]; severity?: string; message?: string }[]
  return parsed
    .filter((v) => v.location?.[0] === 'response' && v.severity === 'Error')
    .map((v) => `${v.location!.join('.')}: ${v.message}`)
}

export const admin = (path: string, init: RequestInit & { json?: unknown } = {}) => api(path, { ...init, token: target.adminToken })

/** The RFC 9457 shape every error answers with. */
export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  code: string
  instance?: string
  errors?: { field: string; message: string }[]
}

export async function expectProblem(res: Response, status: number, code?: string): Promise<ProblemBody> {
  const text = await res.text()
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 300)}`)
  if (res.headers.get('content-type') !== 'application/problem+json') {
    throw new Error(`expected application/problem+json, got ${res.headers.get('content-type')}`)
  }
  const body = JSON.parse(text) as ProblemBody
  if (body.status !== status) throw new Error(`problem status ${body.status} != HTTP ${status}`)
  if (code && body.code !== code) throw new Error(`expected code ${code}, got ${body.code}: ${body.detail}`)
  return body
}

/** The latest published serial as the feed reports it. */
export async function latestSerial(): Promise<number> {
  const res = await api('/v1/ranges')
  if (res.status !== 200) throw new Error(`GET /v1/ranges answered ${res.status}; was the catalogue seeded?`)
  return Number(res.headers.get('x-feed-serial'))
}
