/**
 * @module http/pages/report-status
 * `/report/status`: a reporter enters the reference and status token and sees the status
 * (received → under review → resolved), the outcome the desk wrote once resolved, and
 * the notes addressed to this report. The form posts (the token must not end up in a URL) and the
 * page asks `GET /v1/reports/{ref}` in process, so it shows exactly what the API shows
 * the reporter and the API's rate limits (per client, token and reference) apply.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../app-env.js'
import { callApi, problemDetail, type InternalApp } from './internal-api.js'
import { ErrorSummary, FieldError, Layout } from './layout.js'
import { dateTime, formFields, sendPage, words } from './render.js'

interface StatusView {
  ref: string
  status: string
  statusText: string
  outcome: string | null
  ours: boolean
  receivedAt: string
  observedFrom: string
  observedTo: string
  target: string
  sourceIps: string[]
  category: string
  notes: { at: string; text: string }[]
}

interface FormState {
  ref: string
  errors: { ref?: string; token?: string }
  general?: string
}

function StatusForm({ ref, errors, general }: FormState) {
  const summary = [
    ...(errors.ref ? [{ href: '#ref', message: errors.ref }] : []),
    ...(errors.token ? [{ href: '#token', message: errors.token }] : []),
  ]
  return (
    <>
      <ErrorSummary title="Please correct these fields" errors={summary} />
      {general ? (
        <div class="notice bad" role="alert">
          <p>{general}</p>
        </div>
      ) : null}
      <form method="post" action="/report/status" id="status-form">
        <div class={errors.ref ? 'field has-error' : 'field'}>
          <label for="ref">Report reference</label>
          <span class="hint" id="ref-hint">
            Shown on your receipt, like R-7K3M9Q2XTV
          </span>
          <FieldError id="ref-error" message={errors.ref} />
          <input
            type="text"
            id="ref"
            name="ref"
            value={ref}
            required
            autocomplete="off"
            spellcheck={false}
            aria-describedby={errors.ref ? 'ref-hint ref-error' : 'ref-hint'}
            aria-invalid={errors.ref ? 'true' : undefined}
          />
        </div>
        <div class={errors.token ? 'field has-error' : 'field'}>
          <label for="token">Status token</label>
          <span class="hint" id="token-hint">
            The token shown once when you sent the report; it starts with rs_
          </span>
          <FieldError id="token-error" message={errors.token} />
          <input
            type="password"
            id="token"
            name="token"
            value=""
            required
            autocomplete="off"
            spellcheck={false}
            aria-describedby={errors.token ? 'token-hint token-error' : 'token-hint'}
            aria-invalid={errors.token ? 'true' : undefined}
          />
        </div>
        <button type="submit">Show status</button>
      </form>
    </>
  )
}

const STEPS: [string, string][] = [
  ['received', 'Received'],
  ['under_review', 'Under review'],
  ['resolved', 'Resolved'],
]

function StatusResult({ s }: { s: StatusView }) {
  return (
    <>
      <section class="panel" aria-labelledby="status-title">
        <h2 id="status-title">
          Report <span id="status-ref">{s.ref}</span>: <span class={`badge ${s.status}`}>{words(s.status)}</span>
        </h2>
        <ol class="steps" aria-label="Progress">
          {STEPS.map(([key, label]) => (
            <li aria-current={key === s.status ? 'step' : undefined}>{key === s.status ? <strong>{label}</strong> : label}</li>
          ))}
        </ol>
        <p id="status-text">{s.statusText}</p>
        {s.outcome ? (
          <p>
            <strong>Outcome:</strong> <span id="outcome-text">{s.outcome}</span>
          </p>
        ) : null}
      </section>
      <h2>Your report</h2>
      <dl class="facts">
        <dt>Received</dt>
        <dd>{dateTime(s.receivedAt)}</dd>
        <dt>Activity</dt>
        <dd>
          {dateTime(s.observedFrom)}
          {s.observedTo !== s.observedFrom ? ` to ${dateTime(s.observedTo)}` : ''}
        </dd>
        <dt>Source addresses</dt>
        <dd>
          {s.sourceIps.map((ip, i) => (
            <>
              {i > 0 ? ', ' : ''}
              <code>{ip}</code>
            </>
          ))}
        </dd>
        <dt>Scanned</dt>
        <dd>
          <code>{s.target}</code>
        </dd>
        <dt>Kind</dt>
        <dd>{words(s.category)}</dd>
      </dl>
      <h2>Messages from our abuse desk</h2>
      {s.notes.length === 0 ? (
        <p class="muted" id="no-notes">
          No messages yet.
        </p>
      ) : (
        <ul class="timeline" id="notes">
          {s.notes.map((n) => (
            <li>
              <span class="muted small">{dateTime(n.at)}</span>
              <p class="note-text">{n.text}</p>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={`/report/status?ref=${encodeURIComponent(s.ref)}`}>Check again later</a> (you will need the token again).
      </p>
    </>
  )
}

function page(content: unknown, title = 'Report status') {
  return (
    <Layout title={title} section="status">
      <h1>Follow your report</h1>
      {content as never}
    </Layout>
  )
}

export async function statusFormPage(c: Context<AppEnv>): Promise<Response> {
  const ref = (c.req.query('ref') ?? '').slice(0, 32)
  return sendPage(
    c,
    page(
      <>
        <p class="lead">Enter the reference and status token from your receipt to see where your report stands.</p>
        <StatusForm ref={ref} errors={{}} />
      </>,
    ),
  )
}

export async function statusFormPost(c: Context<AppEnv>, app: InternalApp): Promise<Response> {
  const fields = await formFields(c)
  const ref = (fields.get('ref') ?? '').trim().toUpperCase().slice(0, 32)
  const token = (fields.get('token') ?? '').trim()
  const errors: FormState['errors'] = {}
  if (ref === '') errors.ref = 'Enter the report reference, like R-7K3M9Q2XTV.'
  if (token === '') errors.token = 'Enter the status token from your receipt.'
  // it travels in a header, which cannot carry control or non-ASCII characters (no token has them)
  else if (!/^[\x21-\x7e]+$/.test(token)) errors.token = 'Enter the status token exactly as your receipt shows it; it starts with rs_.'
  if (errors.ref || errors.token) return sendPage(c, page(<StatusForm ref={ref} errors={errors} />, 'Error: report status'), { status: 400 })

  const res = await callApi(app, c, `/v1/reports/${encodeURIComponent(ref)}`, { authorization: `Bearer ${token}` })
  if (res.ok) {
    const s = (await res.json()) as StatusView
    return sendPage(c, page(<StatusResult s={s} />, `Report ${s.ref}`))
  }
  const { detail, retryAfter } = await problemDetail(res, 'We could not look up the report; please try again.')
  if (res.status === 429) {
    c.header('retry-after', retryAfter ?? '60')
    return sendPage(c, page(<StatusForm ref={ref} errors={{}} general={`Too many look-ups. Please wait ${retryAfter ?? 60} seconds and try again.`} />, 'Error: report status'), { status: 429 })
  }
  if (res.status === 404 || res.status === 401) {
    return sendPage(c, page(<StatusForm ref={ref} errors={{}} general={detail} />, 'Error: report status'), { status: 404 })
  }
  return sendPage(c, page(<StatusForm ref={ref} errors={{}} general={detail} />, 'Error: report status'), { status: res.status === 503 ? 503 : 500 })
}
