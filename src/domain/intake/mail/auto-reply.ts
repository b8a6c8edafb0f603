/**
 * @module domain/intake/mail/auto-reply
 * RFC 3834: an automatic acknowledgement must never answer mail that a machine sent on
 * its own (other auto-replies, bounces, mailing lists), or two robots mail each other
 * for ever. A complaint that a tool sent (fail2ban, X-ARF feeds) is still a report; it
 * just gets no acknowledgement.
 */
import { header, type MailMessage } from './message.js'

/** More Received lines than this means the message is going round in circles. */
export const MAX_RECEIVED_HOPS = 30

/** Why no acknowledgement may be sent, or null when one may. */
export function noReplyReason(msg: MailMessage, ownAddresses: readonly string[]): string | null {
  const auto = header(msg, 'auto-submitted')?.trim().toLowerCase()
  if (auto && !auto.startsWith('no')) return `Auto-Submitted: ${auto.split(/[;\s]/)[0]}`
  const precedence = header(msg, 'precedence')?.trim().toLowerCase()
  if (precedence && /^(bulk|list|junk)\b/.test(precedence)) return `Precedence: ${precedence.split(/[;\s]/)[0]}`
  if (header(msg, 'list-id') !== undefined) return 'List-Id: mailing-list mail'
  if (msg.returnPath === '') return 'null return path (a bounce or notification)'
  const suppress = header(msg, 'x-auto-response-suppress')?.toLowerCase() ?? ''
  if (/\b(all|autoreply|oof)\b/.test(suppress)) return 'X-Auto-Response-Suppress'
  const to = msg.replyTo ?? msg.from
  if (!to) return 'no sender address'
  if (/^(mailer-daemon|postmaster|noreply|no-reply|do-not-reply|donotreply)@/i.test(to)) return 'sender is a system address'
  if (ownAddresses.some((a) => a.toLowerCase() === to)) return 'sender is one of our own addresses (mail loop)'
  return null
}

/** Whether the message shows signs of a mail loop (too many hops, or our own acknowledgement). */
export function loopReason(msg: MailMessage, ownAddresses: readonly string[]): string | null {
  const hops = msg.headers.filter((h) => h.key === 'received').length
  if (hops > MAX_RECEIVED_HOPS) return `mail loop: ${hops} Received headers`
  if (msg.from && ownAddresses.some((a) => a.toLowerCase() === msg.from) && header(msg, 'auto-submitted')) {
    return 'mail loop: one of our own automatic replies came back'
  }
  return null
}
