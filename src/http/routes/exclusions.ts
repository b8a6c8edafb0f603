/**
 * @module http/routes/exclusions
 * The exclusion list the scan platform must honour: the desk's listing (scope
 * `reports:read`) and the platform's pre-scan check (scope `sessions:write`).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { exclusionsOverlapping, listExclusions, type ExclusionRecord } from '../../db/exclusion-repository.js'
import { cidrContainsCidr, parseCidr } from '../../domain/cidr.js'
import { DomainError } from '../../domain/errors.js'
import { decodeCursor, encodeCursor } from '../../domain/intake/cursor.js'
import type { AppEnv } from '../app-env.js'
import { requireScope } from '../auth.js'
import { ExclusionCheckSchema, ExclusionSchema } from '../intake-schemas.js'
import { errors } from '../schemas.js'

function exclusionJson(e: ExclusionRecord) {
  return { id: e.id, target: e.target, reason: e.reason, caseId: e.caseId, createdBy: e.createdBy, createdAt: e.createdAt.toISOString() }
}

export function registerExclusionRoutes(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/exclusions',
      tags: ['Admin: abuse desk'],
      summary: 'The exclusion list, newest first',
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
      c.header('cache-control', 'no-store')
      return c.json(
        {
          exclusions: page.map(exclusionJson),
          nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
        },
        200,
      )
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
      const matches = await exclusionsOverlapping(c.get('db'), target.text)
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
