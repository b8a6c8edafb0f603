/**
 * @module http/auth
 * Bearer-token authentication for admin routes. Missing, malformed, unknown, revoked
 * and expired tokens all get the same 401, so a caller cannot probe which tokens exist;
 * a valid token without the route's scope gets 403.
 */
import type { Context } from 'hono'
import { createMiddleware } from 'hono/factory'
import { findActiveToken, touchToken } from '../db/token-repository.js'
import { DomainError } from '../domain/errors.js'
import { TOKEN_PATTERN, type Scope } from '../domain/tokens.js'
import type { AppEnv } from './app-env.js'

const UNAUTHORIZED = 'A valid API token is required: send Authorization: Bearer <token>.'

function unauthorized(): DomainError {
  return new DomainError('unauthorized', UNAUTHORIZED, { status: 401 })
}

/** Reads a bearer credential, or null when the header is absent or malformed. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header ?? '')
  return m?.[1] ?? null
}

/** The audit name of the token behind this request (`token:<id>`). */
export function actorOf(c: Context<AppEnv>): string {
  const actor = c.get('actor')
  return actor ? `token:${actor.id}` : 'anonymous'
}

/** Middleware: the request must carry a usable token that has `scope`. */
export function requireScope(scope: Scope, now: () => Date) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const secret = bearerToken(c.req.header('authorization'))
    if (!secret || !TOKEN_PATTERN.test(secret)) throw unauthorized()
    const db = c.get('db')
    const token = await findActiveToken(db, secret, now())
    if (!token) throw unauthorized()
    if (!token.scopes.includes(scope)) {
      throw new DomainError('forbidden', `This token lacks the scope '${scope}' that this endpoint needs.`, { status: 403 })
    }
    c.set('actor', token)
    // best effort: a failed bookkeeping write must not fail the request
    await touchToken(db, token.id, now()).catch(() => undefined)
    await next()
  })
}
