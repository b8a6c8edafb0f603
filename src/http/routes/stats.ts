/**
 * @module http/routes/stats
 * Public statistics: monthly report counts by verdict and by category, small cells
 * suppressed. Nothing else about reports is public.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { monthlyReportCounts } from '../../db/privacy-repository.js'
import { suppressRow, suppressTotal } from '../../domain/privacy/stats-suppression.js'
import { CATEGORIES } from '../../domain/intake/report-rules.js'
import { VERDICTS } from '../../domain/intake/verdicts.js'
import type { AppEnv } from '../app-env.js'
import { errors } from '../schemas.js'

const CellSchema = z.union([z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }), z.literal('<5'), z.literal('suppressed')])

/** Every verdict and category appears in every month, so an absent key reveals nothing. */
function fill(keys: readonly string[], counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, counts[k] ?? 0]))
}

export function registerStatsRoutes(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/stats',
      tags: ['Reports'],
      summary: 'Monthly report counts by verdict and category (cells under 5 suppressed)',
      responses: {
        200: {
          description: 'Statistics of the last 12 months',
          content: {
            'application/json': {
              schema: z.object({
                generatedAt: z.string().max(2048),
                months: z.array(z.object({ month: z.string().max(2048), total: CellSchema, byVerdict: z.record(z.string().max(2048), CellSchema), byCategory: z.record(z.string().max(2048), CellSchema) })).max(1000),
              }),
            },
          },
        },
        ...errors(503),
      },
    }),
    async (c) => {
      const t = now()
      const since = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - 11, 1))
      const months = await monthlyReportCounts(c.get('db'), since)
      c.header('cache-control', 'public, max-age=3600')
      return c.json(
        {
          generatedAt: t.toISOString(),
          months: months.map((m) => ({
            month: m.month,
            total: suppressTotal(m.total),
            byVerdict: suppressRow(fill(VERDICTS, m.byVerdict)),
            byCategory: suppressRow(fill(CATEGORIES, m.byCategory)),
          })),
        },
        200,
      )
    },
  )
}
