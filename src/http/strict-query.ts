/**
 * @module http/strict-query
 * One rule for every route that declares query parameters: a parameter the route does not
 * take is a 400 naming it and listing the ones it does take, and a single-value parameter
 * given twice is a 400 too. A misspelt filter (`?familly=ipv4`) silently answered with the
 * whole list is the worst outcome for a firewall script. The allowed names come from the
 * routes' own zod query schemas in the OpenAPI registry, so the rule cannot drift from the
 * document; routes without a query schema are left alone (cache-busting `?_=` stays fine).
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { DomainError } from '../domain/errors.js'
import type { AppEnv } from './app-env.js'

interface QueryRule {
  names: string[]
  /** Parameters that take several values (array schemas). */
  multi: Set<string>
}

interface ZodLike {
  def?: { type?: string; innerType?: ZodLike; in?: ZodLike }
  shape?: Record<string, ZodLike>
}

/** Whether a parameter's schema (under optional/default/…) is an array. */
function isArray(schema: ZodLike | undefined): boolean {
  let s = schema
  for (let i = 0; s && i < 10; i++) {
    const type = s.def?.type
    if (type === 'array') return true
    s = s.def?.innerType ?? s.def?.in
  }
  return false
}

/** `METHOD /hono/:path` → the query rule of the route declared there. */
function buildRules(app: OpenAPIHono<AppEnv>): Map<string, QueryRule> {
  const rules = new Map<string, QueryRule>()
  for (const d of app.openAPIRegistry.definitions) {
    if (d.type !== 'route') continue
    const query = d.route.request?.query as ZodLike | undefined
    const shape = query?.shape
    if (!shape) continue
    const path = d.route.path.replaceAll(/\/{(.+?)}/g, '/:$1')
    const names = Object.keys(shape)
    rules.set(`${d.route.method.toUpperCase()} ${path}`, { names, multi: new Set(names.filter((n) => isArray(shape[n]))) })
  }
  return rules
}

export function strictQuery(app: OpenAPIHono<AppEnv>): MiddlewareHandler<AppEnv> {
  // built on first use: every route is registered by then
  let rules: Map<string, QueryRule> | null = null
  return async (c, next) => {
    const url = c.req.url
    if (!url.includes('?')) return next()
    rules ??= buildRules(app)
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
    const route = [...matchedRoutes(c)].reverse().find((r) => r.path !== '*' && (r.method === method || r.method === 'ALL'))
    const rule = route ? rules.get(`${method} ${route.path}`) : undefined
    if (!rule) return next()
    const valid = rule.names.length ? rule.names.join(', ') : 'none'
    for (const [name, values] of Object.entries(c.req.queries())) {
      const shown = name.slice(0, 40)
      if (!rule.names.includes(name)) {
        throw new DomainError('invalid_option', `Unknown query parameter '${shown}'; this endpoint takes: ${valid}.`, {
          field: shown,
          extra: { parameter: shown, allowed: rule.names },
        })
      }
      if (values.length > 1 && !rule.multi.has(name)) {
        throw new DomainError('invalid_option', `Query parameter '${shown}' is given ${values.length} times; give it once (where it takes several values, separate them with commas in one parameter: ${shown}=a,b).`, {
          field: shown,
          extra: { parameter: shown },
        })
      }
    }
    return next()
  }
}
