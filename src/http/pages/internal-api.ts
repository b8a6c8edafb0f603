/**
 * @module http/pages/internal-api
 * Pages that show what a public endpoint answers ask that endpoint, in process: the same
 * route, validation, rate limits and response body as a client on the internet gets, so a
 * page can never show more than the public API does. The runtime bindings (the socket on
 * Node, the database on Workers) and the headers that say who the client is are passed on,
 * so limits count the real client.
 */
import type { Context, Hono } from 'hono'
import type { AppEnv } from '../app-env.js'

const CLIENT_HEADERS = ['x-forwarded-for', 'x-forwarded-proto', 'cf-connecting-ip', 'user-agent']

export type InternalApp = Pick<Hono<AppEnv>, 'request'>

export async function callApi(
  app: InternalApp,
  c: Context<AppEnv>,
  path: string,
  headers: Record<string, string> = {},
  init: { method?: 'GET' | 'POST'; json?: unknown } = {},
): Promise<Response> {
  const forwarded: Record<string, string> = { accept: 'application/json' }
  for (const h of CLIENT_HEADERS) {
    const v = c.req.header(h)
    if (v !== undefined) forwarded[h] = v
  }
  let executionCtx: Parameters<InternalApp['request']>[3]
  try {
    executionCtx = c.executionCtx
  } catch {
    // Node and tests have no ExecutionContext
  }
  const body = init.json === undefined ? undefined : JSON.stringify(init.json)
  if (body !== undefined) forwarded['content-type'] = 'application/json'
  return app.request(new URL(path, c.req.url).href, { method: init.method ?? 'GET', headers: { ...forwarded, ...headers }, body }, c.env, executionCtx)
}

/** The `detail` of a problem response, or a fallback. */
export async function problemDetail(res: Response, fallback: string): Promise<{ detail: string; field: string | undefined; retryAfter: string | null }> {
  try {
    const p = (await res.json()) as { detail?: unknown; errors?: { field?: unknown }[] }
    const field = p.errors?.[0]?.field
    return { detail: typeof p.detail === 'string' ? p.detail : fallback, field: typeof field === 'string' ? field : undefined, retryAfter: res.headers.get('retry-after') }
  } catch {
    return { detail: fallback, field: undefined, retryAfter: res.headers.get('retry-after') }
  }
}
