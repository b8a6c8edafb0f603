/**
 * @module domain/cidr/parse
 * Strict readers for addresses and CIDR blocks. Each reader has a one-pass fast path for
 * the common shapes and a slower path that handles the rest and says precisely what is wrong.
 */
import { DomainError } from '../errors.js'
import { familyBits, hostMask, TWO_POW_16 } from './bits.js'
import {
  formatIp,
  formatIpv4Number,
  formatIpv6Groups,
  hostBitsMessage,
  ipv6GroupsToBigint,
} from './format.js'
import type { Cidr, Family, IpAddress } from './types.js'

/**
 * Longest input we look at. The longest valid CIDR text is 49 characters
 * (`0000:0000:0000:0000:0000:ffff:255.255.255.255/128`); the margin is for nothing but
 * kinder messages, and the cap keeps every later step trivially cheap.
 */
const MAX_INPUT_LENGTH = 100

// Readers return the parsed value or a string: the reason, phrased to complete
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
