/**
 * @module http/routes/subscriptions
 * `POST /v1/subscriptions`: anyone may ask to be told about changes — a webhook URL (we
 * POST a challenge to it and send nothing else until it is echoed back, so nobody can
 * point our traffic at a third party) or an e-mail address (double opt-in). Rate-limited
 * per client; an address or URL with a live subscription gets nothing sent twice.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { createEmailSubscription, createWebhookSubscription } from '../../db/subscription-repository.js'
import { DomainError } from '../../domain/errors.js'
import { EVENT_TYPES } from '../../domain/notifications/events.js'
import { checkOutboundRequest, OutboundRefused } from '../../domain/notifications/outbound-request.js'
import { isIpLiteral, nonPublicReason } from '../../domain/notifications/public-address.js'
import type { AppEnv } from '../app-env.js'
import { errors } from '../schemas.js'

export const SubscriptionInputSchema = z
  .object({
    url: z.string().max(2000).optional().openapi({ description: 'webhook endpoint (https recommended); exactly one of url and email', example: 'https://hooks.example.com/scangate' }),
    email: z.string().trim().email('email must be an e-mail address').max(320).optional(),
    events: z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).optional().openapi({ description: 'default: all' }),
    ownerEmail: z.string().trim().email().max(320).optional().openapi({ description: 'webhooks: who we tell if the endpoint is disabled after failing for days' }),
  })
  .strict()
  .openapi('SubscriptionInput')

/** Checks a webhook URL as far as it can be checked without the network. */
export function checkWebhookUrl(raw: string): string {
  try {
    const url = checkOutboundRequest({ url: raw })
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (isIpLiteral(host) && nonPublicReason(host)) throw new OutboundRefused('blocked_address', `${host} is not a public address`)
    if (host === 'localhost' || host.endsWith('.localhost')) throw new OutboundRefused('blocked_address', `${host} is not a public name`)
    url.hash = ''
    return url.toString()
  } catch (e) {
    if (e instanceof OutboundRefused) throw new DomainError('validation_failed', `url: ${e.message}`, { field: 'url' })
    throw e
  }
}

export function baseUrlOf(publicUrl: string | undefined, requestUrl: string): string {
  return publicUrl ?? new URL(requestUrl).origin
}

export function registerSubscriptionRoutes(app: OpenAPIHono<AppEnv>, now: () => Date, publicUrl: string | undefined): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/subscriptions',
      tags: ['Notifications'],
      summary: 'Subscribe a webhook URL (verified by an echoed challenge) or an e-mail address (double opt-in) to changes',
      security: [],
      request: { body: { required: true, content: { 'application/json': { schema: SubscriptionInputSchema } } } },
      responses: {
        202: {
          description: 'Pending: for a webhook, the challenge is on its way (echo it to activate); for e-mail, the confirmation mail',
          content: {
            'application/json': {
              schema: z.object({
                status: z.literal('pending'),
                channel: z.enum(['webhook', 'email']),
                id: z.string().max(64).optional(),
                secret: z.string().max(100).optional().openapi({ description: 'webhooks: shown once; verifies the v1 signatures' }),
                unsubscribeUrl: z.string().max(2100).optional(),
                next: z.string().max(500),
              }),
            },
          },
        },
        ...errors(400, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      const t = now()
      const base = baseUrlOf(publicUrl, c.req.url)
      if ((body.url === undefined) === (body.email === undefined)) {
        throw new DomainError('validation_failed', 'Give exactly one of url (a webhook) and email.', { field: body.url ? 'email' : 'url' })
      }
      if (body.url !== undefined) {
        const url = checkWebhookUrl(body.url)
        const r = await createWebhookSubscription(c.get('db'), { url, events: body.events, ownerEmail: body.ownerEmail ?? null, createdBy: 'self-service' }, t)
        if (!r.created || !('secret' in r)) {
          throw new DomainError('conflict', 'This URL already has a subscription (pending or active). Unsubscribe it first to start again.', { status: 409, field: 'url' })
        }
        c.header('cache-control', 'no-store')
        return c.json(
          {
            status: 'pending' as const,
            channel: 'webhook' as const,
            id: r.subscription.id,
            secret: r.secret,
            unsubscribeUrl: `${base}/subscriptions/unsubscribe?token=${r.unsubscribeToken}`,
            next: 'We POST a subscription.verify event with data.challenge to your URL; answer 2xx with the challenge in the body to activate. See /v1/policy.',
          },
          202,
        )
      }
      await createEmailSubscription(c.get('db'), { email: body.email!, events: body.events, createdBy: 'self-service', baseUrl: base }, t)
      // the same answer whether or not the address was already subscribed
      return c.json({ status: 'pending' as const, channel: 'email' as const, next: 'Check your inbox and confirm through the link in our mail.' }, 202)
    },
  )
}
