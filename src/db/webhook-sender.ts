/**
 * @module db/webhook-sender
 * The outbox sender for kind 'webhook': signs each delivery per Standard Webhooks
 * (webhook-id = the outbox row id, the same on every retry, so receivers can dedupe),
 * sends it through the outbound guard it is given, and keeps each subscription's circuit
 * breaker. A `v1` signature is HMAC-SHA256 with the subscription's secret; when a feed
 * signer is configured a `v1a` Ed25519 signature with the feed key is added over the same
 * content, so anyone can verify with the public key alone.
 */
import type { Kysely } from 'kysely'
import type { FeedSigner } from '../domain/feed-signing.js'
import { signWebhook } from '../domain/notifications/webhook-signature.js'
import { VERIFY_EVENT } from '../domain/notifications/events.js'
import { OutboundRefused, type OutboundFetch } from '../domain/notifications/outbound-request.js'
import { webhookDisabledMail } from '../domain/notifications/subscription-mail.js'
import { mailDestination } from '../domain/outgoing-mail.js'
import { enqueueOutbox, type OutboxItem, type OutboxSender, type SendOutcome } from './outbox.js'
import type { Database } from './schema.js'
import {
  activateWebhook,
  disableSubscription,
  getWebhookTarget,
  openCircuits,
  recordDeliveryResult,
} from './subscription-repository.js'

export interface WebhookSenderOptions {
  fetch: OutboundFetch
  signer?: FeedSigner | undefined
  now: () => Date
  /** Failing this long in a row disables a subscription (WEBHOOK_DISABLE_AFTER_DAYS). */
  disableAfterDays: number
  baseUrl: string
}

export interface WebhookDelivery {
  send: OutboxSender
  /** For runOutbox: holds back rows of subscriptions whose circuit is open. */
  skip: (item: OutboxItem) => boolean
  /** Reloads the open circuits; call before each outbox run. */
  refresh: () => Promise<void>
}

/** Held back this long when the subscription is not active (disabled rows are dropped). */
const INACTIVE_RETRY_MS = 6 * 3_600_000

export function createWebhookDelivery(db: Kysely<Database>, opts: WebhookSenderOptions): WebhookDelivery {
  let open = new Set<string>()

  const send: OutboxSender = async (item) => {
    const started = performance.now()
    const elapsed = () => performance.now() - started
    const target = await getWebhookTarget(db, item.destination)
    const payload = item.payload as { type: string; data: { challenge?: string } }
    const verifying = payload.type === VERIFY_EVENT
    if (!target || !target.url || !target.secret) return { ok: false, latencyMs: elapsed(), error: 'subscription no longer exists', retryAfterMs: INACTIVE_RETRY_MS }
    if (target.status !== (verifying ? 'pending' : 'active')) {
      return { ok: false, latencyMs: elapsed(), error: `subscription is ${target.status}`, retryAfterMs: INACTIVE_RETRY_MS }
    }
    const at = opts.now()
    const body = JSON.stringify(payload)
    let outcome: SendOutcome
    try {
      const res = await opts.fetch({
        url: target.url,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': `scangate-webhooks/1 (+${opts.baseUrl}/v1/policy)`,
          'webhook-id': item.id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': await signWebhook(target.secret, opts.signer, item.id, at, body),
        },
        body,
      })
      outcome = { ok: res.status >= 200 && res.status < 300, statusCode: res.status, latencyMs: elapsed() }
      if (res.status >= 300 && res.status < 400) outcome.error = `HTTP ${res.status}: redirects are not followed`
      const retryAfter = Number(res.headers['retry-after'])
      if (!outcome.ok && Number.isFinite(retryAfter) && retryAfter > 0) outcome.retryAfterMs = retryAfter * 1000
      if (outcome.ok && verifying) {
        const challenge = payload.data.challenge ?? ''
        if (!challenge || !res.body.includes(challenge) || !(await activateWebhook(db, target.id, challenge, at))) {
          outcome = { ok: false, statusCode: res.status, latencyMs: elapsed(), error: 'the response did not echo the challenge' }
        }
      }
      if (res.status === 410 && !verifying) {
        // the receiver says this endpoint is gone for good: stop, do not wait days
        await disableSubscription(db, target.id, 'endpoint answered 410 Gone', at)
        return { ...outcome, error: 'HTTP 410: subscription disabled' }
      }
    } catch (err) {
      const refused = err instanceof OutboundRefused
      outcome = { ok: false, latencyMs: elapsed(), error: (err instanceof Error ? err.message : String(err)).slice(0, 200) }
      if (refused) outcome.retryAfterMs = INACTIVE_RETRY_MS
    }
    if (!verifying) {
      const state = await recordDeliveryResult(db, target.id, outcome.ok, at, opts.disableAfterDays)
      if (state.tripped) open.add(target.id)
      if (state.disable && (await disableSubscription(db, target.id, `failing for ${opts.disableAfterDays} days`, at)) && target.owner_email) {
        await enqueueOutbox(
          db,
          {
            kind: 'mail',
            destination: mailDestination(target.owner_email),
            dedupeKey: `disabled:${target.id}:${at.toISOString().slice(0, 10)}`,
            payload: webhookDisabledMail(target.owner_email, target.url, opts.disableAfterDays, outcome.error ?? null, opts.baseUrl),
            personalEmail: target.owner_email,
          },
          at,
        )
      }
    }
    return outcome
  }

  return {
    send,
    skip: (item) => item.kind === 'webhook' && open.has(item.destination),
    refresh: async () => {
      open = await openCircuits(db, opts.now())
    },
  }
}

