/**
 * @module http/routes/rules
 * Firewall-rule snippets from the latest published version, one per target format.
 * Each (serial, format, filters, name, max_entries) is rendered once and then served
 * from memory with its ETag, like the feed itself.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { DomainError } from '../../domain/errors.js'
import { applyFeedFilter, entryComment, feedFilterKey, parseFeedFilter, snippetFilterOf, type FeedFilter } from '../../domain/feed-filter.js'
import { findFormatter, formatters, maxNameLength, resolveSnippetOptions, type Formatter } from '../../domain/formatters/index.js'
import { targetInfo } from '../../domain/formatters/target-info.js'
import type { AppEnv } from '../app-env.js'
import type { SealedRender } from '../feed-store.js'
import type { LoadedVersion } from '../feed-store.js'
import { sendRendered } from '../feed-response.js'
import { errors, FeedQuerySchema } from '../schemas.js'
import type { FeedContext } from './feed-context.js'

const FormatSchema = z
  .object({
    id: z.string().max(2048),
    title: z.string().max(2048),
    extension: z.string().max(2048),
    separateFamilies: z.boolean(),
    families: z.array(z.enum(['ipv4', 'ipv6'])).max(100_000),
    validator: z.string().max(2048).nullable(),
    name: z.object({ default: z.string().max(2048), maxLength: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }), description: z.string().max(2048) }),
    maxEntries: z.object({ default: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }).optional(), max: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }), reason: z.string().max(2048) }).nullable(),
    applyHint: z.string().max(2048),
    url: z.string().max(2048),
    group: z.enum(['host', 'network', 'cloud', 'waf', 'proxy', 'feed']),
    checksums: z.object({ md5: z.string().max(2048), sha256: z.string().max(2048) }),
    refresh: z.object({
      productDefault: z.string().max(2048).nullable().openapi({ description: 'how often the product fetches the URL by itself; null when the snippet is pasted or run' }),
      recommended: z.string().max(2048),
    }),
    limits: z.object({
      commentChars: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }).nullable(),
      totalEntries: z.object({ max: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }), reason: z.string().max(2048) }).optional(),
      totalBytes: z.object({ max: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }), reason: z.string().max(2048) }).optional(),
      source: z.string().max(2048),
    }),
  })
  .openapi('RuleFormat')

export function formatJson(f: Formatter) {
  const info = targetInfo(f)
  return {
    id: f.id,
    title: f.title,
    extension: f.extension,
    separateFamilies: f.separateFamilies,
    families: [...f.families],
    validator: f.validator,
    name: { default: f.name.default, maxLength: maxNameLength(f), description: f.name.description },
    maxEntries: f.maxEntries ? { ...(f.maxEntries.default !== undefined ? { default: f.maxEntries.default } : {}), max: f.maxEntries.max, reason: f.maxEntries.reason } : null,
    applyHint: f.applyHint,
    url: `/v1/rules/${f.id}`,
    group: info.group,
    checksums: { md5: `/v1/rules/${f.id}.md5`, sha256: `/v1/rules/${f.id}.sha256` },
    refresh: info.refresh,
    limits: {
      commentChars: info.limits.commentChars,
      ...(info.limits.totalEntries && { totalEntries: info.limits.totalEntries }),
      ...(info.limits.totalBytes && { totalBytes: info.limits.totalBytes }),
      source: info.limits.source,
    },
  }
}

/**
 * The snippet's own URL with its options in a fixed order, so the same rendering always
 * names the same URL (products that fetch the snippet are told to use it).
 */
function fetchUrl(base: string, f: Formatter, filter: FeedFilter, opts: { name: string; maxEntries: number | undefined }): string {
  const q = new URLSearchParams()
  if (filter.family) q.set('family', filter.family)
  if (filter.pools) q.set('pool', filter.pools.join(','))
  if (filter.regions) q.set('region', filter.regions.join(','))
  if (filter.statuses) q.set('status', filter.statuses.join(','))
  if (filter.aggregate) q.set('aggregate', 'true')
  if (opts.name !== f.name.default) q.set('name', opts.name)
  const limit = f.maxEntries
  if (limit && opts.maxEntries !== (limit.default ?? limit.max)) q.set('max_entries', String(opts.maxEntries))
  const query = q.toString()
  return `${base}/v1/rules/${f.id}${query ? `?${query}` : ''}`
}

export interface SnippetRendering {
  f: Formatter
  version: LoadedVersion
  stale: boolean
  rendered: SealedRender
  /** Identifies the rendering within its version (for derived answers such as checksums). */
  key: string
  /** The download's file name (Content-Disposition). */
  fileName: string
}

/** The snippet of target `id` for this request's query, rendered once per version and options. */
export async function renderSnippet(c: Context<AppEnv>, ctx: FeedContext, id: string): Promise<SnippetRendering> {
  const f = findFormatter(id)
  if (!f) {
    const ids = formatters.map((x) => x.id)
    throw new DomainError('unknown_format', `Unknown format '${id.slice(0, 40)}'. Valid formats: ${ids.join(', ')}.`, {
      status: 404,
      extra: { formats: ids },
    })
  }
  const query = c.req.query()
  const filter = parseFeedFilter(query)
  const opts = resolveSnippetOptions(f, {
    family: filter.family,
    ...(query.name !== undefined ? { name: query.name } : {}),
    ...(query.max_entries !== undefined ? { maxEntries: query.max_entries } : {}),
  })
  const scope = snippetFilterOf(filter)
  const { version, stale } = await ctx.store.latest(c.get('db'))
  // without PUBLIC_URL the header names the feed by its path: the request's Host is
  // the client's to choose and must not land in a publicly cached body
  const base = ctx.publicUrl ?? ''
  const key = `rules|${f.id}|${feedFilterKey(filter)}|${opts.name}|${opts.maxEntries ?? ''}`
  const rendered = await version.render(key, () => {
    const lists = applyFeedFilter(version.version.lists, filter)
    const served = (f.families.includes('ipv4') ? lists.ipv4.length : 0) + (f.families.includes('ipv6') ? lists.ipv6.length : 0)
    if (served === 0) {
      throw new DomainError(
        'not_found',
        `No published ${f.families.join('/')} range matches these filters in version ${version.serial}; a snippet with no entries would lock every scanner out, so none is served.`,
        { status: 404 },
      )
    }
    const toEntry = (e: (typeof lists.ipv4)[number]) => ({ prefix: e.prefix, comment: entryComment(e) })
    const all = version.version.lists
    const text = f.render({
      feed: {
        url: `${base}/v1/ranges`,
        serial: version.serial,
        createdAt: version.version.createdAt,
        sha256: version.version.sha256,
        counts: { ipv4: all.ipv4.length, ipv6: all.ipv6.length },
        rulesUrl: `${base}/v1/rules`,
      },
      filter: scope,
      ipv4: f.families.includes('ipv4') ? lists.ipv4.map(toEntry) : [],
      ipv6: f.families.includes('ipv6') ? lists.ipv6.map(toEntry) : [],
      name: opts.name,
      maxEntries: opts.maxEntries,
      fetchUrl: fetchUrl(base, f, filter, opts),
    })
    return { text, contentType: f.contentType, count: served }
  })
  return { f, version, stale, rendered, key, fileName: f.fileName({ name: opts.name, filter: scope }) }
}

export function registerRuleRoutes(app: OpenAPIHono<AppEnv>, ctx: FeedContext): void {
  const list = formatters.map(formatJson)

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/rules',
      tags: ['Firewall snippets'],
      summary: 'The firewall targets snippets are available for',
      responses: { 200: { description: 'Formats', content: { 'application/json': { schema: z.object({ formats: z.array(FormatSchema).max(1000) }) } } } },
    }),
    (c) => {
      c.header('cache-control', 'public, max-age=3600')
      c.header('access-control-allow-origin', '*')
      return c.json({ formats: list }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/rules/{format}',
      tags: ['Firewall snippets'],
      summary: 'A ready-to-paste snippet for one firewall target, from the latest version',
      request: {
        params: z.object({ format: z.string().max(2048).openapi({ example: 'nftables' }) }),
        query: FeedQuerySchema.extend({
          name: z.string().max(2048).optional().openapi({ description: 'chain / set / list / object name (validated per target)' }),
          max_entries: z.string().max(2048).optional().openapi({ description: 'split into objects of at most N entries (targets with limits)' }),
        }),
      },
      responses: {
        200: {
          description: 'The snippet: text, YAML (`kubernetes` and others) or JSON (products that import JSON)',
          content: {
            'text/plain': { schema: z.string().max(16_777_216) },
            'application/yaml': { schema: z.string().max(16_777_216) },
            'application/json': { schema: z.unknown().openapi({ description: "The product's own JSON import format" }) },
          },
        },
        304: { description: 'Not modified' },
        ...errors(400, 404, 503),
      },
    }),
    async (c: Context<AppEnv>) => {
      const { f, version, stale, rendered, fileName } = await renderSnippet(c, ctx, c.req.param('format') ?? '')
      return sendRendered(c, version, rendered, {
        maxAge: ctx.maxAge,
        stale,
        extraHeaders: {
          // The name the snippet's own apply steps use, so the download runs as documented.
          'content-disposition': `inline; filename="${fileName}"`,
        },
      })
    },
  )
}
