/**
 * @module db/retention-purge
 * The scheduled retention job (CLI `purge`, the Node timer, the Workers cron): purge, then
 * record what went in the audit trail (counts only).
 */
import type { Kysely } from 'kysely'
import { retentionCutoffs, type RetentionPolicy } from '../domain/privacy/retention.js'
import { appendAudit } from './audit-repository.js'
import { purgeMailMessages } from './mail-repository.js'
import { purgeOptOutContacts } from './opt-out-repository.js'
import { purgeOutbox } from './outbox.js'
import { purgeExpired, type PurgeCounts } from './privacy-repository.js'
import type { Database } from './schema.js'
import { purgeSubscriptions } from './subscription-privacy.js'

export async function runRetentionPurge(db: Kysely<Database>, policy: RetentionPolicy, now: Date, actor: string): Promise<PurgeCounts & { outbox: number; mailMessages: number; subscriptions: number; optOutContacts: number }> {
  const cutoffs = retentionCutoffs(policy, now)
  const counts = {
    ...(await purgeExpired(db, cutoffs, now)),
    outbox: await purgeOutbox(db, cutoffs.outboxBefore),
    // raw e-mails are evidence: same retention period
    mailMessages: await purgeMailMessages(db, cutoffs.evidenceBefore, now),
    subscriptions: await purgeSubscriptions(db, now),
    optOutContacts: await purgeOptOutContacts(db, now),
  }
  if (counts.contacts + counts.evidence + counts.xarfDocuments + counts.outbox + counts.mailMessages + counts.subscriptions + counts.optOutContacts > 0) {
    await appendAudit(db, { actor, action: 'retention.purge', objectType: 'personal_data', diff: { ...counts, policy } }, now)
  }
  return counts
}
