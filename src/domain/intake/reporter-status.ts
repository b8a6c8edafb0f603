/**
 * @module domain/intake/reporter-status
 * What a reporter is told about their report, in plain words. It never names a customer,
 * a session or another reporter: the verdict class and the state of the work are enough
 * for the reporter to know whether to do anything else.
 */
import type { CaseStatus } from './case-state.js'
import type { Verdict } from './verdicts.js'

/** The reporter's view of the case status (the desk's finer states are not their concern). */
export type ReporterStatus = 'received' | 'investigating' | 'resolved' | 'closed'

export function reporterStatus(status: CaseStatus): ReporterStatus {
  switch (status) {
    case 'open':
      return 'received'
    case 'investigating':
    case 'awaiting_customer':
      return 'investigating'
    case 'resolved':
      return 'resolved'
    case 'dismissed':
      return 'closed'
  }
}

const STATUS_TEXT: Record<ReporterStatus, string> = {
  received: 'We have received your report; our abuse desk will look at it.',
  investigating: 'Our abuse desk is investigating your report.',
  resolved: 'Our abuse desk has finished with your report.',
  closed: 'Our abuse desk has closed your report without further action.',
}

export function reporterStatusText(status: ReporterStatus): string {
  return STATUS_TEXT[status]
}

/** Final texts: what the desk decided. */
const FINAL: Record<Verdict, string> = {
  authorized_scan: 'This was an authorized scan of that address by its owner.',
  out_of_scope_scan: 'Our scanner was not authorized for that target; scanning of it has been stopped.',
  our_ip_no_session:
    'The traffic came from one of our scanner addresses, but not from a scan we ran; we have dealt with it.',
  not_our_ip:
    'The source address is not one of our scanners. Please report it to the abuse contact of the network that owns it (see its RDAP or WHOIS record).',
}

/** Preliminary texts: what the automatic check found before the desk decided. */
const PRELIMINARY: Record<Verdict, string> = {
  authorized_scan:
    'Our records show an authorized scan of that address by its owner at that time; our abuse desk will confirm.',
  out_of_scope_scan:
    'Our scanner was active at that time, but that target is not on the list its customer authorized; our abuse desk is following up.',
  our_ip_no_session:
    'The source address is one of our scanners, but we found no scan from it at that time; our abuse desk is looking into it.',
  not_our_ip:
    'The source address is not one of our scanners. Please report it to the abuse contact of the network that owns it (see its RDAP or WHOIS record).',
}

export function verdictText(verdict: Verdict, final: boolean): string {
  return (final ? FINAL : PRELIMINARY)[verdict]
}
