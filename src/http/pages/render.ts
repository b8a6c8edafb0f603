/**
 * @module http/pages/render
 * Sending a server-rendered page: the HTML content-security policy (no inline script or
 * style: everything the page loads comes from /assets), a doctype, and caching rules.
 * Plus the small formatting helpers every page shares.
 */
import type { Context } from 'hono'
import type { JSXNode } from 'hono/jsx'
import type { JSX } from 'hono/jsx/jsx-runtime'
import { HTML_CSP } from '../security-headers.js'

export interface PageOptions {
  status?: 200 | 400 | 403 | 404 | 409 | 429 | 500 | 503
  /** Pages with personal data or secrets are never stored by a cache. */
  cache?: 'no-store' | 'public-short'
}

export async function sendPage(c: Context, page: JSX.Element | JSXNode, opts: PageOptions = {}): Promise<Response> {
  const html = '<!doctype html>' + (await (await page).toString())
  c.header('content-security-policy', HTML_CSP)
  c.header('cache-control', opts.cache === 'public-short' ? 'public, max-age=60' : 'no-store')
  c.header('vary', 'cookie')
  return c.html(html, opts.status ?? 200)
}

/** Whether the browser reached us over https (see http/transport). */
export { isHttps } from '../transport.js'

/** 2026-11-01 (UTC). */
export function day(d: Date | string): string {
  return new Date(d).toISOString().slice(0, 10)
}

/** 2026-11-01 14:05 UTC. */
export function dateTime(d: Date | string): string {
  return new Date(d).toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
}

/** Human words for machine values: awaiting_customer → awaiting customer. */
export function words(v: string): string {
  return v.replace(/[_-]+/g, ' ')
}

/** Constant-time comparison of two secrets of the same kind. */
export function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/** Random base64url text (Web Crypto: Node and Workers). */
export function randomToken(bytes = 32): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes))
  let bin = ''
  for (const x of b) bin += String.fromCharCode(x)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Form fields of an url-encoded body (pages post nothing else). */
export async function formFields(c: Context): Promise<URLSearchParams> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded') return new URLSearchParams()
  return new URLSearchParams(await c.req.text())
}
