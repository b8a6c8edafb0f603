/**
 * @module platform/smtp-mail-sender
 * The outbox's `mail` sender on Node: nodemailer over SMTP_URL, one pooled transport per
 * process. The payload is checked again (platform/mail-sender `checkOutgoingMail`) and
 * the outbox row id becomes the Message-ID, so a receiver can drop a redelivered copy.
 */
import nodemailer from 'nodemailer'
import type { OutboxSender } from '../db/outbox.js'
import type { OutgoingMail } from '../domain/outgoing-mail.js'
import { checkOutgoingMail, extraHeaders, failed, messageIdFor } from './mail-sender.js'

export interface NodeMailSender {
  send: OutboxSender
  close(): void
}

/** nodemailer over SMTP_URL (one pooled transport per process). */
export function createSmtpMailSender(opts: { smtpUrl: string; from: string; timeoutMs?: number }): NodeMailSender {
  const timeout = opts.timeoutMs ?? 30_000
  const transport = nodemailer.createTransport(opts.smtpUrl, { connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout })
  const send: OutboxSender = async (item) => {
    const started = performance.now()
    let mail: OutgoingMail
    try {
      mail = checkOutgoingMail(item.payload)
    } catch (e) {
      return failed(started, e)
    }
    const from = mail.from ?? opts.from
    try {
      const info = await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: messageIdFor(item, from),
        headers: extraHeaders(mail),
        // the envelope sender as well: bounces of our mail come back to MAIL_FROM
        envelope: { from, to: [mail.to] },
        disableFileAccess: true,
        disableUrlAccess: true,
      })
      if (info.rejected.length > 0) return failed(started, new Error('recipient rejected'))
      return { ok: true, latencyMs: performance.now() - started, statusCode: 250 }
    } catch (e) {
      const code = (e as { responseCode?: number }).responseCode
      return failed(started, e, typeof code === 'number' ? code : undefined)
    }
  }
  return { send, close: () => transport.close() }
}

