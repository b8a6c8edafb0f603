/**
 * @module tests/domain/cidr
 * Behaviour of the strict address / CIDR parser and of aggregation. Table tests pin the
 * accepted grammar and the wording of errors people will read; property tests compare
 * aggregation with deliberately naive references (a bitmap over a small sub-space, and
 * sorted interval merging over the full space) and check parse/format round trips, using
 * ipaddr.js only as an independent oracle for RFC 5952 formatting.
 */
import fc from 'fast-check'
import ipaddr from 'ipaddr.js'
import { describe, expect, it } from 'vitest'
import {
  aggregateCidrs,
  cidrContainsCidr,
  cidrContainsIp,
  cidrFromBigint,
  cidrLast,
  cidrsOverlap,
  compareCidrs,
  familyBits,
  formatIp,
  ipv4Netmask,
  ipv4Wildcard,
  parseCidr,
  parseIp,
  tryParseIp,
  type Cidr,
  type Family,
} from '../../src/domain/cidr.js'
import { DomainError } from '../../src/domain/errors.js'

// ---------------------------------------------------------------------------------------
// helpers

function errorOf(fn: () => unknown): DomainError {
  try {
    fn()
  } catch (error) {
    if (error instanceof DomainError) return error
    throw error
  }
  throw new Error('expected a DomainError, nothing was thrown')
}

const texts = (list: readonly Cidr[]): string[] => list.map((c) => c.text)
const cidrs = (...list: string[]): Cidr[] => list.map((s) => parseCidr(s))

/** [first, last] of a block, computed without the module's own helpers. */
function interval(c: Cidr): [bigint, bigint] {
  const size = 1n << BigInt(familyBits(c.family) - c.prefixLength)
  return [c.network, c.network + size - 1n]
}

/** Arbitrary valid block of a family anywhere in its space. */
function arbCidr(family: Family): fc.Arbitrary<Cidr> {
  const bits = familyBits(family)
  return fc
    .record({
      value: fc.bigInt(0n, (1n << BigInt(bits)) - 1n),
      prefixLength: fc.integer({ min: 0, max: bits }),
    })
    .map(({ value, prefixLength }) => {
      const hostBits = BigInt(bits - prefixLength)
      return cidrFromBigint(family, (value >> hostBits) << hostBits, prefixLength)
    })
}

/**
 * Blocks inside one small sub-space (2^12 addresses), so a bitmap can stand for the union.
 * Short prefixes are generated often enough that containment and merging really happen.
 */
function arbSubspaceCidr(family: Family, base: bigint): fc.Arbitrary<Cidr> {
  const bits = familyBits(family)
  return fc
    .record({
      offset: fc.integer({ min: 0, max: 4095 }),
      prefixLength: fc.integer({ min: bits - 12, max: bits }),
    })
    .map(({ offset, prefixLength }) => {
      const size = 2 ** (bits - prefixLength)
      const aligned = offset - (offset % size)
      return cidrFromBigint(family, base + BigInt(aligned), prefixLength)
    })
}

/** Naive reference: the maximal aligned blocks of a 4096-address bitmap, left to right. */
function referenceBlocks(family: Family, base: bigint, covered: Uint8Array): string[] {
  const bits = familyBits(family)
  const out: string[] = []
  let at = 0
  while (at < covered.length) {
    if (!covered[at]) {
      at++
      continue
    }
    let size = 1
    for (;;) {
      const bigger = size * 2
      if (at % bigger !== 0 || at + bigger > covered.length) break
      let full = true
      for (let i = at; i < at + bigger; i++) if (!covered[i]) full = false
      if (!full) break
      size = bigger
    }
    out.push(`${formatIp(family, base + BigInt(at))}/${bits - Math.log2(size)}`)
    at += size
  }
  return out
}

function bitmapOf(list: readonly Cidr[], base: bigint): Uint8Array {
  const covered = new Uint8Array(4096)
  for (const c of list) {
    const [first, last] = interval(c)
    for (let a = first; a <= last; a++) covered[Number(a - base)] = 1
  }
  return covered
}

function groupsToBigint(groups: readonly number[]): bigint {
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n)
}

/** Plain comparison; a deep-equality matcher on 4096 elements is needlessly slow. */
function sameBits(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((bit, i) => bit === b[i])
}

/** Naive reference: union of blocks as sorted, merged [first, last] intervals per family. */
function mergedIntervals(list: readonly Cidr[], family: Family): [bigint, bigint][] {
  const sorted = list
    .filter((c) => c.family === family)
    .map(interval)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const out: [bigint, bigint][] = []
  for (const [first, last] of sorted) {
    const prev = out[out.length - 1]
    if (prev !== undefined && first <= prev[1] + 1n) {
      if (last > prev[1]) prev[1] = last
    } else {
      out.push([first, last])
    }
  }
  return out
}

/** Invariants every aggregation result must satisfy, whatever the input. */
function expectMinimalAndSorted(out: readonly Cidr[]): void {
  for (let i = 1; i < out.length; i++) {
    const a = out[i - 1] as Cidr
    const b = out[i] as Cidr
    expect(compareCidrs(a, b)).toBeLessThan(0)
    expect(cidrsOverlap(a, b)).toBe(false)
    const mergeable =
      a.family === b.family &&
      a.prefixLength === b.prefixLength &&
      a.prefixLength > 0 &&
      interval(a)[1] + 1n === b.network &&
      a.network % (2n * (b.network - a.network)) === 0n
    expect(mergeable, `${a.text} and ${b.text} should have been merged`).toBe(false)
  }
  for (const c of out) expect(parseCidr(c.text)).toEqual(c)
}

// ---------------------------------------------------------------------------------------
// parsing: accepted input and canonical text

describe('parseCidr accepts strict input and canonicalises it', () => {
  it.each([
    ['192.0.2.0/24', '192.0.2.0/24', 'ipv4', 24],
    ['0.0.0.0/0', '0.0.0.0/0', 'ipv4', 0],
    ['255.255.255.255/32', '255.255.255.255/32', 'ipv4', 32],
    ['10.0.0.0/8', '10.0.0.0/8', 'ipv4', 8],
    ['2001:db8::/32', '2001:db8::/32', 'ipv6', 32],
    ['2001:DB8::/32', '2001:db8::/32', 'ipv6', 32],
    ['2001:0db8:0000:0000:0000:0000:0000:0000/32', '2001:db8::/32', 'ipv6', 32],
    ['::/0', '::/0', 'ipv6', 0],
    ['::1/128', '::1/128', 'ipv6', 128],
    [`${'FFFF:'.repeat(7)}FFFF/128`, `${'ffff:'.repeat(7)}ffff/128`, 'ipv6', 128],
    // RFC 5952 §4.2.2: a single zero group is not compressed
    ['2001:db8:0:1:1:1:1:1/128', '2001:db8:0:1:1:1:1:1/128', 'ipv6', 128],
    ['2001:db8::1:1:1:1:1/128', '2001:db8:0:1:1:1:1:1/128', 'ipv6', 128],
    // §4.2.3: the longest run is compressed; the first one on ties
    ['2001:0:0:1:0:0:0:1/128', '2001:0:0:1::1/128', 'ipv6', 128],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1/128', 'ipv6', 128],
    ['2001:db8:0:0:1::/96', '2001:db8:0:0:1::/96', 'ipv6', 96],
    ['1:2:3:4:5:6:7::/128', '1:2:3:4:5:6:7:0/128', 'ipv6', 128],
    ['::2:3:4:5:6:7:8/128', '0:2:3:4:5:6:7:8/128', 'ipv6', 128],
    // IPv4-mapped stays IPv6 and is written in hex (deliberately not RFC 5952 §5)
    ['::ffff:192.0.2.1/128', '::ffff:c000:201/128', 'ipv6', 128],
    ['::ffff:192.0.2.0/120', '::ffff:c000:200/120', 'ipv6', 120],
    ['::ffff:c000:201/128', '::ffff:c000:201/128', 'ipv6', 128],
    // IPv4-compatible (deprecated) text is still RFC 4291 syntax: ::1.2.3.4 is ::102:304
    ['::1.2.3.4/128', '::102:304/128', 'ipv6', 128],
    ['1:2:3:4:5:6:1.2.3.4/128', '1:2:3:4:5:6:102:304/128', 'ipv6', 128],
  ] as const)('%s → %s', (input, text, family, prefixLength) => {
    const c = parseCidr(input)
    expect(c).toMatchObject({ text, family, prefixLength })
    expect(parseCidr(c.text).text).toBe(c.text)
  })

  it('computes the numeric network', () => {
    expect(parseCidr('192.0.2.0/24').network).toBe(0xc0000200n)
    expect(parseCidr('2001:db8::/32').network).toBe(0x20010db8n << 96n)
    expect(parseCidr('::ffff:192.0.2.1/128').network).toBe(0xffffc0000201n)
  })

  it('turns a bare address into a single-address block only when asked', () => {
    expect(parseCidr('192.0.2.7', { allowBareAddress: true }).text).toBe('192.0.2.7/32')
    expect(parseCidr('2001:DB8::7', { allowBareAddress: true }).text).toBe('2001:db8::7/128')
    const error = errorOf(() => parseCidr('192.0.2.7'))
    expect(error.code).toBe('invalid_cidr')
    expect(error.message).toBe(
      '"192.0.2.7" is not a valid CIDR block: ' +
        'it has no prefix length; write 192.0.2.7/32 for a single address',
    )
    expect(errorOf(() => parseCidr('2001:DB8::7')).message).toContain('write 2001:db8::7/128')
  })
})

// ---------------------------------------------------------------------------------------
// parsing: rejected input, with messages a person can act on

describe('parseCidr rejects anything ambiguous with a specific message', () => {
  it.each([
    // IPv4 shapes that inet_aton / ipaddr.js would guess at
    ['010.0.0.0/8', 'octet "010" has a leading zero; write "10"'],
    ['10.0.0.00/32', 'octet "00" has a leading zero; write "0"'],
    ['1.2.3/24', 'expected four dot-separated decimal octets like 192.0.2.1, found 3'],
    ['10.1/16', 'short forms such as 10.1 are not accepted'],
    ['1.2.3.4.5/32', 'found 5'],
    ['0x7f.0.0.1/32', 'octet "0x7f" is not a decimal number'],
    ['127.1/32', 'found 2'],
    ['256.0.0.0/8', 'octet "256" is greater than 255'],
    ['0300.0.0.0/8', 'octet "0300" is greater than 255'],
    ['1..2.3/32', 'octet 2 is empty'],
    ['.1.2.3/32', 'octet 1 is empty'],
    ['1.2.3.4./32', 'found 5'],
    ['1.2.3.-4/32', 'octet "-4" is not a decimal number'],
    ['１.2.3.4/32', 'octet "１" is not a decimal number'],
    ['4294967295/32', 'expected an IPv4 address like 192.0.2.1 or an IPv6 address like'],
    // IPv6 shapes
    ['fe80::1%eth0/128', 'zone ids such as "%eth0" are not allowed'],
    ['fe80::%25eth0/64', 'zone ids such as "%eth0" are not allowed'],
    ['1::2::3/128', '"::" may appear only once'],
    [':::/0', '":::" is not valid'],
    ['1:::/16', '":::" is not valid'],
    [':1::/128', 'it starts with a single ":"'],
    ['1::2:/128', 'it ends with a single ":"'],
    ['12345::/16', 'group "12345" has more than four hex digits'],
    ['2001:db8:g::/48', 'character "g" is not allowed in an IPv6 address'],
    ['1:2:3:4:5:6:7/112', 'it has 7 groups; an IPv6 address has 8 unless "::" compresses zeros'],
    ['1:2:3:4:5:6:7:8:9/128', 'it has 9 groups'],
    ['::1:2:3:4:5:6:7:8/128', 'it has 8 groups besides "::"; at most 7 fit'],
    ['1.2.3.4::/128', 'an embedded IPv4 address is only allowed as the last part'],
    ['::1.2.3.4:5/128', 'an embedded IPv4 address is only allowed as the last part'],
    ['::ffff:1.2.3/128', 'embedded IPv4 address "1.2.3": expected four dot-separated'],
    ['::ffff:010.0.0.1/128', 'embedded IPv4 address "010.0.0.1": octet "010" has a leading zero'],
    ['1:2:3:4:5:6:7:1.2.3.4/128', 'it has 9 groups'],
    // prefix length
    ['10.0.0.0/33', 'prefix length /33 is out of range; IPv4 allows /0 to /32'],
    ['2001:db8::/129', 'prefix length /129 is out of range; IPv6 allows /0 to /128'],
    ['10.0.0.0/99999999999999999999', 'is out of range'],
    ['10.0.0.0/-1', 'prefix length "-1" is not a decimal number'],
    ['10.0.0.0/+8', 'prefix length "+8" is not a decimal number'],
    ['10.0.0.0/1e1', 'prefix length "1e1" is not a decimal number'],
    ['10.0.0.0/0x8', 'prefix length "0x8" is not a decimal number'],
    ['10.0.0.0/8.0', 'prefix length "8.0" is not a decimal number'],
    ['10.0.0.0/', 'the prefix length after "/" is missing'],
    ['10.0.0.0/024', 'prefix length "024" has a leading zero; write /24'],
    ['10.0.0.0/00', 'prefix length "00" has a leading zero; write /0'],
    ['10.0.0.0/24/', 'it contains more than one "/"'],
    ['10.0.0.0//24', 'it contains more than one "/"'],
    ['/24', 'the address before "/" is missing'],
    // surface
    ['', 'the value is empty'],
    ['10.0.0.0/ 24', 'it contains whitespace'],
    [' 10.0.0.0/24', 'it contains whitespace'],
    ['10.0.0.0/24\n', 'it contains whitespace'],
    ['10.0.0.0\t/24', 'it contains whitespace'],
    ['10.0.0.0/24\u00a0', 'it contains whitespace'],
    ['garbage', 'expected an IPv4 address like 192.0.2.1 or an IPv6 address like 2001:db8::1'],
  ])('%j', (input, message) => {
    const error = errorOf(() => parseCidr(input))
    expect(error.code).toBe('invalid_cidr')
    expect(error.status).toBe(400)
    expect(error.message).toContain(message)
    expect(error.message.startsWith(`${JSON.stringify(input)} is not a valid CIDR block: `)).toBe(
      true,
    )
  })

  it.each([
    // input, how the message spells it (canonical), the network it should name
    ['192.0.2.1/24', '192.0.2.1/24', '192.0.2.0/24'],
    ['10.1.2.3/8', '10.1.2.3/8', '10.0.0.0/8'],
    ['255.255.255.255/0', '255.255.255.255/0', '0.0.0.0/0'],
    ['2001:db8::1/64', '2001:db8::1/64', '2001:db8::/64'],
    ['2001:DB8:0:0:8000::/33', '2001:db8:0:0:8000::/33', '2001:db8::/33'],
    ['::ffff:192.0.2.1/120', '::ffff:c000:201/120', '::ffff:c000:200/120'],
  ])('names the network when %s has host bits set', (input, given, network) => {
    const error = errorOf(() => parseCidr(input))
    expect(error.code).toBe('invalid_cidr')
    expect(error.message).toBe(`${given} has host bits set; the network is ${network}`)
    expect(error.extra).toEqual({ network })
    expect(parseCidr(network).text).toBe(network)
  })

  it('uses the exact wording from the spec for the classic mistake', () => {
    expect(errorOf(() => parseCidr('192.0.2.1/24')).message).toBe(
      '192.0.2.1/24 has host bits set; the network is 192.0.2.0/24',
    )
  })

  it('rejects over-long input without echoing all of it', () => {
    const input = `${'1'.repeat(200)}/24`
    const error = errorOf(() => parseCidr(input))
    expect(error.message).toContain('it is 203 characters long; at most 100 are accepted')
    expect(error.message.length).toBeLessThan(160)
  })

  it('rejects non-strings that slip past the type system', () => {
    expect(errorOf(() => parseCidr(42 as unknown as string)).message).toBe(
      'Invalid CIDR block: expected a string, got number',
    )
    expect(errorOf(() => parseIp(null as unknown as string)).code).toBe('invalid_ip')
    expect(tryParseIp(undefined as unknown as string)).toBeNull()
  })
})

describe('parseIp / tryParseIp', () => {
  it.each([
    ['192.0.2.1', 'ipv4', 0xc0000201n, '192.0.2.1'],
    ['0.0.0.0', 'ipv4', 0n, '0.0.0.0'],
    ['255.255.255.255', 'ipv4', 0xffffffffn, '255.255.255.255'],
    ['2001:DB8::0001', 'ipv6', (0x20010db8n << 96n) | 1n, '2001:db8::1'],
    ['::', 'ipv6', 0n, '::'],
    ['::ffff:192.0.2.1', 'ipv6', 0xffffc0000201n, '::ffff:c000:201'],
  ] as const)('%s', (input, family, value, text) => {
    expect(parseIp(input)).toEqual({ family, value, text })
    expect(tryParseIp(input)).toEqual({ family, value, text })
  })

  it.each([
    ['010.0.0.1', 'octet "010" has a leading zero'],
    ['1.2.3', 'found 3'],
    ['0x7f.1', 'not a decimal number'],
    ['fe80::1%eth0', 'zone ids'],
    ['192.0.2.0/24', 'it has a prefix length; expected a single address without "/"'],
    [' 192.0.2.1', 'whitespace'],
    ['', 'the value is empty'],
    ['localhost', 'expected an IPv4 address'],
  ])('rejects %j', (input, message) => {
    const error = errorOf(() => parseIp(input))
    expect(error.code).toBe('invalid_ip')
    expect(error.message).toContain(`${JSON.stringify(input)} is not a valid IP address: `)
    expect(error.message).toContain(message)
    expect(tryParseIp(input)).toBeNull()
  })
})

// ---------------------------------------------------------------------------------------
// building and formatting

describe('formatIp and cidrFromBigint', () => {
  it('formats both families canonically', () => {
    expect(formatIp('ipv4', 0xc0000201n)).toBe('192.0.2.1')
    expect(formatIp('ipv6', 0n)).toBe('::')
    expect(formatIp('ipv6', 1n)).toBe('::1')
    expect(formatIp('ipv6', 1n << 112n)).toBe('1::')
    expect(formatIp('ipv6', (1n << 128n) - 1n)).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')
  })

  it('builds blocks and treats bad numbers as programming errors', () => {
    expect(cidrFromBigint('ipv4', 0x0a000000n, 8)).toEqual(parseCidr('10.0.0.0/8'))
    expect(() => cidrFromBigint('ipv4', 0x0a000001n, 8)).toThrow(
      new RangeError('10.0.0.1/8 has host bits set; the network is 10.0.0.0/8'),
    )
    expect(() => cidrFromBigint('ipv4', 1n << 32n, 32)).toThrow(RangeError)
    expect(() => cidrFromBigint('ipv4', -1n, 32)).toThrow(RangeError)
    expect(() => cidrFromBigint('ipv4', 0n, 33)).toThrow(RangeError)
    expect(() => cidrFromBigint('ipv6', 0n, 1.5)).toThrow(RangeError)
    expect(() => formatIp('ipv6', 1n << 128n)).toThrow(RangeError)
    expect(() => formatIp('ipx' as Family, 0n)).toThrow(RangeError)
  })

  it('familyBits', () => {
    expect(familyBits('ipv4')).toBe(32)
    expect(familyBits('ipv6')).toBe(128)
  })
})

// ---------------------------------------------------------------------------------------
// relations

describe('containment, overlap and order', () => {
  it('cidrLast', () => {
    expect(cidrLast(parseCidr('192.0.2.0/24'))).toBe(0xc00002ffn)
    expect(cidrLast(parseCidr('0.0.0.0/0'))).toBe(0xffffffffn)
    expect(cidrLast(parseCidr('192.0.2.1/32'))).toBe(0xc0000201n)
    expect(cidrLast(parseCidr('::/0'))).toBe((1n << 128n) - 1n)
  })

  it.each([
    ['192.0.2.0/24', '192.0.2.0', true],
    ['192.0.2.0/24', '192.0.2.255', true],
    ['192.0.2.0/24', '192.0.3.0', false],
    ['192.0.2.0/24', '192.0.1.255', false],
    ['0.0.0.0/0', '255.255.255.255', true],
    ['0.0.0.0/0', '::', false],
    ['::/0', '0.0.0.0', false],
    ['::ffff:0:0/96', '::ffff:192.0.2.1', true],
    ['::ffff:0:0/96', '192.0.2.1', false],
  ] as const)('%s contains address %s: %s', (block, address, expected) => {
    expect(cidrContainsIp(parseCidr(block), parseIp(address))).toBe(expected)
  })

  it.each([
    ['10.0.0.0/8', '10.1.0.0/16', true, true],
    ['10.1.0.0/16', '10.0.0.0/8', false, true],
    ['10.0.0.0/8', '10.0.0.0/8', true, true],
    ['10.0.0.0/9', '10.128.0.0/9', false, false],
    ['10.0.0.0/24', '10.0.1.0/24', false, false],
    ['0.0.0.0/0', '::/0', false, false],
    ['::/0', '2001:db8::/32', true, true],
  ] as const)('%s vs %s: contains %s, overlaps %s', (a, b, contains, overlaps) => {
    expect(cidrContainsCidr(parseCidr(a), parseCidr(b))).toBe(contains)
    expect(cidrsOverlap(parseCidr(a), parseCidr(b))).toBe(overlaps)
    expect(cidrsOverlap(parseCidr(b), parseCidr(a))).toBe(overlaps)
  })

  it('agrees with interval arithmetic on random blocks', () => {
    const pair = fc.oneof(
      fc.tuple(arbCidr('ipv4'), arbCidr('ipv4')),
      fc.tuple(arbCidr('ipv6'), arbCidr('ipv6')),
      fc.tuple(arbSubspaceCidr('ipv4', 0x0a000000n), arbSubspaceCidr('ipv4', 0x0a000000n)),
      fc.tuple(arbCidr('ipv4'), arbCidr('ipv6')),
    )
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const [aFirst, aLast] = interval(a)
        const [bFirst, bLast] = interval(b)
        const same = a.family === b.family
        expect(cidrContainsCidr(a, b)).toBe(same && aFirst <= bFirst && bLast <= aLast)
        expect(cidrsOverlap(a, b)).toBe(same && aFirst <= bLast && bFirst <= aLast)
        expect(cidrLast(a)).toBe(aLast)
      }),
      { numRuns: 500 },
    )
  })

  it('compareCidrs orders IPv4 first, then network, then shorter prefix', () => {
    const sorted = cidrs('::/0', '10.0.0.0/24', '10.0.0.0/8', '9.255.0.0/16', '::1/128', '::/1')
    sorted.sort(compareCidrs)
    expect(texts(sorted)).toEqual([
      '9.255.0.0/16',
      '10.0.0.0/8',
      '10.0.0.0/24',
      '::/0',
      '::/1',
      '::1/128',
    ])
    expect(compareCidrs(parseCidr('10.0.0.0/8'), parseCidr('10.0.0.0/8'))).toBe(0)
  })
})

describe('IPv4 masks', () => {
  it.each([
    ['0.0.0.0/0', '0.0.0.0', '255.255.255.255'],
    ['10.0.0.0/8', '255.0.0.0', '0.255.255.255'],
    ['172.16.0.0/12', '255.240.0.0', '0.15.255.255'],
    ['192.0.2.0/24', '255.255.255.0', '0.0.0.255'],
    ['192.0.2.128/25', '255.255.255.128', '0.0.0.127'],
    ['192.0.2.4/30', '255.255.255.252', '0.0.0.3'],
    ['192.0.2.1/32', '255.255.255.255', '0.0.0.0'],
  ])('%s → %s / %s', (block, netmask, wildcard) => {
    expect(ipv4Netmask(parseCidr(block))).toBe(netmask)
    expect(ipv4Wildcard(parseCidr(block))).toBe(wildcard)
  })

  it('refuses IPv6 blocks', () => {
    const error = errorOf(() => ipv4Netmask(parseCidr('2001:db8::/32')))
    expect(error.message).toBe('2001:db8::/32 is IPv6; netmasks exist only for IPv4')
    expect(errorOf(() => ipv4Wildcard(parseCidr('::/0'))).message).toContain('wildcard masks')
  })
})

// ---------------------------------------------------------------------------------------
// aggregation

describe('aggregateCidrs', () => {
  it.each([
    [[], []],
    [['10.0.0.0/24', '10.0.0.0/24'], ['10.0.0.0/24']],
    [['10.0.0.0/24', '10.0.0.128/25', '10.0.0.7/32'], ['10.0.0.0/24']],
    [['10.0.0.128/25', '10.0.0.0/25'], ['10.0.0.0/24']],
    // adjacent but not siblings: 10.0.1.0/24 + 10.0.2.0/24 cannot become one block
    [['10.0.1.0/24', '10.0.2.0/24'], ['10.0.1.0/24', '10.0.2.0/24']],
    // merging cascades upwards
    [
      ['10.0.0.3/32', '10.0.0.2/32', '10.0.0.1/32', '10.0.0.0/32', '10.0.0.4/30'],
      ['10.0.0.0/29'],
    ],
    [['0.0.0.0/1', '128.0.0.0/1'], ['0.0.0.0/0']],
    [['0.0.0.0/0', '10.0.0.0/8', '255.255.255.255/32'], ['0.0.0.0/0']],
    [['255.255.255.254/32', '255.255.255.255/32'], ['255.255.255.254/31']],
    [['::/1', '8000::/1'], ['::/0']],
    [
      [`${'ffff:'.repeat(7)}fffe/128`, `${'ffff:'.repeat(7)}ffff/128`],
      [`${'ffff:'.repeat(7)}fffe/127`],
    ],
    // families never merge and IPv4 comes first
    [
      ['2001:db8::/33', '0.0.0.0/0', '2001:db8:8000::/33', '::/0', '10.0.0.0/8'],
      ['0.0.0.0/0', '::/0'],
    ],
    [
      ['2001:db8:1::/48', '192.0.2.0/25', '2001:db8::/48', '192.0.2.128/25', '::ffff:c000:200/120'],
      ['192.0.2.0/24', '::ffff:c000:200/120', '2001:db8::/47'],
    ],
  ])('%j → %j', (input, expected) => {
    const list = cidrs(...input)
    const before = texts(list)
    const out = aggregateCidrs(list)
    expect(texts(out)).toEqual(expected)
    expect(texts(list)).toEqual(before)
    expectMinimalAndSorted(out)
  })

  it('matches a bitmap reference on a small IPv4 sub-space', () => {
    const base = 0x0a000000n // 10.0.0.0/20
    fc.assert(
      fc.property(fc.array(arbSubspaceCidr('ipv4', base), { maxLength: 40 }), (list) => {
        const out = aggregateCidrs(list)
        expect(texts(out)).toEqual(referenceBlocks('ipv4', base, bitmapOf(list, base)))
        expect(sameBits(bitmapOf(out, base), bitmapOf(list, base))).toBe(true)
        expectMinimalAndSorted(out)
      }),
      { numRuns: 300 },
    )
  })

  it('matches a bitmap reference on a small IPv6 sub-space', () => {
    const base = parseIp('2001:db8::ffff:f000').value // a /116
    fc.assert(
      fc.property(fc.array(arbSubspaceCidr('ipv6', base), { maxLength: 40 }), (list) => {
        const out = aggregateCidrs(list)
        expect(texts(out)).toEqual(referenceBlocks('ipv6', base, bitmapOf(list, base)))
        expect(sameBits(bitmapOf(out, base), bitmapOf(list, base))).toBe(true)
        expectMinimalAndSorted(out)
      }),
      { numRuns: 300 },
    )
  })

  it('covers exactly the same intervals on random mixed input across the full space', () => {
    const anyCidr = fc.oneof(
      arbCidr('ipv4'),
      arbCidr('ipv6'),
      arbSubspaceCidr('ipv4', 0xfffff000n), // the top edge, where off-by-one bugs live
      arbSubspaceCidr('ipv6', 0n),
    )
    fc.assert(
      fc.property(fc.array(anyCidr, { maxLength: 60 }), (list) => {
        const out = aggregateCidrs(list)
        for (const family of ['ipv4', 'ipv6'] as const) {
          expect(mergedIntervals(out, family)).toEqual(mergedIntervals(list, family))
        }
        expectMinimalAndSorted(out)
      }),
      { numRuns: 300 },
    )
  })

  it('is idempotent and independent of input order', () => {
    const anyCidr = fc.oneof(arbSubspaceCidr('ipv4', 0x0a000000n), arbSubspaceCidr('ipv6', 0n))
    fc.assert(
      fc.property(
        fc.array(anyCidr, { maxLength: 40 }).chain((list) =>
          fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length })),
        ),
        ([list, shuffled]) => {
          const out = aggregateCidrs(list)
          expect(texts(aggregateCidrs(shuffled))).toEqual(texts(out))
          expect(texts(aggregateCidrs(out))).toEqual(texts(out))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('handles 100 000 mixed prefixes: sorted, disjoint output (speed is measured in bench/aggregate.ts)', () => {
    const anyCidr = fc.oneof(arbCidr('ipv4'), arbCidr('ipv6'))
    const random = fc.sample(anyCidr, { numRuns: 100_000, seed: 7 })
    const out = aggregateCidrs(random)
    expect(out.length).toBeGreaterThan(0)
    for (let i = 1; i < out.length; i++) {
      const a = out[i - 1]!
      const b = out[i]!
      expect(a.family === b.family ? cidrLast(a) < b.network : a.family === 'ipv4').toBe(true)
    }
  })
})

// ---------------------------------------------------------------------------------------
// round trips and differential fuzzing of the grammar

describe('round trips', () => {
  it('parse ∘ format is the identity on random IPv4 addresses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const value = BigInt(n)
        const text = formatIp('ipv4', value)
        const bytes = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]
        expect(text).toBe(ipaddr.fromByteArray(bytes).toString())
        expect(parseIp(text)).toEqual({ family: 'ipv4', value, text })
      }),
      { numRuns: 1000 },
    )
  })

  it('parse ∘ format is the identity on random IPv6 addresses and matches RFC 5952', () => {
    // Zero groups are common in real addresses and are what compression is about.
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }))
    const value = fc.oneof(
      fc.bigInt(0n, (1n << 128n) - 1n),
      fc.array(group, { minLength: 8, maxLength: 8 }).map(groupsToBigint),
    )
    fc.assert(
      fc.property(value, (v) => {
        const text = formatIp('ipv6', v)
        const hex = v.toString(16).padStart(32, '0')
        const bytes = [...hex.matchAll(/../g)].map((m) => parseInt(m[0], 16))
        expect(text).toBe((ipaddr.fromByteArray(bytes) as ipaddr.IPv6).toRFC5952String())
        expect(parseIp(text)).toEqual({ family: 'ipv6', value: v, text })
      }),
      { numRuns: 1000 },
    )
  })

  it('any valid spelling of an IPv6 address parses to the same value and canonical text', () => {
    const spelling = fc
      .record({
        groups: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
          minLength: 8,
          maxLength: 8,
        }),
        upper: fc.boolean(),
        pad: fc.boolean(),
        embedIpv4: fc.boolean(),
        gap: fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 8 })),
      })
      .map(({ groups, upper, pad, embedIpv4, gap: [gapStart, gapLength] }) => {
        const hex = groups.map((g) => {
          const s = pad ? g.toString(16).padStart(4, '0') : g.toString(16)
          return upper ? s.toUpperCase() : s
        })
        const g6 = groups[6] ?? 0
        const g7 = groups[7] ?? 0
        const dotted = `${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`
        const parts = embedIpv4 ? [...hex.slice(0, 6), dotted] : hex
        // "::" may replace any run of zero hex groups, but never part of the dotted tail
        const end = Math.min(gapStart + gapLength, embedIpv4 ? 6 : 8)
        const zeroRun = end > gapStart && groups.slice(gapStart, end).every((g) => g === 0)
        const text = zeroRun
          ? `${parts.slice(0, gapStart).join(':')}::${parts.slice(end).join(':')}`
          : parts.join(':')
        return { text, value: groupsToBigint(groups) }
      })
    fc.assert(
      fc.property(spelling, ({ text, value }) => {
        const ip = parseIp(text)
        expect(ip.value).toBe(value)
        expect(ip.text).toBe(formatIp('ipv6', value))
        expect(parseIp(ip.text).text).toBe(ip.text)
      }),
      { numRuns: 1000 },
    )
  })

  it('parseCidr(c.text).text === c.text for random blocks', () => {
    fc.assert(
      fc.property(fc.oneof(arbCidr('ipv4'), arbCidr('ipv6')), (c) => {
        expect(parseCidr(c.text)).toEqual(c)
      }),
      { numRuns: 1000 },
    )
  })
})

describe('differential fuzzing of the grammar', () => {
  const octet = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
  const strictIpv4 = new RegExp(`^${octet}\\.${octet}\\.${octet}\\.${octet}$`)

  it('accepts exactly the strict dotted-quad IPv4 strings', () => {
    const token = fc.constantFrom('0', '1', '9', '25', '255', '256', '00', '01', '300', '.', '.')
    fc.assert(
      fc.property(fc.array(token, { maxLength: 9 }).map((t) => t.join('')), (text) => {
        const ip = tryParseIp(text)
        expect(ip !== null, text).toBe(strictIpv4.test(text))
        if (ip) expect(ip.text).toBe(text)
      }),
      { numRuns: 3000 },
    )
  })

  /** Naive RFC 4291 reader for hex-only text (no embedded IPv4), written for clarity. */
  function referenceIpv6(text: string): bigint | null {
    if (!/^[0-9a-fA-F:]*$/.test(text)) return null
    const halves = text.split('::')
    if (halves.length > 2) return null
    const split = (half: string): string[] => (half === '' ? [] : half.split(':'))
    const head = split(halves[0] ?? '')
    const tail = halves.length === 2 ? split(halves[1] ?? '') : []
    if (![...head, ...tail].every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null
    if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) return null
    const zeros: string[] = new Array<string>(8 - head.length - tail.length).fill('0')
    return groupsToBigint([...head, ...zeros, ...tail].map((g) => parseInt(g, 16)))
  }

  it('accepts exactly the RFC 4291 hex IPv6 strings, with the same value', () => {
    const token = fc.constantFrom('0', '1', 'a', 'F', 'ffff', '0000', '12345', ':', ':', '::', 'g')
    fc.assert(
      fc.property(fc.array(token, { maxLength: 16 }).map((t) => t.join('')), (text) => {
        fc.pre(text.includes(':'))
        const expected = referenceIpv6(text)
        const ip = tryParseIp(text)
        expect(ip?.value ?? null, text).toBe(expected)
      }),
      { numRuns: 5000 },
    )
  })

  it('never throws anything but DomainError, and accepted input round-trips', () => {
    const noisy = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:./%-+ x'), maxLength: 60 }),
    )
    fc.assert(
      fc.property(noisy, fc.boolean(), (text, allowBareAddress) => {
        for (const parse of [() => parseIp(text), () => parseCidr(text, { allowBareAddress })]) {
          try {
            const parsed = parse()
            const again = 'prefixLength' in parsed ? parseCidr(parsed.text) : parseIp(parsed.text)
            expect(again).toEqual(parsed)
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError)
            expect((error as DomainError).message.length).toBeLessThan(300)
          }
        }
      }),
      { numRuns: 3000 },
    )
  })
})
