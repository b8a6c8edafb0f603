/**
 * @module http/routes/openapi
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests,
 * then completed with what every route shares but no single route declares: the server,
 * tag descriptions, the RFC 9457 problem shape, the responses that middleware can give
 * (401/403 from the token check, 415 from the media-type gate) and the headers that come
 * with them. The document is built once per app, on first use, when every route is known.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../app-env.js'

export const OPENAPI_PATH = '/openapi.json'

/** The parts of an OpenAPI 3.1 document this module and the docs page read. */
export interface OpenApiDocument {
  openapi: string
  info: { title: string; version: string; description?: string }
  servers?: { url: string; description?: string }[]
  tags?: { name: string; description?: string }[]
  paths: Record<string, Record<string, Operation>>
  components?: {
    schemas?: Record<string, JsonSchema>
    securitySchemes?: Record<string, { type: string; scheme?: string; description?: string }>
  }
  [key: string]: unknown
}

export interface Operation {
  operationId?: string
  summary?: string
  description?: string
  tags?: string[]
  security?: Record<string, string[]>[]
  parameters?: Parameter[]
  requestBody?: { required?: boolean; description?: string; content?: Record<string, { schema?: JsonSchema }> }
  responses: Record<string, ResponseObject>
  [key: string]: unknown
}

export interface Parameter {
  name: string
  in: 'query' | 'path' | 'header' | 'cookie'
  required?: boolean
  description?: string
  schema?: JsonSchema
}

export interface ResponseObject {
  description: string
  headers?: Record<string, { description?: string; schema?: JsonSchema }>
  content?: Record<string, { schema?: JsonSchema }>
}

export type JsonSchema = { [key: string]: unknown }

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const

/** Tags in reading order, with what a client needs to know about each group. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  Feed: 'The published scanner ranges: no authentication, cacheable, strong ETags. Every feed response carries `X-Feed-Serial`; `X-Feed-Stale` appears when the database could not be asked and the last known version is served.',
  'Firewall snippets': 'Ready-made firewall rules for the latest version, one format per path; served from memory like the feed.',
  Reports: "Abuse reports from anyone, and the reporter's view of their report (with the status token).",
  Operations: 'Liveness and readiness probes for load balancers and orchestrators.',
  'Scan platform': 'What the scan platform asks before scanning (e.g. whether a target is excluded).',
  'Admin: catalogue': 'Maintaining the range catalogue and publishing versions (scope `ranges:write`).',
  'Admin: scan sessions': 'Scan sessions reported by the scan platform, which explain abuse reports (scope `sessions:write`).',
  'Admin: abuse desk': 'Triage of abuse reports grouped into cases, notes and the exclusion list.',
  'Admin: privacy': 'Retention and erasure of personal data (scope `privacy:admin`).',
  'Admin: webhooks': 'Webhook subscribers, their delivery log and redelivery (scope `webhooks:write`).',
  Notifications: 'The notice policy and subscriptions to changes (webhooks, e-mail). See docs/notifications.md.',
  'Admin: audit': 'The tamper-evident audit trail (scope `audit:read`).',
  'Network owners': 'Opt-out requests proved by DNS, a file, or the RDAP abuse contact; how our scanners identify themselves. See docs/network-owners.md.',
}

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' }
const PROBLEM_CONTENT = { 'application/problem+json': { schema: PROBLEM_REF } }

const INFO_DESCRIPTION = `Source IP ranges of a PCI Approved Scanning Vendor's scanners — as a versioned feed and as firewall snippets — an address lookup, and abuse-report intake with a triage workflow.

**Authentication.** Public routes need nothing. Admin routes take \`Authorization: Bearer <token>\` (tokens are made with \`npm run cli -- token create\`); each route lists the scope it needs. A missing, unknown, revoked or expired token gets \`401\`; a token without the scope gets \`403\`.

**Errors.** Every error is \`application/problem+json\` (RFC 9457) with a stable \`code\`; input errors list each problem in \`errors: [{ field, message }]\`. \`503\` and \`429\` carry \`Retry-After\`. The codes are described at [/docs/problems](/docs/problems).

**Caching.** Feed responses have strong ETags and answer \`If-None-Match\` with \`304\`; versions addressed by serial are immutable.`

/** The problem schema, described for people (the validating zod schema stays in schemas.ts). */
function describeProblem(schema: JsonSchema | undefined): JsonSchema {
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>
  const describe = (name: string, description: string, more: JsonSchema = {}) => ({ ...props[name], description, ...more })
  return {
    ...schema,
    description:
      'RFC 9457 problem details. Besides the members listed, a problem may carry members specific to its code (for example `maxBytes` with `payload_too_large`, `accepted` with `unsupported_media_type`).',
    properties: {
      ...props,
      type: describe('type', 'URI reference to the description of this problem code', { examples: ['/docs/problems#validation_failed'] }),
      title: describe('title', 'Short summary of the HTTP status', { examples: ['Bad Request'] }),
      status: describe('status', 'The HTTP status code, repeated', { examples: [400] }),
      detail: describe('detail', 'What went wrong and what to do about it, written for the person who sent the request'),
      code: describe('code', 'Stable machine-readable error code; see /docs/problems', { examples: ['validation_failed', 'not_found'] }),
      instance: describe('instance', 'The request path'),
      requestId: describe('requestId', 'Quote it when contacting us about this response'),
      errors: describe('errors', 'Input errors, one per offending field (body fields as dotted paths, e.g. `sourceIps.0`)'),
    },
    additionalProperties: true,
    examples: [
      {
        type: '/docs/problems#validation_failed',
        title: 'Bad Request',
        status: 400,
        detail: 'prefix: 10.0.0.1/8 has host bits set; the network is 10.0.0.0/8',
        code: 'validation_failed',
        instance: '/v1/admin/ranges',
        errors: [{ field: 'prefix', message: '10.0.0.1/8 has host bits set; the network is 10.0.0.0/8' }],
      },
    ],
  }
}

/** What a problem status means wherever it appears (routes only say "Problem (N)"). */
const PROBLEM_MEANINGS: Record<string, string> = {
  '400': 'The input is not valid (see `errors`)',
  '401': 'No usable token',
  '403': 'The token lacks the scope this route needs',
  '404': 'Not found',
  '409': 'Conflicts with the current state',
  '413': 'The request body is too large',
  '415': 'The request body has a media type this route does not take',
  '422': 'Understood but refused (see `code`)',
  '429': 'Too many requests; retry after `Retry-After` seconds',
  '503': 'The database is unavailable; nothing was changed. Retry after `Retry-After` seconds',
}

function problemResponse(status: string): ResponseObject {
  return { description: PROBLEM_MEANINGS[status] ?? `Problem (${status})`, content: PROBLEM_CONTENT }
}

/** `get /v1/admin/ranges/{id}` → `getV1AdminRangesById` (only where a route set none). */
function operationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .flatMap((seg) => {
      const param = /^\{(.+)\}(.*)$/.exec(seg)
      return param ? ['by', param[1]!, ...param[2]!.split(/[^A-Za-z0-9]+/)] : seg.split(/[^A-Za-z0-9]+/)
    })
    .filter(Boolean)
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')
}

/** Paths whose answer never depends on the database, so never 503. */
const NO_DATABASE = new Set(['/healthz', '/.well-known/scangate-feed-key.pem'])

const RETRY_AFTER = {
  description: 'Seconds to wait before retrying',
  schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 86_400 },
}

const RESPONSE_HEADERS: Record<string, ResponseObject['headers']> = {
  '401': { 'WWW-Authenticate': { description: 'Always `Bearer realm="scangate"`', schema: { type: 'string', const: 'Bearer realm="scangate"' } } },
  '429': { 'Retry-After': RETRY_AFTER },
  '503': { 'Retry-After': RETRY_AFTER },
}

/**
 * Completes the generated document. Only adds: nothing a route declared is changed,
 * except that problem responses get their standard headers and a meaning in place of
 * the placeholder "Problem (N)".
 */
export function completeDocument(generated: OpenApiDocument): OpenApiDocument {
  const doc = structuredClone(generated)
  const usedTags = new Set<string>()
  const usedIds = new Set<string>()
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item[method]
      if (!op) continue
      op.tags?.forEach((t) => usedTags.add(t))
      if (!op.operationId) {
        let id = operationId(method, path)
        while (usedIds.has(id)) id += '_'
        op.operationId = id
      }
      usedIds.add(op.operationId)
      const responses = (op.responses ??= {})
      // what middleware answers for every route of a kind, whether or not the route says so
      // public operations say so: a missing `security` reads as "forgot" to contract linters
      op.security ??= []
      if (op.security.length) {
        responses['401'] ??= problemResponse('401')
        // the report status token has no scopes: it is right or it is unknown (401)
        if (op.security.some((req) => !('statusToken' in req) && !('optOutToken' in req))) responses['403'] ??= problemResponse('403')
      }
      if (op.requestBody?.content) responses['415'] ??= problemResponse('415')
      // every route but liveness reads the database (or a cache filled from it), which can be down
      if (!NO_DATABASE.has(path)) responses['503'] ??= problemResponse('503')
      if ((op.parameters?.length || op.requestBody) && !responses['400']) responses['400'] = problemResponse('400')
      for (const [status, res] of Object.entries(responses)) {
        if (!res.content?.['application/problem+json']) continue
        if (/^Problem \(\d+\)$/.test(res.description) && PROBLEM_MEANINGS[status]) res.description = PROBLEM_MEANINGS[status]
        const headers = RESPONSE_HEADERS[status]
        if (headers) res.headers = { ...headers, ...res.headers }
      }
    }
  }
  const schemas = (doc.components ??= {}).schemas ?? {}
  schemas.Problem = describeProblem(schemas.Problem)
  doc.components.schemas = schemas
  const known = Object.keys(TAG_DESCRIPTIONS).filter((t) => usedTags.has(t))
  const others = [...usedTags].filter((t) => !(t in TAG_DESCRIPTIONS)).sort()
  doc.tags = [...known, ...others].map((name) => (TAG_DESCRIPTIONS[name] ? { name, description: TAG_DESCRIPTIONS[name] } : { name }))
  return doc
}

const documents = new WeakMap<object, OpenApiDocument>()

/** The app's OpenAPI document (built on first use: every route is registered by then). */
export function openApiDocument(app: OpenAPIHono<AppEnv>): OpenApiDocument {
  let doc = documents.get(app)
  if (!doc) {
    const generated = app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'scangate API', version: '1', description: INFO_DESCRIPTION },
      // x-internal and "production": what API-inventory linters (OWASP API9) ask every server to declare
      servers: [{ url: '/', description: 'production: the server that serves this document', 'x-internal': false } as { url: string }],
      // replaced per request by the absolute URL (linters and code generators need one)
      externalDocs: { description: 'The API for people: every route, parameter and schema', url: '/docs' },
    }) as unknown as OpenApiDocument
    doc = completeDocument(generated)
    documents.set(app, doc)
  }
  return doc
}

export function registerOpenApiRoutes(app: OpenAPIHono<AppEnv>, publicUrl?: string): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'API token created with `npm run cli -- token create --scopes …`; each route names the scope it needs.',
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'statusToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The `statusToken` returned once by `POST /v1/reports`: reads that one report only.',
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'optOutToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The `token` returned once by `POST /v1/opt-outs`: checks and verifies that one request only.',
  })
  app.get(OPENAPI_PATH, (c) => {
    c.header('cache-control', 'public, max-age=300')
    c.header('access-control-allow-origin', '*')
    const doc = openApiDocument(app)
    const origin = publicUrl ?? new URL(c.req.url).origin
    return c.json({ ...doc, externalDocs: { ...(doc.externalDocs as object), url: new URL('/docs', origin).href } }, 200)
  })
}
