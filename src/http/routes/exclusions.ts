/**
 * @module http/routes/exclusions
 * The exclusion list the scan platform must honour: the desk's listing (scope
 * `reports:read`), adding and removing one target at a time (scope `exclusions:write`,
 * through db/exclusion-actions, audited), and the platform's pre-scan check (scope
 * `sessions:write`), which ignores expired exclusions.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { createExclusion, removeExclusion, type ExclusionActor } from '../../db/exclusion-actions.js'
import { exclusionsOverlapping, listExclusions, type ExclusionRecord } from '../../db/exclusion-repository.js'
import { cidrContainsCidr, parseCidr } from '../../domain/cidr.js'
import { DomainError } from '../../domain/errors.js'
import { DEFAULT_EXCLUSION_POLICY, isWiderThanPolicy, type ExclusionPolicy } from '../../domain/exclusion-rules.js'
import { decodeCursor, encodeCursor } from '../../domain/intake/cursor.js'
import type { AppEnv } from '../app-env.js'
import { actorOf, requireScope } from '../auth.js'
import { ExclusionCheckSchema, ExclusionInputSchema, ExclusionRemoveSchema, ExclusionSchema } from '../intake-schemas.js'
import { parseJson } from '../intake-body.js'
import { errors } from '../schemas.js'

export function exclusionJson(e: ExclusionRecord, now: Date, policy: ExclusionPolicy) {
  return {
    id: e.id,
    target: e.target,
    reason: e.reason,
    source: e.source,
    caseId: e.caseId,
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
    expiresAt: e.expiresAt?.toISOString() ?? null,
    active: e.expiresAt === null || e.expiresAt.getTime() > now.getTime(),
    overrideReason: e.overrideReason,
    widerThanMaximum: isWiderThanPolicy(parseCidr(e.target), policy),
  }
}

export function registerExclusionRoutes(app: OpenAPIHono<AppEnv>, now: () => Date, policy: ExclusionPolicy = DEFAULT_EXCLUSION_POLICY): void {
  const write = requireScope('exclusions:write', now)
  const actor = (c: Context<AppEnv>): ExclusionActor => ({ name: c.get('actor')?.name ?? 'unknown', audit: actorOf(c) })

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/exclusions',
      tags: ['Admin: abuse desk'],
      summary: 'The exclusion list, newest first (expired ones included, marked inactive)',
      security: [{ bearerAuth: ['reports:read'] }],
      middleware: [requireScope('reports:read', now)] as const,
      request: {
        query: z.object({
          cursor: z.string().max(2048).optional(),
          limit: z.string().max(2048).optional().openapi({ description: '1–1000, default 200' }),
        }),
      },
      responses: {
        200: { description: 'Exclusions', content: { 'application/json': { schema: z.object({ exclusions: z.array(ExclusionSchema).max(1000), nextCursor: z.string().max(2048).nullable() }) } } },
        ...errors(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      let limit = 200
      if (q.limit !== undefined) {
        limit = Number(q.limit)
        if (!/^\d+$/.test(q.limit) || limit < 1 || limit > 1000) {
          throw new DomainError('validation_failed', 'limit must be a whole number from 1 to 1000.', { field: 'limit' })
        }
      }
      const after = q.cursor ? decodeCursor(q.cursor) : undefined
      const rows = await listExclusions(c.get('db'), { after, limit: limit + 1 })
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      const t = now()
      c.header('cache-control', 'no-store')
      return c.json(
        {
          exclusions: page.map((e) => exclusionJson(e, t, policy)),
          nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
        },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/exclusions',
      tags: ['Admin: abuse desk'],
      summary: 'Exclude one target from scanning (at most /24 IPv4, /48 IPv6 without an override)',
      security: [{ bearerAuth: ['exclusions:write'] }],
      middleware: [write] as const,
      request: { body: { required: true, content: { 'application/json': { schema: ExclusionInputSchema } } } },
      responses: {
        201: { description: 'Excluded', content: { 'application/json': { schema: z.object({ exclusion: ExclusionSchema }) } } },
        ...errors(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      const t = now()
      const made = await c.get('db').transaction().execute((trx) =>
        createExclusion(
          trx,
          { prefix: body.prefix, reason: body.reason, expiresAt: body.expiresAt ?? null, caseId: body.caseId ?? null, override: body.override ?? null, actor: actor(c), source: 'api' },
          t,
          policy,
        ),
      )
      c.header('cache-control', 'no-store')
      return c.json({ exclusion: exclusionJson(made, t, policy) }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/admin/exclusions/{id}',
      tags: ['Admin: abuse desk'],
      summary: 'Remove an exclusion (audited); the platform may scan the target again',
      security: [{ bearerAuth: ['exclusions:write'] }],
      middleware: [write] as const,
      request: {
        params: z.object({ id: z.string().max(64).openapi({ description: 'Exclusion id (UUID)' }) }),
        body: { required: false, content: { 'application/json': { schema: ExclusionRemoveSchema } } },
      },
      responses: {
        200: { description: 'Removed; the body is the exclusion as it was', content: { 'application/json': { schema: z.object({ exclusion: ExclusionSchema }) } } },
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const text = await c.req.text()
      let reason: string | undefined
      if (text.trim() !== '') {
        const parsed = ExclusionRemoveSchema.safeParse(parseJson(text))
        if (!parsed.success) throw new DomainError('validation_failed', 'The body may only hold { "reason": "…" } (at most 500 characters).', { field: 'reason' })
        reason = parsed.data.reason
      }
      const t = now()
      const removed = await removeExclusion(c.get('db'), { id, reason: reason ?? null, actor: actor(c), source: 'api' }, t)
      return c.json({ exclusion: exclusionJson(removed, t, policy) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/exclusions/check',
      tags: ['Scan platform'],
      summary: 'Whether a target (address or CIDR block) is excluded from scanning',
      security: [{ bearerAuth: ['sessions:write'] }],
      middleware: [requireScope('sessions:write', now)] as const,
      request: { query: z.object({ target: z.string().max(2048).optional().openapi({ example: '203.0.113.5' }) }) },
      responses: {
        200: { description: 'The answer', content: { 'application/json': { schema: ExclusionCheckSchema } } },
        ...errors(400, 401, 403),
      },
    }),
    async (c) => {
      const raw = c.req.valid('query').target
      if (!raw) {
        throw new DomainError('validation_failed', 'target is required: the address or CIDR block you are about to scan.', { field: 'target' })
      }
      let target
      try {
        target = parseCidr(raw.trim(), { allowBareAddress: true })
      } catch (e) {
        if (e instanceof DomainError) throw new DomainError(e.code, e.message, { field: 'target', extra: e.extra })
        throw e
      }
      const matches = await exclusionsOverlapping(c.get('db'), target.text, now())
      c.header('cache-control', 'no-store')
      return c.json(
        {
          target: target.text,
          excluded: matches.length > 0,
          fullyExcluded: matches.some((m) => cidrContainsCidr(parseCidr(m.target), target)),
          exclusions: matches.map((m) => ({ target: m.target, reason: m.reason, since: m.createdAt.toISOString() })),
        },
        200,
      )
    },
  )
}
