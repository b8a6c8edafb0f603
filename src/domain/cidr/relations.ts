/**
 * @module domain/cidr/relations
 * Containment, overlap and ordering of blocks.
 */
import { hostMask } from './bits.js'
import type { Cidr, IpAddress } from './types.js'

/** Last address value in the block (the broadcast address for IPv4). */
export function cidrLast(c: Cidr): bigint {
  return c.network | hostMask(c.family, c.prefixLength)
}

export function cidrContainsIp(c: Cidr, ip: IpAddress): boolean {
  return c.family === ip.family && ip.value >= c.network && ip.value <= cidrLast(c)
}

export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.family === inner.family &&
    outer.prefixLength <= inner.prefixLength &&
    inner.network >= outer.network &&
    inner.network <= cidrLast(outer)
  )
}

/** Blocks either nest or are disjoint, so overlap means one contains the other. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContainsCidr(a, b) || cidrContainsCidr(b, a)
}

/** IPv4 before IPv6, then by network, then the shorter prefix (the larger block) first. */
export function compareCidrs(a: Cidr, b: Cidr): number {
  if (a.family !== b.family) return a.family === 'ipv4' ? -1 : 1
  if (a.network !== b.network) return a.network < b.network ? -1 : 1
  return a.prefixLength - b.prefixLength
}
