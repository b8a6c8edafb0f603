/**
 * @module domain/outgoing-mail
 * The one shape of a mail scangate sends (acknowledgements, desk replies, subscription mail),
 * as queued in the outbox and handed to the platform's mail sender.
 */
export interface OutgoingMail {
  to: string
  subject: string
  /** plain text only: we never send HTML */
  text: string
  /** defaults to the configured MAIL_FROM */
  from?: string
  /** extra headers (e.g. Auto-Submitted); names and values are checked by the sender */
  headers?: Record<string, string>
  inReplyTo?: string
  references?: string[]
  /** RFC 8058 one-click unsubscribe */
  listUnsubscribe?: { url: string; mailto?: string }
}

/** The outbox destination for a mail: its recipient's domain, so one bad domain trips alone. */
export function mailDestination(to: string): string {
  const at = to.lastIndexOf('@')
  return `mail:${(at >= 0 ? to.slice(at + 1) : to).toLowerCase()}`
}
