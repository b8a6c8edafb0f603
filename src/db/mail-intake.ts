/**
 * @module db/mail-intake
 * What every way in (MTA pipe, SMTP listener, Email Routing, reparse) does with one raw
 * message, in one transaction: drop it if we have it already (same bytes or Message-ID),
 * store it, turn its drafts into reports through the same `createReport` the web intake
 * uses (case grouping, linking, verdicts), or file it as unparsed mail with the reason,
 * and queue one acknowledgement per report in the outbox — unless the message was
 * machine-made (RFC 3834) or its sender already had today's share of acknowledgements.
 */
import type { Kysely } from 'kysely'
import { cidrContainsIp, type IpAddress } from '../domain/cidr.js'
import { generateStatusToken } from '../domain/intake/report-ids.js'
import { MailUnreadable } from '../domain/intake/mail/message.js'
import { parseMail, type MailParse } from '../domain/intake/mail/pipeline.js'
import { acknowledgement } from '../domain/intake/mail/replies.js'
import { mailDestination } from '../domain/outgoing-mail.js'
import { sha256Hex } from '../domain/sha256.js'
import { addHistory } from './case-repository.js'
import { findStoredMail, insertMail, linkMailReports, ourRanges, setMailOutcome } from './mail-repository.js'
import { enqueueOutbox } from './outbox.js'
import { hitCounter } from './rate-limit-repository.js'
import { createReport } from './report-repository.js'
import type { Database, MailVia } from './schema.js'

export interface MailIntakeOptions {
  via: MailVia
  now: Date
  /** our own mailbox addresses (MAIL_FROM, accepted recipients): loop detection */
  ownAddresses: readonly string[]
  /** absolute origin for the status link in acknowledgements */
  publicUrl: string
  /** acknowledgements per sender and UTC day */
  acksPerSenderPerDay: number
  /** messages accepted per sender and hour; more are deferred (SMTP 451, EX_TEMPFAIL) */
  intakePerSenderPerHour: number
}

export interface MailIntakeResult {
  status: 'accepted' | 'unparsed' | 'duplicate'
  mailId: string
  refs: string[]
  reason: string | null
  acknowledgements: number
}

/** The sender sent more than its hourly share: ask the sending MTA to try again later. */
export class MailDeferred extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MailDeferred'
  }
}

export { MailUnreadable }

const HOUR_MS = 3_600_000

function windowStart(now: Date, ms: number): Date {
  return new Date(Math.floor(now.getTime() / ms) * ms)
}

/** Parses a message against the current catalogue (no writes). */
export async function parseStoredCatalogue(db: Kysely<Database>, raw: Uint8Array, opts: Pick<MailIntakeOptions, 'now' | 'ownAddresses'>): Promise<MailParse> {
  const ranges = await ourRanges(db, opts.now)
  const isOurs = (ip: IpAddress) => ranges.some((r) => cidrContainsIp(r, ip))
  return parseMail(raw, { now: opts.now, isOurs, ownAddresses: opts.ownAddresses })
}

/**
 * Takes one message in.
 * @throws MailUnreadable when the bytes are not a mail message (EX_DATAERR, SMTP 554)
 * @throws MailDeferred when the sender is over its hourly share (EX_TEMPFAIL, SMTP 451)
 */
export async function ingestMail(db: Kysely<Database>, raw: Uint8Array, opts: MailIntakeOptions): Promise<MailIntakeResult> {
  const sha256 = await sha256Hex(raw)
  const parsed = await parseStoredCatalogue(db, raw, opts)
  const s = parsed.summary
  // counted outside the intake transaction, so a deferral is remembered too
  if (s.from) {
    const hits = await hitCounter(db, `mail-in:${await sha256Hex(s.from)}`, windowStart(opts.now, HOUR_MS))
    if (hits > opts.intakePerSenderPerHour) {
      throw new MailDeferred(`more than ${opts.intakePerSenderPerHour} messages from this sender this hour; try again later`)
    }
  }
  return db.transaction().execute(async (trx) => {
    const known = await findStoredMail(trx, sha256, s.messageId)
    if (known) return { status: 'duplicate', mailId: known.id, refs: known.reportRefs, reason: null, acknowledgements: 0 }
    const status = parsed.drafts.length ? 'accepted' : 'unparsed'
    const mailId = await insertMail(
      trx,
      { via: opts.via, sha256, messageId: s.messageId, raw, sender: s.from, subject: s.subject || null, status, reason: parsed.unparsed },
      opts.now,
    )
    if (!mailId) {
      // a concurrent delivery of the same message won the insert
      const again = await findStoredMail(trx, sha256, s.messageId)
      return { status: 'duplicate', mailId: again?.id ?? '', refs: again?.reportRefs ?? [], reason: null, acknowledgements: 0 }
    }
    const created = await createDrafts(trx, mailId, parsed, opts)
    return { status, mailId, refs: created.refs, reason: parsed.unparsed, acknowledgements: created.acks }
  })
}

/**
 * Creates the reports of a parse, links them to the stored message and queues their
 * acknowledgements. Call inside a transaction.
 */
export async function createDrafts(trx: Kysely<Database>, mailId: string, parsed: MailParse, opts: MailIntakeOptions): Promise<{ refs: string[]; acks: number }> {
  const s = parsed.summary
  const refs: string[] = []
  const ids: string[] = []
  let acks = 0
  for (const d of parsed.drafts) {
    const statusToken = generateStatusToken()
    const created = await createReport(trx, { report: d.report, channel: 'email', statusTokenHash: await sha256Hex(statusToken), evidence: d.evidence, xarf: d.xarf }, opts.now)
    refs.push(created.ref)
    ids.push(created.id)
    for (const note of d.notes) await addHistory(trx, created.case.id, opts.now, 'system:mail', 'mail_note', { ref: created.ref, note })
    if (s.noReply || !s.replyAddress) continue
    const hits = await hitCounter(trx, `mail-ack:${await sha256Hex(s.replyAddress)}`, windowStart(opts.now, 24 * HOUR_MS))
    if (hits > opts.acksPerSenderPerDay) continue
    const mail = acknowledgement({
      to: s.replyAddress,
      ref: created.ref,
      statusToken,
      publicUrl: opts.publicUrl,
      subject: s.subject,
      messageId: s.messageId,
      references: s.references,
      scannerIp: d.report.sourceIps[0]?.text ?? '',
      target: d.report.target.text,
      observedFrom: d.report.observedFrom,
      observedTo: d.report.observedTo,
      receivedAt: opts.now,
    })
    await enqueueOutbox(trx, { kind: 'mail', destination: mailDestination(s.replyAddress), payload: mail, dedupeKey: `ack:${created.id}`, personalEmail: s.replyAddress }, opts.now)
    acks++
  }
  await linkMailReports(trx, mailId, ids)
  return { refs, acks }
}

/**
 * Parses a stored message again (after a parser fix). Only messages that produced no
 * report are turned into reports: one that already has reports keeps them, so a reparse
 * never doubles a case. Returns the new outcome.
 */
export async function reparseMail(db: Kysely<Database>, id: string, raw: Uint8Array, opts: MailIntakeOptions): Promise<{ status: 'accepted' | 'unparsed' | 'kept'; refs: string[]; reason: string | null }> {
  let parsed: MailParse
  try {
    parsed = await parseStoredCatalogue(db, raw, opts)
  } catch (e) {
    if (!(e instanceof MailUnreadable)) throw e
    await setMailOutcome(db, id, 'unparsed', e.message, opts.now)
    return { status: 'unparsed', refs: [], reason: e.message }
  }
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('mail_messages').select(['status', 'report_count']).where('id', '=', id).forUpdate().executeTakeFirst()
    if (!row || row.status !== 'unparsed' || row.report_count > 0) return { status: 'kept' as const, refs: [], reason: null }
    if (parsed.drafts.length === 0) {
      await setMailOutcome(trx, id, 'unparsed', parsed.unparsed, opts.now)
      return { status: 'unparsed' as const, refs: [], reason: parsed.unparsed }
    }
    const created = await createDrafts(trx, id, parsed, opts)
    await setMailOutcome(trx, id, 'accepted', null, opts.now)
    return { status: 'accepted' as const, refs: created.refs, reason: null }
  })
}
