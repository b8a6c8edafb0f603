/**
 * @module http/error-handler
 * The single `onError`: maps every thrown thing to a problem+json response. Input
 * errors become 4xx with an actionable message; database outages become 503 with
 * Retry-After; anything unexpected is logged with the request id and answered with a
 * generic 500 that reveals nothing internal.
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { ZodError } from 'zod'
import { DomainError } from '../domain/errors.js'
import { problem, problemResponse, type FieldError } from './problem.js'
import type { AppEnv, Logger } from './app-env.js'
import { loggedPath } from './log-path.js'

/** Postgres SQLSTATE codes that mean "your data conflicts", not "we broke". */
const PG_CONFLICT = new Set(['23505', '23P01'])
const PG_BAD_INPUT = new Set(['22P02', '22007', '22008', '22003', '22001'])
/** 22021: text the database cannot store — in practice a NUL character, which no text column takes. */
const PG_BAD_CHARACTER = '22021'

export function zodFieldErrors(err: ZodError): FieldError[] {
  return err.issues.slice(0, 20).map((i) => ({
    field: i.path.length ? i.path.join('.') : '(body)',
    message: i.message,
  }))
}

/** Whether an error means the database could not be reached (as opposed to a bad query). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null
  if (!e) return false
  if (typeof e.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P03', '53300', '08006', '08001', '08003'].includes(e.code)) {
    return true
  }
  const m = e.message ?? ''
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|PGlite is closed|database is closed/i.test(m)
}

export function createErrorHandler(log: Logger) {
  return (err: unknown, c: Context<AppEnv>): Response => {
    const instance = new URL(c.req.url).pathname
    const requestId = c.get('requestId')
    const base = { instance, requestId }
    if (err instanceof DomainError) {
      const errors = err.field ? [{ field: err.field, message: err.message }] : undefined
      const headers: Record<string, string> =
        err.status === 401 ? { 'www-authenticate': 'Bearer realm="scangate"' } : {}
      if (typeof err.extra?.retryAfter === 'number') headers['retry-after'] = String(err.extra.retryAfter)
      return problemResponse(
        problem(err.status, err.code, err.message, { ...base, ...(errors ? { errors } : {}), ...err.extra }),
        headers,
      )
    }
    if (err instanceof ZodError) {
      const errors = zodFieldErrors(err)
      return problemResponse(problem(400, 'validation_failed', summarise(errors), { ...base, errors }))
    }
    if (err instanceof HTTPException) {
      const status = err.status
      const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : status === 401 ? 'unauthorized' : 'validation_failed'
      const detail = status === 400 && /JSON/i.test(err.message) ? 'The request body is not valid JSON.' : err.message || 'Bad request'
      return problemResponse(problem(status, code, detail, base))
    }
    const pg = err as { code?: string; detail?: string; message?: string }
    if (typeof pg?.code === 'string' && PG_CONFLICT.has(pg.code)) {
      return problemResponse(problem(409, 'conflict', pg.detail ?? 'The change conflicts with existing data.', base))
    }
    if (pg?.code === PG_BAD_CHARACTER) {
      return problemResponse(problem(400, 'validation_failed', 'A value contains a character that cannot be stored (such as a NUL character, \\u0000); remove it and send again.', base))
    }
    if (typeof pg?.code === 'string' && PG_BAD_INPUT.has(pg.code)) {
      return problemResponse(problem(400, 'validation_failed', pg.message ?? 'A value is not valid.', base))
    }
    if (isDatabaseUnavailable(err)) {
      log.error('database unavailable', { requestId, path: loggedPath(c), error: String(pg?.message ?? err) })
      return problemResponse(
        problem(503, 'service_unavailable', 'The database is unavailable; nothing was stored. Retry shortly.', base),
        { 'retry-after': '5' },
      )
    }
    log.error('unhandled error', { requestId, path: loggedPath(c), error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
    return problemResponse(problem(500, 'internal_error', 'Something went wrong on our side. Quote the requestId if you contact us.', base))
  }
}

export function summarise(errors: FieldError[]): string {
  const first = errors[0]
  if (!first) return 'The request is not valid.'
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''
  return `${first.field}: ${first.message}${more}`
}
