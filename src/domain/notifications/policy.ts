/**
 * @module domain/notifications/policy
 * The published notice policy (`GET /v1/policy`, the home page): how much notice we give,
 * how ranges leave the feed, who we tell and how a receiver checks that it was us.
 */
import { EVENT_TYPES } from './events.js'

export interface NoticePolicy {
  noticeDays: number
  reminderDays: number
  additions: string
  removals: string
  exceptions: string
  channels: Array<{ channel: 'webhook' | 'email' | 'atom' | 'changes'; subscribe: string; what: string }>
  events: string[]
  verify: { webhook: string; email: string; feed: string }
}

export function noticePolicy(noticeDays: number, reminderDays: number): NoticePolicy {
  return {
    noticeDays,
    reminderDays,
    additions: `A new range is published at least ${noticeDays} days before its activeFrom (status "announced"), so firewalls allow it before the first scan comes from it.`,
    removals: `A range leaves the feed only at its retireAt, which is published at least ${noticeDays} days ahead (status "retiring"); it is removed by the first version after that date. An announcement that never became active may be withdrawn at any time: no scan ever came from it. Ranges are never dropped silently.`,
    exceptions: 'Less notice happens only in an emergency: the publish must be forced with a reason, and that reason is part of the version (noticeOverride in /v1/versions/{serial} and /v1/changes), its Atom entry and every notification about it.',
    channels: [
      { channel: 'webhook', subscribe: 'POST /v1/subscriptions {"url": "https://…"} — we POST a challenge first and start sending only once your endpoint echoes it', what: 'every event below, signed' },
      { channel: 'email', subscribe: 'POST /v1/subscriptions {"email": "…"} or the form on the home page — double opt-in, one-click unsubscribe in every mail', what: `a plain-text summary per version, and reminders ${reminderDays} days before each effective date` },
      { channel: 'atom', subscribe: 'GET /v1/feed.atom', what: 'one entry per version' },
      { channel: 'changes', subscribe: 'GET /v1/changes?since={serial}', what: 'what changed since the serial you have, with effective dates' },
    ],
    events: [...EVENT_TYPES],
    verify: {
      webhook:
        'Standard Webhooks headers webhook-id, webhook-timestamp and webhook-signature. "v1,…" is HMAC-SHA256 with your subscription secret; "v1a,…" is an Ed25519 signature with our feed key (/.well-known/scangate-feed-key.pem) over the same "{webhook-id}.{webhook-timestamp}.{body}", so it can be checked without the secret. Dedupe by webhook-id: delivery is at least once.',
      email: 'Mails carry no attachments and link to the signed feed; check any change against /v1/changes and /v1/versions/{serial}.sig before acting on it.',
      feed: 'Every version is signed: GET /v1/versions/{serial}.sig is the Ed25519 signature of GET /v1/versions/{serial}, verifiable with openssl and the public key above.',
    },
  }
}
