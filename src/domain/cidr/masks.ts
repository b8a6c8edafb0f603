/**
 * @module domain/cidr/masks
 * IPv4 netmasks and wildcard masks for formats that want them (Cisco ACLs, FortiOS, …).
 */
import { DomainError } from '../errors.js'
import { TWO_POW_32 } from './bits.js'
import { formatIpv4Number } from './format.js'
import type { Cidr } from './types.js'

function ipv4MaskNumber(c: Cidr, what: string): number {
  if (c.family !== 'ipv4') {
    throw new DomainError('invalid_cidr', `${c.text} is IPv6; ${what} exist only for IPv4`)
  }
  return TWO_POW_32 - 2 ** (32 - c.prefixLength)
}

/** Dotted netmask, e.g. '255.255.255.0' for a /24. Throws DomainError for IPv6. */
export function ipv4Netmask(c: Cidr): string {
  return formatIpv4Number(ipv4MaskNumber(c, 'netmasks'))
}

/** Dotted wildcard (inverse) mask, e.g. '0.0.0.255' for a /24. Throws DomainError for IPv6. */
export function ipv4Wildcard(c: Cidr): string {
  return formatIpv4Number(TWO_POW_32 - 1 - ipv4MaskNumber(c, 'wildcard masks'))
}
