/**
 * @module domain/intake/case-state
 * The case state machine:
 *
 *     open → investigating → awaiting_customer → resolved
 *     any state except dismissed → dismissed
 *     resolved → open, only when a new report joins the case (not by hand)
 *
 * Resolving needs a final verdict. A dismissed case is final: new reports still join it
 * (the desk sees them in the history) but do not reopen it.
 */
import { DomainError } from '../errors.js'
import type { Verdict } from './verdicts.js'

export const CASE_STATUSES = ['open', 'investigating', 'awaiting_customer', 'resolved', 'dismissed'] as const
export type CaseStatus = (typeof CASE_STATUSES)[number]

const MANUAL: Record<CaseStatus, readonly CaseStatus[]> = {
  open: ['investigating', 'dismissed'],
  investigating: ['awaiting_customer', 'dismissed'],
  awaiting_customer: ['resolved', 'dismissed'],
  resolved: ['dismissed'],
  dismissed: [],
}

export function allowedTransitions(from: CaseStatus): readonly CaseStatus[] {
  return MANUAL[from]
}

export function isCaseStatus(v: unknown): v is CaseStatus {
  return typeof v === 'string' && (CASE_STATUSES as readonly string[]).includes(v)
}

/**
 * Checks a transition the desk asked for.
 * @throws DomainError 409 `invalid_transition` naming the allowed next states;
 *   400 `validation_failed` on `verdict` when resolving without one (or setting one otherwise)
 */
export function checkTransition(from: CaseStatus, to: CaseStatus, verdict: Verdict | null | undefined): void {
  const allowed = MANUAL[from]
  if (!allowed.includes(to)) {
    const next = allowed.length ? `allowed from ${from}: ${allowed.join(', ')}` : `${from} is final`
    const why = from === 'resolved' && to === 'open' ? '; a resolved case reopens by itself when a new report joins it' : ''
    throw new DomainError('invalid_transition', `A case cannot go from ${from} to ${to} (${next})${why}.`, {
      status: 409,
      field: 'to',
      extra: { from, to, allowed: [...allowed] },
    })
  }
  if (to === 'resolved' && !verdict) {
    throw new DomainError('validation_failed', 'Resolving a case needs a final verdict: authorized_scan, out_of_scope_scan, our_ip_no_session or not_our_ip.', { field: 'verdict' })
  }
  if (to !== 'resolved' && verdict) {
    throw new DomainError('validation_failed', 'A verdict is only given when resolving a case.', { field: 'verdict' })
  }
}

/** The status a case takes when a new report joins it. */
export function statusOnNewReport(current: CaseStatus): CaseStatus {
  return current === 'resolved' ? 'open' : current
}
