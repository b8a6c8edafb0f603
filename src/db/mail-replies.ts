/**
 * @module db/mail-replies
 * The desk's reporter notes, mailed to the reporters who wrote by e-mail: one mail per
 * e-mail report the note is addressed to (each reporter sees only their own reference, never who
 * else reported), threaded under their original message, queued in the outbox in the
 * same transaction as the note.
 */
import type { Kysely } from 'kysely'
import { reporterNoteMail } from '../domain/intake/mail/replies.js'
import { mailDestination } from '../domain/outgoing-mail.js'
import { enqueueOutbox } from './outbox.js'
import type { Database } from './schema.js'

export async function enqueueReporterNoteMails(
  db: Kysely<Database>,
  caseId: string,
  note: { id: string; body: string; reportIds: readonly string[] },
  now: Date,
): Promise<number> {
  // a note reaches only the reports it is addressed to, never a report that joined later
  if (note.reportIds.length === 0) return 0
  const rows = await db
    .selectFrom('reports as r')
    .innerJoin('report_contacts as c', 'c.report_id', 'r.id')
    .innerJoin('mail_message_reports as mr', 'mr.report_id', 'r.id')
    .innerJoin('mail_messages as m', 'm.id', 'mr.mail_id')
    .select(['r.id', 'r.ref', 'c.email', 'm.message_id'])
    .where('r.case_id', '=', caseId)
    .where('r.id', 'in', [...note.reportIds])
    .where('r.channel', '=', 'email')
    .orderBy('r.received_at')
    .execute()
  let queued = 0
  for (const r of rows) {
    const mail = reporterNoteMail({ to: r.email, ref: r.ref, publicUrl: null, body: note.body, messageId: r.message_id, references: [] })
    const q = await enqueueOutbox(db, { kind: 'mail', destination: mailDestination(r.email), payload: mail, dedupeKey: `note:${note.id}:${r.id}`, personalEmail: r.email }, now)
    if (q.created) queued++
  }
  return queued
}
