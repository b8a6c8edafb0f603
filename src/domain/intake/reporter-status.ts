/**
 * @module domain/intake/reporter-status
 * What a reporter is told about their report. Until a person resolves the case the
 * reporter sees only neutral states (received → under review → resolved); the automatic
 * linking and its suggested verdict are the desk's working notes and are never shown,
 * because "an authorized scan at that time" would tell anyone which addresses a customer
 * had scanned, and when. Once resolved, the reporter reads the outcome text the desk
 * chose (domain/intake/outcome-templates.ts), nothing generated.
 */
import type { CaseStatus } from './case-state.js'

/** The reporter's view of the case status (the desk's finer states are not their concern). */
export type ReporterStatus = 'received' | 'under_review' | 'resolved' | 'closed'
export const REPORTER_STATUSES = ['received', 'under_review', 'resolved', 'closed'] as const

export function reporterStatus(status: CaseStatus): ReporterStatus {
  switch (status) {
    case 'open':
      return 'received'
    case 'investigating':
    case 'awaiting_customer':
      return 'under_review'
    case 'resolved':
      return 'resolved'
    case 'dismissed':
      return 'closed'
  }
}

const STATUS_TEXT: Record<ReporterStatus, string> = {
  received: 'We have received your report; our abuse desk will look at it.',
  under_review: 'Our abuse desk is reviewing your report.',
  resolved: 'Our abuse desk has finished with your report.',
  closed: 'Our abuse desk has closed your report without further action.',
}

export function reporterStatusText(status: ReporterStatus): string {
  return STATUS_TEXT[status]
}

/** The outcome a reporter may read: the desk's text, and only once the case is resolved. */
export function reporterOutcome(status: CaseStatus, outcomeText: string | null): string | null {
  return status === 'resolved' ? outcomeText : null
}
