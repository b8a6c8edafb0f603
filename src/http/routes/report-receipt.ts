/**
 * @module http/routes/report-receipt
 * `GET /report/receipt/{ref}`: the page a browser lands on after posting the report form
 * (to `POST /report` or `POST /v1/reports`). It shows the reference and, once, the status
 * token from the short-lived cookie the form post set, then deletes the cookie. The token
 * never appears in a URL, so it stays out of history, logs and Referer headers. The markup
 * is in http/pages/receipt.tsx.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import { deleteCookie, getCookie } from 'hono/cookie'
import { jsx } from 'hono/jsx'
import { REF_PATTERN, STATUS_TOKEN_PATTERN } from '../../domain/intake/report-ids.js'
import type { AppEnv } from '../app-env.js'
import { NotAReference, ReceiptWithoutToken, ReceiptWithToken } from '../pages/receipt.js'
import { sendPage } from '../pages/render.js'
import { RECEIPT_COOKIE, RECEIPT_COOKIE_PATH } from './reports.js'

export function registerReportReceiptRoutes(app: OpenAPIHono<AppEnv>): void {
  app.get('/report/receipt/:ref', async (c) => {
    const ref = c.req.param('ref')
    if (!REF_PATTERN.test(ref)) return sendPage(c, jsx(NotAReference, {}), { status: 404 })
    const cookie = getCookie(c, RECEIPT_COOKIE)
    const token = cookie?.startsWith(`${ref}.`) ? cookie.slice(ref.length + 1) : null
    if (cookie !== undefined) deleteCookie(c, RECEIPT_COOKIE, { path: RECEIPT_COOKIE_PATH, httpOnly: true, sameSite: 'Strict' })
    if (token && STATUS_TOKEN_PATTERN.test(token)) return sendPage(c, jsx(ReceiptWithToken, { reference: ref, token }))
    return sendPage(c, jsx(ReceiptWithoutToken, { reference: ref }))
  })
}
