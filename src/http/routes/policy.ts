/**
 * @module http/routes/policy
 * `GET /v1/policy`: the notice policy as data — the same text the home page shows.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { noticePolicy } from '../../domain/notifications/policy.js'
import type { AppEnv } from '../app-env.js'

const s = (n = 1000) => z.string().max(n)

const PolicySchema = z
  .object({
    noticeDays: z.number().int().min(0).max(3650).openapi({ format: 'int32' }),
    reminderDays: z.number().int().min(0).max(3650).openapi({ format: 'int32' }),
    additions: s(),
    removals: s(),
    exceptions: s(),
    channels: z.array(z.object({ channel: z.enum(['webhook', 'email', 'atom', 'changes']), subscribe: s(), what: s() })).max(10),
    events: z.array(s(64)).max(20),
    verify: z.object({ webhook: s(), email: s(), feed: s() }),
  })
  .openapi('NoticePolicy')

export function registerPolicyRoutes(app: OpenAPIHono<AppEnv>, noticeDays: number, reminderDays: number): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/policy',
      tags: ['Notifications'],
      summary: 'The notice policy: notice period, how removals work, which channels notify, how to verify them',
      security: [],
      responses: { 200: { description: 'The policy', content: { 'application/json': { schema: PolicySchema } } } },
    }),
    (c) => {
      c.header('cache-control', 'public, max-age=3600')
      c.header('access-control-allow-origin', '*')
      return c.json(noticePolicy(noticeDays, reminderDays), 200)
    },
  )
}
