/**
 * @module db/mail-repository
 * Stored e-mail: the raw messages (personal data under the evidence retention period,
 * removed by erasure), which reports each produced, and the "unparsed mail" items the
 * desk works through.
 */
import { sql, type Kysely } from 'kysely'
import { parseCidr, type Cidr } from '../domain/cidr.js'
import { OURS_GRACE_DAYS } from './report-repository.js'
import type { Database, MailStatus, MailVia } from './schema.js'

const DAY_MS = 86_400_000

/** The catalogue prefixes that count as ours now (as in `classifySources`). */
export async function ourRanges(db: Kysely<Database>, now: Date): Promise<Cidr[]> {
  const cutoff = new Date(now.getTime() - OURS_GRACE_DAYS * DAY_MS)
  const rows = await db
    .selectFrom('scanner_ranges')
    .select(sql<string>`prefix::text`.as('prefix'))
    .where((eb) => eb.or([eb('retire_at', 'is', null), eb('retire_at', '>', cutoff)]))
    .execute()
  return rows.map((r) => parseCidr(r.prefix))
}

export interface StoredMail {
  id: string
  status: MailStatus
  reportRefs: string[]
}

/** A message we already have: the same bytes, or the same Message-ID. */
export async function findStoredMail(db: Kysely<Database>, sha256: string, messageId: string | null): Promise<StoredMail | null> {
  const row = await db
    .selectFrom('mail_messages')
    .select(['id', 'status'])
    .where((eb) => (messageId ? eb.or([eb('sha256', '=', sha256), eb('message_id', '=', messageId)]) : eb('sha256', '=', sha256)))
    .orderBy('received_at')
    .limit(1)
    .executeTakeFirst()
  if (!row) return null
  const refs = await db
    .selectFrom('mail_message_reports as m')
    .innerJoin('reports as r', 'r.id', 'm.report_id')
    .select('r.ref')
    .where('m.mail_id', '=', row.id)
    .orderBy('r.ref')
    .execute()
  return { id: row.id, status: row.status, reportRefs: refs.map((r) => r.ref) }
}

export interface NewMail {
  via: MailVia
  sha256: string
  messageId: string | null
  raw: Uint8Array
  sender: string | null
  subject: string | null
  status: MailStatus
  reason: string | null
}

/** Inserts the message; null when a concurrent delivery stored the same one first. */
export async function insertMail(db: Kysely<Database>, m: NewMail, now: Date): Promise<string | null> {
  const row = await sql<{ id: string }>`
    insert into mail_messages (received_at, via, sha256, message_id, size_bytes, raw, sender, subject, status, reason, parsed_at, created_at)
    values (${now}, ${m.via}, ${m.sha256}, ${m.messageId}, ${m.raw.length}, ${m.raw}, ${m.sender}, ${m.subject}, ${m.status}, ${m.reason}, ${now}, ${now})
    on conflict do nothing
    returning id`.execute(db)
  return row.rows[0]?.id ?? null
}

export async function linkMailReports(db: Kysely<Database>, mailId: string, reportIds: readonly string[]): Promise<void> {
  if (reportIds.length === 0) return
  await db.insertInto('mail_message_reports').values(reportIds.map((report_id) => ({ mail_id: mailId, report_id }))).onConflict((oc) => oc.doNothing()).execute()
  await sql`update mail_messages set report_count = (select count(*) from mail_message_reports where mail_id = ${mailId}::uuid) where id = ${mailId}::uuid`.execute(db)
}

export async function setMailOutcome(db: Kysely<Database>, id: string, status: MailStatus, reason: string | null, now: Date): Promise<void> {
  await db.updateTable('mail_messages').set({ status, reason, parsed_at: now }).where('id', '=', id).execute()
}

export interface MailItem {
  id: string
  receivedAt: Date
  via: MailVia
  sender: string | null
  subject: string | null
  status: MailStatus
  reason: string | null
  sizeBytes: number
  sha256: string
  reportCount: number
  rawPurged: boolean
}

const ITEM_COLUMNS = ['id', 'received_at', 'via', 'sender', 'subject', 'status', 'reason', 'size_bytes', 'sha256', 'report_count', 'raw_purged_at'] as const

function item(r: {
  id: string
  received_at: Date
  via: MailVia
  sender: string | null
  subject: string | null
  status: MailStatus
  reason: string | null
  size_bytes: number
  sha256: string
  report_count: number
  raw_purged_at: Date | null
}): MailItem {
  return {
    id: r.id,
    receivedAt: r.received_at,
    via: r.via,
    sender: r.sender,
    subject: r.subject,
    status: r.status,
    reason: r.reason,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    reportCount: r.report_count,
    rawPurged: r.raw_purged_at !== null,
  }
}

/** Messages in one status, newest first (the desk's unparsed-mail queue). */
export async function listMail(db: Kysely<Database>, status: MailStatus, limit: number): Promise<MailItem[]> {
  const rows = await db.selectFrom('mail_messages').select([...ITEM_COLUMNS]).where('status', '=', status).orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
  return rows.map(item)
}

export async function countMail(db: Kysely<Database>, status: MailStatus): Promise<number> {
  const row = await db.selectFrom('mail_messages').select(sql<number>`count(*)::int`.as('n')).where('status', '=', status).executeTakeFirstOrThrow()
  return row.n
}

export async function getMail(db: Kysely<Database>, id: string, opts: { forUpdate?: boolean } = {}): Promise<(MailItem & { raw: Uint8Array | null }) | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null
  let q = db.selectFrom('mail_messages').select([...ITEM_COLUMNS, 'raw']).where('id', '=', id)
  if (opts.forUpdate) q = q.forUpdate()
  const row = await q.executeTakeFirst()
  return row ? { ...item(row), raw: row.raw } : null
}

/** Messages received since `since` whose raw bytes are still stored (for reparse-mail). */
export async function mailSince(db: Kysely<Database>, since: Date, limit: number): Promise<{ id: string; status: MailStatus; raw: Uint8Array; via: MailVia; receivedAt: Date }[]> {
  const rows = await db
    .selectFrom('mail_messages')
    .select(['id', 'status', 'raw', 'via', 'received_at'])
    .where('received_at', '>=', since)
    .where('raw', 'is not', null)
    .orderBy('received_at')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ id: r.id, status: r.status, raw: r.raw as Uint8Array, via: r.via, receivedAt: r.received_at }))
}

/** Retention: raw messages older than `before` lose their bytes, sender and subject. */
export async function purgeMailMessages(db: Kysely<Database>, before: Date, now: Date): Promise<number> {
  const r = await db
    .updateTable('mail_messages')
    .set({ raw: null, sender: null, subject: null, raw_purged_at: now })
    .where('created_at', '<', before)
    .where('raw_purged_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/**
 * Erasure: every message from this address (or behind a report whose contact it is) loses
 * its bytes, sender and subject. Run it before the contacts themselves are deleted.
 */
export async function eraseMailFrom(db: Kysely<Database>, email: string, now: Date): Promise<number> {
  const r = await db
    .updateTable('mail_messages')
    .set({ raw: null, sender: null, subject: null, raw_purged_at: now })
    .where((eb) =>
      eb.or([
        sql<boolean>`lower(sender) = lower(${email})`,
        sql<boolean>`id in (select m.mail_id from mail_message_reports m join report_contacts c on c.report_id = m.report_id where lower(c.email) = lower(${email}))`,
      ]),
    )
    .where('raw_purged_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}
