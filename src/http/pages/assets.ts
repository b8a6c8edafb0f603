/**
 * @module http/pages/assets
 * The stylesheet and script of the web pages, as static files: encoded once, served from
 * memory with a strong ETag (304 on a match). Pages link them with `?v=<hash>`, so a
 * versioned URL can be cached for a year; an unversioned one is revalidated hourly.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../app-env.js'
import { ifNoneMatchHits, renderOnce, type Rendered } from '../conditional.js'
import { APP_JS } from './assets/script.js'
import { APP_CSS } from './assets/styles.js'

interface Asset {
  path: string
  text: string
  contentType: string
  /** Short content hash for cache-busting URLs (FNV-1a; the ETag is SHA-256). */
  version: string
  rendered?: Promise<Rendered>
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(16).padStart(8, '0')
}

const asset = (path: string, text: string, contentType: string): Asset => ({ path, text, contentType, version: fnv1a(text) })

export const ASSETS = {
  css: asset('/assets/app.css', APP_CSS, 'text/css; charset=utf-8'),
  js: asset('/assets/app.js', APP_JS, 'text/javascript; charset=utf-8'),
} as const

/** The URL pages link: versioned, so a changed file is fetched at once. */
export function assetUrl(kind: keyof typeof ASSETS): string {
  const a = ASSETS[kind]
  return `${a.path}?v=${a.version}`
}

export function registerAssetRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const a of Object.values(ASSETS)) {
    app.get(a.path, async (c) => {
      a.rendered ??= renderOnce(a.text, a.contentType, 1)
      const r = await a.rendered
      const headers = {
        etag: r.etag,
        'cache-control': c.req.query('v') === a.version ? 'public, max-age=31536000, immutable' : 'public, max-age=3600',
      }
      if (ifNoneMatchHits(c.req.header('if-none-match'), r.etag)) return c.body(null, 304, headers)
      return c.body(r.body, 200, { ...headers, 'content-type': r.contentType })
    })
  }
}
