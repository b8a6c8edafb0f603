/**
 * @module domain/intake/outcome-templates
 * Starting points for the text reporters read when the desk resolves a case. The desk
 * picks one and may edit it; what is stored and shown is what the desk submitted. None
 * names a customer, a scan or an authorization: reporters of a case are strangers to
 * each other and to our customers, and "authorized" would confirm that a customer had
 * that address scanned. A desk member may still write such words deliberately.
 */
export interface OutcomeTemplate {
  id: string
  label: string
  text: string
}

export const OUTCOME_TEMPLATES: readonly OutcomeTemplate[] = [
  {
    id: 'reviewed',
    label: 'Reviewed, no further action',
    text: 'Our abuse desk has reviewed your report and found nothing that needs further action on our side. Thank you for telling us.',
  },
  {
    id: 'action_taken',
    label: 'Reviewed, action taken',
    text: 'Our abuse desk has reviewed your report and taken action. Thank you for telling us.',
  },
  {
    id: 'target_excluded',
    label: 'Target will not be scanned again',
    text: 'Our abuse desk has reviewed your report. Our scanners will no longer scan the address you reported.',
  },
  {
    id: 'not_our_scanner',
    label: 'Not our scanner',
    text: 'The source address is not one of our scanners. Please report it to the abuse contact of the network that owns it (see its RDAP or WHOIS record).',
  },
]

export const MAX_OUTCOME = 2000

export function outcomeTemplate(id: string): OutcomeTemplate | undefined {
  return OUTCOME_TEMPLATES.find((t) => t.id === id)
}
