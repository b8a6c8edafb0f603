/**
 * @module domain/cidr/aggregate
 * The minimal list of blocks covering exactly a union of blocks.
 */
import { ipv6BlockSize } from './bits.js'
import { makeCidr } from './format.js'
import { cidrLast } from './relations.js'
import type { Cidr } from './types.js'

// Both families use one pass over the sorted blocks with a stack of disjoint blocks: a
// block inside the one on top is dropped (sorting by network, shorter prefix first,
// guarantees nothing deeper in the stack can contain it, and blocks either nest or are
// disjoint), otherwise it is pushed and the top two are merged while they are the two
// halves of one parent. With no sibling pair left, the stack holds the maximal aligned
// blocks of the union, which is the unique minimal cover. O(n log n) for the sort, O(n)
// after. Comparing bigints (heap objects) in a sort comparator cost more than everything
// else together, so IPv4 runs entirely on doubles (32 bits are exact) and IPv6 sorts on
// three exact 48/48/32-bit number keys.

interface Ipv4Block {
  network: number
  prefixLength: number
  last: number
}

function aggregateIpv4(keys: Float64Array): Cidr[] {
  // key = network * 64 + prefixLength: exact below 2^38 and sorts like compareCidrs,
  // and a typed array sorts natively without a comparator.
  keys.sort()
  const stack: Ipv4Block[] = []
  for (const key of keys) {
    const prefixLength = key % 64
    const network = (key - prefixLength) / 64
    const top = stack[stack.length - 1]
    if (top !== undefined && network <= top.last) continue
    stack.push({ network, prefixLength, last: network + 2 ** (32 - prefixLength) - 1 })
    for (;;) {
      const high = stack[stack.length - 1]
      const low = stack[stack.length - 2]
      if (high === undefined || low === undefined) break
      const size = 2 ** (32 - low.prefixLength)
      const siblings =
        low.prefixLength === high.prefixLength &&
        low.prefixLength > 0 &&
        low.network + size === high.network &&
        low.network % (2 * size) === 0
      if (!siblings) break
      stack.length -= 2
      stack.push({ network: low.network, prefixLength: low.prefixLength - 1, last: high.last })
    }
  }
  return stack.map((b) => makeCidr('ipv4', BigInt(b.network), b.prefixLength))
}

interface Ipv6Block {
  network: bigint
  prefixLength: number
  last: bigint
  /** The input this block came from unchanged, so its text is reused instead of rebuilt. */
  source: Cidr | null
}

const MASK_48 = (1n << 48n) - 1n
const MASK_32 = (1n << 32n) - 1n

interface Ipv6SortKey {
  high: number
  middle: number
  low: number
  cidr: Cidr
}

function sortIpv6(list: readonly Cidr[]): Cidr[] {
  const keyed: Ipv6SortKey[] = list.map((cidr) => ({
    high: Number(cidr.network >> 80n),
    middle: Number((cidr.network >> 32n) & MASK_48),
    low: Number(cidr.network & MASK_32),
    cidr,
  }))
  keyed.sort(
    (a, b) =>
      a.high - b.high ||
      a.middle - b.middle ||
      a.low - b.low ||
      a.cidr.prefixLength - b.cidr.prefixLength,
  )
  return keyed.map((k) => k.cidr)
}

function areIpv6Siblings(low: Ipv6Block, high: Ipv6Block): boolean {
  if (low.prefixLength !== high.prefixLength || low.prefixLength === 0) return false
  const size = ipv6BlockSize(low.prefixLength)
  // `low` must be the lower half of its parent: the bit just above its host part is 0.
  return low.network + size === high.network && (low.network & size) === 0n
}

function aggregateIpv6(list: readonly Cidr[]): Cidr[] {
  const stack: Ipv6Block[] = []
  for (const c of sortIpv6(list)) {
    const top = stack[stack.length - 1]
    if (top !== undefined && c.network <= top.last) continue
    stack.push({ network: c.network, prefixLength: c.prefixLength, last: cidrLast(c), source: c })
    for (;;) {
      const high = stack[stack.length - 1]
      const low = stack[stack.length - 2]
      if (high === undefined || low === undefined || !areIpv6Siblings(low, high)) break
      stack.length -= 2
      const prefixLength = low.prefixLength - 1
      stack.push({ network: low.network, prefixLength, last: high.last, source: null })
    }
  }
  return stack.map((b) => b.source ?? makeCidr('ipv6', b.network, b.prefixLength))
}

/**
 * The minimal list of blocks covering exactly the union of `list`, sorted by compareCidrs
 * (all IPv4 first). Families never merge with each other. Inputs must be blocks as
 * parseCidr / cidrFromBigint build them (no host bits). Output entries may be the input
 * objects themselves; treat both as read-only.
 */
export function aggregateCidrs(list: readonly Cidr[]): Cidr[] {
  let ipv4Count = 0
  for (const c of list) if (c.family === 'ipv4') ipv4Count++
  const ipv4Keys = new Float64Array(ipv4Count)
  const ipv6: Cidr[] = []
  let i = 0
  for (const c of list) {
    if (c.family === 'ipv4') ipv4Keys[i++] = Number(c.network) * 64 + c.prefixLength
    else ipv6.push(c)
  }
  const out = aggregateIpv4(ipv4Keys)
  for (const c of aggregateIpv6(ipv6)) out.push(c)
  return out
}
