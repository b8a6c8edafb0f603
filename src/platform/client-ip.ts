/**
 * @module platform/client-ip
 * Who the client is on Node, with or without reverse proxies in front.
 */

/**
 * The client address: the socket peer, or — behind `hops` trusted reverse proxies — the
 * entry that many places from the right of X-Forwarded-For (entries further left are
 * client-controlled and cannot be trusted).
 */
export function clientIp(peer: string | null, forwardedFor: string | undefined, hops: number): string | null {
  if (hops === 0 || !forwardedFor) return peer
  const chain = forwardedFor.split(',').map((s) => s.trim()).filter(Boolean)
  return chain[Math.max(0, chain.length - hops)] ?? peer
}
