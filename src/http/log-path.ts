/**
 * @module http/log-path
 * What the logs say a request was for: the route's pattern (`/v1/lookup/:ip`), never the
 * path the client sent. Paths carry addresses (`/v1/lookup/192.0.2.7`, and through the
 * lookup page's internal call, `/lookup?ip=`), references and whatever a client makes up;
 * the pattern says which endpoint ran without any of it. Query strings are never logged.
 */
import type { Context } from 'hono'
import { matchedRoutes } from 'hono/route'

export const UNMATCHED = '(no route)'

export function loggedPath(c: Context): string {
  const routes = matchedRoutes(c)
  // the last match is the handler; catch-all middleware ('*') alone means no route matched
  for (let i = routes.length - 1; i >= 0; i--) {
    const p = routes[i]!.path
    if (p !== '*' && p !== '/*') return p
  }
  return UNMATCHED
}
