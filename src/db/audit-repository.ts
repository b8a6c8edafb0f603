/**
 * @module db/audit-repository
 * Appending to and reading the hash-chained audit trail. Appends take a table lock so
 * the chain stays linear under concurrent writers; call `appendAudit` with the
 * transaction of the action it records, so the action and its event commit together.
 */
import { sql, type Kysely } from 'kysely'
import {
  auditEventHash,
  checkAuditLink,
  GENESIS_HASH,
  type ChainCheck,
  type HashedAuditEvent,
} from '../domain/audit-chain.js'
import type { AuditEventRow, Database } from './schema.js'

export interface AuditInput {
  actor: string
  action: string
  objectType: string
  objectId?: string | null
  /** What changed; never personal data (no e-mails, evidence, tokens). */
  diff?: Record<string, unknown>
}

function toEvent(row: AuditEventRow): HashedAuditEvent {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    diff: (typeof row.diff === 'string' ? JSON.parse(row.diff) : row.diff) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}

/** Appends one event; opens a transaction of its own when not given one. */
export async function appendAudit(db: Kysely<Database>, input: AuditInput, at: Date): Promise<HashedAuditEvent> {
  if (!db.isTransaction) return db.transaction().execute((trx) => appendAudit(trx, input, at))
  await sql`lock table audit_events in exclusive mode`.execute(db)
  const last = await db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
  const event = {
    seq: (last?.seq ?? 0) + 1,
    at: at.toISOString(),
    actor: input.actor,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId ?? null,
    // through JSON once, so what is hashed is exactly what jsonb will give back
    diff: JSON.parse(JSON.stringify(input.diff ?? {})) as Record<string, unknown>,
    prevHash: last?.hash ?? GENESIS_HASH,
  }
  const hash = await auditEventHash(event)
  await db
    .insertInto('audit_events')
    .values({
      seq: event.seq,
      at: event.at,
      actor: event.actor,
      action: event.action,
      object_type: event.objectType,
      object_id: event.objectId,
      diff: JSON.stringify(event.diff),
      prev_hash: event.prevHash,
      hash,
    })
    .execute()
  return { ...event, hash }
}

export interface AuditQuery {
  after?: number | undefined
  limit: number
  action?: string | undefined
  objectType?: string | undefined
  objectId?: string | undefined
}

export async function listAudit(db: Kysely<Database>, q: AuditQuery): Promise<HashedAuditEvent[]> {
  let query = db.selectFrom('audit_events').selectAll().orderBy('seq').limit(q.limit)
  if (q.after !== undefined) query = query.where('seq', '>', q.after)
  if (q.action) query = query.where('action', '=', q.action)
  if (q.objectType) query = query.where('object_type', '=', q.objectType)
  if (q.objectId) query = query.where('object_id', '=', q.objectId)
  return (await query.execute()).map(toEvent)
}

export type AuditVerification = (ChainCheck & { events: number; head: string })

/** Walks the whole chain in pages and reports the first broken link. */
export async function verifyAudit(db: Kysely<Database>): Promise<AuditVerification> {
  let prev: HashedAuditEvent | null = null
  let events = 0
  for (;;) {
    const page = await db
      .selectFrom('audit_events')
      .selectAll()
      .orderBy('seq')
      .where('seq', '>', prev?.seq ?? 0)
      .limit(1000)
      .execute()
    if (page.length === 0) break
    for (const row of page) {
      const e = toEvent(row)
      const check = await checkAuditLink(prev, e)
      if (!check.ok) return { ...check, events, head: prev?.hash ?? GENESIS_HASH }
      prev = e
      events++
    }
  }
  return { ok: true, events, head: prev?.hash ?? GENESIS_HASH }
}
