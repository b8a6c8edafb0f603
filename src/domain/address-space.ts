/**
 * @module domain/address-space
 * Which special-purpose block an address or range falls in (loopback, private, …), using
 * ipaddr.js's registry of IANA special ranges. A scanner range must be reachable from
 * the internet: a loopback or multicast "scanner range" is a typo, and a private one would
 * make customers open their firewalls to their own internal networks.
 */
import ipaddr from 'ipaddr.js'
import { formatIp, type Cidr } from './cidr.js'
import { DomainError } from './errors.js'

/** ipaddr.js range names that can never be a scanner source. */
// ipv4Mapped: ::ffff:a.b.c.d never appears as a source on the wire, only inside one host
const IMPOSSIBLE = new Set(['unspecified', 'loopback', 'multicast', 'linkLocal', 'broadcast', 'ipv4Mapped'])
/** Ranges that are possible (labs, documentation, demos) but deserve a second look. */
const SUSPICIOUS = new Set(['private', 'uniqueLocal', 'carrierGradeNat', 'reserved', 'benchmarking'])

/** The special-purpose range name of an address (ipaddr.js naming), or 'unicast'. */
export function addressRange(text: string): string {
  return ipaddr.parse(text).range()
}

/** Both ends of the block, so a block that starts in public space but covers a special one is caught too. */
function rangesOf(c: Cidr): string[] {
  const bits = c.family === 'ipv4' ? 32n : 128n
  const last = c.network | ((1n << (bits - BigInt(c.prefixLength))) - 1n)
  return [...new Set([addressRange(formatIp(c.family, c.network)), addressRange(formatIp(c.family, last))])]
}

/**
 * Refuses blocks no scanner can send from, and returns warnings for blocks that are
 * possible but unusual for a public scanner (private, documentation, CGNAT …).
 */
export function checkScannerAddressSpace(c: Cidr): string[] {
  const ranges = rangesOf(c)
  const impossible = ranges.find((r) => IMPOSSIBLE.has(r))
  if (impossible) {
    throw new DomainError(
      'invalid_cidr',
      `${c.text} is in ${impossible} address space; scanner traffic can never come from there`,
      { field: 'prefix' },
    )
  }
  return ranges
    .filter((r) => SUSPICIOUS.has(r))
    .map((r) => `${c.text} is in ${r} address space: customers' firewalls will never see scanner traffic from it on the internet. Fine for tests and demos; check it for production.`)
}
