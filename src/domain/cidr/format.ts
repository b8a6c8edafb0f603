/**
 * @module domain/cidr/format
 * Canonical text for addresses and blocks (IPv4 dotted decimal, IPv6 RFC 5952 §4), and
 * building blocks from numbers.
 */
import { badPrefixLength, familyBits, hostMask, MAX_VALUE, TWO_POW_16 } from './bits.js'
import type { Cidr, Family } from './types.js'

export function formatIpv4Number(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}

function hexGroups(groups: readonly number[], from: number, to: number): string {
  let out = ''
  for (let i = from; i < to; i++) out += (i === from ? '' : ':') + (groups[i] ?? 0).toString(16)
  return out
}

/** RFC 5952 §4 text for eight 16-bit groups. */
export function formatIpv6Groups(groups: readonly number[]): string {
  // Longest run of zero groups; a run must be at least 2 long (§4.2.2) and the first of
  // equally long runs wins (§4.2.3), hence the strict `>`.
  let bestStart = -1
  let bestLength = 1
  let runStart = -1
  for (let i = 0; i < 8; i++) {
    if (groups[i] !== 0) {
      runStart = -1
      continue
    }
    if (runStart < 0) runStart = i
    if (i - runStart + 1 > bestLength) {
      bestLength = i - runStart + 1
      bestStart = runStart
    }
  }
  if (bestStart < 0) return hexGroups(groups, 0, 8)
  return `${hexGroups(groups, 0, bestStart)}::${hexGroups(groups, bestStart + bestLength, 8)}`
}

export function ipv6GroupsToBigint(g: readonly number[]): bigint {
  // Three chunks of at most 48 bits stay exact in a double, so only three bigint
  // conversions are needed instead of one per group.
  const high = ((g[0] ?? 0) * TWO_POW_16 + (g[1] ?? 0)) * TWO_POW_16 + (g[2] ?? 0)
  const middle = ((g[3] ?? 0) * TWO_POW_16 + (g[4] ?? 0)) * TWO_POW_16 + (g[5] ?? 0)
  const low = (g[6] ?? 0) * TWO_POW_16 + (g[7] ?? 0)
  return (BigInt(high) << 80n) | (BigInt(middle) << 32n) | BigInt(low)
}

export function bigintToIpv6Groups(value: bigint): number[] {
  const hex = value.toString(16).padStart(32, '0')
  const groups: number[] = []
  for (let i = 0; i < 32; i += 4) groups.push(parseInt(hex.slice(i, i + 4), 16))
  return groups
}

export function hostBitsMessage(given: string, network: string): string {
  return `${given} has host bits set; the network is ${network}`
}

function assertValue(family: Family, value: bigint): void {
  if (family !== 'ipv4' && family !== 'ipv6') {
    throw new RangeError(`unknown address family ${String(family)}`)
  }
  if (typeof value !== 'bigint' || value < 0n || value > MAX_VALUE[family]) {
    throw new RangeError(`${String(value)} is not a valid ${family} address value`)
  }
}

/**
 * Canonical text for an address value. Throws RangeError (a programming error, not bad
 * user input) when the value does not fit the family.
 */
export function formatIp(family: Family, value: bigint): string {
  assertValue(family, value)
  if (family === 'ipv4') return formatIpv4Number(Number(value))
  return formatIpv6Groups(bigintToIpv6Groups(value))
}

/**
 * Builds a block from numbers. Throws RangeError for out-of-range values or host bits:
 * callers compute these values themselves, so a bad one is a bug rather than bad input.
 */
export function cidrFromBigint(family: Family, network: bigint, prefixLength: number): Cidr {
  assertValue(family, network)
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > familyBits(family)) {
    throw badPrefixLength(family, prefixLength)
  }
  const hostBits = network & hostMask(family, prefixLength)
  if (hostBits !== 0n) {
    const given = `${formatIp(family, network)}/${prefixLength}`
    const fixed = `${formatIp(family, network - hostBits)}/${prefixLength}`
    throw new RangeError(hostBitsMessage(given, fixed))
  }
  return makeCidr(family, network, prefixLength)
}

/** Unchecked: for values domain/cidr has just computed itself. */
export function makeCidr(family: Family, network: bigint, prefixLength: number): Cidr {
  const address =
    family === 'ipv4'
      ? formatIpv4Number(Number(network))
      : formatIpv6Groups(bigintToIpv6Groups(network))
  return { family, network, prefixLength, text: `${address}/${prefixLength}` }
}
