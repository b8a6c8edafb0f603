/**
 * @module http/pages/desk/mail
 * The desk's unparsed-mail queue: `/desk/mail` lists the messages the parser could not
 * use, with the reason; `/desk/mail/{id}` shows one as plain text (never rendered: HTML
 * and all is text inside <pre>) with a form that turns it into a report by hand, or
 * dismisses it. Changes go through db/mail-convert, as the API's do.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { convertMailByHand, dismissMail, mailText } from '../../../db/mail-convert.js'
import { countMail, getMail, listMail, type MailItem } from '../../../db/mail-repository.js'
import { touchToken } from '../../../db/token-repository.js'
import { DomainError } from '../../../domain/errors.js'
import { CATEGORIES, formToReportInput } from '../../../domain/intake/report-rules.js'
import type { AppEnv } from '../../app-env.js'
import { KIB, limitBody } from '../../intake-body.js'
import { ErrorSummary, FieldError, Layout } from '../layout.js'
import { dateTime, formFields, sendPage } from '../render.js'
import type { DeskSession } from '../../../db/desk-session-repository.js'
import { CSRF_FIELD, currentDeskSession, hasScope, sameOriginPost, sessionCsrfOk } from './session.js'
import { DeskBar, DeskMessage } from './views/shared.js'

const PAGE = 100

function bar(s: DeskSession) {
  return <DeskBar name={s.token.name} csrf={s.csrfToken} />
}

function QueueView({ s, items, total }: { s: DeskSession; items: MailItem[]; total: number }) {
  return (
    <Layout title="Unparsed mail" section="desk" deskBar={bar(s)}>
      <p>
        <a href="/desk">← Cases</a>
      </p>
      <h1>Unparsed mail ({total})</h1>
      <p>Messages the parser could not turn into reports. Read each one, then make a report of it or dismiss it.</p>
      {items.length === 0 ? (
        <p>Nothing waiting.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">From</th>
              <th scope="col">Subject</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr>
                <td>
                  <a href={`/desk/mail/${m.id}`}>{dateTime(m.receivedAt)}</a>
                </td>
                <td>{m.sender ?? '(erased)'}</td>
                <td>{m.subject ?? ''}</td>
                <td>{m.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  )
}

interface Draft {
  sourceIps?: string
  target?: string
  observedFrom?: string
  ports?: string
  category?: string
  description?: string
}

function MailView(p: { s: DeskSession; m: MailItem; text: string | null; canTriage: boolean; error?: { message: string; field?: string }; draft?: Draft }) {
  const { m, s } = p
  const fieldError = (f: string) => (p.error?.field?.startsWith(f) ? p.error.message : undefined)
  return (
    <Layout title={p.error ? 'Error: unparsed mail' : 'Unparsed mail'} section="desk" deskBar={bar(s)}>
      <p>
        <a href="/desk/mail">← Unparsed mail</a>
      </p>
      <h1>{m.subject || '(no subject)'}</h1>
      <dl>
        <dt>From</dt>
        <dd>{m.sender ?? '(erased)'}</dd>
        <dt>Received</dt>
        <dd>
          {dateTime(m.receivedAt)} via {m.via}, {m.sizeBytes} bytes, SHA-256 <code>{m.sha256}</code>
        </dd>
        <dt>Status</dt>
        <dd>
          {m.status}
          {m.reason ? ` — ${m.reason}` : ''}
        </dd>
      </dl>
      <h2>Message</h2>
      {p.text === null ? <p>The message text was removed (retention or erasure).</p> : <pre class="evidence">{p.text}</pre>}
      {p.canTriage && m.status === 'unparsed' ? (
        <>
          <h2 id="make-report">Make a report of it</h2>
          {p.error ? <ErrorSummary title="The report was not created" errors={[{ href: `#${p.error.field?.split('.')[0] ?? 'sourceIps'}`, message: p.error.message }]} /> : null}
          <form method="post" action={`/desk/mail/${m.id}/report`}>
            <input type="hidden" name={CSRF_FIELD} value={s.csrfToken} />
            <div class="field">
              <label for="sourceIps">Our scanner address(es)</label>
              <FieldError id="sourceIps-error" message={fieldError('sourceIps')} />
              <input id="sourceIps" name="sourceIps" value={p.draft?.sourceIps ?? ''} required />
            </div>
            <div class="field">
              <label for="target">Target address or block</label>
              <FieldError id="target-error" message={fieldError('target')} />
              <input id="target" name="target" value={p.draft?.target ?? ''} required />
            </div>
            <div class="field">
              <label for="observedFrom">When (ISO-8601 with zone)</label>
              <FieldError id="observedFrom-error" message={fieldError('observed')} />
              <input id="observedFrom" name="observedFrom" value={p.draft?.observedFrom ?? m.receivedAt.toISOString()} required />
            </div>
            <div class="field">
              <label for="ports">Ports (optional)</label>
              <FieldError id="ports-error" message={fieldError('ports')} />
              <input id="ports" name="ports" value={p.draft?.ports ?? ''} />
            </div>
            <div class="field">
              <label for="category">Category</label>
              <select id="category" name="category">
                {CATEGORIES.map((c) => (
                  <option value={c} selected={(p.draft?.category ?? 'port-scan') === c}>
                    {c}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="description">Description (optional)</label>
              <textarea id="description" name="description" rows={3}>
                {p.draft?.description ?? ''}
              </textarea>
            </div>
            <button type="submit">Create the report</button>
          </form>
          <form method="post" action={`/desk/mail/${m.id}/dismiss`}>
            <input type="hidden" name={CSRF_FIELD} value={s.csrfToken} />
            <button type="submit" class="secondary">
              Dismiss (spam, not about us)
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  )
}

const FORM_GONE = 'This form has expired or did not come from the desk. Go back, reload the page and try again.'

export function registerDeskMailRoutes(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  const small = limitBody(16 * KIB, 'A desk form')

  app.get('/desk/mail', async (c) => {
    const s = await currentDeskSession(c, now())
    if (!s) return c.redirect('/desk', 303)
    const db = c.get('db')
    return sendPage(c, <QueueView s={s} items={await listMail(db, 'unparsed', PAGE)} total={await countMail(db, 'unparsed')} />)
  })

  const mailPage = async (c: Context<AppEnv>, s: DeskSession, extra: { error?: { message: string; field?: string }; draft?: Draft; status?: 200 | 400 | 409 } = {}) => {
    const m = await getMail(c.get('db'), c.req.param('id') ?? '')
    if (!m) return sendPage(c, <DeskMessage title="Not found" message="There is no stored mail with this id." bar={bar(s)} tone="bad" />, { status: 404 })
    const { raw, ...item } = m
    return sendPage(c, <MailView s={s} m={item} text={mailText(raw)} canTriage={hasScope(s, 'reports:triage')} error={extra.error} draft={extra.draft} />, { status: extra.status ?? 200 })
  }

  app.get('/desk/mail/:id', async (c) => {
    const s = await currentDeskSession(c, now())
    if (!s) return c.redirect('/desk', 303)
    return mailPage(c, s)
  })

  const post = (run: (c: Context<AppEnv>, f: URLSearchParams, s: DeskSession) => Promise<string>) =>
    async (c: Context<AppEnv>) => {
      if (!sameOriginPost(c)) return sendPage(c, <DeskMessage title="Not allowed" message={FORM_GONE} tone="bad" />, { status: 403 })
      const s = await currentDeskSession(c, now())
      if (!s) return c.redirect('/desk', 303)
      const f = await formFields(c)
      if (!sessionCsrfOk(s, f)) return sendPage(c, <DeskMessage title="Not allowed" message={FORM_GONE} bar={bar(s)} tone="bad" />, { status: 403 })
      if (!hasScope(s, 'reports:triage')) {
        return sendPage(c, <DeskMessage title="Not allowed" message="Your token lacks the scope reports:triage." bar={bar(s)} tone="bad" />, { status: 403 })
      }
      try {
        const to = await run(c, f, s)
        await touchToken(c.get('db'), s.token.id, now()).catch(() => undefined)
        return c.redirect(to, 303)
      } catch (e) {
        if (!(e instanceof DomainError)) throw e
        if (e.status === 404) return mailPage(c, s)
        const draft: Draft = Object.fromEntries(['sourceIps', 'target', 'observedFrom', 'ports', 'category', 'description'].map((k) => [k, f.get(k) ?? undefined]))
        return mailPage(c, s, { error: { message: e.message, ...(e.field ? { field: e.field } : {}) }, draft, status: e.status === 409 ? 409 : 400 })
      }
    }

  app.post(
    '/desk/mail/:id/report',
    small,
    post(async (c, f, s) => {
      const input = formToReportInput(f)
      const r = await convertMailByHand(c.get('db'), c.req.param('id') ?? '', { ...input, contactEmail: undefined, evidence: undefined }, { name: s.token.name, audit: `token:${s.token.id}` }, now())
      return `/desk/cases/${r.caseId}?done=mail`
    }),
  )

  app.post(
    '/desk/mail/:id/dismiss',
    small,
    post(async (c, _f, s) => {
      await dismissMail(c.get('db'), c.req.param('id') ?? '', { name: s.token.name, audit: `token:${s.token.id}` }, now())
      return '/desk/mail'
    }),
  )
}
