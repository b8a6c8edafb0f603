/**
 * @module db/notify-tick
 * One pass of the notifier, as the Node housekeeping loop and the Workers cron run it:
 * record new events, fan them out, then deliver due webhooks through the outbox. Several
 * passes may run at once (processes, isolates): every step claims with SKIP LOCKED.
 */
import type { Kysely } from 'kysely'
import { fanOutEvents, recordReminderEvents, recordVersionEvents } from './notifier.js'
import { runOutbox, type OutboxRunResult } from './outbox.js'
import type { Database } from './schema.js'
import type { WebhookDelivery } from './webhook-sender.js'

export interface NotifyTickOptions {
  now: () => Date
  baseUrl: string
  reminderDays: number
  /** Without it only events and fan-out run (a process that does not deliver webhooks). */
  webhooks?: WebhookDelivery
  /** Concurrent delivery loops; each claims its own rows. */
  parallel?: number
  /** Stop delivering after this long (a Worker's cron has a time budget). */
  budgetMs?: number
}

export interface NotifyTickResult {
  events: number
  fannedOut: number
  delivery: OutboxRunResult
}

export async function runNotifyTick(db: Kysely<Database>, opts: NotifyTickOptions): Promise<NotifyTickResult> {
  const started = Date.now()
  let events = await recordVersionEvents(db, opts.now(), opts.baseUrl)
  events += await recordReminderEvents(db, opts.now(), opts.reminderDays, opts.baseUrl)
  let fannedOut = 0
  for (let i = 0; i < 10; i++) {
    const r = await fanOutEvents(db, opts.now(), opts.baseUrl)
    fannedOut += r.webhooks + r.mails
    if (r.events === 0) break
  }
  const delivery: OutboxRunResult = { sent: 0, retried: 0, dead: 0, skipped: 0 }
  const webhooks = opts.webhooks
  if (webhooks) {
    await webhooks.refresh()
    const budget = opts.budgetMs ?? 60_000
    const loop = async () => {
      while (Date.now() - started < budget) {
        const r = await runOutbox(db, { webhook: webhooks.send }, { now: opts.now, limit: 25, skip: webhooks.skip })
        delivery.sent += r.sent
        delivery.retried += r.retried
        delivery.dead += r.dead
        delivery.skipped += r.skipped
        if (r.sent + r.retried + r.dead === 0) break
      }
    }
    await Promise.all(Array.from({ length: opts.parallel ?? 4 }, loop))
  }
  return { events, fannedOut, delivery }
}
