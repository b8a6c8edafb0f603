/**
 * @module domain/notifications/subscription-mail
 * The plain-text mails of e-mail subscriptions: the double opt-in request, a summary per
 * published version, a reminder, and the notice to a webhook's owner that it was disabled.
 * Every mail to a subscriber carries RFC 8058 one-click unsubscribe.
 */
import type { OutgoingMail } from '../outgoing-mail.js'
import type { EventType } from './events.js'
import { describeShortfall, type NoticeOverride } from './notice-policy.js'

const AUTO = { 'Auto-Submitted': 'auto-generated' }

export function confirmationMail(to: string, confirmUrl: string, baseUrl: string): OutgoingMail {
  return {
    to,
    subject: 'Confirm your subscription to scanner range changes',
    text: [
      'Someone (hopefully you) asked to be told by e-mail when our scanner IP ranges change.',
      '',
      'To confirm, open this link and press the button:',
      confirmUrl,
      '',
      'If it was not you, ignore this mail: nothing is sent until the subscription is confirmed,',
      'and the request is deleted after 7 days.',
      '',
      `Our notice policy: ${baseUrl}/v1/policy`,
    ].join('\n'),
    headers: AUTO,
  }
}

interface EventFacts {
  type: EventType
  data: Record<string, unknown>
}

function noticeLines(o: NoticeOverride | undefined): string[] {
  if (!o) return []
  return [
    '',
    `SHORT NOTICE: this change gives less than our ${o.noticeDays}-day notice period.`,
    `Reason: ${o.reason}`,
    ...o.shortfalls.map((s) => `  - ${describeShortfall(s)}`),
  ]
}

type Listed = { prefix: string; status?: string; activeFrom?: string; retireAt?: string | null; effective?: string; fields?: string[] }

/** The mail for one event, or null for events e-mail subscribers do not get. */
export function eventMail(to: string, e: EventFacts, unsubscribeUrl: string): OutgoingMail | null {
  const d = e.data
  const links = d.links as Record<string, string>
  let subject: string
  let body: string[]
  if (e.type === 'version.published') {
    const added = (d.added as Listed[]) ?? []
    const removed = (d.removed as Listed[]) ?? []
    const changed = (d.changed as Listed[]) ?? []
    subject = `Scanner ranges version ${String(d.serial)}: +${added.length} -${removed.length} ~${changed.length}`
    body = [
      `Version ${String(d.serial)} of our scanner IP ranges was published at ${String(d.createdAt)}.`,
      `SHA-256 of the ranges: ${String(d.sha256)}`,
      ...(d.note ? ['', `Note: ${String(d.note)}`] : []),
      ...noticeLines(d.noticeOverride as NoticeOverride | undefined),
      '',
      ...added.map((a) => `Added   ${a.prefix} (${a.status}, active from ${a.activeFrom}${a.retireAt ? `, retires ${a.retireAt}` : ''})`),
      ...changed.map((c) => `Changed ${c.prefix}: ${(c.fields ?? []).join(', ')} (effective ${c.effective})`),
      ...removed.map((r) => `Removed ${r.prefix} (effective ${r.effective})`),
      ...(d.truncated ? ['…and more: see the full list of changes below.'] : []),
      '',
      `Full version (signed): ${links.version}`,
      `Signature:             ${links.signature}`,
      `What changed:          ${links.changes}`,
    ]
  } else if (e.type === 'range.reminder') {
    subject = `Reminder: ${String(d.prefix)} ${d.kind === 'activeFrom' ? 'becomes active' : 'retires'} on ${String(d.effective).slice(0, 10)}`
    body = [
      `In ${String(d.daysLeft)} days (${String(d.effective)}) ${String(d.what)}: ${String(d.prefix)}.`,
      '',
      `Current version: ${links.version}`,
    ]
  } else {
    return null
  }
  return {
    to,
    subject,
    text: [...body, '', `Notice policy: ${links.policy}`, `Unsubscribe: ${unsubscribeUrl}`].join('\n'),
    headers: AUTO,
    listUnsubscribe: { url: unsubscribeUrl },
  }
}

export function webhookDisabledMail(to: string, url: string, days: number, lastError: string | null, baseUrl: string): OutgoingMail {
  return {
    to,
    subject: 'Your scanner-range webhook was disabled',
    text: [
      `Deliveries to your webhook endpoint ${url} have failed for ${days} days, so we disabled it.`,
      lastError ? `Last error: ${lastError}` : '',
      '',
      'Nothing more is sent to it. Once the endpoint works again, subscribe it again',
      `(POST ${baseUrl}/v1/subscriptions) or ask us to re-enable it; missed changes are in ${baseUrl}/v1/changes.`,
    ].join('\n'),
    headers: AUTO,
  }
}
