/**
 * @module domain/cidr/bits
 * Per-family widths and per-prefix-length masks, precomputed once.
 */
import type { Family } from './types.js'

export const TWO_POW_16 = 0x1_0000
export const TWO_POW_32 = 0x1_0000_0000

function buildTable(bits: number, f: (hostBits: bigint) => bigint): readonly bigint[] {
  const table: bigint[] = []
  for (let prefix = 0; prefix <= bits; prefix++) table.push(f(BigInt(bits - prefix)))
  return table
}

// Per prefix length: the host-part mask, and the IPv6 block size. Tables avoid a bigint
// shift on every step of the aggregation loop.
const HOST_MASKS: Record<Family, readonly bigint[]> = {
  ipv4: buildTable(32, (h) => (1n << h) - 1n),
  ipv6: buildTable(128, (h) => (1n << h) - 1n),
}
const IPV6_BLOCK_SIZES = buildTable(128, (h) => 1n << h)
export const MAX_VALUE: Record<Family, bigint> = {
  ipv4: (1n << 32n) - 1n,
  ipv6: (1n << 128n) - 1n,
}

export function familyBits(f: Family): 32 | 128 {
  return f === 'ipv4' ? 32 : 128
}

export function badPrefixLength(family: Family, prefixLength: number): RangeError {
  return new RangeError(`prefix length ${prefixLength} is not valid for ${family}`)
}

export function hostMask(family: Family, prefixLength: number): bigint {
  const mask = HOST_MASKS[family][prefixLength]
  if (mask === undefined) throw badPrefixLength(family, prefixLength)
  return mask
}

export function ipv6BlockSize(prefixLength: number): bigint {
  const size = IPV6_BLOCK_SIZES[prefixLength]
  if (size === undefined) throw badPrefixLength('ipv6', prefixLength)
  return size
}
