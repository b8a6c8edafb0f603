/**
 * @module platform/outbound-fetch-worker
 * The outbound-request guard on Cloudflare Workers. Same rules as the Node guard where a
 * Worker can apply them: http(s) only, literal addresses must be public, no redirects
 * (`redirect: 'manual'` hands a 3xx back), 10 s, 64 KiB sent, a small cap read.
 *
 * What a Worker cannot do: resolve a name and pin the address for the connection (there is
 * no DNS or socket-level lookup hook; `connect()` has no TLS-name override). We rely on
 * the platform there: a Worker's fetch leaves from Cloudflare's network, which does not
 * route to loopback, private (RFC 1918), link-local or cloud-metadata addresses of ours.
 * Hostnames are therefore checked only by the Node guard; see docs/notifications.md.
 */
import {
  checkOutboundRequest,
  OUTBOUND_MAX_BODY_BYTES,
  OUTBOUND_MAX_RESPONSE_BYTES,
  OUTBOUND_TIMEOUT_MS,
  OutboundRefused,
  type OutboundFetch,
} from '../domain/notifications/outbound-request.js'
import { isIpLiteral, nonPublicReason } from '../domain/notifications/public-address.js'

export function createWorkerOutboundFetch(options: { timeoutMs?: number; maxResponseBytes?: number } = {}): OutboundFetch {
  const timeoutMs = options.timeoutMs ?? OUTBOUND_TIMEOUT_MS
  const cap = options.maxResponseBytes ?? OUTBOUND_MAX_RESPONSE_BYTES
  return async (req) => {
    const url = checkOutboundRequest(req, OUTBOUND_MAX_BODY_BYTES)
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (isIpLiteral(host)) {
      const reason = nonPublicReason(host)
      if (reason) throw new OutboundRefused('blocked_address', `${host} is ${reason}; only public addresses are allowed`)
    } else if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) {
      throw new OutboundRefused('blocked_address', `${host} is not a public name`)
    }
    const res = await fetch(url, {
      method: req.method ?? 'POST',
      ...(req.headers ? { headers: req.headers } : {}),
      ...(req.body !== undefined ? { body: req.body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    let body = ''
    if (res.body) {
      const reader = res.body.getReader()
      const decoder = new TextDecoder()
      let size = 0
      while (size < cap) {
        const { done, value } = await reader.read()
        if (done) break
        const part = value.subarray(0, cap - size)
        size += part.length
        body += decoder.decode(part, { stream: true })
      }
      await reader.cancel().catch(() => undefined)
    }
    const headers: Record<string, string> = {}
    res.headers.forEach((v, k) => (headers[k] = v))
    return { status: res.status, headers, body, address: host }
  }
}
