/**
 * @module http/pages/desk/session
 * Desk sign-in state and request checks.
 *
 * - The session cookie holds a random id (its SHA-256 is in `desk_sessions`), never the
 *   API token: HttpOnly, SameSite=Strict, Path=/desk, Secure when the request came over
 *   https. Each request re-checks the session and its token, so revoking or expiring
 *   the token signs the desk out at once.
 * - CSRF: every desk form carries the session's synchronizer token; the sign-in form,
 *   which has no session yet, carries a token tied to a short-lived pre-sign-in cookie.
 *   On top, a post whose `Sec-Fetch-Site` says it came from another site is refused.
 */
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { findDeskSession, type DeskSession } from '../../../db/desk-session-repository.js'
import type { AppEnv } from '../../app-env.js'
import { isHttps, randomToken, sameSecret } from '../render.js'

export const DESK_COOKIE = 'sg_desk'
export const DESK_LOGIN_COOKIE = 'sg_desk_login'
export const DESK_COOKIE_PATH = '/desk'
export const CSRF_FIELD = 'csrf'
const LOGIN_COOKIE_MAX_AGE = 3600

export type Scope = 'reports:read' | 'reports:triage' | 'exclusions:write'

export async function currentDeskSession(c: Context<AppEnv>, now: Date): Promise<DeskSession | null> {
  const id = getCookie(c, DESK_COOKIE)
  if (!id) return null
  const session = await findDeskSession(c.get('db'), id, now)
  if (!session) {
    deleteCookie(c, DESK_COOKIE, { path: DESK_COOKIE_PATH, httpOnly: true, sameSite: 'Strict', secure: isHttps(c) })
    return null
  }
  // the audit trail names the token behind the session, as for API calls
  c.set('actor', session.token)
  return session
}

export function setSessionCookie(c: Context<AppEnv>, sessionId: string, expiresAt: Date, now: Date): void {
  setCookie(c, DESK_COOKIE, sessionId, {
    path: DESK_COOKIE_PATH,
    httpOnly: true,
    secure: isHttps(c),
    sameSite: 'Strict',
    maxAge: Math.max(1, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)),
  })
  deleteCookie(c, DESK_LOGIN_COOKIE, { path: DESK_COOKIE_PATH, httpOnly: true, sameSite: 'Strict', secure: isHttps(c) })
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, DESK_COOKIE, { path: DESK_COOKIE_PATH, httpOnly: true, sameSite: 'Strict', secure: isHttps(c) })
}

/** The CSRF token for the sign-in form: reuses the pre-sign-in cookie or sets a new one. */
export function loginCsrf(c: Context<AppEnv>): string {
  const existing = getCookie(c, DESK_LOGIN_COOKIE)
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing
  const token = randomToken()
  setCookie(c, DESK_LOGIN_COOKIE, token, { path: DESK_COOKIE_PATH, httpOnly: true, secure: isHttps(c), sameSite: 'Strict', maxAge: LOGIN_COOKIE_MAX_AGE })
  return token
}

export function loginCsrfOk(c: Context<AppEnv>, fields: URLSearchParams): boolean {
  const cookie = getCookie(c, DESK_LOGIN_COOKIE)
  const sent = fields.get(CSRF_FIELD)
  return !!cookie && !!sent && sameSecret(cookie, sent)
}

export function sessionCsrfOk(session: DeskSession, fields: URLSearchParams): boolean {
  const sent = fields.get(CSRF_FIELD)
  return !!sent && sameSecret(session.csrfToken, sent)
}

/** False when the browser says the post came from another site (older browsers send nothing). */
export function sameOriginPost(c: Context<AppEnv>): boolean {
  const site = c.req.header('sec-fetch-site')
  return site === undefined || site === 'same-origin' || site === 'none'
}

export function hasScope(session: DeskSession, scope: Scope): boolean {
  return session.token.scopes.includes(scope)
}
