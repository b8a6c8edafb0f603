/**
 * @module http/routes/feed
 * The public, cacheable feed: the latest version as JSON, text and CSV, every version
 * by serial, the change log and an Atom feed. All bodies are rendered once per
 * (serial, format, filter) and then served from memory.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { listVersionHeaders, type VersionHeader } from '../../db/version-repository.js'
import { DomainError } from '../../domain/errors.js'
import { applyFeedFilter, feedFilterKey, parseFeedFilter, type FeedFilter } from '../../domain/feed-filter.js'
import { renderFeedAtom } from '../../domain/feed-formats/atom.js'
import { renderFeedCsv } from '../../domain/feed-formats/csv.js'
import { renderFeedJson } from '../../domain/feed-formats/json.js'
import { renderFeedText } from '../../domain/feed-formats/text.js'
import type { AppEnv } from '../app-env.js'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.js'
import type { LatestResult, LoadedVersion } from '../feed-store.js'
import { sendRendered } from '../feed-response.js'
import { errors, FeedDocumentSchema, FeedQuerySchema, VersionSummarySchema } from '../schemas.js'
import type { FeedContext } from './feed-context.js'

const JSON_TYPE = 'application/json; charset=utf-8'
const TEXT_TYPE = 'text/plain; charset=utf-8'
const CSV_TYPE = 'text/csv; charset=utf-8; header=present'

type FeedFormat = 'json' | 'txt' | 'csv'

export function render(loaded: LoadedVersion, filter: FeedFilter, format: FeedFormat) {
  return loaded.render(`${format}|${feedFilterKey(filter)}`, () => {
    const lists = applyFeedFilter(loaded.version.lists, filter)
    const count = lists.ipv4.length + lists.ipv6.length
    // an empty plain list is indistinguishable from a failed download: refuse it, loudly
    if (count === 0 && format !== 'json') {
      throw new DomainError(
        'not_found',
        `No published range matches these filters in version ${loaded.serial}; an empty list is never served as text or CSV. Check /v1/ranges (JSON) for what is published.`,
        { status: 404 },
      )
    }
    const v = loaded.version
    const meta = { serial: v.serial, createdAt: v.createdAt, sha256: v.sha256, note: v.note, noticeOverride: v.noticeOverride }
    if (format === 'txt') return { text: renderFeedText(lists), contentType: TEXT_TYPE, count }
    if (format === 'csv') return { text: renderFeedCsv(lists), contentType: CSV_TYPE, count }
    return { text: renderFeedJson(meta, lists), contentType: JSON_TYPE, count }
  })
}

const feedResponses = (mediaType: string, schema: z.ZodType) => ({
  200: { description: 'The latest published version', content: { [mediaType]: { schema } } },
  304: { description: 'Not modified (If-None-Match matched the ETag)' },
  ...errors(400, 404, 503),
})

const rangesRoute = (path: string, mediaType: string, schema: z.ZodType, summary: string) =>
  createRoute({
    method: 'get',
    path,
    tags: ['Feed'],
    summary,
    request: { query: FeedQuerySchema },
    responses: feedResponses(mediaType, schema),
  })

/** The public view of a version header: what changed, the publisher's note and any short-notice reason. */
export function versionSummary(h: VersionHeader) {
  return { serial: h.serial, createdAt: h.createdAt, sha256: h.sha256, counts: h.counts, changes: h.changes, note: h.note, noticeOverride: h.noticeOverride }
}

const SerialParam = z.object({
  serial: z.string().max(10).regex(/^[1-9][0-9]{0,9}$/, 'serial must be a positive integer').openapi({ example: '1' }),
})

/** The latest version, or null before the first publish. */
async function latestOrNothing(ctx: FeedContext, db: Kysely<Database>): Promise<LatestResult | null> {
  try {
    return await ctx.store.latest(db)
  } catch (e) {
    if (e instanceof DomainError && e.status === 404) return null
    throw e
  }
}

export function registerFeedRoutes(app: OpenAPIHono<AppEnv>, ctx: FeedContext): void {
  const latestAs = (format: FeedFormat) => async (c: Context<AppEnv>) => {
    const filter = parseFeedFilter(c.req.query())
    const { version, stale } = await ctx.store.latest(c.get('db'))
    const rendered = await render(version, filter, format)
    return sendRendered(c, version, rendered, { maxAge: ctx.maxAge, stale })
  }

  app.openapi(rangesRoute('/v1/ranges', 'application/json', FeedDocumentSchema, 'Latest scanner ranges (JSON)'), latestAs('json'))
  app.openapi(rangesRoute('/v1/ranges.txt', 'text/plain', z.string().max(16_777_216), 'Latest scanner ranges, one prefix per line'), latestAs('txt'))
  app.openapi(rangesRoute('/v1/ranges.csv', 'text/csv', z.string().max(16_777_216), 'Latest scanner ranges as CSV'), latestAs('csv'))

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/versions',
      tags: ['Feed'],
      summary: 'Published versions, newest first',
      request: {
        query: z.object({
          limit: z.coerce.number().int().openapi({ format: 'int32' }).min(1).max(1000).default(100),
          before: z.coerce.number().int().openapi({ format: 'int32' }).min(1).max(2_147_483_647).optional().openapi({ description: 'only versions with a smaller serial (paging)' }),
        }),
      },
      responses: {
        200: { description: 'Version headers', content: { 'application/json': { schema: z.object({ versions: z.array(VersionSummarySchema).max(100_000), next: z.string().max(2048).nullable() }) } } },
        304: { description: 'Not modified (If-None-Match matched the ETag)' },
        ...errors(400, 503),
      },
    }),
    async (c) => {
      const { limit, before } = c.req.valid('query')
      const db = c.get('db')
      const latest = await latestOrNothing(ctx, db)
      if (!latest) {
        c.header('cache-control', 'no-cache')
        c.header('access-control-allow-origin', '*')
        return c.json({ versions: [], next: null }, 200)
      }
      const { version, stale } = latest
      // rendered once per latest serial: bounded by it, the list cannot change until the next publish
      const rendered = await version.render(`versions|${limit}|${before ?? ''}`, async () => {
        const bound = Math.min(before ?? Infinity, version.serial + 1)
        const headers = await listVersionHeaders(db, { limit, before: bound })
        const last = headers[headers.length - 1]
        const next = headers.length === limit && last && last.serial > 1 ? `/v1/versions?limit=${limit}&before=${last.serial}` : null
        const versions = headers.map(versionSummary)
        return { text: JSON.stringify({ versions, next }), contentType: JSON_TYPE, count: headers.length }
      })
      return sendRendered(c, version, rendered, { maxAge: ctx.maxAge, stale })
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/versions/{serial}',
      tags: ['Feed'],
      summary: 'One published version, exactly as published (immutable)',
      request: { params: SerialParam },
      responses: {
        200: { description: 'The version', content: { 'application/json': { schema: FeedDocumentSchema } } },
        304: { description: 'Not modified' },
        ...errors(400, 404, 503),
      },
    }),
    async (c) => {
      const serial = Number(c.req.valid('param').serial)
      const loaded = await ctx.store.bySerial(c.get('db'), serial)
      if (!loaded) throw new DomainError('not_found', `Version ${serial} does not exist.`, { status: 404 })
      const rendered = await render(loaded, parseFeedFilter({}), 'json')
      return sendRendered(c, loaded, rendered, { maxAge: ctx.maxAge, immutable: true })
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/changes',
      tags: ['Feed'],
      summary: 'What changed in each version after `since`',
      request: {
        query: z.object({
          since: z.coerce.number().int().openapi({ format: 'int32' }).min(0).max(2_147_483_647).default(0).openapi({ description: 'serial you already have (0 = everything)' }),
        }),
      },
      responses: {
        200: {
          description: 'Changes per version, oldest first',
          content: { 'application/json': { schema: z.object({ since: z.number(), latest: z.number(), versions: z.array(VersionSummarySchema).max(1000) }) } },
        },
        304: { description: 'Not modified (If-None-Match matched the ETag)' },
        ...errors(400, 404, 503),
      },
    }),
    async (c) => {
      const { since } = c.req.valid('query')
      const db = c.get('db')
      const { version, stale } = await ctx.store.latest(db)
      if (since > version.serial) {
        throw new DomainError('invalid_option', `since=${since} is newer than the latest version ${version.serial}.`, { field: 'since' })
      }
      const rendered = await version.render(`changes|${since}`, async () => {
        const headers = await listVersionHeaders(db, { limit: 1000, after: since, before: version.serial + 1 })
        const versions = headers.reverse().map(versionSummary)
        return { text: JSON.stringify({ since, latest: version.serial, versions }), contentType: JSON_TYPE, count: versions.length }
      })
      return sendRendered(c, version, rendered, { maxAge: ctx.maxAge, stale })
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/feed.atom',
      tags: ['Feed'],
      summary: 'Atom feed: one entry per published version',
      responses: {
        200: { description: 'Atom feed', content: { 'application/atom+xml': { schema: z.string().max(16_777_216) } } },
        304: { description: 'Not modified' },
        ...errors(404, 503),
      },
    }),
    async (c) => {
      const { version, stale } = await ctx.store.latest(c.get('db'))
      // Atom ids must be absolute: without PUBLIC_URL they name the request's origin, so
      // that body is sent private (a forged Host must not reach a shared cache); links
      // are relative then, as Atom allows
      const idBase = ctx.publicUrl ?? new URL(c.req.url).origin
      const db = c.get('db')
      const rendered = await version.render(`atom|${idBase}`, async () => {
        const headers = await listVersionHeaders(db, { limit: 50 })
        return { text: renderFeedAtom(idBase, headers, ctx.publicUrl ?? ''), contentType: 'application/atom+xml; charset=utf-8', count: headers.length }
      })
      return sendRendered(c, version, rendered, { maxAge: ctx.maxAge, stale, private: ctx.publicUrl === undefined })
    },
  )
}
