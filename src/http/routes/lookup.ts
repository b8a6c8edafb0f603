/**
 * @module http/routes/lookup
 * "Is this address one of your scanners?" for anyone: answered from the catalogue,
 * including ranges retired in the last 90 days (reports often arrive late).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { findRangeContaining } from '../../db/range-repository.js'
import { parseHostIp } from '../../domain/cidr.js'
import { rangeStatus } from '../../domain/range-lifecycle.js'
import type { AppEnv } from '../app-env.js'
import { errors, LookupSchema } from '../schemas.js'

/** How long after retirement an address still counts as ours. */
export const RETIRED_GRACE_DAYS = 90

export function registerLookupRoutes(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/lookup/{ip}',
      tags: ['Feed'],
      summary: 'Whether an IP address belongs to our scanner ranges',
      request: { params: z.object({ ip: z.string().max(2048).openapi({ example: '192.0.2.10' }) }) },
      responses: {
        200: { description: 'Lookup result', content: { 'application/json': { schema: LookupSchema } } },
        ...errors(400, 503),
      },
    }),
    async (c) => {
      const ip = parseHostIp(c.req.valid('param').ip)
      const t = now()
      const range = await findRangeContaining(c.get('db'), ip.text)
      c.header('cache-control', 'public, max-age=60')
      if (range) {
        const status = rangeStatus(range, t)
        const graceEnds = range.retireAt ? range.retireAt.getTime() + RETIRED_GRACE_DAYS * 86_400_000 : Infinity
        if (status !== 'retired' || graceEnds > t.getTime()) {
          return c.json(
            {
              ip: ip.text,
              ours: true,
              prefix: range.prefix,
              pool: range.pool,
              region: range.region,
              status,
              activeFrom: range.activeFrom.toISOString(),
              retireAt: range.retireAt ? range.retireAt.toISOString() : null,
            },
            200,
          )
        }
      }
      return c.json({ ip: ip.text, ours: false }, 200)
    },
  )
}
