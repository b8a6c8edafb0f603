/**
 * @module http/routes/admin-audit
 * The audit trail for auditors (scope `audit:read`): every admin and triage action in
 * order, each with the hash that chains it to the one before.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { listAudit } from '../../db/audit-repository.js'
import type { AppEnv } from '../app-env.js'
import { requireScope } from '../auth.js'
import { errors } from '../schemas.js'

const AuditEventSchema = z
  .object({
    seq: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
    at: z.string().max(2048),
    actor: z.string().max(2048),
    action: z.string().max(2048),
    objectType: z.string().max(2048),
    objectId: z.string().max(2048).nullable(),
    diff: z.record(z.string().max(2048), z.unknown()),
    prevHash: z.string().max(2048),
    hash: z.string().max(2048),
  })
  .openapi('AuditEvent')

export function registerAdminAuditRoutes(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/audit',
      tags: ['Admin: audit'],
      summary: 'Audit events in order (page with `after`)',
      security: [{ bearerAuth: ['audit:read'] }],
      middleware: [requireScope('audit:read', now)] as const,
      request: {
        query: z.object({
          after: z.coerce.number().int().openapi({ format: 'int32' }).min(0).max(2_147_483_647).optional().openapi({ description: 'return events with seq greater than this' }),
          limit: z.coerce.number().int().openapi({ format: 'int32' }).min(1).max(1000).default(100),
          action: z.string().max(64).optional(),
          objectType: z.string().max(64).optional(),
          objectId: z.string().max(128).optional(),
        }),
      },
      responses: {
        200: {
          description: 'Events',
          content: { 'application/json': { schema: z.object({ events: z.array(AuditEventSchema).max(1000), next: z.string().max(2048).nullable() }) } },
        },
        ...errors(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const events = await listAudit(c.get('db'), q)
      const last = events[events.length - 1]
      const params = new URLSearchParams()
      if (last && events.length === q.limit) {
        params.set('after', String(last.seq))
        params.set('limit', String(q.limit))
        for (const k of ['action', 'objectType', 'objectId'] as const) if (q[k]) params.set(k, q[k]!)
      }
      c.header('cache-control', 'no-store')
      return c.json({ events, next: params.size ? `/v1/admin/audit?${params}` : null }, 200)
    },
  )
}
