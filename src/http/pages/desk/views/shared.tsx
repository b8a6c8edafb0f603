/**
 * @module http/pages/desk/views/shared
 * Parts every desk view uses: the CSRF field, the signed-in bar, verdict words and
 * badges, and the plain message page.
 */
import type { CaseRecord } from '../../../../db/case-repository.js'
import { Layout } from '../../layout.js'
import { CSRF_FIELD } from '../session.js'

export const VERDICT_TEXT: Record<string, string> = {
  authorized_scan: 'Authorized scan',
  out_of_scope_scan: 'Out-of-scope scan',
  our_ip_no_session: 'Our IP, no scan session',
  not_our_ip: 'Not our IP',
}

/**
 * A mailto: link to exactly one address. The address is percent-encoded (keeping the @),
 * so `?cc=`, `&bcc=`, `,` or `%` inside a stored address cannot add recipients, headers
 * or a body.
 */
export function mailtoHref(address: string): string {
  return `mailto:${encodeURIComponent(address).replace(/%40/g, '@')}`
}

export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />
}

export function DeskBar({ name, csrf }: { name: string; csrf: string }) {
  return (
    <form method="post" action="/desk/sign-out" class="desk-signout">
      <Csrf token={csrf} />
      <span>
        Signed in as <strong>{name}</strong>
      </span>
      <button type="submit" class="secondary">
        Sign out
      </button>
    </form>
  )
}

export function Verdict({ k }: { k: CaseRecord }) {
  if (k.finalVerdict) return <span class={`badge ${k.finalVerdict}`}>{VERDICT_TEXT[k.finalVerdict]}</span>
  if (k.suggestedVerdict) {
    return (
      <>
        <span class={`badge ${k.suggestedVerdict}`}>{VERDICT_TEXT[k.suggestedVerdict]}</span> <span class="muted small">(suggested)</span>
      </>
    )
  }
  return <span class="muted">—</span>
}

export function DeskMessage({ title, message, bar, tone }: { title: string; message: string; bar?: unknown; tone: 'bad' | 'info' }) {
  return (
    <Layout title={title} section="desk" deskBar={bar as never}>
      <h1>{title}</h1>
      <div class={`notice ${tone}`}>
        <p>{message}</p>
        <p>
          <a href="/desk">Back to the desk</a>
        </p>
      </div>
    </Layout>
  )
}
