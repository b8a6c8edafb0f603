/**
 * @module domain/intake/case-state
 * The case state machine:
 *
 *     open → investigating → awaiting_customer → resolved
 *     any state except dismissed → dismissed
 *
 * Resolving needs a final verdict. Resolved and dismissed cases are settled: nothing
 * reopens them. A new report about the same scanner address, target block and day opens
 * a new case that points to the settled one (db/case-repository `joinCase`), so the
 * settled case keeps its verdict and its reporters keep the outcome they were given.
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
    const why = from === 'resolved' && to === 'open' ? '; a new report about it opens a new case linked to this one' : ''
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

/** Settled cases take no new reports: a later report opens a new, linked case. */
export const SETTLED_CASE_STATUSES = ['resolved', 'dismissed'] as const satisfies readonly CaseStatus[]

export function isSettled(status: CaseStatus): boolean {
  return (SETTLED_CASE_STATUSES as readonly CaseStatus[]).includes(status)
}
