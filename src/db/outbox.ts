/**
 * @module db/outbox
 * The durable queue behind everything scangate sends. Enqueue inside the transaction that
 * causes the message; `runOutbox` (Node housekeeping timer, Workers cron) claims due rows,
 * hands each to its kind's sender and records the outcome. Delivery is at-least-once:
 * receivers dedupe by the row id, which senders pass on (webhook-id, Message-ID).
 */
import { sql, type Kysely } from 'kysely'
import { nextAttemptAt, OUTBOX_GIVE_UP_MS } from '../domain/outbox-backoff.js'
import type { Database, OutboxStatus } from './schema.js'

export type OutboxKind = 'mail' | 'webhook'

export interface OutboxItem {
  id: string
  kind: string
  destination: string
  payload: unknown
  personalEmail: string | null
  /** counts this attempt: 1 on the first send */
  attempts: number
  createdAt: Date
  giveUpAt: Date
}

export interface SendOutcome {
  ok: boolean
  statusCode?: number
  latencyMs: number
  /** a short reason; never a response body */
  error?: string
  /** the receiver's Retry-After, when it gave one */
  retryAfterMs?: number
}

export type OutboxSender = (item: OutboxItem) => Promise<SendOutcome>

export interface EnqueueInput {
  kind: OutboxKind
  destination: string
  payload: unknown
  dedupeKey?: string
  personalEmail?: string
  notBefore?: Date
  giveUpAfterMs?: number
}

const MAX_ERROR_CHARS = 300

export async function enqueueOutbox(db: Kysely<Database>, input: EnqueueInput, now: Date): Promise<{ id: string; created: boolean }> {
  const inserted = await db
    .insertInto('outbox')
    .values({
      kind: input.kind,
      destination: input.destination,
      dedupe_key: input.dedupeKey ?? null,
      payload: JSON.stringify(input.payload),
      personal_email: input.personalEmail?.toLowerCase() ?? null,
      next_attempt_at: input.notBefore ?? now,
      give_up_at: new Date(now.getTime() + (input.giveUpAfterMs ?? OUTBOX_GIVE_UP_MS)),
      created_at: now,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (inserted) return { id: inserted.id, created: true }
  const existing = await db.selectFrom('outbox').select('id').where('dedupe_key', '=', input.dedupeKey ?? '').executeTakeFirstOrThrow()
  return { id: existing.id, created: false }
}

/**
 * Claims up to `limit` due rows for `leaseMs`. SKIP LOCKED lets concurrent senders take
 * disjoint rows; the lease makes a row due again if its sender died before recording.
 */
export async function claimDueOutbox(
  db: Kysely<Database>,
  opts: { now: Date; limit: number; leaseMs: number; kinds?: readonly string[] },
): Promise<OutboxItem[]> {
  const lease = new Date(opts.now.getTime() + opts.leaseMs)
  const kinds = opts.kinds && opts.kinds.length > 0 ? sql`and kind in (${sql.join(opts.kinds)})` : sql``
  const rows = await sql<{
    id: string
    kind: string
    destination: string
    payload: unknown
    personal_email: string | null
    attempts: number
    created_at: Date
    give_up_at: Date
  }>`
    update outbox set attempts = attempts + 1, locked_until = ${lease}
    where id in (
      select id from outbox
      where status = 'pending' and next_attempt_at <= ${opts.now}
        and (locked_until is null or locked_until <= ${opts.now}) ${kinds}
      order by next_attempt_at, id
      limit ${opts.limit}
      for update skip locked)
    returning id, kind, destination, payload, personal_email, attempts, created_at, give_up_at`.execute(db)
  return rows.rows
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      destination: r.destination,
      payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
      personalEmail: r.personal_email,
      attempts: r.attempts,
      createdAt: new Date(r.created_at),
      giveUpAt: new Date(r.give_up_at),
    }))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
}

/** Logs the attempt and moves the row on: sent, due again later, or given up. */
export async function recordOutboxAttempt(
  db: Kysely<Database>,
  item: OutboxItem,
  outcome: SendOutcome,
  now: Date,
  random?: () => number,
): Promise<OutboxStatus | 'retry'> {
  const error = outcome.ok ? null : (outcome.error ?? `HTTP ${outcome.statusCode ?? '?'}`).slice(0, MAX_ERROR_CHARS)
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('outbox_attempts')
      .values({
        outbox_id: item.id,
        attempted_at: now,
        ok: outcome.ok,
        status_code: outcome.statusCode ?? null,
        latency_ms: Math.max(0, Math.round(outcome.latencyMs)),
        error,
      })
      .execute()
    if (outcome.ok) {
      await trx.updateTable('outbox').set({ status: 'sent', sent_at: now, locked_until: null, last_error: null }).where('id', '=', item.id).execute()
      return 'sent'
    }
    const next = nextAttemptAt(now, item.attempts, outcome.retryAfterMs, random)
    const dead = next.getTime() > item.giveUpAt.getTime()
    await trx
      .updateTable('outbox')
      .set(dead ? { status: 'dead', locked_until: null, last_error: error } : { next_attempt_at: next, locked_until: null, last_error: error })
      .where('id', '=', item.id)
      .execute()
    return dead ? 'dead' : 'retry'
  })
}

/** Hands a claimed row back untouched, as if it had not been claimed. */
async function releaseOutbox(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ attempts: sql`greatest(attempts - 1, 0)`, locked_until: null })
    .where('id', '=', id)
    .execute()
}

export interface OutboxRunResult {
  sent: number
  retried: number
  dead: number
  skipped: number
}

/**
 * One pass over the due rows. A kind with no sender here is left for a process that has
 * one (a Worker without a mail binding leaves mail to the Node side, say). `skip` holds
 * rows back without spending an attempt (an open circuit breaker).
 */
export async function runOutbox(
  db: Kysely<Database>,
  senders: Partial<Record<OutboxKind, OutboxSender>>,
  opts: { now: () => Date; limit?: number; leaseMs?: number; skip?: (item: OutboxItem) => boolean; random?: () => number },
): Promise<OutboxRunResult> {
  const kinds = Object.keys(senders).filter((k) => senders[k as OutboxKind])
  const result: OutboxRunResult = { sent: 0, retried: 0, dead: 0, skipped: 0 }
  if (kinds.length === 0) return result
  const items = await claimDueOutbox(db, { now: opts.now(), limit: opts.limit ?? 50, leaseMs: opts.leaseMs ?? 60_000, kinds })
  for (const item of items) {
    if (opts.skip?.(item)) {
      await releaseOutbox(db, item.id)
      result.skipped++
      continue
    }
    const sender = senders[item.kind as OutboxKind]!
    const started = performance.now()
    let outcome: SendOutcome
    try {
      outcome = await sender(item)
    } catch (err) {
      outcome = { ok: false, latencyMs: performance.now() - started, error: err instanceof Error ? err.message : String(err) }
    }
    const status = await recordOutboxAttempt(db, item, outcome, opts.now(), opts.random)
    if (status === 'sent') result.sent++
    else if (status === 'dead') result.dead++
    else result.retried++
  }
  return result
}

/** Manual redelivery: due now, with a fresh give-up window. Returns false for an unknown id. */
export async function requeueOutbox(db: Kysely<Database>, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ status: 'pending', next_attempt_at: now, locked_until: null, give_up_at: new Date(now.getTime() + OUTBOX_GIVE_UP_MS) })
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

export interface OutboxStats {
  pending: number
  dead: number
  oldestPendingSeconds: number
}

export async function outboxStats(db: Kysely<Database>, now: Date): Promise<OutboxStats> {
  const row = await db
    .selectFrom('outbox')
    .select([
      sql<string>`count(*) filter (where status = 'pending')`.as('pending'),
      sql<string>`count(*) filter (where status = 'dead')`.as('dead'),
      sql<Date | null>`min(created_at) filter (where status = 'pending')`.as('oldest'),
    ])
    .executeTakeFirstOrThrow()
  const oldest = row.oldest ? new Date(row.oldest).getTime() : now.getTime()
  return { pending: Number(row.pending), dead: Number(row.dead), oldestPendingSeconds: Math.max(0, Math.round((now.getTime() - oldest) / 1000)) }
}

export interface OutboxAttemptRecord {
  outboxId: string
  kind: string
  destination: string
  attemptedAt: Date
  ok: boolean
  statusCode: number | null
  latencyMs: number
  error: string | null
}

/** The delivery log, newest first, for one destination or one row. */
export async function listOutboxAttempts(
  db: Kysely<Database>,
  opts: { destination?: string; outboxId?: string; limit: number },
): Promise<OutboxAttemptRecord[]> {
  let q = db
    .selectFrom('outbox_attempts as a')
    .innerJoin('outbox as o', 'o.id', 'a.outbox_id')
    .select(['a.outbox_id', 'o.kind', 'o.destination', 'a.attempted_at', 'a.ok', 'a.status_code', 'a.latency_ms', 'a.error'])
  if (opts.destination) q = q.where('o.destination', '=', opts.destination)
  if (opts.outboxId) q = q.where('a.outbox_id', '=', opts.outboxId)
  const rows = await q.orderBy('a.attempted_at', 'desc').orderBy('a.id', 'desc').limit(opts.limit).execute()
  return rows.map((r) => ({
    outboxId: r.outbox_id,
    kind: r.kind,
    destination: r.destination,
    attemptedAt: r.attempted_at,
    ok: r.ok,
    statusCode: r.status_code,
    latencyMs: r.latency_ms,
    error: r.error,
  }))
}

/** Retention: finished rows (sent or given up) created before `before`, with their log. */
export async function purgeOutbox(db: Kysely<Database>, before: Date): Promise<number> {
  const r = await db.deleteFrom('outbox').where('status', '<>', 'pending').where('created_at', '<', before).executeTakeFirst()
  return Number(r.numDeletedRows)
}

/** Erasure: every row addressed to this person, sent or not. */
export async function eraseOutboxFor(db: Kysely<Database>, email: string): Promise<number> {
  const r = await db.deleteFrom('outbox').where('personal_email', '=', email.toLowerCase()).executeTakeFirst()
  return Number(r.numDeletedRows)
}
