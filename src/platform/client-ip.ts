/**
 * @module platform/client-ip
 * Who the client is on Node, with or without reverse proxies in front.
 */

import { tryParseIp, unmapIpv4 } from '../domain/cidr.js'

/** An IPv4-mapped address (`::ffff:192.0.2.1`, what a dual-stack socket reports) in IPv4 form. */
function plain(ip: string | null): string | null {
  const parsed = ip === null ? null : tryParseIp(ip)
  return parsed ? unmapIpv4(parsed).text : ip
}

/**
 * The client address: the socket peer, or — behind `hops` trusted reverse proxies — the
 * entry that many places from the right of X-Forwarded-For (entries further left are
 * client-controlled and cannot be trusted).
 */
export function clientIp(peer: string | null, forwardedFor: string | undefined, hops: number): string | null {
  if (hops === 0 || !forwardedFor) return plain(peer)
  const chain = forwardedFor.split(',').map((s) => s.trim()).filter(Boolean)
  return plain(chain[Math.max(0, chain.length - hops)] ?? peer)
}
