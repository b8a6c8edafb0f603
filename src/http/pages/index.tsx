/**
 * @module http/pages
 * The web pages: the public scanner page, lookup, report form and status, and the abuse
 * desk, all server-rendered (hono/jsx) with one stylesheet and one progressive-enhancement
 * script from /assets. `registerPageMiddleware` goes before the rate limits (so a refused
 * form post is answered with a page, not JSON); `registerPageRoutes` with the other routes.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../app-env.js'
import { KIB, limitBody } from '../intake-body.js'
import type { FeedContext } from '../routes/feed-context.js'
import { REPORT_MAX_BYTES } from '../routes/reports.js'
import { HTML_CSP } from '../security-headers.js'
import { registerAssetRoutes } from './assets.js'
import type { ExclusionPolicy } from '../../domain/exclusion-rules.js'
import { registerDeskRoutes } from './desk/routes.js'
import { registerDeskWebhookRoutes } from './desk/webhooks.js'
import { registerSubscriptionPages } from './subscriptions.js'
import { registerDeskMailRoutes } from './desk/mail.js'
import { homePage } from './home.js'
import { MessagePage } from './layout.js'
import { lookupPage } from './lookup.js'
import { reportFormPage, reportFormPost } from './report-form.js'
import { FormGuard } from './report-guard.js'
import { statusFormPage, statusFormPost } from './report-status.js'

/**
 * Routes that are pages for people, not API operations, so /openapi.json leaves them out
 * (each with the reason; the OpenAPI contract test lists undocumented routes).
 */
export const PAGE_ROUTES: Readonly<Record<string, string>> = {
  'GET /': 'HTML page: the public scanner ranges, filters and firewall snippets',
  'GET /lookup': 'HTML page: is this IP one of yours? (the API equivalent is GET /v1/lookup/{ip})',
  'GET /report': 'HTML page: the abuse report form',
  'POST /report': 'browser form post of the HTML report page (the API equivalent is POST /v1/reports)',
  'GET /report/status': 'HTML page: form for the reference and status token',
  'POST /report/status': 'browser form post of the status page (the API equivalent is GET /v1/reports/{ref})',
  'GET /desk': 'HTML page: abuse desk sign-in and case queue (the API equivalent is GET /v1/admin/cases)',
  'POST /desk/sign-in': 'browser form post: exchanges an API token for a desk session cookie',
  'POST /desk/sign-out': 'browser form post: ends the desk session',
  'GET /desk/cases/{id}': 'HTML page: one case on the desk (the API equivalent is GET /v1/admin/cases/{id})',
  'POST /desk/cases/{id}/notes': 'browser form post of the desk (the API equivalent is POST /v1/admin/cases/{id}/notes)',
  'POST /desk/cases/{id}/assign': 'browser form post of the desk (the API equivalent is POST /v1/admin/cases/{id}/assign)',
  'POST /desk/cases/{id}/transition': 'browser form post of the desk (the API equivalent is POST /v1/admin/cases/{id}/transition)',
  'GET /desk/webhooks': 'HTML page: webhook subscribers and their delivery log (the API equivalent is GET /v1/admin/webhooks)',
  'POST /desk/webhooks/{id}/{action}': 'browser form post of the desk: redeliver, disable or enable a webhook (API: POST /v1/admin/webhooks/{id}/…)',
  'GET /subscriptions/confirm': 'HTML page: the confirmation link of an e-mail subscription (shows a button)',
  'POST /subscriptions/confirm': 'browser form post: confirms an e-mail subscription',
  'GET /subscriptions/unsubscribe': 'HTML page: the unsubscribe link of a subscription (shows a button)',
  'POST /subscriptions/unsubscribe': 'browser form post and RFC 8058 one-click unsubscribe',
  'GET /desk/mail': 'HTML page: the unparsed-mail queue (the API equivalent is GET /v1/admin/mail)',
  'GET /desk/mail/{id}': 'HTML page: one stored mail as text (the API equivalent is GET /v1/admin/mail/{id})',
  'POST /desk/mail/{id}/report': 'browser form post of the desk (the API equivalent is POST /v1/admin/mail/{id}/report)',
  'POST /desk/mail/{id}/dismiss': 'browser form post of the desk (the API equivalent is POST /v1/admin/mail/{id}/dismiss)',
  'GET /assets/app.css': 'stylesheet of the HTML pages',
  'GET /assets/app.js': 'progressive-enhancement script of the HTML pages',
}

export function isPagePath(path: string): boolean {
  return path === '/' || path === '/lookup' || path === '/report' || path.startsWith('/report/') || path === '/desk' || path.startsWith('/desk/') || path.startsWith('/subscriptions/')
}

const TITLES: Record<number, string> = {
  400: 'That did not work',
  403: 'Not allowed',
  404: 'Page not found',
  413: 'Too much text',
  415: 'Unsupported form',
  429: 'Too many requests',
  503: 'Temporarily unavailable',
}

/**
 * Page paths answer people: a problem+json response (rate limit, body too large, an
 * unknown path, an outage) is turned into an HTML page with the same status, message and
 * Retry-After.
 */
export function registerPageMiddleware(app: OpenAPIHono<AppEnv>): void {
  app.use(
    '*',
    createMiddleware<AppEnv>(async (c, next) => {
      await next()
      if (!isPagePath(new URL(c.req.url).pathname)) return
      if (!(c.res.headers.get('content-type') ?? '').startsWith('application/problem+json')) return
      const status = c.res.status
      let detail = 'Something went wrong on our side; nothing was stored. Please try again in a moment.'
      try {
        const p = (await c.res.clone().json()) as { detail?: unknown }
        if (typeof p.detail === 'string' && status < 500) detail = p.detail
        else if (status === 503 && typeof p.detail === 'string') detail = p.detail
      } catch {
        // keep the generic text
      }
      const section = new URL(c.req.url).pathname.startsWith('/desk') ? 'desk' : 'none'
      const page = (
        <MessagePage title={TITLES[status] ?? 'Something went wrong'} section={section} tone="bad">
          <p>{detail}</p>
          <p>
            <a href="/">Scanner ranges</a> · <a href="/report">Report form</a>
          </p>
        </MessagePage>
      )
      const html = '<!doctype html>' + (await (await page).toString())
      c.res = new Response(html, { status, headers: { 'content-type': 'text/html; charset=UTF-8' } })
      // the problem's own headers were merged in: put the page's policy back
      c.res.headers.set('content-security-policy', HTML_CSP)
      c.res.headers.set('cache-control', 'no-store')
    }),
  )
}

export function registerPageRoutes(app: OpenAPIHono<AppEnv>, feed: FeedContext, now: () => Date, exclusionPolicy?: ExclusionPolicy): void {
  const guard = new FormGuard()
  registerAssetRoutes(app)
  app.get('/', (c) => homePage(c, app, feed))
  app.get('/lookup', (c) => lookupPage(c, app))
  app.get('/report', (c) => reportFormPage(c, guard, now))
  app.post('/report', limitBody(REPORT_MAX_BYTES, 'A report'), (c) => reportFormPost(c, guard, now))
  app.get('/report/status', (c) => statusFormPage(c))
  app.post('/report/status', limitBody(16 * KIB, 'The status form'), (c) => statusFormPost(c, app))
  registerDeskRoutes(app, now, exclusionPolicy)
  registerDeskWebhookRoutes(app, now)
  registerSubscriptionPages(app, now)
  registerDeskMailRoutes(app, now)
}
