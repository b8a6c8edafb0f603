/**
 * @module platform/mail-sender
 * The outbox's `mail` sender, one per runtime: the `send_email` binding on Workers (here)
 * and nodemailer over SMTP_URL on Node (smtp-mail-sender.ts, kept apart so the Worker
 * bundle does not carry nodemailer). Both check the queued payload again before sending
 * (it came out of the database): one recipient, header names from a fixed grammar and
 * values on one line, so no queued mail can add recipients or headers. The outbox row id
 * becomes the Message-ID, so a receiver can drop a redelivered copy.
 */
import type { OutboxItem, OutboxSender, SendOutcome } from '../db/outbox.js'
import { isEmail } from '../domain/intake/report-rules.js'
import type { OutgoingMail } from '../domain/outgoing-mail.js'

const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,60}$/
const ONE_LINE = /^[^\r\n\u0000]{0,998}$/
const MSG_ID = /^<[\x21-\x3b\x3d\x3f-\x7e]{1,250}@[\x21-\x3b\x3d\x3f-\x7e]{1,250}>$/
/** Headers a payload may not set: the sender owns them. */
const RESERVED = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'message-id', 'date', 'content-type', 'content-transfer-encoding', 'mime-version', 'sender', 'reply-to', 'return-path'])

export class BadOutgoingMail extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BadOutgoingMail'
  }
}

/** The payload as a checked OutgoingMail; throws BadOutgoingMail naming what is wrong. */
export function checkOutgoingMail(payload: unknown): OutgoingMail {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>
  const str = (k: string, max: number): string => {
    const v = p[k]
    if (typeof v !== 'string' || v.length > max) throw new BadOutgoingMail(`${k} must be text of at most ${max} characters`)
    return v
  }
  const to = str('to', 254)
  if (!isEmail(to)) throw new BadOutgoingMail('to must be one e-mail address')
  const subject = str('subject', 998)
  if (!ONE_LINE.test(subject)) throw new BadOutgoingMail('subject must be one line')
  const text = str('text', 1_000_000)
  const mail: OutgoingMail = { to, subject, text }
  if (p.from !== undefined) {
    const from = str('from', 254)
    if (!isEmail(from)) throw new BadOutgoingMail('from must be one e-mail address')
    mail.from = from
  }
  if (p.headers !== undefined) {
    if (typeof p.headers !== 'object' || p.headers === null || Array.isArray(p.headers)) throw new BadOutgoingMail('headers must be an object')
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(p.headers as Record<string, unknown>)) {
      if (!HEADER_NAME.test(k) || RESERVED.has(k.toLowerCase())) throw new BadOutgoingMail(`header ${JSON.stringify(k.slice(0, 64))} may not be set`)
      if (typeof v !== 'string' || !ONE_LINE.test(v)) throw new BadOutgoingMail(`header ${k} must be one line of text`)
      headers[k] = v
    }
    mail.headers = headers
  }
  if (p.inReplyTo !== undefined) {
    if (typeof p.inReplyTo !== 'string' || !MSG_ID.test(p.inReplyTo)) throw new BadOutgoingMail('inReplyTo must be one <message-id>')
    mail.inReplyTo = p.inReplyTo
  }
  if (p.references !== undefined) {
    if (!Array.isArray(p.references) || p.references.length > 20 || !p.references.every((r) => typeof r === 'string' && MSG_ID.test(r))) {
      throw new BadOutgoingMail('references must be a list of <message-id>s')
    }
    mail.references = p.references as string[]
  }
  if (p.listUnsubscribe !== undefined) {
    const u = p.listUnsubscribe as { url?: unknown; mailto?: unknown }
    if (typeof u?.url !== 'string' || !/^https:\/\/[^\s<>]{1,500}$/.test(u.url)) throw new BadOutgoingMail('listUnsubscribe.url must be an https URL')
    if (u.mailto !== undefined && (typeof u.mailto !== 'string' || !isEmail(u.mailto))) throw new BadOutgoingMail('listUnsubscribe.mailto must be an e-mail address')
    mail.listUnsubscribe = { url: u.url, ...(typeof u.mailto === 'string' ? { mailto: u.mailto } : {}) }
  }
  return mail
}

export function messageIdFor(item: OutboxItem, from: string): string {
  return `<${item.id}@${from.slice(from.lastIndexOf('@') + 1)}>`
}

/** The headers both runtimes add: threading, unsubscribe, and the payload's own. */
export function extraHeaders(mail: OutgoingMail): Record<string, string> {
  const h: Record<string, string> = { ...(mail.headers ?? {}) }
  if (mail.inReplyTo) h['In-Reply-To'] = mail.inReplyTo
  if (mail.references?.length) h['References'] = mail.references.join(' ')
  if (mail.listUnsubscribe) {
    h['List-Unsubscribe'] = [`<${mail.listUnsubscribe.url}>`, ...(mail.listUnsubscribe.mailto ? [`<mailto:${mail.listUnsubscribe.mailto}>`] : [])].join(', ')
    h['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'
  }
  return h
}

export function failed(started: number, err: unknown, statusCode?: number): SendOutcome {
  const error = err instanceof Error ? err.message : String(err)
  return { ok: false, latencyMs: performance.now() - started, error: error.replace(/\s+/g, ' ').slice(0, 300), ...(statusCode ? { statusCode } : {}) }
}

/** The `send_email` binding as the Workers runtime provides it (builder form). */
export interface SendEmailBinding {
  send(message: { from: string; to: string; subject: string; text?: string; headers?: Record<string, string> }): Promise<{ messageId: string }>
}

/** The Workers sender over the `send_email` binding. */
export function createBindingMailSender(opts: { binding: SendEmailBinding; from: string }): OutboxSender {
  return async (item) => {
    const started = performance.now()
    try {
      const mail = checkOutgoingMail(item.payload)
      const from = mail.from ?? opts.from
      // the binding assigns the Message-ID itself
      await opts.binding.send({ from, to: mail.to, subject: mail.subject, text: mail.text, headers: extraHeaders(mail) })
      return { ok: true, latencyMs: performance.now() - started }
    } catch (e) {
      return failed(started, e)
    }
  }
}
