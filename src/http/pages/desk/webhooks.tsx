/**
 * @module http/pages/desk/webhooks
 * `/desk/webhooks`: webhook subscribers with their state and delivery log (status,
 * latency, response code — no bodies are stored), and the buttons to redeliver, disable
 * and enable. Needs a desk session whose token has `webhooks:write`; changes go through
 * the same repository functions and audit events as the admin API.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Child } from 'hono/jsx'
import type { Context } from 'hono'
import { appendAudit } from '../../../db/audit-repository.js'
import { listOutboxAttempts, type OutboxAttemptRecord } from '../../../db/outbox.js'
import { disableSubscription, enableSubscription, getSubscription, listSubscriptions, type Subscription } from '../../../db/subscription-repository.js'
import { DomainError } from '../../../domain/errors.js'
import type { AppEnv } from '../../app-env.js'
import { KIB, limitBody } from '../../intake-body.js'
import { redeliver } from '../../routes/admin-webhooks.js'
import { Layout, MessagePage } from '../layout.js'
import { dateTime, formFields, sendPage } from '../render.js'
import { CSRF_FIELD, currentDeskSession, sameOriginPost, sessionCsrfOk } from './session.js'
import { DeskBar } from './views/shared.js'

const SCOPE = 'webhooks:write'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function Button({ action, csrf, label, extra }: { action: string; csrf: string; label: string; extra?: Record<string, string> }) {
  return (
    <form method="post" action={action} class="inline">
      <input type="hidden" name={CSRF_FIELD} value={csrf} />
      {Object.entries(extra ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class="secondary">
        {label}
      </button>
    </form>
  )
}

function WebhooksPage(props: { bar: Child; csrf: string; hooks: Subscription[]; selected: Subscription | null; log: OutboxAttemptRecord[]; notice?: string | undefined }) {
  const { hooks, selected, log, csrf } = props
  return (
    <Layout title="Webhooks — abuse desk" section="desk" deskBar={props.bar}>
      <h1>Webhook subscribers</h1>
      {props.notice ? (
        <div class="notice ok" role="status">
          <p>{props.notice}</p>
        </div>
      ) : null}
      {hooks.length === 0 ? <p>No webhook subscribers yet.</p> : null}
      {hooks.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Status</th>
              <th scope="col">Failures</th>
              <th scope="col">Last success</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {hooks.map((h) => (
              <tr>
                <td>
                  <a href={`/desk/webhooks?id=${h.id}`}>{h.url}</a>
                </td>
                <td>
                  {h.status}
                  {h.circuitOpenUntil && h.circuitOpenUntil.getTime() > Date.now() ? ' (circuit open)' : ''}
                  {h.disabledReason ? ` — ${h.disabledReason}` : ''}
                </td>
                <td>{h.consecutiveFailures}</td>
                <td>{h.lastSuccessAt ? dateTime(h.lastSuccessAt) : '—'}</td>
                <td>
                  {h.status === 'active' || h.status === 'pending' ? <Button action={`/desk/webhooks/${h.id}/disable`} csrf={csrf} label="Disable" /> : null}
                  {h.status === 'disabled' && h.confirmedAt ? <Button action={`/desk/webhooks/${h.id}/enable`} csrf={csrf} label="Enable" /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {selected ? (
        <section aria-labelledby="log-title">
          <h2 id="log-title">Delivery log: {selected.url}</h2>
          {log.length === 0 ? <p>No delivery attempts yet.</p> : null}
          {log.length > 0 ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Result</th>
                  <th scope="col">HTTP</th>
                  <th scope="col">Latency</th>
                  <th scope="col">Error</th>
                  <th scope="col">Delivery</th>
                </tr>
              </thead>
              <tbody>
                {log.map((a) => (
                  <tr>
                    <td>{dateTime(a.attemptedAt)}</td>
                    <td>{a.ok ? 'delivered' : 'failed'}</td>
                    <td>{a.statusCode ?? '—'}</td>
                    <td>{a.latencyMs} ms</td>
                    <td>{a.error ?? ''}</td>
                    <td>
                      <Button action={`/desk/webhooks/${selected.id}/redeliver`} csrf={csrf} label="Redeliver" extra={{ outboxId: a.outboxId }} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
    </Layout>
  )
}

const DONE: Record<string, string> = { redeliver: 'Queued for redelivery.', disable: 'Webhook disabled.', enable: 'Webhook enabled.' }

export function registerDeskWebhookRoutes(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  const denied = (c: Context<AppEnv>, message: string, status: 403 | 404 = 403) =>
    sendPage(c, <MessagePage title={status === 404 ? 'Not found' : 'Not allowed'} section="desk" tone="bad"><p>{message}</p></MessagePage>, { status })

  app.get('/desk/webhooks', async (c) => {
    const s = await currentDeskSession(c, now())
    if (!s) return c.redirect('/desk', 303)
    if (!s.token.scopes.includes(SCOPE)) return denied(c, `Your token lacks the scope ${SCOPE} that the webhook view needs.`)
    const db = c.get('db')
    const hooks = await listSubscriptions(db, { channel: 'webhook', limit: 500 })
    const id = c.req.query('id') ?? ''
    const selected = UUID.test(id) ? hooks.find((h) => h.id === id) ?? null : null
    const log = selected ? await listOutboxAttempts(db, { destination: selected.id, limit: 100 }) : []
    return sendPage(c, <WebhooksPage bar={<DeskBar name={s.token.name} csrf={s.csrfToken} />} csrf={s.csrfToken} hooks={hooks} selected={selected} log={log} notice={DONE[c.req.query('done') ?? '']} />)
  })

  app.post('/desk/webhooks/:id/:action{redeliver|disable|enable}', limitBody(16 * KIB, 'A desk form'), async (c) => {
    if (!sameOriginPost(c)) return denied(c, 'This form did not come from the desk. Reload the page and try again.')
    const t = now()
    const s = await currentDeskSession(c, t)
    if (!s) return c.redirect('/desk', 303)
    const fields = await formFields(c)
    if (!sessionCsrfOk(s, fields)) return denied(c, 'This form has expired. Reload the page and try again.')
    if (!s.token.scopes.includes(SCOPE)) return denied(c, `Your token lacks the scope ${SCOPE}.`)
    const id = c.req.param('id')
    const action = c.req.param('action') as 'redeliver' | 'disable' | 'enable'
    const db = c.get('db')
    const hook = UUID.test(id) ? await getSubscription(db, id) : null
    if (!hook || hook.channel !== 'webhook') return denied(c, 'There is no such webhook.', 404)
    const outboxId = fields.get('outboxId') ?? ''
    try {
      if (action === 'redeliver') {
        if (!UUID.test(outboxId)) throw new DomainError('not_found', 'No such delivery.', { status: 404 })
        await redeliver(db, id, outboxId, t)
      } else if (action === 'disable') await disableSubscription(db, id, `disabled on the desk by ${s.token.name}`, t)
      else await enableSubscription(db, id)
    } catch (e) {
      if (e instanceof DomainError) return denied(c, e.message, 404)
      throw e
    }
    await appendAudit(db, { actor: `token:${s.token.id}`, action: `webhook.${action}`, objectType: 'webhook', objectId: id, diff: action === 'redeliver' ? { outboxId } : {} }, t)
    return c.redirect(`/desk/webhooks?id=${id}&done=${action}`, 303)
  })
}
