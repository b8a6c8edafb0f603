/**
 * @module tests/http/openapi
 * The API contract: /openapi.json is a valid OpenAPI 3.1 document (checked by a
 * third-party validator plus the consistency rules a validator cannot know), it lists
 * exactly the routes the app serves, and /docs renders all of it for people without a
 * single script or remote resource.
 */
import { Validator } from '@seriousme/openapi-schema-validator'
import type { Kysely } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/schema.js'
import { SCOPES } from '../../src/domain/tokens.js'
import { HTTP_METHODS, type JsonSchema, type OpenApiDocument, type Operation } from '../../src/http/routes/openapi.js'
import { PROBLEM_CODES } from '../../src/http/routes/api-docs.js'
import { HTML_CSP } from '../../src/http/security-headers.js'
import { buildApp, testClock } from '../helpers/test-app.js'

/**
 * Routes the app serves that are deliberately not in the document, each with the reason.
 * Reviewed list: adding to it needs a reason a reviewer accepts.
 */
const UNDOCUMENTED: Record<string, string> = {
  'GET /openapi.json': 'the document itself',
  'GET /opt-out': 'HTML page for network owners (JSON: POST /v1/opt-outs)',
  'POST /opt-out': 'browser form post of the opt-out page (JSON: POST /v1/opt-outs)',
  'POST /opt-out/verify': 'browser form post of the opt-out page (JSON: POST /v1/opt-outs/{ref}/verify)',
  'GET /opt-out/confirm': 'HTML page behind the link in the RDAP challenge mail (shows a button)',
  'POST /opt-out/confirm': 'browser form post of the confirm page (JSON: POST /v1/opt-outs/{ref}/confirm)',
  'GET /.well-known/security.txt': 'RFC 9116 text file, not an API operation',
  'GET /docs': 'HTML rendering of the document, for people',
  'GET /docs/problems': 'HTML page the problem `type` URIs point at',
  'GET /docs/docs.css': 'stylesheet of the /docs pages',
  'GET /report/receipt/{ref}': 'HTML page a browser lands on after posting the report form',
  'POST /report': 'browser form post of the HTML report page (the API equivalent is POST /v1/reports)',
  // the HTML pages for people: each has a documented JSON twin under /v1
  'GET /desk/webhooks': 'HTML desk page (JSON: GET /v1/admin/webhooks)',
  'POST /desk/webhooks/{id}/{action}': 'browser form post of the desk (JSON: POST /v1/admin/webhooks/{id}/…)',
  'GET /subscriptions/confirm': 'HTML page behind the confirmation link (shows a button; POST confirms)',
  'POST /subscriptions/confirm': 'browser form post that confirms an e-mail subscription',
  'GET /subscriptions/unsubscribe': 'HTML page behind the unsubscribe link (shows a button)',
  'POST /subscriptions/unsubscribe': 'browser form post and RFC 8058 one-click unsubscribe target',
  'GET /assets/app.css': 'stylesheet of the HTML pages',
  'GET /assets/app.js': 'progressive enhancement script of the HTML pages',
  'GET /': 'HTML scanner-range page (JSON: GET /v1/ranges)',
  'GET /lookup': 'HTML IP lookup page (JSON: GET /v1/lookup)',
  'GET /report': 'HTML report form (JSON: POST /v1/reports)',
  'GET /report/status': 'HTML report-status form (JSON: GET /v1/reports/{ref})',
  'POST /report/status': 'browser form post of the status page; keeps the status token out of the URL',
  'GET /desk': 'abuse-desk HTML console (JSON: GET /v1/admin/cases)',
  'POST /desk/sign-in': 'desk console sign-in form: exchanges a token for a session cookie',
  'POST /desk/sign-out': 'desk console sign-out form',
  'GET /desk/cases/{id}': 'desk console case page (JSON: GET /v1/admin/cases/{id})',
  'POST /desk/cases/{id}/notes': 'desk console form (JSON: POST /v1/admin/cases/{id}/notes)',
  'POST /desk/cases/{id}/assign': 'desk console form (JSON: POST /v1/admin/cases/{id}/assign)',
  'POST /desk/cases/{id}/transition': 'desk console form (JSON: POST /v1/admin/cases/{id}/transition)',
  'GET /v1/versions/{file}': 'old path /v1/versions/{serial}.sig, an alias of GET /v1/versions/{serial}/signature (as a template it is ambiguous with /v1/versions/{serial})',
  'GET /desk/exclusions': 'desk console exclusion list (JSON: GET /v1/admin/exclusions)',
  'POST /desk/exclusions': 'desk console form (JSON: POST /v1/admin/exclusions)',
  'POST /desk/exclusions/{id}/remove': 'desk console form (JSON: DELETE /v1/admin/exclusions/{id})',
  'GET /desk/mail': 'desk unparsed-mail queue (JSON: GET /v1/admin/mail)',
  'GET /desk/mail/{id}': 'desk page of one stored mail (JSON: GET /v1/admin/mail/{id})',
  'POST /desk/mail/{id}/report': 'desk console form (JSON: POST /v1/admin/mail/{id}/report)',
  'POST /desk/mail/{id}/dismiss': 'desk console form (JSON: POST /v1/admin/mail/{id}/dismiss)',
}

/**
 * Routes Hono registers under another path shape than the document can express: the
 * checksum route is one regex parameter in Hono, `{format}.{algorithm}` in the document.
 */
const ALIASES: Record<string, string> = {
  'GET /v1/rules/{file}': 'GET /v1/rules/{format}.{algorithm}',
}

// the document is generated without touching the database; any query would throw here
const noDb = new Proxy({}, { get: () => { throw new Error('the contract tests must not query the database') } }) as Kysely<Database>

let app: ReturnType<typeof buildApp>
let doc: OpenApiDocument

beforeAll(async () => {
  app = buildApp(noDb, testClock())
  const res = await app.request('/openapi.json')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  doc = (await res.json()) as OpenApiDocument
})

function operations(): { method: string; path: string; op: Operation }[] {
  const out: { method: string; path: string; op: Operation }[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method]
      if (op) out.push({ method, path, op })
    }
  }
  return out
}

/** Hono's `/a/:id{[0-9]+}/b` → the document's `/a/{id}/b`. */
function normaliseHonoPath(path: string): string {
  let out = ''
  for (let i = 0; i < path.length; i++) {
    if (path[i] === ':' && path[i - 1] === '/') {
      const name = /^[A-Za-z0-9_]+/.exec(path.slice(i + 1))?.[0] ?? ''
      i += name.length
      // skip a `{regex}` that may itself contain braces
      if (path[i + 1] === '{') {
        let depth = 0
        for (i = i + 1; i < path.length; i++) {
          if (path[i] === '{') depth++
          else if (path[i] === '}' && --depth === 0) break
        }
      }
      out += `{${name}}`
    } else {
      out += path[i]
    }
  }
  return out
}

function appRoutes(): Set<string> {
  const routes = new Set<string>()
  for (const r of app.routes) {
    // app.use() middleware is registered under ALL; every endpoint names its method
    if (r.method === 'ALL') continue
    const key = `${r.method} ${normaliseHonoPath(r.path)}`
    routes.add(ALIASES[key] ?? key)
  }
  return routes
}

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, out))
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v)
      else collectRefs(v, out)
    }
  }
  return out
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document according to @seriousme/openapi-schema-validator', async () => {
    const validator = new Validator()
    const result = await validator.validate(structuredClone(doc) as Record<string, unknown>)
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
    // every $ref can be resolved (the validator throws on a dangling one)
    expect(() => validator.resolveRefs()).not.toThrow()
  })

  it('every $ref points at a defined component', () => {
    const refs = collectRefs(doc)
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) {
      const m = /^#\/components\/schemas\/(.+)$/.exec(ref)
      expect(m, `unexpected $ref ${ref}`).not.toBeNull()
      expect(doc.components?.schemas?.[m![1]!], `dangling $ref ${ref}`).toBeDefined()
    }
  })

  it('names the API, its server, its tags and the bearer security scheme', () => {
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info.title).toMatch(/scangate/)
    expect(doc.info.description).toMatch(/problem\+json/)
    expect(doc.servers?.[0]?.url).toBe('/')
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
    const used = new Set(operations().flatMap(({ op }) => op.tags ?? []))
    expect(new Set(doc.tags?.map((t) => t.name))).toEqual(used)
    for (const t of doc.tags ?? []) expect(t.description, `tag ${t.name} has no description`).toBeTruthy()
  })

  it('describes the problem+json error shape', () => {
    const p = doc.components?.schemas?.Problem as JsonSchema
    expect(p).toBeDefined()
    expect(p.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']))
    const props = p.properties as Record<string, JsonSchema>
    expect(props.status?.type).toBe('integer')
    expect(props.code?.type).toBe('string')
    expect((props.errors?.items as JsonSchema).required).toEqual(['field', 'message'])
  })

  it('every operation has a summary, a tag, a unique operationId and a success response', () => {
    const ids = new Set<string>()
    for (const { method, path, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`
      expect(op.summary, `${where} has no summary`).toBeTruthy()
      expect(op.tags?.length, `${where} has no tag`).toBeGreaterThan(0)
      expect(op.operationId, `${where} has no operationId`).toMatch(/^[A-Za-z0-9_]+$/)
      expect(ids.has(op.operationId!), `${where}: duplicate operationId ${op.operationId}`).toBe(false)
      ids.add(op.operationId!)
      expect(Object.keys(op.responses).some((s) => /^[23]/.test(s)), `${where} documents no 2xx/3xx response`).toBe(true)
    }
  })

  it('path templates and path parameters match one to one', () => {
    for (const { method, path, op } of operations()) {
      const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort()
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path')
      expect(declared.map((p) => p.name).sort(), `${method.toUpperCase()} ${path}`).toEqual(inTemplate)
      for (const p of declared) expect(p.required, `${path}: path parameter ${p.name} must be required`).toBe(true)
    }
  })

  it('every error response is application/problem+json with the Problem schema', () => {
    for (const { method, path, op } of operations()) {
      for (const [status, res] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status)) continue
        const where = `${method.toUpperCase()} ${path} → ${status}`
        expect(Object.keys(res.content ?? {}), where).toEqual(['application/problem+json'])
        expect(res.content!['application/problem+json']!.schema, where).toEqual({ $ref: '#/components/schemas/Problem' })
      }
    }
  })

  it('secured operations name known scopes and document 401 and 403; 503 and 429 carry Retry-After', () => {
    let secured = 0
    for (const { method, path, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`
      for (const req of op.security ?? []) {
        for (const [scheme, scopes] of Object.entries(req)) {
          secured++
          expect(doc.components?.securitySchemes?.[scheme], `${where}: unknown scheme ${scheme}`).toBeDefined()
          for (const s of scopes) expect(SCOPES as readonly string[], `${where}: unknown scope ${s}`).toContain(s)
        }
      }
      if (op.security?.length) {
        expect(op.responses['401'], `${where} lacks 401`).toBeDefined()
        // a report's status token has no scopes, so it is never "forbidden", only unknown (401)
        if (op.security.some((req) => !('statusToken' in req) && !('optOutToken' in req))) expect(op.responses['403'], `${where} lacks 403`).toBeDefined()
        expect(op.responses['401']!.headers?.['WWW-Authenticate'], where).toBeDefined()
      }
      for (const status of ['429', '503']) {
        if (op.responses[status]) expect(op.responses[status]!.headers?.['Retry-After'], `${where} → ${status}`).toBeDefined()
      }
    }
    expect(secured).toBeGreaterThan(0)
  })

  it('every admin route is secured', () => {
    for (const { method, path, op } of operations()) {
      if (path.startsWith('/v1/admin/')) expect(op.security?.length, `${method.toUpperCase()} ${path} is not secured`).toBeGreaterThan(0)
    }
  })
})

describe('routes and document agree', () => {
  it('every route the app serves is documented (or exempted with a reason)', () => {
    const documented = new Set(operations().map(({ method, path }) => `${method.toUpperCase()} ${path}`))
    const missing = [...appRoutes()].filter((r) => !documented.has(r) && !(r in UNDOCUMENTED))
    expect(missing, 'routes missing from /openapi.json: document them, or add them to UNDOCUMENTED with a reason').toEqual([])
  })

  it('every documented route exists in the app', () => {
    const served = appRoutes()
    const phantom = operations()
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`)
      .filter((r) => !served.has(r))
    expect(phantom, 'documented but not served').toEqual([])
  })

  it('the exemptions are not stale: each names a route the app serves', () => {
    const served = appRoutes()
    for (const r of Object.keys(UNDOCUMENTED)) expect(served.has(r), `exempted route ${r} no longer exists`).toBe(true)
    for (const r of Object.values(ALIASES)) expect(served.has(r), `alias target ${r}`).toBe(true)
  })

  it('normalises Hono paths as the document writes them', () => {
    expect(normaliseHonoPath('/v1/versions/:file{[1-9][0-9]{0,9}\\.sig}')).toBe('/v1/versions/{file}')
    expect(normaliseHonoPath('/v1/admin/cases/:id/notes')).toBe('/v1/admin/cases/{id}/notes')
    expect(normaliseHonoPath('/v1/admin/sessions:batch')).toBe('/v1/admin/sessions:batch')
  })
})

describe('GET /docs', () => {
  let page: string
  beforeAll(async () => {
    const res = await app.request('/docs')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('content-security-policy')).toBe(HTML_CSP)
    page = await res.text()
  })

  it('loads nothing from elsewhere and runs no script', () => {
    expect(page).not.toMatch(/<script/i)
    expect(page).not.toMatch(/\son[a-z]+\s*=/i) // no inline event handlers
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//i)
    expect(page).not.toMatch(/<style|style="/i) // the CSP allows same-origin stylesheets only
    expect(page).toContain('<link rel="stylesheet" href="/docs/docs.css">')
  })

  it('shows every documented operation with its method, path and summary, and every schema', () => {
    for (const { method, path, op } of operations()) {
      expect(page, `${method} ${path}`).toContain(`<span class="method ${method}">${method}</span><code>${path}</code>`)
      expect(page).toContain(`id="op-${op.operationId}"`)
    }
    for (const name of Object.keys(doc.components?.schemas ?? {})) expect(page).toContain(`id="schema-${name}"`)
  })

  it('shows parameters and the scopes a route needs', () => {
    expect(page).toMatch(/<code>family<\/code>/)
    expect(page).toContain('token with scope <code>ranges:write</code>')
  })

  it('every in-page link has a target', () => {
    const ids = new Set([...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]))
    const links = [...page.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!)
    expect(links.length).toBeGreaterThan(20)
    for (const l of links) expect(ids.has(l), `#${l} has no target`).toBe(true)
  })

  it('serves its stylesheet as text/css', async () => {
    const res = await app.request('/docs/docs.css')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/css/)
    expect(await res.text()).toMatch(/\.method/)
  })
})

describe('GET /docs/problems', () => {
  it('explains every problem code, at the anchor the problem type points to', async () => {
    const res = await app.request('/docs/problems')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toBe(HTML_CSP)
    const page = await res.text()
    for (const code of Object.keys(PROBLEM_CODES)) expect(page).toContain(`<tr id="${code}">`)
    // a real problem from the app: its type resolves to an anchor on this page
    const notFound = await app.request('/v1/no-such-thing')
    expect(notFound.status).toBe(404)
    expect(notFound.headers.get('content-type')).toBe('application/problem+json')
    const p = (await notFound.json()) as { type: string; code: string }
    expect(p.type).toBe(`/docs/problems#${p.code}`)
    expect(page).toContain(`<tr id="${p.code}">`)
  })
})
