/**
 * @module db/subscription-repository
 * Notification subscriptions: webhooks (active once the endpoint echoed our challenge)
 * and e-mail (active once the address confirmed). Creating one queues its challenge or
 * confirmation mail in the outbox in the same transaction.
 */
import { sql, type Kysely } from 'kysely'
import { DomainError } from '../domain/errors.js'
import { EVENT_TYPES, VERIFY_EVENT, type EventType } from '../domain/notifications/events.js'
import { confirmationMail } from '../domain/notifications/subscription-mail.js'
import { mailDestination } from '../domain/outgoing-mail.js'
import { sha256Hex } from '../domain/sha256.js'
import type { SubscriptionChannel, SubscriptionStatus } from './notification-schema.js'
import { enqueueOutbox } from './outbox.js'
import type { Database } from './schema.js'

/** An unverified webhook challenge is tried for a day, then given up. */
const VERIFY_GIVE_UP_MS = 24 * 3_600_000

export interface Subscription {
  id: string
  channel: SubscriptionChannel
  url: string | null
  email: string | null
  ownerEmail: string | null
  events: EventType[]
  status: SubscriptionStatus
  createdBy: string
  createdAt: Date
  confirmedAt: Date | null
  disabledAt: Date | null
  disabledReason: string | null
  failingSince: Date | null
  consecutiveFailures: number
  circuitOpenUntil: Date | null
  lastSuccessAt: Date | null
}

function randomToken(bytes = 24): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes))
  let bin = ''
  for (const x of b) bin += String.fromCharCode(x)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  const b = crypto.getRandomValues(new Uint8Array(32))
  let bin = ''
  for (const x of b) bin += String.fromCharCode(x)
  return `whsec_${btoa(bin)}`
}

const COLUMNS = [
  'id',
  'channel',
  'url',
  'email',
  'owner_email',
  'events',
  'status',
  'created_by',
  'created_at',
  'confirmed_at',
  'disabled_at',
  'disabled_reason',
  'failing_since',
  'consecutive_failures',
  'circuit_open_until',
  'last_success_at',
] as const

type Row = {
  id: string
  channel: SubscriptionChannel
  url: string | null
  email: string | null
  owner_email: string | null
  events: string[]
  status: SubscriptionStatus
  created_by: string
  created_at: Date
  confirmed_at: Date | null
  disabled_at: Date | null
  disabled_reason: string | null
  failing_since: Date | null
  consecutive_failures: number
  circuit_open_until: Date | null
  last_success_at: Date | null
}

function toSubscription(r: Row): Subscription {
  return {
    id: r.id,
    channel: r.channel,
    url: r.url,
    email: r.email,
    ownerEmail: r.owner_email,
    events: r.events as EventType[],
    status: r.status,
    createdBy: r.created_by,
    createdAt: r.created_at,
    confirmedAt: r.confirmed_at,
    disabledAt: r.disabled_at,
    disabledReason: r.disabled_reason,
    failingSince: r.failing_since,
    consecutiveFailures: r.consecutive_failures,
    circuitOpenUntil: r.circuit_open_until,
    lastSuccessAt: r.last_success_at,
  }
}

export function checkEvents(events: readonly string[] | undefined): EventType[] {
  if (!events || events.length === 0) return [...EVENT_TYPES]
  for (const e of events) {
    if (!(EVENT_TYPES as readonly string[]).includes(e)) {
      throw new DomainError('validation_failed', `unknown event '${e}'; events are ${EVENT_TYPES.join(', ')}`, { field: 'events' })
    }
  }
  return [...new Set(events)] as EventType[]
}

export interface WebhookCreated {
  subscription: Subscription
  /** Shown once: the receiver verifies `v1` signatures with it. */
  secret: string
  unsubscribeToken: string
  /** false when this URL already had a live subscription (nothing new was sent). */
  created: boolean
}

/**
 * A webhook subscription, pending until the endpoint echoes the challenge we POST to it.
 * A URL with a live (pending or active) subscription gets no second challenge.
 */
export async function createWebhookSubscription(
  db: Kysely<Database>,
  input: { url: string; events?: readonly string[]; ownerEmail?: string | null; createdBy: string },
  now: Date,
): Promise<WebhookCreated | { created: false; subscription: Subscription }> {
  const events = checkEvents(input.events)
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('notification_subscriptions')
      .select(COLUMNS)
      .where('channel', '=', 'webhook')
      .where('url', '=', input.url)
      .where('status', 'in', ['pending', 'active'])
      .executeTakeFirst()
    if (existing) return { created: false as const, subscription: toSubscription(existing as Row) }
    const secret = newWebhookSecret()
    const unsubscribeToken = randomToken()
    const challenge = randomToken(18)
    const row = await trx
      .insertInto('notification_subscriptions')
      .values({
        channel: 'webhook',
        url: input.url,
        owner_email: input.ownerEmail ?? null,
        secret,
        events,
        status: 'pending',
        confirm_hash: await sha256Hex(challenge),
        unsubscribe_token: unsubscribeToken,
        created_by: input.createdBy,
        created_at: now,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow()
    await enqueueOutbox(
      trx,
      {
        kind: 'webhook',
        destination: row.id,
        dedupeKey: `verify:${row.id}`,
        payload: { type: VERIFY_EVENT, timestamp: now.toISOString(), data: { subscriptionId: row.id, challenge } },
        giveUpAfterMs: VERIFY_GIVE_UP_MS,
      },
      now,
    )
    return { created: true, subscription: toSubscription(row as Row), secret, unsubscribeToken }
  })
}

/** The webhook echoed `challenge`: start sending to it. */
export async function activateWebhook(db: Kysely<Database>, id: string, challenge: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('notification_subscriptions')
    .set({ status: 'active', confirmed_at: now, confirm_hash: null })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('confirm_hash', '=', await sha256Hex(challenge))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

/**
 * An e-mail subscription, pending until confirmed through the link we mail. An address
 * with a live subscription gets no second mail (the answer is the same, so it reveals
 * nothing and cannot be used to flood someone's inbox).
 */
export async function createEmailSubscription(
  db: Kysely<Database>,
  input: { email: string; events?: readonly string[]; createdBy: string; baseUrl: string },
  now: Date,
): Promise<{ created: boolean }> {
  const events = checkEvents(input.events)
  const email = input.email.trim()
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('notification_subscriptions')
      .select('id')
      .where('channel', '=', 'email')
      .where(sql<boolean>`lower(email) = lower(${email})`)
      .where('status', 'in', ['pending', 'active'])
      .executeTakeFirst()
    if (existing) return { created: false }
    const confirm = randomToken()
    const row = await trx
      .insertInto('notification_subscriptions')
      .values({
        channel: 'email',
        email,
        events,
        status: 'pending',
        confirm_hash: await sha256Hex(confirm),
        unsubscribe_token: randomToken(),
        created_by: input.createdBy,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await enqueueOutbox(
      trx,
      {
        kind: 'mail',
        destination: mailDestination(email),
        dedupeKey: `confirm:${row.id}`,
        payload: confirmationMail(email, `${input.baseUrl}/subscriptions/confirm?token=${confirm}`, input.baseUrl),
        personalEmail: email,
      },
      now,
    )
    return { created: true }
  })
}

export async function confirmEmailSubscription(db: Kysely<Database>, token: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('notification_subscriptions')
    .set({ status: 'active', confirmed_at: now, confirm_hash: null })
    .where('channel', '=', 'email')
    .where('status', '=', 'pending')
    .where('confirm_hash', '=', await sha256Hex(token))
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

/** Drops what is still queued for a subscription (fan-out keys end in its id). */
async function dropQueued(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('outbox').where('status', '=', 'pending').where('dedupe_key', 'like', `%:${id}`).execute()
}

/** One-click unsubscribe: the token is the only capability it needs. Idempotent. */
export async function unsubscribeByToken(db: Kysely<Database>, token: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('notification_subscriptions')
      .select(['id', 'status'])
      .where('unsubscribe_token', '=', token)
      .executeTakeFirst()
    if (!row) return false
    if (row.status !== 'unsubscribed') {
      await trx
        .updateTable('notification_subscriptions')
        .set({ status: 'unsubscribed', disabled_at: now, disabled_reason: 'unsubscribed' })
        .where('id', '=', row.id)
        .execute()
      await dropQueued(trx, row.id)
    }
    return true
  })
}

export async function getSubscription(db: Kysely<Database>, id: string): Promise<Subscription | null> {
  const row = await db.selectFrom('notification_subscriptions').select(COLUMNS).where('id', '=', id).executeTakeFirst()
  return row ? toSubscription(row as Row) : null
}

/** What the sender needs: the secret and the state, for one subscription. */
export async function getWebhookTarget(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('notification_subscriptions')
    .select(['id', 'url', 'secret', 'status', 'owner_email', 'failing_since', 'consecutive_failures'])
    .where('id', '=', id)
    .where('channel', '=', 'webhook')
    .executeTakeFirst()
}

export async function listSubscriptions(db: Kysely<Database>, opts: { channel?: SubscriptionChannel; limit: number }): Promise<Subscription[]> {
  let q = db.selectFrom('notification_subscriptions').select(COLUMNS).orderBy('created_at', 'desc').orderBy('id').limit(opts.limit)
  if (opts.channel) q = q.where('channel', '=', opts.channel)
  return (await q.execute()).map((r) => toSubscription(r as Row))
}

/** Active subscriptions that want `type`. */
export async function activeSubscribers(db: Kysely<Database>, type: string) {
  return db
    .selectFrom('notification_subscriptions')
    .select(['id', 'channel', 'email', 'unsubscribe_token'])
    .where('status', '=', 'active')
    .where(sql<boolean>`${type} = any(events)`)
    .orderBy('id')
    .execute()
}

export async function disableSubscription(db: Kysely<Database>, id: string, reason: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('notification_subscriptions')
      .set({ status: 'disabled', disabled_at: now, disabled_reason: reason.slice(0, 300), circuit_open_until: null })
      .where('id', '=', id)
      .where('status', 'in', ['pending', 'active'])
      .executeTakeFirst()
    if (Number(r.numUpdatedRows) === 0) return false
    await dropQueued(trx, id)
    return true
  })
}

/** Re-enables a disabled webhook (desk/admin): failures forgotten, circuit closed. */
export async function enableSubscription(db: Kysely<Database>, id: string): Promise<boolean> {
  const r = await db
    .updateTable('notification_subscriptions')
    .set({ status: 'active', disabled_at: null, disabled_reason: null, failing_since: null, consecutive_failures: 0, circuit_open_until: null })
    .where('id', '=', id)
    .where('status', '=', 'disabled')
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

export async function deleteSubscription(db: Kysely<Database>, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await dropQueued(trx, id)
    const r = await trx.deleteFrom('notification_subscriptions').where('id', '=', id).executeTakeFirst()
    return Number(r.numDeletedRows) > 0
  })
}

/** Circuit breaker: after this many failures in a row, hold deliveries back for a while. */
export const CIRCUIT_THRESHOLD = 5
const CIRCUIT_MAX_MS = 3_600_000

/**
 * Records one delivery result. Returns `tripped` when the circuit opened and `disable`
 * when the subscription has been failing for `disableAfterDays` (the caller disables it
 * and tells the owner).
 */
export async function recordDeliveryResult(
  db: Kysely<Database>,
  id: string,
  ok: boolean,
  now: Date,
  disableAfterDays: number,
): Promise<{ tripped: boolean; disable: boolean }> {
  if (ok) {
    await db
      .updateTable('notification_subscriptions')
      .set({ failing_since: null, consecutive_failures: 0, circuit_open_until: null, last_success_at: now })
      .where('id', '=', id)
      .execute()
    return { tripped: false, disable: false }
  }
  const row = await db
    .updateTable('notification_subscriptions')
    .set({
      consecutive_failures: sql`consecutive_failures + 1`,
      failing_since: sql`coalesce(failing_since, ${now})`,
    })
    .where('id', '=', id)
    .returning(['consecutive_failures', 'failing_since', 'status'])
    .executeTakeFirst()
  if (!row) return { tripped: false, disable: false }
  let tripped = false
  if (row.consecutive_failures >= CIRCUIT_THRESHOLD) {
    // half-open after a pause that doubles with each further failure, at most an hour
    const pause = Math.min(CIRCUIT_MAX_MS, 60_000 * 2 ** (row.consecutive_failures - CIRCUIT_THRESHOLD))
    const until = new Date(now.getTime() + pause)
    await db.updateTable('notification_subscriptions').set({ circuit_open_until: until }).where('id', '=', id).execute()
    // its queued rows wait too, so they are not claimed (and released) ahead of healthy ones
    await db
      .updateTable('outbox')
      .set({ next_attempt_at: until })
      .where('destination', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<', until)
      .execute()
    tripped = true
  }
  const since = row.failing_since ? new Date(row.failing_since).getTime() : now.getTime()
  const disable = row.status === 'active' && now.getTime() - since >= disableAfterDays * 86_400_000
  return { tripped, disable }
}

/** Subscriptions whose circuit is open at `now`. */
export async function openCircuits(db: Kysely<Database>, now: Date): Promise<Set<string>> {
  const rows = await db.selectFrom('notification_subscriptions').select('id').where('circuit_open_until', '>', now).execute()
  return new Set(rows.map((r) => r.id))
}
