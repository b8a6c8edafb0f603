/**
 * @module http/routes/stats
 * Public statistics: report counts of closed months by verdict and by category, rounded
 * (domain/privacy/stats-suppression). Nothing else about reports is public.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { monthlyReportCounts } from '../../db/privacy-repository.js'
import { closedMonths, publishCount, publishRow, SMALL_CELL, STATS_ROUNDING } from '../../domain/privacy/stats-suppression.js'
import { CATEGORIES } from '../../domain/intake/report-rules.js'
import { VERDICTS } from '../../domain/intake/verdicts.js'
import type { AppEnv } from '../app-env.js'
import { errors } from '../schemas.js'

const CellSchema = z.union([z.number().int().min(0).max(2147483647).openapi({ format: 'int32', description: `The band of ${STATS_ROUNDING}: 10 means 10–19` }), z.literal(SMALL_CELL)])

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
      summary: 'Report counts of the last 12 closed months by verdict and category, in bands of ten (10 = 10–19; "<10")',
      responses: {
        200: {
          description: 'Statistics of the last 12 closed calendar months (UTC); the current month appears once it has ended',
          content: {
            'application/json': {
              schema: z.object({
                generatedAt: z.string().max(64),
                roundedTo: z.number().int().min(1).max(1000).openapi({ format: 'int32' }),
                months: z.array(z.object({ month: z.string().max(16), total: CellSchema, byVerdict: z.record(z.string().max(64), CellSchema), byCategory: z.record(z.string().max(64), CellSchema) })).max(1200),
              }),
            },
          },
        },
        ...errors(503),
      },
    }),
    async (c) => {
      const t = now()
      const { since, until } = closedMonths(t)
      const months = await monthlyReportCounts(c.get('db'), since, until)
      c.header('cache-control', 'public, max-age=3600')
      return c.json(
        {
          generatedAt: t.toISOString(),
          roundedTo: STATS_ROUNDING,
          months: months.map((m) => ({
            month: m.month,
            total: publishCount(m.total),
            byVerdict: publishRow(fill(VERDICTS, m.byVerdict)),
            byCategory: publishRow(fill(CATEGORIES, m.byCategory)),
          })),
        },
        200,
      )
    },
  )
}
