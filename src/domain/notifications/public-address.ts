/**
 * @module domain/notifications/public-address
 * Whether an address is on the public internet, for everything we send to an address a
 * stranger chose (webhooks, opt-out challenges). Anything in an IANA special-purpose block
 * — loopback, private, link-local (and so the 169.254.169.254 metadata service), CGNAT,
 * multicast, documentation, NAT64/6to4/Teredo that embed an IPv4 address — is refused.
 */
import ipaddr from 'ipaddr.js'

/**
 * The reason `ip` must not be contacted (the ipaddr.js range name, e.g. `loopback`), or
 * null when it is ordinary public unicast. IPv4-mapped IPv6 is judged as the IPv4 address.
 */
export function nonPublicReason(ip: string): string | null {
  const bare = ip.replace(/^\[|\]$/g, '')
  if (!ipaddr.isValid(bare)) return 'not an IP address'
  let addr = ipaddr.parse(bare)
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address()
  const range = addr.range()
  return range === 'unicast' ? null : range
}

export function isIpLiteral(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '')
  return ipaddr.IPv4.isValidFourPartDecimal(bare) || (bare.includes(':') && ipaddr.IPv6.isValid(bare))
}
