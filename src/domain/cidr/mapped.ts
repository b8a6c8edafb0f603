/**
 * @module domain/cidr/mapped
 * IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, RFC 4291 2.5.5.2) are the IPv4 address
 * a.b.c.d as a dual-stack socket reports it: the same host. Every boundary where an
 * address arrives (lookup, reports, sessions, the client address) turns them into the
 * IPv4 form, so "is this one of ours" and case grouping see one address, not two.
 * (cidr.ts itself keeps them IPv6: see its module doc.)
 */
import { cidrFromBigint, formatIp } from './format.js'
import { parseIp } from './parse.js'
import type { Cidr, IpAddress } from './types.js'

const MAPPED_PREFIX = 0xffffn << 32n

export function unmapIpv4(ip: IpAddress): IpAddress {
  if (ip.family !== 'ipv6' || ip.value >> 32n !== 0xffffn) return ip
  const value = ip.value - MAPPED_PREFIX
  return { family: 'ipv4', value, text: formatIp('ipv4', value) }
}

/** A block inside ::ffff:0:0/96 as the IPv4 block it maps; others unchanged. */
export function unmapCidr(c: Cidr): Cidr {
  if (c.family !== 'ipv6' || c.prefixLength < 96 || c.network >> 32n !== 0xffffn) return c
  return cidrFromBigint('ipv4', c.network - MAPPED_PREFIX, c.prefixLength - 96)
}

/** parseIp, with an IPv4-mapped IPv6 address given in its IPv4 form. */
export function parseHostIp(input: string): IpAddress {
  return unmapIpv4(parseIp(input))
}
