/**
 * @module http/routes/api-docs
 * The API for people: `GET /docs` renders the OpenAPI document as one plain HTML page
 * (every route with its parameters, body, responses and scopes, then every schema), and
 * `GET /docs/problems` explains each problem `code` (the `type` of every problem links
 * there). Rendered on the server from the same document as /openapi.json, so it cannot
 * drift from it; no scripts at all and one same-origin stylesheet, which is what the
 * strict CSP of HTML pages allows.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { html as htmlTag, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { ErrorCode } from '../../domain/errors.js'
import type { AppEnv } from '../app-env.js'
import { HTML_CSP } from '../security-headers.js'
import { HTTP_METHODS, OPENAPI_PATH, openApiDocument, type JsonSchema, type OpenApiDocument, type Operation } from './openapi.js'

type Html = HtmlEscapedString
/** hono's `html` (escapes every interpolated string); nothing here is async. */
const html = htmlTag as (strings: TemplateStringsArray, ...values: unknown[]) => Html

export const DOCS_PATH = '/docs'
export const PROBLEMS_PATH = '/docs/problems'
export const DOCS_CSS_PATH = '/docs/docs.css'

/** What each problem code means and what the client can do; every ErrorCode must be here. */
export const PROBLEM_CODES: Record<ErrorCode, { status: string; meaning: string }> = {
  validation_failed: { status: '400', meaning: 'The input is not valid. `errors` lists each offending field with a message; fix those and send again.' },
  invalid_ip: { status: '400', meaning: 'An IP address is not in the strict form we accept: four decimal octets without leading zeros, or RFC 4291 IPv6 text without a zone id.' },
  invalid_cidr: { status: '400', meaning: 'A CIDR block is malformed, has a prefix length out of range, or has host bits set (the message names the right network).' },
  invalid_name: { status: '400', meaning: 'A pool, region or similar name is not a lowercase slug.' },
  invalid_option: { status: '400', meaning: 'A query option (filter, format option, serial) is not one of the accepted values, is not a parameter this endpoint takes (`allowed` lists those), or is given twice where it takes one value.' },
  unknown_format: { status: '404', meaning: 'No firewall snippet format has this name; the message lists the known ones.' },
  not_found: { status: '404', meaning: 'No such resource (or no such endpoint; see /openapi.json). For reports, an unknown reference and a wrong status token look the same on purpose.' },
  unauthorized: { status: '401', meaning: 'No usable API token: send `Authorization: Bearer <token>`. Unknown, revoked and expired tokens all get this answer.' },
  forbidden: { status: '403', meaning: 'The token is valid but lacks the scope this route needs (the message names it).' },
  conflict: { status: '409', meaning: 'The change conflicts with the current state, e.g. an overlapping range or a change no longer allowed in this state.' },
  overlapping_range: { status: '409', meaning: 'The range overlaps one already in the catalogue; the message names it.' },
  publish_refused: { status: '409', meaning: 'Publishing would serve an empty list, drop many in-use prefixes without a scheduled retirement, or give less than the notice period (`shortfalls` lists what; see /v1/policy). Check the catalogue, or send `force: true` (with a `reason` for short notice) if it is intended.' },
  invalid_transition: { status: '409', meaning: 'A case cannot move from its current status to the requested one.' },
  unsupported_xarf_version: { status: '400', meaning: 'The document is XARF 1–3 or a XARF 4.0 draft (with `class`). Only XARF 4 is taken; or send our own JSON report fields.' },
  nested_too_deeply: { status: '400', meaning: 'The JSON body nests arrays or objects deeper than this route takes (`maxDepth`). No report needs that; flatten it.' },
  duplicate_report_id: { status: '409', meaning: 'An XARF report with this `report_id` from the same reporter domain was already received with different content. Resending the same document returns the first report instead.' },
  payload_too_large: { status: '413', meaning: 'The request body is larger than this route takes (`maxBytes` says how much).' },
  unsupported_media_type: { status: '415', meaning: 'The route does not take this Content-Type (`accepted` lists what it takes).' },
  idempotency_conflict: { status: '422', meaning: 'This Idempotency-Key was used before with a different body. Use a new key for a new request.' },
  rate_limited: { status: '429', meaning: 'Too many requests from this client; wait for `Retry-After` seconds.' },
  internal_error: { status: '500', meaning: 'A fault on our side. Nothing about it is revealed here; quote the `requestId` if you contact us.' },
  service_unavailable: { status: '503', meaning: 'The database is unreachable or not migrated; nothing was stored. Retry after `Retry-After` seconds. Feed routes keep serving the last known version meanwhile.' },
}

const CSS = `
:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --code: rgba(127,127,127,.12) }
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 4rem }
code, pre { font: 13px/1.4 ui-monospace, monospace; background: var(--code); border-radius: 3px; padding: 0 .25em }
a { color: inherit }
header p, .muted { color: var(--muted) }
nav ul { columns: 2 22rem; padding-left: 1.2rem }
nav li { break-inside: avoid }
article { border-top: 1px solid var(--line); padding: .5rem 0 1rem }
h3 { font-size: 1.05rem; margin: .6rem 0 .3rem }
.method { display: inline-block; min-width: 4.2em; font: 600 12px/1.8 ui-monospace, monospace; text-transform: uppercase; text-align: center; border-radius: 3px; color: #fff; background: #4b5563; margin-right: .4rem }
.get { background: #2563eb } .post { background: #16a34a } .patch, .put { background: #b45309 } .delete { background: #dc2626 }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .6rem }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: .25rem .5rem .25rem 0 }
td p { margin: 0 0 .3rem }
th { font-weight: 600; font-size: .85rem; color: var(--muted) }
ul.props { margin: .2rem 0; padding-left: 1.1rem }
.req { font-size: .75rem; color: #b91c1c; margin-left: .3rem }
.scope { font-size: .85rem }
`

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

/** One paragraph of description text: escaped, then `code`, **bold** and same-site [links](/x). */
function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\(([/#][^\s()"'<>]*)\)/g, '<a href="$2">$1</a>')
}

/** Description text as paragraphs. */
function prose(text: string | undefined): Html {
  if (!text) return raw('')
  return raw(text.split(/\n\s*\n/).map((p) => `<p>${inline(p)}</p>`).join('\n'))
}

function anchor(kind: string, name: string): string {
  return `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1)
}

function constraints(s: JsonSchema): string[] {
  const out: string[] = []
  if (typeof s.format === 'string') out.push(`format ${s.format}`)
  if (typeof s.pattern === 'string') out.push(`pattern ${s.pattern}`)
  for (const [k, label] of [['minLength', 'min length'], ['maxLength', 'max length'], ['minimum', '≥'], ['maximum', '≤'], ['minItems', 'min items'], ['maxItems', 'max items']] as const) {
    if (typeof s[k] === 'number') out.push(`${label} ${s[k]}`)
  }
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`)
  const example = s.example ?? (Array.isArray(s.examples) ? s.examples[0] : undefined)
  if (example !== undefined && typeof example !== 'object') out.push(`e.g. ${JSON.stringify(example)}`)
  return out
}

/**
 * One schema, compactly: named schemas become links, objects a nested property list.
 * `after` (the parent's notes, e.g. an array's description) goes right after the type
 * word, before any nested list.
 */
function schemaView(s: JsonSchema | undefined, depth = 0, after: Html | string = ''): Html {
  if (!s || Object.keys(s).length === 0) return html`<span class="muted">any</span>${after}`
  if (typeof s.$ref === 'string') {
    const name = refName(s.$ref)
    return html`<a href="#${anchor('schema', name)}">${name}</a>${after}`
  }
  if (depth > 6) return html`…`
  const notes = constraints(s)
  const tail = html`${notes.length ? html` <span class="muted">(${notes.join(', ')})</span>` : ''}${typeof s.description === 'string' && depth > 0 ? raw(` — ${inline(s.description)}`) : ''}${after}`
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const parts = s[key]
    if (Array.isArray(parts)) {
      const word = key === 'allOf' ? 'all of' : 'one of'
      return html`${word}${tail}<ul class="props">${parts.map((p) => html`<li>${schemaView(p as JsonSchema, depth + 1)}</li>`)}</ul>`
    }
  }
  if (Array.isArray(s.enum)) return html`${s.enum.map((v) => JSON.stringify(v)).join(' | ')}${tail}`
  if (s.const !== undefined) return html`${JSON.stringify(s.const)}${tail}`
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : []
  if (types.includes('array')) {
    const nullable = types.includes('null') ? ' (or null)' : ''
    return html`array${nullable} of ${schemaView(s.items as JsonSchema | undefined, depth + 1, tail)}`
  }
  if (types.includes('object') || s.properties) {
    const props = Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : [])
    const extra = s.additionalProperties
    const nullable = types.includes('null') ? ' (or null)' : ''
    return html`object${nullable}${tail}<ul class="props">${props.map(
      ([name, p]) => html`<li><code>${name}</code>${required.has(name) ? html`<span class="req">required</span>` : ''}: ${schemaView(p, depth + 1)}</li>`,
    )}${typeof extra === 'object' && extra !== null ? html`<li><em>any other key</em>: ${schemaView(extra as JsonSchema, depth + 1)}</li>` : ''}</ul>`
  }
  return html`${types.length ? types.join(' | ') : 'any'}${tail}`
}

function operationView(method: string, path: string, op: Operation, doc: OpenApiDocument): Html {
  const scopes = (op.security ?? []).flatMap((req) => Object.entries(req).map(([scheme, s]) => ({ scheme, scopes: s })))
  const params = op.parameters ?? []
  const content = Object.entries(op.requestBody?.content ?? {})
  const schemeDescription = (name: string) => doc.components?.securitySchemes?.[name]?.scheme ?? name
  return html`<article id="${anchor('op', op.operationId ?? `${method}-${path}`)}">
<h3><span class="method ${method}">${method}</span><code>${path}</code></h3>
${op.summary ? html`<p><strong>${op.summary}</strong></p>` : ''}
${prose(op.description)}
<p class="scope">${
    scopes.length
      ? html`Authentication: ${scopes.map((s, i) => html`${i ? ' or ' : ''}${schemeDescription(s.scheme)} token with scope ${s.scopes.map((x, j) => html`${j ? ', ' : ''}<code>${x}</code>`)}`)}`
      : 'No authentication.'
  }</p>
${
  params.length
    ? html`<table><tr><th>Parameter</th><th>In</th><th>Schema</th><th>Description</th></tr>${params.map(
        (p) => html`<tr><td><code>${p.name}</code>${p.required ? html`<span class="req">required</span>` : ''}</td><td>${p.in}</td><td>${schemaView(p.schema ? { ...p.schema, description: undefined } : undefined, 1)}</td><td>${prose(p.description ?? (p.schema?.description as string | undefined))}</td></tr>`,
      )}</table>`
    : ''
}
${
  content.length
    ? html`<p>Request body${op.requestBody?.required ? '' : ' (optional)'}:</p><table><tr><th>Content-Type</th><th>Schema</th></tr>${content.map(
        ([type, media]) => html`<tr><td><code>${type}</code></td><td>${schemaView(media.schema)}</td></tr>`,
      )}</table>`
    : ''
}
<table><tr><th>Status</th><th>Meaning</th><th>Body</th></tr>${Object.entries(op.responses).map(
    ([status, r]) => html`<tr><td>${status}</td><td>${raw(inline(r.description))}${r.headers ? html` <span class="muted">(headers: ${Object.keys(r.headers).join(', ')})</span>` : ''}</td><td>${Object.entries(r.content ?? {}).map(
      ([type, media]) => html`<div><code>${type}</code> ${schemaView(media.schema)}</div>`,
    )}</td></tr>`,
  )}</table>
</article>`
}

function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="${DOCS_CSS_PATH}">
</head>
<body>
${body}
</body>
</html>`
}

interface Listed {
  method: string
  path: string
  op: Operation
}

/** Operations grouped by their first tag, in the document's tag order. */
function byTag(doc: OpenApiDocument): [string, Listed[]][] {
  const groups = new Map<string, Listed[]>()
  for (const t of doc.tags ?? []) groups.set(t.name, [])
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method]
      if (!op) continue
      const tag = op.tags?.[0] ?? 'Other'
      if (!groups.has(tag)) groups.set(tag, [])
      groups.get(tag)!.push({ method, path, op })
    }
  }
  return [...groups].filter(([, ops]) => ops.length > 0)
}

export function renderDocsPage(doc: OpenApiDocument): Html {
  const groups = byTag(doc)
  const tagDescription = new Map((doc.tags ?? []).map((t) => [t.name, t.description]))
  const schemas = Object.entries(doc.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b))
  return page(
    `${doc.info.title} ${doc.info.version}`,
    html`<header>
<h1>${doc.info.title} <small class="muted">version ${doc.info.version}, OpenAPI ${doc.openapi}</small></h1>
<p>Machine-readable: <a href="${OPENAPI_PATH}">${OPENAPI_PATH}</a> · Error codes: <a href="${PROBLEMS_PATH}">${PROBLEMS_PATH}</a></p>
</header>
<main>
${prose(doc.info.description)}
<nav><h2>Contents</h2>${groups.map(
      ([tag, ops]) => html`<h3><a href="#${anchor('tag', tag)}">${tag}</a></h3><ul>${ops.map(
        (o) => html`<li><a href="#${anchor('op', o.op.operationId ?? `${o.method}-${o.path}`)}"><span class="method ${o.method}">${o.method}</span>${o.path}</a></li>`,
      )}</ul>`,
    )}<h3><a href="#schemas">Schemas</a></h3></nav>
${groups.map(
  ([tag, ops]) => html`<section id="${anchor('tag', tag)}"><h2>${tag}</h2>${prose(tagDescription.get(tag))}${ops.map((o) => operationView(o.method, o.path, o.op, doc))}</section>`,
)}
<section id="schemas"><h2>Schemas</h2>${schemas.map(
      ([name, s]) => html`<article id="${anchor('schema', name)}"><h3>${name}</h3>${prose(s.description as string | undefined)}${schemaView({ ...s, description: undefined })}</article>`,
    )}</section>
</main>`,
  )
}

export function renderProblemsPage(doc: OpenApiDocument): Html {
  const codes = Object.entries(PROBLEM_CODES).sort(([, a], [, b]) => a.status.localeCompare(b.status))
  return page(
    'Problem codes',
    html`<header><h1>Problem codes</h1><p><a href="${DOCS_PATH}">API documentation</a> · <a href="${OPENAPI_PATH}">${OPENAPI_PATH}</a></p></header>
<main>
<p>Every error is an RFC 9457 problem (<code>application/problem+json</code>). Its <code>type</code> links to this page and its <code>code</code> is one of those below; act on <code>code</code>, never on <code>detail</code>, which is for people and may change.</p>
${schemaView(doc.components?.schemas?.Problem)}
<table><tr><th>Code</th><th>Usual status</th><th>Meaning</th></tr>${codes.map(
      ([code, c]) => html`<tr id="${code}"><td><code>${code}</code></td><td>${c.status}</td><td>${prose(c.meaning)}</td></tr>`,
    )}</table>
</main>`,
  )
}

function sendHtml(c: Context<AppEnv>, body: Html): Response {
  c.header('content-security-policy', HTML_CSP)
  c.header('cache-control', 'public, max-age=300')
  return c.html(body.toString(), 200)
}

export function registerApiDocsRoutes(app: OpenAPIHono<AppEnv>): void {
  // rendered on first use (every route is registered by then), then served from memory
  let docs: Html | undefined
  let problems: Html | undefined
  app.get(DOCS_PATH, (c) => sendHtml(c, (docs ??= renderDocsPage(openApiDocument(app)))))
  app.get(PROBLEMS_PATH, (c) => sendHtml(c, (problems ??= renderProblemsPage(openApiDocument(app)))))
  app.get(DOCS_CSS_PATH, (c) => {
    c.header('cache-control', 'public, max-age=3600')
    return c.body(CSS, 200, { 'content-type': 'text/css; charset=utf-8' })
  })
}
