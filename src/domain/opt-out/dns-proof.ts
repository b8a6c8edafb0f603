/**
 * @module domain/opt-out/dns-proof
 * Where a network owner publishes the token that proves control of a prefix. Control of
 * the reverse zone is the strongest proof DNS offers: only the address holder can get it
 * delegated. A prefix that is not on a zone boundary needs the record in every zone it
 * covers (a /22 is four /24 zones), so proving one /24 never excludes its neighbours.
 * IPv4 has no zones below /24: a longer prefix is proved in its /24 zone, whose holder
 * speaks for the whole /24 anyway.
 */
import { cidrFromBigint, type Cidr } from '../cidr.js'
import { DomainError } from '../errors.js'

export const TXT_LABEL = '_scangate-optout'
export const TXT_PREFIX = 'scangate-optout='
/** More zones than this: ask for a shorter list of prefixes, or another method. */
export const MAX_REVERSE_ZONES = 16

/** The reverse-DNS zones (in-addr.arpa / ip6.arpa) whose union is exactly `c` or covers it tightly. */
export function reverseZones(c: Cidr): string[] {
  const step = c.family === 'ipv4' ? 8 : 4
  const bits = c.family === 'ipv4' ? 32 : 128
  const zoneLength = Math.min(c.family === 'ipv4' ? 24 : bits, Math.ceil(c.prefixLength / step) * step)
  const count = zoneLength >= c.prefixLength ? 2 ** (zoneLength - c.prefixLength) : 1
  const first = zoneLength >= c.prefixLength ? c.network : c.network & ~((1n << BigInt(bits - zoneLength)) - 1n)
  if (count > MAX_REVERSE_ZONES) {
    throw new DomainError(
      'validation_failed',
      `${c.text} spans ${count} reverse zones; the DNS proof takes at most ${MAX_REVERSE_ZONES}. Split the request, or use the e-mail or file proof.`,
      { field: 'method' },
    )
  }
  const size = 1n << BigInt(bits - zoneLength)
  return Array.from({ length: count }, (_, i) => reverseZoneName(cidrFromBigint(c.family, first + BigInt(i) * size, zoneLength)))
}

function reverseZoneName(z: Cidr): string {
  if (z.family === 'ipv4') {
    const octets = [24, 16, 8, 0].map((s) => Number((z.network >> BigInt(s)) & 255n))
    return [...octets.slice(0, z.prefixLength / 8).reverse(), 'in-addr.arpa'].join('.')
  }
  const nibbles = z.network.toString(16).padStart(32, '0').slice(0, z.prefixLength / 4).split('')
  return [...nibbles.reverse(), 'ip6.arpa'].join('.')
}

/** The TXT names to look up for a prefix: one per reverse zone. */
export function txtNamesFor(c: Cidr): string[] {
  return reverseZones(c).map((zone) => `${TXT_LABEL}.${zone}`)
}

/** The record value the owner publishes. */
export function txtValue(token: string): string {
  return `${TXT_PREFIX}${token}`
}

/** TXT answers arrive as arrays of character-strings: join each record, trim, and pick ours. */
export function tokensInTxt(records: readonly (readonly string[])[]): string[] {
  return records
    .map((chunks) => chunks.join('').trim())
    .filter((v) => v.startsWith(TXT_PREFIX))
    .map((v) => v.slice(TXT_PREFIX.length).trim())
}

/** A domain name the owner names for the A/AAAA variant: plain LDH labels, no wildcard. */
export function parseProofDomain(raw: string): string {
  const d = raw.trim().toLowerCase().replace(/\.$/, '')
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
  if (d.length > 253 || d.split('.').length < 2 || !d.split('.').every((l) => label.test(l))) {
    throw new DomainError('validation_failed', 'domain must be a host name such as mail.example.net', { field: 'domain' })
  }
  return d
}
