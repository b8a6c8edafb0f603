/**
 * @module domain/intake/mail/replies
 * The mails we send to a reporter who wrote by e-mail: the acknowledgement of each
 * accepted report, and the desk's reporter notes. Everything taken from the reporter's
 * message (subject, Message-ID) is reduced to one line of plain text before it goes into
 * a header, so nothing they send can add a header (`\r\nBcc:`) to our reply.
 * `Auto-Submitted: auto-replied` marks the acknowledgement (RFC 3834) so well-behaved
 * robots do not answer it.
 */
import type { OutgoingMail } from '../../outgoing-mail.js'

const MSG_ID = /^[\x21-\x3b\x3d\x3f-\x7e]{1,250}@[\x21-\x3b\x3d\x3f-\x7e]{1,250}$/

/** One line, no control or line-separator characters, at most `max` characters. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim()
  return [...flat].slice(0, max).join('')
}

/** A Message-ID fit for In-Reply-To/References (without brackets), or null. */
export function safeMessageId(id: string | null | undefined): string | null {
  return id && MSG_ID.test(id) ? id : null
}

function threading(messageId: string | null, references: readonly string[]): Pick<OutgoingMail, 'inReplyTo' | 'references'> {
  const id = safeMessageId(messageId)
  const refs = [...references.map(safeMessageId).filter((r): r is string => r !== null), ...(id ? [id] : [])].slice(-10)
  return { ...(id ? { inReplyTo: `<${id}>` } : {}), ...(refs.length ? { references: refs.map((r) => `<${r}>`) } : {}) }
}

export interface AckInput {
  to: string
  ref: string
  statusToken: string
  /** absolute origin of the status page, e.g. https://scanners.example.com */
  publicUrl: string
  subject: string
  messageId: string | null
  references: readonly string[]
  scannerIp: string
  target: string
  observedFrom: Date
  observedTo: Date
  receivedAt: Date
}

export function acknowledgement(a: AckInput): OutgoingMail {
  const original = oneLine(a.subject, 120)
  const window = a.observedFrom.getTime() === a.observedTo.getTime() ? a.observedFrom.toISOString() : `${a.observedFrom.toISOString()} – ${a.observedTo.toISOString()}`
  const text = [
    'Thank you for your report. We have received it and filed it as',
    '',
    `  Reference:     ${a.ref}`,
    `  Status token:  ${a.statusToken}`,
    '',
    `  Our address:   ${a.scannerIp}`,
    `  Your target:   ${a.target}`,
    `  Observed:      ${window}`,
    `  Received:      ${a.receivedAt.toISOString()}`,
    '',
    'Follow it on the status page with the reference and the status token:',
    `  ${a.publicUrl}/report/status?ref=${encodeURIComponent(a.ref)}`,
    '',
    'The status token is shown only in this e-mail; keep it, and do not share it.',
    'If something in the summary above is wrong, reply to this e-mail: the abuse desk reads replies.',
    '',
    'This is an automatic acknowledgement (RFC 3834).',
  ].join('\n')
  return {
    to: a.to,
    subject: `[${a.ref}] Received: ${original || 'your abuse report'}`.slice(0, 200),
    text,
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    ...threading(a.messageId, a.references),
  }
}

export interface NoteMailInput {
  to: string
  ref: string
  publicUrl: string | null
  body: string
  messageId: string | null
  references: readonly string[]
}

/** A reporter note written by the desk, sent to a reporter who wrote by e-mail. */
export function reporterNoteMail(n: NoteMailInput): OutgoingMail {
  const link = n.publicUrl ? `\n\nStatus page: ${n.publicUrl}/report/status?ref=${encodeURIComponent(n.ref)} (with the status token from our acknowledgement)` : ''
  return {
    to: n.to,
    subject: `[${n.ref}] Update on your abuse report`,
    text: `A message from the abuse desk about your report ${n.ref}:\n\n${n.body}${link}\n`,
    ...threading(n.messageId, n.references),
  }
}
