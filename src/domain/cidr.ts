/**
 * @module domain/cidr
 * Strict parsing, canonical formatting, comparison and aggregation of IPv4 and IPv6
 * addresses and CIDR blocks. Pure: no I/O.
 *
 * Why a hand-written parser instead of ipaddr.js: these strings end up in firewall rules
 * that other people's tools read, so anything ambiguous must be refused rather than guessed.
 * ipaddr.js accepts inet_aton forms ("1.2.3", "0x7f.1", "010.0.0.1" read as octal), zone
 * ids, and reads "::1.2.3.4" as ::ffff:1.2.3.4; it is also ~10× slower on IPv6 text than
 * we need for aggregating 100 000 prefixes. The grammar accepted here is RFC 4291 §2.2
 * text, with IPv4 (also when embedded in IPv6) only as four dotted decimal octets without
 * leading zeros. Each reader has a one-pass fast path for the common shapes and a slower
 * path that handles the rest and says precisely what is wrong.
 *
 * Errors: bad user input raises DomainError ('invalid_ip' / 'invalid_cidr') with a message
 * meant for the person who typed it. Bad numbers handed to formatIp / cidrFromBigint are
 * programming errors and raise RangeError instead, so they surface as 500s, not 400s.
 *
 * Canonical text: IPv4 is dotted decimal without leading zeros; IPv6 is RFC 5952 §4
 * (lowercase, no leading zeros, longest run of two or more zero groups compressed, first
 * run on ties). We deliberately do NOT use the §5 mixed notation for IPv4-mapped
 * addresses: `::ffff:192.0.2.1` is accepted, stays IPv6, and is written `::ffff:c000:201`.
 * One rule for every IPv6 address keeps text comparison trivial, and it is the form
 * ipaddr.js `toRFC5952String()` and Python < 3.13 produce.
 */
import { DomainError } from './errors.js'

export type Family = 'ipv4' | 'ipv6'

/** One address. `text` is canonical (see module doc). */
export interface IpAddress {
  family: Family
  value: bigint
  text: string
}

/** One CIDR block with no host bits set. `text` is canonical, e.g. `192.0.2.0/24`. */
export interface Cidr {
  family: Family
  network: bigint
  prefixLength: number
  text: string
}

/**
 * Longest input we look at. The longest valid CIDR text is 49 characters
 * (`0000:0000:0000:0000:0000:ffff:255.255.255.255/128`); the margin is for nothing but
 * kinder messages, and the cap keeps every later step trivially cheap.
 */
const MAX_INPUT_LENGTH = 100

const TWO_POW_16 = 0x1_0000
const TWO_POW_32 = 0x1_0000_0000

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
const MAX_VALUE: Record<Family, bigint> = { ipv4: (1n << 32n) - 1n, ipv6: (1n << 128n) - 1n }

export function familyBits(f: Family): 32 | 128 {
  return f === 'ipv4' ? 32 : 128
}

function badPrefixLength(family: Family, prefixLength: number): RangeError {
  return new RangeError(`prefix length ${prefixLength} is not valid for ${family}`)
}

function hostMask(family: Family, prefixLength: number): bigint {
  const mask = HOST_MASKS[family][prefixLength]
  if (mask === undefined) throw badPrefixLength(family, prefixLength)
  return mask
}

function ipv6BlockSize(prefixLength: number): bigint {
  const size = IPV6_BLOCK_SIZES[prefixLength]
  if (size === undefined) throw badPrefixLength('ipv6', prefixLength)
  return size
}

// ---------------------------------------------------------------------------------------
// Formatting

function formatIpv4Number(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}

function hexGroups(groups: readonly number[], from: number, to: number): string {
  let out = ''
  for (let i = from; i < to; i++) out += (i === from ? '' : ':') + (groups[i] ?? 0).toString(16)
  return out
}

/** RFC 5952 §4 text for eight 16-bit groups. */
function formatIpv6Groups(groups: readonly number[]): string {
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

function ipv6GroupsToBigint(g: readonly number[]): bigint {
  // Three chunks of at most 48 bits stay exact in a double, so only three bigint
  // conversions are needed instead of one per group.
  const high = ((g[0] ?? 0) * TWO_POW_16 + (g[1] ?? 0)) * TWO_POW_16 + (g[2] ?? 0)
  const middle = ((g[3] ?? 0) * TWO_POW_16 + (g[4] ?? 0)) * TWO_POW_16 + (g[5] ?? 0)
  const low = (g[6] ?? 0) * TWO_POW_16 + (g[7] ?? 0)
  return (BigInt(high) << 80n) | (BigInt(middle) << 32n) | BigInt(low)
}

function bigintToIpv6Groups(value: bigint): number[] {
  const hex = value.toString(16).padStart(32, '0')
  const groups: number[] = []
  for (let i = 0; i < 32; i += 4) groups.push(parseInt(hex.slice(i, i + 4), 16))
  return groups
}

function hostBitsMessage(given: string, network: string): string {
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

/** Unchecked: for values this module has just computed itself. */
function makeCidr(family: Family, network: bigint, prefixLength: number): Cidr {
  const address =
    family === 'ipv4'
      ? formatIpv4Number(Number(network))
      : formatIpv6Groups(bigintToIpv6Groups(network))
  return { family, network, prefixLength, text: `${address}/${prefixLength}` }
}

// ---------------------------------------------------------------------------------------
// Parsing. Readers return the parsed value or a string: the reason, phrased to complete
// "<input> is not a valid …: <reason>". Strings instead of exceptions keep tryParseIp and
// the fuzzed paths cheap and let parseIp / parseCidr pick the error code.

type Reason = string

interface RawIpv4 {
  family: 'ipv4'
  value: number
}
interface RawIpv6 {
  family: 'ipv6'
  groups: number[]
}
type RawIp = RawIpv4 | RawIpv6

function quote(input: string): string {
  if (input.length <= 60) return JSON.stringify(input)
  return `${JSON.stringify(input.slice(0, 40))}… (${input.length} characters)`
}

const DECIMAL = /^[0-9]*$/

/** Octet of strict dotted decimal: 0–255, decimal digits, no leading zero. */
function readOctet(part: string, position: number): number | Reason {
  if (part === '') return `octet ${position} is empty`
  const n = Number(part)
  if (n > 255) return `octet ${JSON.stringify(part)} is greater than 255`
  // Checked after the range so "0300" is reported as out of range, not as "write 300".
  if (part.length > 1 && part.charCodeAt(0) === 48) {
    const what = JSON.stringify(part)
    return `octet ${what} has a leading zero; write "${n}" (some tools read leading zeros as octal)`
  }
  return n
}

/**
 * Fast path: the value of a strict dotted-quad, or -1 for anything else (including valid
 * input it does not try to handle). One pass, no allocation; readIpv4 then explains.
 */
function scanIpv4(text: string): number {
  let value = 0
  let octet = 0
  let digits = 0
  let dots = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1
      value = value * 256 + octet
      octet = 0
      digits = 0
      continue
    }
    const digit = c - 48
    // `digits > 0 && octet === 0` means the octet so far is "0": a leading zero.
    if (digit < 0 || digit > 9 || (digits > 0 && octet === 0)) return -1
    octet = octet * 10 + digit
    digits++
    if (octet > 255) return -1
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : -1
}

function readIpv4(text: string): number | Reason {
  const fast = scanIpv4(text)
  if (fast >= 0) return fast
  const parts = text.split('.')
  // A non-decimal octet ("0x7f.1") is the more useful thing to report than the count.
  const notDecimal = parts.find((part) => !DECIMAL.test(part))
  if (notDecimal !== undefined) {
    const what = JSON.stringify(notDecimal)
    return `octet ${what} is not a decimal number (hex, octal and inet_aton forms are refused)`
  }
  if (parts.length !== 4) {
    const hint = parts.length < 4 ? ' (short forms such as 10.1 are not accepted)' : ''
    return `expected four dot-separated decimal octets like 192.0.2.1, found ${parts.length}${hint}`
  }
  let value = 0
  let position = 1
  for (const part of parts) {
    const octet = readOctet(part, position++)
    if (typeof octet === 'string') return octet
    value = value * 256 + octet
  }
  return value
}

const NOT_IPV6_CHAR = /[^0-9a-fA-F:.]/

/** Reads one colon-separated run of groups; `allowIpv4Last` if it ends the address. */
function readIpv6Groups(text: string, allowIpv4Last: boolean, into: number[]): Reason | undefined {
  if (text === '') return undefined
  const parts = text.split(':')
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? ''
    if (part.includes('.')) {
      if (!allowIpv4Last || i !== parts.length - 1) {
        return 'an embedded IPv4 address is only allowed as the last part'
      }
      const v4 = readIpv4(part)
      if (typeof v4 === 'string') return `embedded IPv4 address ${JSON.stringify(part)}: ${v4}`
      into.push(Math.floor(v4 / TWO_POW_16), v4 % TWO_POW_16)
      continue
    }
    // Empty groups cannot reach here: ":::", a second "::" and a lone ":" at either end
    // are rejected before splitting. Kept as a guard so a future edit fails safe.
    if (part === '') return 'it has an empty group between ":" separators'
    if (part.length > 4) return `group ${JSON.stringify(part)} has more than four hex digits`
    into.push(parseInt(part, 16))
  }
  return undefined
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

/**
 * Fast path for the common shape: hex groups and at most one "::", no embedded IPv4.
 * Returns the eight groups, or null for anything else (invalid or not handled here);
 * readIpv6 then parses the long way and explains.
 */
function scanIpv6(text: string): number[] | null {
  const groups: number[] = []
  let gapAt = -1
  let group = 0
  let digits = 0
  let afterGap = false
  const n = text.length
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c !== 58) {
      const d = hexDigit(c)
      if (d < 0 || ++digits > 4) return null
      group = group * 16 + d
      afterGap = false
      continue
    }
    // A ":" either ends a group or, only at the very start, opens a leading "::".
    if (digits === 0 && i !== 0) return null
    if (digits > 0) groups.push(group)
    group = 0
    digits = 0
    if (i + 1 < n && text.charCodeAt(i + 1) === 58) {
      if (gapAt >= 0) return null
      gapAt = groups.length
      afterGap = true
      i++
    } else if (i === 0 || i + 1 === n) {
      return null // a single ":" at either end
    }
  }
  if (digits > 0) groups.push(group)
  else if (!afterGap) return null
  if (gapAt < 0) return groups.length === 8 ? groups : null
  if (groups.length > 7) return null
  const zeros = 8 - groups.length
  groups.splice(gapAt, 0, ...new Array<number>(zeros).fill(0))
  return groups
}

function readIpv6(text: string): number[] | Reason {
  const fast = scanIpv6(text)
  if (fast !== null) return fast
  const bad = NOT_IPV6_CHAR.exec(text)
  if (bad) return `character ${JSON.stringify(bad[0])} is not allowed in an IPv6 address`
  if (text.includes(':::')) {
    return '":::" is not valid; "::" alone stands for one or more zero groups'
  }
  const gap = text.indexOf('::')
  if (gap !== -1 && text.indexOf('::', gap + 1) !== -1) return '"::" may appear only once'
  if (text.startsWith(':') && gap !== 0) return 'it starts with a single ":"'
  if (text.endsWith(':') && gap !== text.length - 2) return 'it ends with a single ":"'

  const head: number[] = []
  const tail: number[] = []
  if (gap === -1) {
    const problem = readIpv6Groups(text, true, head)
    if (problem !== undefined) return problem
    if (head.length !== 8) {
      return `it has ${head.length} groups; an IPv6 address has 8 unless "::" compresses zeros`
    }
    return head
  }
  const headProblem = readIpv6Groups(text.slice(0, gap), false, head)
  if (headProblem !== undefined) return headProblem
  const tailProblem = readIpv6Groups(text.slice(gap + 2), true, tail)
  if (tailProblem !== undefined) return tailProblem
  const explicit = head.length + tail.length
  if (explicit > 7) {
    const why = '"::" must stand for at least one zero group'
    return `it has ${explicit} groups besides "::"; at most 7 fit because ${why}`
  }
  for (let i = explicit; i < 8; i++) head.push(0)
  for (let i = 0; i < tail.length; i++) head[8 - tail.length + i] = tail[i] ?? 0
  return head
}

/** Problems shared by addresses and blocks, checked before any splitting. */
function surfaceProblem(input: string): Reason | undefined {
  if (input === '') return 'the value is empty'
  if (input.length > MAX_INPUT_LENGTH) {
    return `it is ${input.length} characters long; at most ${MAX_INPUT_LENGTH} are accepted`
  }
  if (/\s/.test(input)) return 'it contains whitespace; remove spaces, tabs and line breaks'
  if (input.includes('%')) {
    return 'zone ids such as "%eth0" are not allowed; remove everything from "%" on'
  }
  return undefined
}

function readAddress(text: string): RawIp | Reason {
  if (text.includes(':')) {
    const groups = readIpv6(text)
    return typeof groups === 'string' ? groups : { family: 'ipv6', groups }
  }
  if (text.includes('.')) {
    const value = readIpv4(text)
    return typeof value === 'string' ? value : { family: 'ipv4', value }
  }
  return 'expected an IPv4 address like 192.0.2.1 or an IPv6 address like 2001:db8::1'
}

function toIpAddress(raw: RawIp): IpAddress {
  if (raw.family === 'ipv4') {
    return { family: 'ipv4', value: BigInt(raw.value), text: formatIpv4Number(raw.value) }
  }
  const value = ipv6GroupsToBigint(raw.groups)
  return { family: 'ipv6', value, text: formatIpv6Groups(raw.groups) }
}

function readIp(input: string): IpAddress | Reason {
  const surface = surfaceProblem(input)
  if (surface !== undefined) return surface
  if (input.includes('/')) return 'it has a prefix length; expected a single address without "/"'
  const raw = readAddress(input)
  return typeof raw === 'string' ? raw : toIpAddress(raw)
}

function notAString(input: unknown): string {
  return `expected a string, got ${input === null ? 'null' : typeof input}`
}

/** Parses one address in strict form. Throws DomainError('invalid_ip'). */
export function parseIp(input: string): IpAddress {
  if (typeof input !== 'string') {
    throw new DomainError('invalid_ip', `Invalid IP address: ${notAString(input)}`)
  }
  const result = readIp(input)
  if (typeof result === 'string') {
    throw new DomainError('invalid_ip', `${quote(input)} is not a valid IP address: ${result}`)
  }
  return result
}

const MAPPED_PREFIX = 0xffffn << 32n

/**
 * An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, RFC 4291 2.5.5.2) is the IPv4 address
 * a.b.c.d as a dual-stack socket reports it: the same host. Every boundary where an
 * address arrives (lookup, reports, sessions, client address) turns it into the IPv4
 * form, so "is this one of ours" and case grouping see one address, not two.
 */
export function unmapIpv4(ip: IpAddress): IpAddress {
  if (ip.family !== 'ipv6' || ip.value >> 32n !== 0xffffn) return ip
  const value = ip.value - MAPPED_PREFIX
  return { family: 'ipv4', value, text: formatIp('ipv4', value) }
}

/** A block inside ::ffff:0:0/96 as the IPv4 block it maps (see unmapIpv4); others unchanged. */
export function unmapCidr(c: Cidr): Cidr {
  if (c.family !== 'ipv6' || c.prefixLength < 96 || c.network >> 32n !== 0xffffn) return c
  return cidrFromBigint('ipv4', c.network - MAPPED_PREFIX, c.prefixLength - 96)
}

/** parseIp, with an IPv4-mapped IPv6 address given in its IPv4 form (see unmapIpv4). */
export function parseHostIp(input: string): IpAddress {
  return unmapIpv4(parseIp(input))
}

/** Like parseIp, but returns null instead of throwing. */
export function tryParseIp(input: string): IpAddress | null {
  if (typeof input !== 'string') return null
  const result = readIp(input)
  return typeof result === 'string' ? null : result
}

function cidrFailure(input: string, reason: Reason): never {
  throw new DomainError('invalid_cidr', `${quote(input)} is not a valid CIDR block: ${reason}`)
}

/** `extra.network` lets a UI offer the corrected block with one click. */
function hostBitsFailure(given: string, network: string): never {
  throw new DomainError('invalid_cidr', hostBitsMessage(given, network), { extra: { network } })
}

/** Parses `<address>/<prefix length>` with no host bits set. Throws DomainError('invalid_cidr'). */
export function parseCidr(input: string, opts: { allowBareAddress?: boolean } = {}): Cidr {
  if (typeof input !== 'string') {
    throw new DomainError('invalid_cidr', `Invalid CIDR block: ${notAString(input)}`)
  }
  const surface = surfaceProblem(input)
  if (surface !== undefined) return cidrFailure(input, surface)

  const slash = input.indexOf('/')
  if (slash !== -1 && input.indexOf('/', slash + 1) !== -1) {
    return cidrFailure(input, 'it contains more than one "/"')
  }
  const addressText = slash === -1 ? input : input.slice(0, slash)
  if (addressText === '') return cidrFailure(input, 'the address before "/" is missing')
  const raw = readAddress(addressText)
  if (typeof raw === 'string') return cidrFailure(input, raw)
  const bits = familyBits(raw.family)

  let prefixLength: number
  if (slash === -1) {
    if (!opts.allowBareAddress) {
      const single = `${toIpAddress(raw).text}/${bits}`
      return cidrFailure(input, `it has no prefix length; write ${single} for a single address`)
    }
    prefixLength = bits
  } else {
    const parsed = readPrefixLength(input.slice(slash + 1), raw.family)
    if (typeof parsed === 'string') return cidrFailure(input, parsed)
    prefixLength = parsed
  }

  if (raw.family === 'ipv4') {
    // Number math: 2^(32-p) is exact in a double and this path runs for every IPv4 input.
    const size = 2 ** (32 - prefixLength)
    const hostPart = raw.value % size
    if (hostPart !== 0) {
      const given = `${formatIpv4Number(raw.value)}/${prefixLength}`
      return hostBitsFailure(given, `${formatIpv4Number(raw.value - hostPart)}/${prefixLength}`)
    }
    // Strict IPv4 text and a strict prefix length are already canonical, so the input is
    // reused instead of formatted again.
    const text = slash === -1 ? `${input}/32` : input
    return { family: 'ipv4', network: BigInt(raw.value), prefixLength, text }
  }

  const value = ipv6GroupsToBigint(raw.groups)
  const hostPart = value & hostMask('ipv6', prefixLength)
  if (hostPart !== 0n) {
    const given = `${formatIpv6Groups(raw.groups)}/${prefixLength}`
    return hostBitsFailure(given, `${formatIp('ipv6', value - hostPart)}/${prefixLength}`)
  }
  return {
    family: 'ipv6',
    network: value,
    prefixLength,
    text: `${formatIpv6Groups(raw.groups)}/${prefixLength}`,
  }
}

function readPrefixLength(text: string, family: Family): number | Reason {
  const bits = familyBits(family)
  const label = family === 'ipv4' ? 'IPv4' : 'IPv6'
  if (text === '') return 'the prefix length after "/" is missing'
  let value = 0
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) {
      return `prefix length ${JSON.stringify(text)} is not a decimal number`
    }
    value = value * 10 + digit
  }
  if (value > bits) return `prefix length /${text} is out of range; ${label} allows /0 to /${bits}`
  if (text.length > 1 && text.startsWith('0')) {
    return `prefix length "${text}" has a leading zero; write /${value}`
  }
  return value
}

// ---------------------------------------------------------------------------------------
// Relations

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

// ---------------------------------------------------------------------------------------
// Aggregation
//
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

// ---------------------------------------------------------------------------------------
// IPv4 masks for formats that want them (Cisco ACLs, iptables, …)

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
