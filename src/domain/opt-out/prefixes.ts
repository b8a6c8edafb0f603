/**
 * @module domain/opt-out/prefixes
 * What a network owner may ask us not to scan, through the self-service path. Larger
 * blocks are allowed in a request but only a person on the desk can grant them: one DNS
 * record or one file proves control of a few addresses, not of a /8.
 */
import { addressRange } from '../address-space.js'
import { cidrLast, formatIp, parseCidr, type Cidr } from '../cidr.js'
import { DomainError } from '../errors.js'

/** The widest prefix one self-service request can exclude. */
export const SELF_SERVICE_MAX = { ipv4: 16, ipv6: 32 } as const
export const MAX_PREFIXES_PER_REQUEST = 16

/** Space nobody can opt out of because we never scan it from the internet anyway. */
const NOT_PUBLIC = new Set(['unspecified', 'loopback', 'multicast', 'linkLocal', 'broadcast', 'private', 'uniqueLocal', 'carrierGradeNat', 'reserved', 'ipv4Mapped'])

export interface RequestedPrefixes {
  prefixes: Cidr[]
  /** true when any prefix is wider than the self-service maximum: a person must decide */
  needsDesk: boolean
}

export function parseOptOutPrefixes(input: readonly string[]): RequestedPrefixes {
  if (input.length === 0) throw new DomainError('validation_failed', 'name at least one prefix, e.g. 198.51.100.0/24', { field: 'prefixes' })
  if (input.length > MAX_PREFIXES_PER_REQUEST) {
    throw new DomainError('validation_failed', `at most ${MAX_PREFIXES_PER_REQUEST} prefixes per request; send several requests or ask the abuse desk`, { field: 'prefixes' })
  }
  const prefixes: Cidr[] = []
  let needsDesk = false
  input.forEach((raw, i) => {
    const c = parseCidr(raw, { allowBareAddress: true })
    for (const edge of [c.network, cidrLast(c)]) {
      const range = addressRange(formatIp(c.family, edge))
      if (NOT_PUBLIC.has(range)) {
        throw new DomainError('validation_failed', `${c.text} is ${range} address space, which our scanners never reach over the internet`, { field: `prefixes[${i}]` })
      }
    }
    if (c.prefixLength < SELF_SERVICE_MAX[c.family]) needsDesk = true
    if (prefixes.some((p) => p.text === c.text)) return
    prefixes.push(c)
  })
  return { prefixes, needsDesk }
}
