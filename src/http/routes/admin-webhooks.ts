/**
 * @module http/routes/admin-webhooks
 * Webhook subscribers for staff (scope `webhooks:write`): list, add (verified by the same
 * echoed challenge as self-service), disable, enable, delete, the delivery log of each
 * (status, latency, response code — never bodies) and manual redelivery. Every change is
 * audited by subscription id (never by URL or address).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { appendAudit } from '../../db/audit-repository.js'
import { listOutboxAttempts, requeueOutbox } from '../../db/outbox.js'
import {
  createWebhookSubscription,
  deleteSubscription,
  disableSubscription,
  enableSubscription,
  getSubscription,
  listSubscriptions,
  type Subscription,
} from '../../db/subscription-repository.js'
import { DomainError } from '../../domain/errors.js'
import { EVENT_TYPES } from '../../domain/notifications/events.js'
import type { AppEnv } from '../app-env.js'
import { actorOf, requireScope } from '../auth.js'
import { errors } from '../schemas.js'
import { checkWebhookUrl } from './subscriptions.js'

const WebhookSchema = z
  .object({
    id: z.string().max(64),
    url: z.string().max(2000),
    ownerEmail: z.string().max(320).nullable(),
    events: z.array(z.string().max(64)).max(10),
    status: z.enum(['pending', 'active', 'disabled', 'unsubscribed']),
    createdBy: z.string().max(100),
    createdAt: z.string().max(40),
    confirmedAt: z.string().max(40).nullable(),
    disabledAt: z.string().max(40).nullable(),
    disabledReason: z.string().max(300).nullable(),
    failingSince: z.string().max(40).nullable(),
    consecutiveFailures: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
    circuitOpenUntil: z.string().max(40).nullable(),
    lastSuccessAt: z.string().max(40).nullable(),
  })
  .openapi('Webhook')

const DeliverySchema = z
  .object({
    outboxId: z.string().max(64),
    attemptedAt: z.string().max(40),
    ok: z.boolean(),
    statusCode: z.number().int().min(100).max(599).openapi({ format: 'int32' }).nullable(),
    latencyMs: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
    error: z.string().max(300).nullable(),
  })
  .openapi('WebhookDelivery')

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function webhookJson(s: Subscription) {
  return {
    id: s.id,
    url: s.url ?? '',
    ownerEmail: s.ownerEmail,
    events: s.events,
    status: s.status,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    confirmedAt: iso(s.confirmedAt),
    disabledAt: iso(s.disabledAt),
    disabledReason: s.disabledReason,
    failingSince: iso(s.failingSince),
    consecutiveFailures: s.consecutiveFailures,
    circuitOpenUntil: iso(s.circuitOpenUntil),
    lastSuccessAt: iso(s.lastSuccessAt),
  }
}

const IdParam = z.object({ id: z.string().max(36).uuid('id must be a subscription id (UUID)') })
const security = [{ bearerAuth: ['webhooks:write'] }]

async function webhookOr404(c: { get(k: 'db'): Parameters<typeof getSubscription>[0] }, id: string): Promise<Subscription> {
  const s = await getSubscription(c.get('db'), id)
  if (!s || s.channel !== 'webhook') throw new DomainError('not_found', `No webhook subscription with id ${id}.`, { status: 404 })
  return s
}

export function registerAdminWebhookRoutes(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  const auth = requireScope('webhooks:write', now)
  const tags = ['Admin: webhooks']

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/webhooks',
      tags,
      summary: 'Webhook subscriptions with their delivery state',
      security,
      middleware: [auth] as const,
      responses: { 200: { description: 'Webhooks', content: { 'application/json': { schema: z.object({ webhooks: z.array(WebhookSchema).max(1000) }) } } }, ...errors(401, 403) },
    }),
    async (c) => {
      const list = await listSubscriptions(c.get('db'), { channel: 'webhook', limit: 1000 })
      c.header('cache-control', 'no-store')
      return c.json({ webhooks: list.map(webhookJson) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/webhooks',
      tags,
      summary: 'Add a webhook; it becomes active once its endpoint echoes our challenge',
      security,
      middleware: [auth] as const,
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z
                .object({ url: z.string().max(2000), events: z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).optional(), ownerEmail: z.string().trim().email().max(320).optional() })
                .strict(),
            },
          },
        },
      },
      responses: {
        201: { description: 'Created (pending)', content: { 'application/json': { schema: z.object({ webhook: WebhookSchema, secret: z.string().max(100) }) } } },
        ...errors(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      const t = now()
      const r = await createWebhookSubscription(c.get('db'), { url: checkWebhookUrl(body.url), events: body.events, ownerEmail: body.ownerEmail ?? null, createdBy: actorOf(c) }, t)
      if (!r.created || !('secret' in r)) throw new DomainError('conflict', `This URL already has a live subscription (${r.subscription.id}).`, { status: 409, field: 'url' })
      await appendAudit(c.get('db'), { actor: actorOf(c), action: 'webhook.create', objectType: 'webhook', objectId: r.subscription.id, diff: { events: r.subscription.events } }, t)
      c.header('cache-control', 'no-store')
      c.header('location', `/v1/admin/webhooks/${r.subscription.id}`)
      return c.json({ webhook: webhookJson(r.subscription), secret: r.secret }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/webhooks/{id}',
      tags,
      summary: 'One webhook and its delivery log (newest first; no bodies are stored)',
      security,
      middleware: [auth] as const,
      request: { params: IdParam },
      responses: {
        200: { description: 'The webhook', content: { 'application/json': { schema: z.object({ webhook: WebhookSchema, deliveries: z.array(DeliverySchema).max(200) }) } } },
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const s = await webhookOr404(c, c.req.valid('param').id)
      const log = await listOutboxAttempts(c.get('db'), { destination: s.id, limit: 200 })
      c.header('cache-control', 'no-store')
      return c.json(
        {
          webhook: webhookJson(s),
          deliveries: log.map((a) => ({ outboxId: a.outboxId, attemptedAt: a.attemptedAt.toISOString(), ok: a.ok, statusCode: a.statusCode, latencyMs: a.latencyMs, error: a.error })),
        },
        200,
      )
    },
  )

  const action = (path: string, summary: string, run: (id: string, t: Date, c: Parameters<Parameters<typeof app.openapi>[1]>[0]) => Promise<boolean>, verb: string, params: typeof IdParam = IdParam) =>
    app.openapi(
      createRoute({
        method: 'post',
        path,
        tags,
        summary,
        security,
        middleware: [auth] as const,
        request: { params },
        responses: { 200: { description: 'Done', content: { 'application/json': { schema: z.object({ webhook: WebhookSchema }) } } }, ...errors(400, 401, 403, 404, 409) },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        const t = now()
        await webhookOr404(c, id)
        if (!(await run(id, t, c))) throw new DomainError('conflict', `Cannot ${verb} this webhook in its current state.`, { status: 409 })
        await appendAudit(c.get('db'), { actor: actorOf(c), action: `webhook.${verb}`, objectType: 'webhook', objectId: id, diff: c.req.param('outboxId') ? { outboxId: c.req.param('outboxId') } : {} }, t)
        return c.json({ webhook: webhookJson(await webhookOr404(c, id)) }, 200)
      },
    )

  action('/v1/admin/webhooks/{id}/disable', 'Stop sending to a webhook (queued deliveries are dropped)', (id, t, c) => disableSubscription(c.get('db'), id, `disabled by ${actorOf(c)}`, t), 'disable')
  action('/v1/admin/webhooks/{id}/enable', 'Re-enable a disabled webhook (failures forgotten, circuit closed)', (id, _t, c) => enableSubscription(c.get('db'), id), 'enable')
  action(
    '/v1/admin/webhooks/{id}/deliveries/{outboxId}/redeliver',
    'Send one delivery again (same webhook-id, so receivers dedupe it)',
    async (id, t, c) => redeliver(c.get('db'), id, c.req.param('outboxId') ?? '', t),
    'redeliver',
    IdParam.extend({ outboxId: z.string().max(36).uuid('outboxId must be a delivery id (UUID)') }) as unknown as typeof IdParam,
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/admin/webhooks/{id}',
      tags,
      summary: 'Delete a webhook subscription and whatever is still queued for it',
      security,
      middleware: [auth] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      await webhookOr404(c, id)
      await deleteSubscription(c.get('db'), id)
      await appendAudit(c.get('db'), { actor: actorOf(c), action: 'webhook.delete', objectType: 'webhook', objectId: id, diff: {} }, now())
      return c.body(null, 204)
    },
  )
}

/** Requeues a delivery of this webhook (and only of this webhook). */
export async function redeliver(db: Parameters<typeof getSubscription>[0], id: string, outboxId: string, t: Date): Promise<boolean> {
  const row = await db.selectFrom('outbox').select('destination').where('id', '=', outboxId).executeTakeFirst()
  if (!row || row.destination !== id) throw new DomainError('not_found', `No delivery ${outboxId} for this webhook.`, { status: 404 })
  return requeueOutbox(db, outboxId, t)
}
