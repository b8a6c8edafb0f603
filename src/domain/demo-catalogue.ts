/**
 * @module domain/demo-catalogue
 * The catalogue a fresh embedded install starts with, so `npm start` shows a working
 * feed at once. Documentation prefixes only (RFC 5737, RFC 3849): never routable.
 */
import type { RangeInput } from './catalogue-rules.js'

const DAY = 86_400_000

export function demoCatalogue(now: Date): RangeInput[] {
  const at = (days: number) => new Date(now.getTime() + days * DAY).toISOString()
  return [
    { prefix: '192.0.2.0/24', pool: 'asv-external', region: 'eu-central', label: 'External ASV scanners (Frankfurt)', activeFrom: at(-120) },
    { prefix: '198.51.100.0/24', pool: 'asv-external', region: 'us-east', label: 'External ASV scanners (Virginia), moving to a new block', activeFrom: at(-300), retireAt: at(45) },
    { prefix: '203.0.113.0/24', pool: 'web-app', region: 'ap-southeast', label: 'Web application scanners (Singapore), new', activeFrom: at(21) },
    { prefix: '2001:db8::/32', pool: 'asv-external', region: 'global', label: 'External ASV scanners, IPv6', activeFrom: at(-60) },
  ]
}
