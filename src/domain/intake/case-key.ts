/**
 * @module domain/intake/case-key
 * Which case a report joins: reports about the same scanner address, target /24 (IPv4)
 * or /64 (IPv6) and UTC day of `observedFrom` form one case.
 *
 * A report may name up to 50 source addresses but joins exactly one case, so that the
 * reporter has one status and the desk one thing to resolve. The address used for the
 * key (`chooseCaseSourceIp`) is, in the reporter's order: the first of our addresses that
 * already has a case for this target block and day (so a multi-address report lands in
 * the incident the desk is already looking at); else the first of our addresses; else
 * the first address. All of the report's addresses are still linked to sessions and
 * shown in the case.
 */
import { cidrFromBigint, familyBits, type Cidr, type IpAddress } from '../cidr.js'

/** Prefix length that groups targets: a /24 for IPv4, a /64 for IPv6. */
export const GROUPING_PREFIX = { ipv4: 24, ipv6: 64 } as const

export interface CaseKey {
  scannerIp: string
  targetPrefix: string
  /** UTC day, YYYY-MM-DD */
  day: string
}

/** The block a target groups under; a target wider than the block groups as itself. */
export function targetGroup(target: Cidr): Cidr {
  const len = GROUPING_PREFIX[target.family]
  if (target.prefixLength <= len) return target
  const bits = familyBits(target.family)
  const hostMask = (1n << BigInt(bits - len)) - 1n
  return cidrFromBigint(target.family, target.network & ~hostMask, len)
}

export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10)
}

export function caseKey(scannerIp: IpAddress, target: Cidr, observedFrom: Date): CaseKey {
  return { scannerIp: scannerIp.text, targetPrefix: targetGroup(target).text, day: utcDay(observedFrom) }
}

/**
 * The source address whose case the report joins (see the module doc).
 * @param sources the report's addresses in the reporter's order, with whether each is ours
 * @param hasCase whether a case already exists for that address (same target block and day)
 */
export function chooseCaseSourceIp<T extends { ip: IpAddress; ours: boolean }>(
  sources: readonly T[],
  hasCase: (ip: string) => boolean,
): T {
  const ours = sources.filter((s) => s.ours)
  const chosen = ours.find((s) => hasCase(s.ip.text)) ?? ours[0] ?? sources[0]
  if (!chosen) throw new RangeError('a report has at least one source address')
  return chosen
}
