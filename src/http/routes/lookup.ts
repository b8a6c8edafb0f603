/**
 * @module http/routes/lookup
 * "Is this address one of your scanners?" for anyone, answered from what was published:
 * the latest version, plus ranges removed from a version in the last 90 days (reports
 * often arrive late). Unpublished catalogue edits never show here: a draft range is not
 * ours yet, and a range no version ever contained was never ours.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { findRecentRemoval } from '../../db/version-repository.js'
import { cidrContainsIp, parseCidr, parseHostIp, type IpAddress } from '../../domain/cidr.js'
import { DomainError } from '../../domain/errors.js'
import type { FeedEntry } from '../../domain/feed-version.js'
import { rangeStatus } from '../../domain/range-lifecycle.js'
import type { AppEnv } from '../app-env.js'
import type { LoadedVersion } from '../feed-store.js'
import { errors, LookupSchema } from '../schemas.js'
import type { FeedContext } from './feed-context.js'

/** How long after retirement an address still counts as ours. */
export const RETIRED_GRACE_DAYS = 90

/** The published entry containing `ip` (entries never overlap within a version). */
async function publishedEntry(loaded: LoadedVersion, ip: IpAddress): Promise<FeedEntry | null> {
  const parsed = await loaded.memo('lookup-index', async () =>
    [...loaded.version.lists.ipv4, ...loaded.version.lists.ipv6].map((e) => ({ e, c: parseCidr(e.prefix) })),
  )
  return parsed.find((x) => x.c.family === ip.family && cidrContainsIp(x.c, ip))?.e ?? null
}

function dates(e: FeedEntry) {
  return { activeFrom: new Date(e.activeFrom), retireAt: e.retireAt ? new Date(e.retireAt) : null }
}

export function registerLookupRoutes(app: OpenAPIHono<AppEnv>, ctx: FeedContext, now: () => Date): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/lookup/{ip}',
      tags: ['Feed'],
      summary: 'Whether an IP address belongs to our published scanner ranges',
      request: { params: z.object({ ip: z.string().max(100).openapi({ example: '192.0.2.10' }) }) },
      responses: {
        200: { description: 'Lookup result', content: { 'application/json': { schema: LookupSchema } } },
        ...errors(400, 503),
      },
    }),
    async (c) => {
      const ip = parseHostIp(c.req.valid('param').ip)
      const t = now()
      const db = c.get('db')
      c.header('cache-control', 'public, max-age=60')
      let latest: LoadedVersion
      try {
        latest = (await ctx.store.latest(db)).version
      } catch (e) {
        if (e instanceof DomainError && e.status === 404) return c.json({ ip: ip.text, ours: false }, 200)
        throw e
      }
      const answer = (e: FeedEntry, status: ReturnType<typeof rangeStatus>, retireAt: string | null) =>
        c.json({ ip: ip.text, ours: true, prefix: e.prefix, pool: e.pool, region: e.region, status, activeFrom: e.activeFrom, retireAt }, 200)
      const graceStart = new Date(t.getTime() - RETIRED_GRACE_DAYS * 86_400_000)
      const current = await publishedEntry(latest, ip)
      if (current) {
        // a date may have passed since the version was published: say what holds now
        const status = rangeStatus(dates(current), t)
        const graceOver = status === 'retired' && current.retireAt !== null && Date.parse(current.retireAt) <= graceStart.getTime()
        return graceOver ? c.json({ ip: ip.text, ours: false }, 200) : answer(current, status, current.retireAt)
      }
      const removal = await findRecentRemoval(db, ip.text, graceStart, latest.serial)
      // a withdrawn announcement was never used by a scanner: not ours
      const used = removal && removal.reason !== 'withdrawn' && Date.parse(removal.entry.activeFrom) < Date.parse(removal.effective)
      if (removal && used && Date.parse(removal.effective) > graceStart.getTime()) {
        return answer(removal.entry, 'retired', removal.entry.retireAt ?? removal.effective)
      }
      return c.json({ ip: ip.text, ours: false }, 200)
    },
  )
}
