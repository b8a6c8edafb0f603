/**
 * @module http/routes/checksums
 * A checksum URL per representation, for firewalls that poll a small file and download
 * the list only when it changed (Cisco FMC/FDM, some FortiGate and PAN-OS setups):
 * `/v1/ranges.txt.md5`, `/v1/rules/cisco-fmc-feed.sha256?family=ipv4`, … The body is the
 * plain lower-case hex digest of exactly the bytes the same URL without the suffix (and
 * with the same query) returns. It is rendered once per version like the feed itself, so
 * it has its own ETag and answers HEAD and If-None-Match the same way.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { DomainError } from '../../domain/errors.js'
import { feedFilterKey, parseFeedFilter } from '../../domain/feed-filter.js'
import { sha256Hex } from '../../domain/sha256.js'
import type { AppEnv } from '../app-env.js'
import type { SealedRender } from '../feed-store.js'
import type { LoadedVersion } from '../feed-store.js'
import { sendRendered } from '../feed-response.js'
import { errors, FeedQuerySchema } from '../schemas.js'
import type { FeedContext } from './feed-context.js'
import { render } from './feed.js'
import { renderSnippet } from './rules.js'

type Algorithm = 'md5' | 'sha256'
const TEXT = 'text/plain; charset=utf-8'

async function digest(ctx: FeedContext, algorithm: Algorithm, body: Uint8Array): Promise<string> {
  if (algorithm === 'sha256') return sha256Hex(body)
  if (!ctx.md5Hex) {
    throw new DomainError('not_found', 'MD5 is not available on this server; use the .sha256 URL.', { status: 404 })
  }
  return ctx.md5Hex(body)
}

async function answer(
  c: Context<AppEnv>,
  ctx: FeedContext,
  algorithm: Algorithm,
  source: { version: LoadedVersion; stale: boolean; rendered: SealedRender; key: string },
) {
  const { version, stale, rendered, key } = source
  const sum = await version.render(`${algorithm}|${key}`, async () => ({
    text: await digest(ctx, algorithm, rendered.body),
    contentType: TEXT,
    count: rendered.count,
  }))
  return sendRendered(c, version, sum, { maxAge: ctx.maxAge, stale })
}

const checksumResponses = {
  200: { description: 'Lower-case hex digest of the representation, nothing else', content: { 'text/plain': { schema: z.string().max(64).openapi({ example: 'd41d8cd98f00b204e9800998ecf8427e' }) } } },
  304: { description: 'Not modified' },
  ...errors(400, 404, 503),
}

export function registerChecksumRoutes(app: OpenAPIHono<AppEnv>, ctx: FeedContext): void {
  for (const [format, path] of [
    ['json', '/v1/ranges'],
    ['txt', '/v1/ranges.txt'],
    ['csv', '/v1/ranges.csv'],
  ] as const) {
    for (const algorithm of ['md5', 'sha256'] as const) {
      app.openapi(
        createRoute({
          method: 'get',
          path: `${path}.${algorithm}`,
          tags: ['Feed'],
          summary: `${algorithm.toUpperCase()} of GET ${path} with the same query (for firewalls that poll a checksum first)`,
          request: { query: FeedQuerySchema },
          responses: checksumResponses,
        }),
        async (c: Context<AppEnv>) => {
          const filter = parseFeedFilter(c.req.query())
          const { version, stale } = await ctx.store.latest(c.get('db'))
          const rendered = await render(version, filter, format)
          return answer(c, ctx, algorithm, { version, stale, rendered, key: `${format}|${feedFilterKey(filter)}` })
        },
      )
    }
  }

  // One regex route, as Hono cannot express "{format}.{algorithm}"; documented by hand.
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/rules/{format}.{algorithm}',
    operationId: 'getV1RulesChecksum',
    tags: ['Firewall snippets'],
    summary: 'MD5 or SHA-256 of GET /v1/rules/{format} with the same query (plain hex)',
    request: {
      params: z.object({
        format: z.string().max(40).openapi({ example: 'cisco-fmc-feed' }),
        algorithm: z.enum(['md5', 'sha256']),
      }),
      query: FeedQuerySchema.extend({
        name: z.string().max(128).optional(),
        max_entries: z.string().max(9).optional(),
      }),
    },
    responses: checksumResponses,
  })
  app.get('/v1/rules/:file{[a-z0-9-]{1,40}\\.(?:md5|sha256)}', async (c) => {
    const file = c.req.param('file')
    const dot = file.lastIndexOf('.')
    const algorithm = file.slice(dot + 1) as Algorithm
    const snippet = await renderSnippet(c, ctx, file.slice(0, dot))
    return answer(c, ctx, algorithm, snippet)
  })
}
