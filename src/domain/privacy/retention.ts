/**
 * @module domain/privacy/retention
 * How long personal data is kept. Defaults follow the privacy notice: the reporter's
 * contact until 90 days after their case is closed, evidence 180 days, raw XARF
 * documents 30 days; idempotency records (which hold a status token) one day; sent or
 * given-up outbox rows (mail holds the recipient's address) 30 days.
 */

export interface RetentionPolicy {
  contactDaysAfterClose: number
  evidenceDays: number
  xarfDays: number
  idempotencyHours: number
  rateLimitCounterHours: number
  outboxDays: number
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  contactDaysAfterClose: 90,
  evidenceDays: 180,
  xarfDays: 30,
  idempotencyHours: 24,
  rateLimitCounterHours: 48,
  outboxDays: 30,
}

export interface RetentionCutoffs {
  contactClosedBefore: Date
  evidenceBefore: Date
  xarfBefore: Date
  idempotencyBefore: Date
  counterWindowsBefore: Date
  outboxBefore: Date
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

export function retentionCutoffs(policy: RetentionPolicy, now: Date): RetentionCutoffs {
  const t = now.getTime()
  return {
    contactClosedBefore: new Date(t - policy.contactDaysAfterClose * DAY),
    evidenceBefore: new Date(t - policy.evidenceDays * DAY),
    xarfBefore: new Date(t - policy.xarfDays * DAY),
    idempotencyBefore: new Date(t - policy.idempotencyHours * HOUR),
    counterWindowsBefore: new Date(t - policy.rateLimitCounterHours * HOUR),
    outboxBefore: new Date(t - policy.outboxDays * DAY),
  }
}
