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
 * leading zeros.
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
 *
 * The code lives in domain/cidr/: types, bits (masks per prefix length), format, parse,
 * relations, aggregate and masks. This file is the public surface.
 */
export type { Cidr, Family, IpAddress } from './cidr/types.js'
export { familyBits } from './cidr/bits.js'
export { cidrFromBigint, formatIp } from './cidr/format.js'
export { parseCidr, parseIp, tryParseIp } from './cidr/parse.js'
export {
  cidrContainsCidr,
  cidrContainsIp,
  cidrLast,
  cidrsOverlap,
  compareCidrs,
} from './cidr/relations.js'
export { aggregateCidrs } from './cidr/aggregate.js'
export { ipv4Netmask, ipv4Wildcard } from './cidr/masks.js'
export { parseHostIp, unmapCidr, unmapIpv4 } from './cidr/mapped.js'
