/**
 * @module http/intake-body
 * Request-body plumbing for the intake routes: size limits that answer with a 413
 * problem, media-type checks that answer with a 415 problem, and whether a client would
 * rather have HTML than JSON (a browser posting the web form).
 */
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { DomainError } from '../domain/errors.js'

export const KIB = 1024
export const MIB = 1024 * KIB

function size(n: number): string {
  return n >= MIB ? `${n / MIB} MiB` : `${n / KIB} KiB`
}

/** Middleware: bodies over `maxBytes` get a 413 problem (before the handler reads them). */
export function limitBody(maxBytes: number, what: string) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new DomainError('payload_too_large', `${what} may be at most ${size(maxBytes)}.`, { status: 413, extra: { maxBytes } })
    },
  })
}

export function tooLarge(maxBytes: number, what: string): DomainError {
  return new DomainError('payload_too_large', `${what} may be at most ${size(maxBytes)}.`, { status: 413, extra: { maxBytes } })
}

/** Deepest JSON nesting a public body may have (XARF documents need four or five levels). */
export const MAX_JSON_DEPTH = 32

export function tooDeep(maxDepth: number): DomainError {
  return new DomainError('nested_too_deeply', `The JSON body nests arrays or objects more than ${maxDepth} levels deep; no report needs that.`, {
    field: '(body)',
    extra: { maxDepth },
  })
}

/** The media type without parameters, lower-cased ('' when absent). */
export function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
}

export function unsupportedMediaType(got: string, accepted: readonly string[]): DomainError {
  return new DomainError(
    'unsupported_media_type',
    `${got ? `Content-Type ${got} is` : 'A request without Content-Type is'} not accepted here; send ${accepted.join(' or ')}.`,
    { status: 415, extra: { accepted: [...accepted] } },
  )
}

export function isJsonMediaType(t: string): boolean {
  return t === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(t)
}

/** JSON.parse with a 400 that says what is wrong instead of a 500. */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    throw new DomainError('validation_failed', 'The request body is not valid JSON.', { field: '(body)' })
  }
}

function quality(accept: string, type: string): number {
  const [major] = type.split('/')
  let best = -1
  let q = 0
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';')
    if (!range) continue
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1
    if (specificity < 0 || specificity < best) continue
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const value = qp ? Number(qp.slice(2)) : 1
    if (specificity > best || value > q) {
      best = specificity
      q = Number.isFinite(value) ? value : 0
    }
  }
  return q
}

/**
 * Whether the client prefers HTML over JSON: a browser sends text/html explicitly and
 * JSON only through *\/* at a lower weight; API clients name JSON or nothing at all.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false
  return quality(accept, 'text/html') > quality(accept, 'application/json')
}
