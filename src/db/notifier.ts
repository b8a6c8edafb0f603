/**
 * @module db/notifier
 * Turns published versions and approaching effective dates into notification events,
 * and fans each event out to the outbox, one row per subscription. None of this runs in
 * the publish transaction: publishing stays as fast with a thousand subscribers as with
 * none, and a crash between steps only delays — every step is keyed and idempotent.
 */
import { sql, type Kysely } from 'kysely'
import { reminderEvents, versionEvents, type EventType, type NewEvent } from '../domain/notifications/events.js'
import { eventMail } from '../domain/notifications/subscription-mail.js'
import { OUTBOX_GIVE_UP_MS } from '../domain/outbox-backoff.js'
import { mailDestination } from '../domain/outgoing-mail.js'
import { activeSubscribers } from './subscription-repository.js'
import type { Database } from './schema.js'
import { getVersion, latestVersion } from './version-repository.js'

/** Events e-mail subscribers receive (webhooks can have any). */
const MAIL_EVENTS: readonly string[] = ['version.published', 'range.reminder']
const VERSIONS_PER_TICK = 20
const EVENTS_PER_TICK = 20

async function insertEvents(db: Kysely<Database>, events: NewEvent[], now: Date): Promise<number> {
  if (events.length === 0) return 0
  const r = await db
    .insertInto('notification_events')
    .values(events.map((e) => ({ type: e.type, dedupe_key: e.dedupeKey, serial: e.serial, payload: JSON.stringify(e.data), created_at: now })))
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .execute()
  return r.length
}

/**
 * Records the events of versions published since the last call. The first call on a
 * database starts from its latest version: history is not replayed to new subscribers.
 */
export async function recordVersionEvents(db: Kysely<Database>, now: Date, baseUrl: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const state = await trx.selectFrom('notification_state').select('last_serial').where('id', '=', 1).forUpdate().executeTakeFirst()
    const latest = await latestVersion(trx)
    if (!state) {
      await trx.insertInto('notification_state').values({ id: 1, last_serial: latest?.serial ?? 0 }).onConflict((oc) => oc.column('id').doNothing()).execute()
      return 0
    }
    if (!latest || latest.serial <= state.last_serial) return 0
    let recorded = 0
    const upTo = Math.min(latest.serial, state.last_serial + VERSIONS_PER_TICK)
    for (let serial = state.last_serial + 1; serial <= upTo; serial++) {
      const v = serial === latest.serial ? latest : await getVersion(trx, serial)
      if (v) recorded += await insertEvents(trx, versionEvents(v, baseUrl), now)
    }
    await trx.updateTable('notification_state').set({ last_serial: upTo }).where('id', '=', 1).execute()
    return recorded
  })
}

/** Records reminders for effective dates within `reminderDays` (each once). */
export async function recordReminderEvents(db: Kysely<Database>, now: Date, reminderDays: number, baseUrl: string): Promise<number> {
  const latest = await latestVersion(db)
  if (!latest) return 0
  return insertEvents(db, reminderEvents(latest.serial, latest.lists, now, reminderDays, baseUrl), now)
}

export interface FanOutResult {
  events: number
  webhooks: number
  mails: number
}

/**
 * Expands pending events into outbox rows: a webhook per subscribed endpoint, a mail per
 * confirmed address. Rows are keyed `notify:{event}:{subscription}`, so a repeated fan-out
 * (a crash before the event was marked) queues nothing twice. Several processes can run
 * this at once: events are claimed with SKIP LOCKED.
 */
export async function fanOutEvents(db: Kysely<Database>, now: Date, baseUrl: string): Promise<FanOutResult> {
  return db.transaction().execute(async (trx) => {
    const events = await sql<{ id: string; type: string; payload: unknown; created_at: Date }>`
      select id, type, payload, created_at from notification_events
      where fanned_out_at is null order by created_at, id limit ${EVENTS_PER_TICK}
      for update skip locked`.execute(trx)
    const result: FanOutResult = { events: events.rows.length, webhooks: 0, mails: 0 }
    for (const e of events.rows) {
      const data = (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload) as Record<string, unknown>
      const subscribers = await activeSubscribers(trx, e.type)
      const rows: OutboxRow[] = []
      for (const s of subscribers) {
        const dedupe = `notify:${e.id}:${s.id}`
        if (s.channel === 'webhook') {
          rows.push({ kind: 'webhook', destination: s.id, dedupe, payload: { type: e.type, timestamp: new Date(e.created_at).toISOString(), data }, personal: null })
        } else if (s.email && MAIL_EVENTS.includes(e.type)) {
          const mail = eventMail(s.email, { type: e.type as EventType, data }, `${baseUrl}/subscriptions/unsubscribe?token=${s.unsubscribe_token}`)
          if (mail) rows.push({ kind: 'mail', destination: mailDestination(s.email), dedupe, payload: mail, personal: s.email })
        }
      }
      await insertOutboxRows(trx, rows, now)
      result.webhooks += rows.filter((r) => r.kind === 'webhook').length
      result.mails += rows.filter((r) => r.kind === 'mail').length
      await trx.updateTable('notification_events').set({ fanned_out_at: now }).where('id', '=', e.id).execute()
    }
    return result
  })
}

interface OutboxRow {
  kind: 'webhook' | 'mail'
  destination: string
  dedupe: string
  payload: unknown
  personal: string | null
}

/**
 * The outbox rows of one event in a few multi-row inserts (`enqueueOutbox` semantics:
 * due now, three days to give up, an existing dedupe key wins): a thousand subscribers
 * are a handful of statements, not a thousand round trips.
 */
async function insertOutboxRows(db: Kysely<Database>, rows: OutboxRow[], now: Date): Promise<void> {
  const giveUp = new Date(now.getTime() + OUTBOX_GIVE_UP_MS)
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('outbox')
      .values(
        rows.slice(i, i + 500).map((r) => ({
          kind: r.kind,
          destination: r.destination,
          dedupe_key: r.dedupe,
          payload: JSON.stringify(r.payload),
          personal_email: r.personal?.toLowerCase() ?? null,
          next_attempt_at: now,
          give_up_at: giveUp,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .execute()
  }
}
