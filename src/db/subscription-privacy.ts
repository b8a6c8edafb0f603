/**
 * @module db/subscription-privacy
 * Subscription addresses are personal data: a subscriber's e-mail and a webhook owner's
 * contact. Export lists them, erasure removes them (with the mail still queued to them),
 * and retention drops requests never confirmed (7 days) and ended subscriptions (30 days).
 */
import { sql, type Kysely } from 'kysely'
import { eraseOutboxFor } from './outbox.js'
import type { Database } from './schema.js'

const DAY = 86_400_000
export const PENDING_SUBSCRIPTION_DAYS = 7
export const ENDED_SUBSCRIPTION_DAYS = 30

const matches = (email: string) => sql<boolean>`(lower(email) = lower(${email}) or lower(owner_email) = lower(${email}))`

export interface SubscriptionExport {
  channel: string
  role: 'subscriber' | 'webhook owner'
  url: string | null
  status: string
  events: string[]
  createdAt: string
  confirmedAt: string | null
}

export async function exportSubscriptions(db: Kysely<Database>, email: string): Promise<SubscriptionExport[]> {
  const rows = await db
    .selectFrom('notification_subscriptions')
    .select(['channel', 'email', 'url', 'status', 'events', 'created_at', 'confirmed_at'])
    .where(matches(email))
    .orderBy('created_at')
    .execute()
  return rows.map((r) => ({
    channel: r.channel,
    role: r.email && r.email.toLowerCase() === email.toLowerCase() ? 'subscriber' : 'webhook owner',
    url: r.url,
    status: r.status,
    events: r.events,
    createdAt: r.created_at.toISOString(),
    confirmedAt: r.confirmed_at ? r.confirmed_at.toISOString() : null,
  }))
}

/** Deletes e-mail subscriptions of `email`, clears it as a webhook owner, and drops mail to it. */
export async function eraseSubscriptions(db: Kysely<Database>, email: string): Promise<{ subscriptions: number; ownerContacts: number; queuedMail: number }> {
  return db.transaction().execute(async (trx) => {
    const subs = await trx.deleteFrom('notification_subscriptions').where('channel', '=', 'email').where(sql<boolean>`lower(email) = lower(${email})`).executeTakeFirst()
    const owners = await trx.updateTable('notification_subscriptions').set({ owner_email: null }).where(sql<boolean>`lower(owner_email) = lower(${email})`).executeTakeFirst()
    const queued = await eraseOutboxFor(trx, email)
    return { subscriptions: Number(subs.numDeletedRows), ownerContacts: Number(owners.numUpdatedRows), queuedMail: queued }
  })
}

export async function purgeSubscriptions(db: Kysely<Database>, now: Date): Promise<number> {
  const pending = new Date(now.getTime() - PENDING_SUBSCRIPTION_DAYS * DAY)
  const ended = new Date(now.getTime() - ENDED_SUBSCRIPTION_DAYS * DAY)
  const r = await db
    .deleteFrom('notification_subscriptions')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('created_at', '<', pending)]),
        eb.and([eb('status', 'in', ['unsubscribed', 'disabled']), eb('channel', '=', 'email'), eb('disabled_at', '<', ended)]),
      ]),
    )
    .executeTakeFirst()
  // old events are only needed while they fan out
  await db.deleteFrom('notification_events').where('fanned_out_at', '<', ended).execute()
  return Number(r.numDeletedRows)
}
