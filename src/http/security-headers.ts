/**
 * @module http/security-headers
 * Headers every response carries. API responses are never sniffed, framed or allowed
 * to load anything; HTML pages replace the CSP with their own (see `HTML_CSP`).
 *
 * The headers are prepared before the handler runs (no response is re-read or copied
 * afterwards, which keeps the feed's hot path cheap); responses built outside the
 * context, such as problems, add `SECURITY_HEADERS` themselves.
 */
import { createMiddleware } from 'hono/factory'

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
}

export const HTML_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

export function securityHeaders() {
  return createMiddleware(async (c, next) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v)
    await next()
  })
}
