/**
 * @module platform/worker-jobs
 * What the Worker's cron trigger runs. Each job is independent: one failing does not
 * stop the others, and the run fails afterwards (so the Cron Events page shows it) with
 * the names of the jobs that failed. A new periodic task is one more entry in
 * `SCHEDULED_JOBS`.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { relinkOpenReports } from '../db/linking.js'
import { runOutbox, type OutboxSender } from '../db/outbox.js'
import { runRetentionPurge } from '../db/retention-purge.js'
import { runNotifyTick } from '../db/notify-tick.js'
import { publishDueTransitions } from '../db/scheduled-publish.js'
import type { WebhookDelivery } from '../db/webhook-sender.js'
import { DEFAULT_RETENTION, type RetentionPolicy } from '../domain/privacy/retention.js'
import type { Logger } from '../http/app-env.js'

export interface JobContext {
  /** A database client for this cron invocation only (closed when the run ends). */
  db: Kysely<Database>
  now: Date
  log: Logger
  /** Retention periods from the Worker's configuration. */
  retention?: RetentionPolicy
  noticeDays?: number
  /** Notifications: where links point, reminder lead time, and the webhook sender. */
  notify?: { baseUrl: string; reminderDays: number; webhooks?: WebhookDelivery }
  /** The outbox's mail sender (the send_email binding), when the Worker has one. */
  mailSender?: OutboxSender
}

export interface ScheduledJob {
  /** Short, stable name: it appears in logs and in the failure message. */
  name: string
  /** Does the work; returns loggable facts (counts, serials, never personal data). */
  run(ctx: JobContext): Promise<Record<string, unknown>>
}

export interface JobResult {
  name: string
  ok: boolean
  ms: number
  outcome?: Record<string, unknown>
  error?: string
}

/** Publishes a new version when a range's activeFrom or retireAt has passed. */
export const lifecyclePublishJob: ScheduledJob = {
  name: 'lifecycle-publish',
  async run({ db, now, noticeDays }) {
    const outcome = await publishDueTransitions(db, now, noticeDays)
    return { ...outcome, next: outcome.next ? outcome.next.toISOString() : null }
  },
}

/**
 * Deletes personal data past its retention period (see db/retention-purge). The cron
 * fires every minute; purging once an hour (at minute 7) is plenty and keeps runs short.
 */
export const retentionPurgeJob: ScheduledJob = {
  name: 'retention-purge',
  async run({ db, now, retention }) {
    if (now.getUTCMinutes() !== 7) return { skipped: 'runs at minute 7 of each hour' }
    const counts = await runRetentionPurge(db, retention ?? DEFAULT_RETENTION, now, 'system:retention')
    return { ...counts }
  },
}

/**
 * Re-links the reports of open cases to the scan sessions (see db/linking
 * `relinkOpenReports`). Linking is already done on every report and session write; this
 * hourly sweep (at minute 37, away from the purge) repairs anything those writes missed.
 */
export const relinkJob: ScheduledJob = {
  name: 'relink-open-reports',
  async run({ db, now }) {
    if (now.getUTCMinutes() !== 37) return { skipped: 'runs at minute 37 of each hour' }
    return { ...(await relinkOpenReports(db, now)) }
  },
}

/**
 * Notifications on Workers: the cron (every minute) records events, fans them out and
 * delivers due webhooks through the outbox, within a 20 s budget. We chose the cron over a
 * Queue binding: the outbox already gives retries, backoff and SKIP LOCKED claiming, and a
 * minute of delay is well inside a notice period of days.
 */
export const notifyJob: ScheduledJob = {
  name: 'notify',
  async run({ db, now, notify }) {
    if (!notify?.baseUrl) return { skipped: 'PUBLIC_URL is not set: notification links need it' }
    const r = await runNotifyTick(db, { now: () => new Date(Math.max(now.getTime(), Date.now())), baseUrl: notify.baseUrl, reminderDays: notify.reminderDays, ...(notify.webhooks ? { webhooks: notify.webhooks } : {}), parallel: 2, budgetMs: 20_000 })
    return { events: r.events, fannedOut: r.fannedOut, ...r.delivery }
  },
}

/** Sends due outbox mail through the send_email binding, every minute. */
export const outboxMailJob: ScheduledJob = {
  name: 'outbox-mail',
  async run({ db, now, mailSender }) {
    if (!mailSender) return { skipped: 'no send_email binding or MAIL_FROM' }
    return { ...(await runOutbox(db, { mail: mailSender }, { now: () => now, limit: 50 })) }
  },
}

/** Run in order on every cron trigger. */
export const SCHEDULED_JOBS: readonly ScheduledJob[] = [lifecyclePublishJob, retentionPurgeJob, relinkJob, notifyJob, outboxMailJob]

export class ScheduledJobsFailed extends Error {
  readonly results: JobResult[]
  constructor(results: JobResult[]) {
    const failed = results.filter((r) => !r.ok).map((r) => r.name)
    super(`scheduled job(s) failed: ${failed.join(', ')}`)
    this.name = 'ScheduledJobsFailed'
    this.results = results
  }
}

/**
 * Runs every job in turn and logs each result.
 * @throws ScheduledJobsFailed after all jobs ran, when any of them threw
 */
export async function runScheduledJobs(jobs: readonly ScheduledJob[], ctx: JobContext): Promise<JobResult[]> {
  const results: JobResult[] = []
  for (const job of jobs) {
    const started = performance.now()
    try {
      const outcome = await job.run(ctx)
      const result = { name: job.name, ok: true, ms: elapsed(started), outcome }
      ctx.log.info('scheduled job done', { job: job.name, ms: result.ms, ...outcome })
      results.push(result)
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      ctx.log.error('scheduled job failed', { job: job.name, error })
      results.push({ name: job.name, ok: false, ms: elapsed(started), error })
    }
  }
  if (results.some((r) => !r.ok)) throw new ScheduledJobsFailed(results)
  return results
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10
}
