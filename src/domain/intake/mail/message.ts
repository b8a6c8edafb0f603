/**
 * @module domain/intake/mail/message
 * A raw RFC 5322 message read with postal-mime (pure JavaScript, runs on Node and
 * Workers): headers, addresses, the decoded text parts and the attachments. HTML is kept
 * as text for the evidence and never rendered; a forwarded message (message/rfc822) is
 * read as well, one level deep at a time, up to three levels.
 */
import PostalMime, { type Email } from 'postal-mime'

export interface MailPart {
  mimeType: string
  filename: string | null
  content: Uint8Array
}

export interface MailMessage {
  headers: { key: string; value: string }[]
  messageId: string | null
  from: string | null
  replyTo: string | null
  /** `''` when the envelope sender was the null path `<>`, null when not given */
  returnPath: string | null
  subject: string
  date: Date | null
  dateHeader: string | undefined
  /** every plain-text body, the forwarded messages' included */
  texts: string[]
  /** HTML bodies as source text: evidence only, never rendered */
  htmls: string[]
  attachments: MailPart[]
  references: string[]
}

export class MailUnreadable extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'MailUnreadable'
  }
}

const HEADER_START = /^(?:From [^\r\n]*\r?\n)?[\x21-\x39\x3b-\x7e]{1,76}:/
const MSGID = /<?([^<>\s]{1,250}@[^<>\s]{1,250})>?/

function mailbox(v: Email['from']): string | null {
  if (!v) return null
  if ('address' in v && v.address) return v.address.trim().toLowerCase()
  const first = v.group?.[0]
  return first?.address ? first.address.trim().toLowerCase() : null
}

/** A Message-ID without its angle brackets, or null when it is not one. */
export function normaliseMessageId(v: string | undefined | null): string | null {
  if (!v) return null
  const m = MSGID.exec(v.trim())
  return m ? m[1]! : null
}

function bytesOf(c: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof c === 'string') return new TextEncoder().encode(c)
  return c instanceof Uint8Array ? c : new Uint8Array(c)
}

/**
 * Reads a message.
 * @throws MailUnreadable when the bytes are not a mail message at all (no header block)
 */
export async function readMail(raw: Uint8Array, depth = 0): Promise<MailMessage> {
  const head = new TextDecoder('latin1').decode(raw.subarray(0, 1024))
  if (!HEADER_START.test(head)) throw new MailUnreadable('the message does not start with a header block (RFC 5322)')
  let email: Email
  try {
    // forwarded messages are read here, so each keeps its own headers
    email = await PostalMime.parse(raw, { forceRfc822Attachments: true, maxNestingDepth: 50, maxHeadersSize: 1024 * 1024 })
  } catch (e) {
    throw new MailUnreadable(`the MIME structure cannot be read: ${e instanceof Error ? e.message.slice(0, 200) : 'unknown error'}`)
  }
  const headers = email.headers.map((h) => ({ key: h.key, value: h.value }))
  const rp = headers.find((h) => h.key === 'return-path')?.value.trim()
  const dateHeader = headers.find((h) => h.key === 'date')?.value
  const date = email.date ? new Date(email.date) : null
  const msg: MailMessage = {
    headers,
    messageId: normaliseMessageId(email.messageId),
    from: mailbox(email.from),
    replyTo: mailbox(email.replyTo?.[0]),
    returnPath: rp === undefined ? null : rp.replace(/[<>\s]/g, ''),
    subject: (email.subject ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim(),
    date: date && !Number.isNaN(date.getTime()) ? date : null,
    dateHeader,
    texts: email.text ? [email.text] : [],
    htmls: email.html ? [email.html] : [],
    attachments: [],
    references: (email.references ?? '').split(/\s+/).map(normaliseMessageId).filter((v): v is string => v !== null),
  }
  for (const a of email.attachments) {
    const content = bytesOf(a.content)
    if (a.mimeType === 'message/rfc822' && depth < 3) {
      try {
        const inner = await readMail(content, depth + 1)
        msg.texts.push(...inner.texts)
        msg.htmls.push(...inner.htmls)
        msg.attachments.push(...inner.attachments)
        continue
      } catch {
        // not readable as a message: kept as an attachment below
      }
    }
    msg.attachments.push({ mimeType: a.mimeType, filename: a.filename, content })
  }
  return msg
}

/** A header's value (first occurrence), case-insensitive name. */
export function header(msg: MailMessage, name: string): string | undefined {
  const key = name.toLowerCase()
  return msg.headers.find((h) => h.key === key)?.value
}
