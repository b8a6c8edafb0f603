/**
 * @module http/routes/health
 * Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database
 * answers and its schema is the one this code expects).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { latestAppliedMigration } from '../../db/migrate.js'
import { LATEST_MIGRATION } from '../../db/schema-version.js'
import { DomainError } from '../../domain/errors.js'
import type { AppEnv } from '../app-env.js'
import { errors } from '../schemas.js'

export function registerHealthRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['Operations'],
      summary: 'Liveness',
      responses: { 200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
    }),
    (c) => {
      c.header('cache-control', 'no-store')
      return c.json({ status: 'ok' as const }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['Operations'],
      summary: 'Readiness: database reachable and schema current',
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: z.object({ status: z.literal('ready'), schema: z.string().max(2048) }) } } },
        ...errors(503),
      },
    }),
    async (c) => {
      let applied: string | null
      try {
        applied = await latestAppliedMigration(c.get('db'))
      } catch {
        throw new DomainError('service_unavailable', 'The database is not reachable.', { status: 503, extra: { retryAfter: 5 } })
      }
      if (applied !== LATEST_MIGRATION) {
        throw new DomainError(
          'service_unavailable',
          `The database schema is at ${applied ?? 'nothing'}, this code needs ${LATEST_MIGRATION}; run \`npm run cli -- migrate\`.`,
          { status: 503, extra: { retryAfter: 30 } },
        )
      }
      c.header('cache-control', 'no-store')
      return c.json({ status: 'ready' as const, schema: applied }, 200)
    },
  )
}
