/**
 * @module db/mail-convert
 * The desk's hand work on unparsed mail: turn a message into a report with the fields a
 * person read out of it (validated like any report, contact = the mail's sender), or
 * dismiss it. Both are audited; neither is possible twice.
 */
import type { Kysely } from 'kysely'
import { DomainError } from '../domain/errors.js'
import { generateStatusToken } from '../domain/intake/report-ids.js'
import { isEmail, validateReport, type ReportInput } from '../domain/intake/report-rules.js'
import { textEvidence } from '../domain/intake/evidence.js'
import { sha256Hex } from '../domain/sha256.js'
import { appendAudit } from './audit-repository.js'
import { addHistory } from './case-repository.js'
import { getMail, linkMailReports, setMailOutcome } from './mail-repository.js'
import { createReport } from './report-repository.js'
import type { Database } from './schema.js'

export interface MailActor {
  name: string
  audit: string
}

function notFound(): DomainError {
  return new DomainError('not_found', 'No stored mail with this id.', { status: 404 })
}

function notOpen(status: string): DomainError {
  return new DomainError('conflict', `This mail is ${status}, not unparsed: there is nothing left to do with it.`, { status: 409 })
}

/** Creates the report a person read out of an unparsed mail; returns its reference. */
export async function convertMailByHand(db: Kysely<Database>, id: string, input: ReportInput, actor: MailActor, now: Date): Promise<{ ref: string; caseId: string }> {
  return db.transaction().execute(async (trx) => {
    const mail = await getMail(trx, id, { forUpdate: true })
    if (!mail) throw notFound()
    if (mail.status !== 'unparsed') throw notOpen(mail.status)
    const contact = mail.sender && isEmail(mail.sender) ? mail.sender : undefined
    // a person's reading of old mail: the time rules apply as on the day it arrived
    const report = validateReport({ ...input, contactEmail: contact }, mail.receivedAt)
    const evidence = report.evidence ? [await textEvidence(report.evidence)] : []
    const created = await createReport(trx, { report, channel: 'email', statusTokenHash: await sha256Hex(generateStatusToken()), evidence, xarf: null }, now)
    await linkMailReports(trx, mail.id, [created.id])
    await setMailOutcome(trx, mail.id, 'converted', mail.reason, now)
    await addHistory(trx, created.case.id, now, actor.name, 'mail_converted', { ref: created.ref, mailId: mail.id })
    await appendAudit(trx, { actor: actor.audit, action: 'mail.convert', objectType: 'mail', objectId: mail.id, diff: { ref: created.ref } }, now)
    return { ref: created.ref, caseId: created.case.id }
  })
}

export async function dismissMail(db: Kysely<Database>, id: string, actor: MailActor, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const mail = await getMail(trx, id, { forUpdate: true })
    if (!mail) throw notFound()
    if (mail.status !== 'unparsed') throw notOpen(mail.status)
    await setMailOutcome(trx, mail.id, 'dismissed', mail.reason, now)
    await appendAudit(trx, { actor: actor.audit, action: 'mail.dismiss', objectType: 'mail', objectId: mail.id, diff: {} }, now)
  })
}

/** The message as text for a person to read (never rendered as HTML), at most `max` characters. */
export function mailText(raw: Uint8Array | null, max = 200_000): string | null {
  if (!raw) return null
  const text = new TextDecoder('utf-8').decode(raw.subarray(0, max * 2))
  return text.length > max ? `${text.slice(0, max)}\n[… cut at ${max} characters]` : text
}
