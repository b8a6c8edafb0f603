/**
 * @module domain/notifications/outbound-request
 * The shape of the one outbound-request guard (src/platform/outbound-fetch*.ts): what a
 * caller asks for and gets back. Bodies sent are small; bodies read are capped and only
 * used to check an echoed challenge, never stored.
 */

export const OUTBOUND_TIMEOUT_MS = 10_000
export const OUTBOUND_MAX_BODY_BYTES = 64 * 1024
export const OUTBOUND_MAX_RESPONSE_BYTES = 16 * 1024

export interface OutboundRequest {
  url: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
}

export interface OutboundResponse {
  status: number
  headers: Record<string, string>
  /** At most the configured cap, decoded as UTF-8. */
  body: string
  /** The address the connection went to (after the check). */
  address: string
}

export type OutboundFetch = (req: OutboundRequest) => Promise<OutboundResponse>

/** The guard refused to send (bad URL, a non-public address, too big): not worth a quick retry. */
export class OutboundRefused extends Error {
  readonly reason: string
  constructor(reason: string, message: string) {
    super(message)
    this.name = 'OutboundRefused'
    this.reason = reason
  }
}

/** Checks the parts of a request that do not need the network; returns the parsed URL. */
export function checkOutboundRequest(req: OutboundRequest, maxBodyBytes = OUTBOUND_MAX_BODY_BYTES): URL {
  let url: URL
  try {
    url = new URL(req.url)
  } catch {
    throw new OutboundRefused('bad_url', 'not an absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundRefused('bad_url', 'only http and https URLs are allowed')
  if (url.username || url.password) throw new OutboundRefused('bad_url', 'URLs with credentials are not allowed')
  if (req.body !== undefined && new TextEncoder().encode(req.body).length > maxBodyBytes) {
    throw new OutboundRefused('too_large', `request body over ${maxBodyBytes} bytes`)
  }
  return url
}
