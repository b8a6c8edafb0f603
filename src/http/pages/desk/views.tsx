/**
 * @module http/pages/desk/views
 * Markup of the abuse desk: sign-in, the case queue and the case page. Only the desk sees
 * customer references, reporter contacts, evidence and internal notes; every form carries
 * the session's CSRF token.
 */
import type { CaseRecord, HistoryRecord, NoteRecord } from '../../../db/case-repository.js'
import type { DeskReport, SessionLink } from '../../../db/report-repository.js'
import type { SessionRecord } from '../../../db/session-repository.js'
import { allowedTransitions, CASE_STATUSES, type CaseStatus } from '../../../domain/intake/case-state.js'
import { VERDICTS } from '../../../domain/intake/verdicts.js'
import { ErrorSummary, FieldError, Layout } from '../layout.js'
import { dateTime, words } from '../render.js'
import { CSRF_FIELD } from './session.js'

export const VERDICT_TEXT: Record<string, string> = {
  authorized_scan: 'Authorized scan',
  out_of_scope_scan: 'Out-of-scope scan',
  our_ip_no_session: 'Our IP, no scan session',
  not_our_ip: 'Not our IP',
}

const TRANSITION_TEXT: Record<CaseStatus, string> = {
  open: 'Reopen',
  investigating: 'Start investigating',
  awaiting_customer: 'Wait for the customer',
  resolved: 'Resolve',
  dismissed: 'Dismiss',
}

function Csrf({ token }: { token: string }) {
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

// ---------------------------------------------------------------------------------------
// sign-in

export function SignInPage({ csrf, error, notice }: { csrf: string; error?: string; notice?: string }) {
  return (
    <Layout title={error ? 'Error: abuse desk sign-in' : 'Abuse desk sign-in'} section="desk">
      <h1>Abuse desk sign-in</h1>
      {notice ? (
        <div class="notice info" role="status">
          <p>{notice}</p>
        </div>
      ) : null}
      <ErrorSummary title="Sign-in failed" errors={error ? [{ href: '#token', message: error }] : []} />
      <p class="lead">Sign in with your API token. It needs the scope reports:read to see cases and reports:triage to change them.</p>
      <form method="post" action="/desk/sign-in" id="sign-in-form">
        <Csrf token={csrf} />
        <div class={error ? 'field has-error' : 'field'}>
          <label for="token">API token</label>
          <span class="hint" id="token-hint">
            Starts with sg_. It is exchanged for a session and never stored in your browser.
          </span>
          <FieldError id="token-error" message={error} />
          <input
            type="password"
            id="token"
            name="token"
            required
            autocomplete="off"
            spellcheck={false}
            aria-describedby={error ? 'token-hint token-error' : 'token-hint'}
            aria-invalid={error ? 'true' : undefined}
          />
        </div>
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  )
}

// ---------------------------------------------------------------------------------------
// queue

export interface QueueFilter {
  status: string
  verdict: string
  assignee: string
  from: string
  to: string
}

export interface QueueProps {
  bar: unknown
  counts: Record<CaseStatus, number>
  cases: CaseRecord[]
  filter: QueueFilter
  errors: { field: string; message: string }[]
  next: string | null
  notice?: string
}

function queueLink(filter: QueueFilter, over: Partial<QueueFilter>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...filter, ...over })) if (v) p.set(k, v)
  const q = p.toString()
  return q ? `/desk?${q}` : '/desk'
}

export function QueuePage({ bar, counts, cases, filter, errors, next, notice }: QueueProps) {
  const total = CASE_STATUSES.reduce((n, s) => n + counts[s], 0)
  const err = (f: string) => errors.find((e) => e.field === f)?.message
  return (
    <Layout title="Case queue" section="desk" deskBar={bar as never}>
      <h1>Case queue</h1>
      {notice ? (
        <div class="notice ok" role="status">
          <p>{notice}</p>
        </div>
      ) : null}
      <nav aria-label="Cases by status">
        <ul class="counts">
          <li>
            {filter.status === '' ? (
              <span class="current" aria-current="page">
                All <strong>{total}</strong>
              </span>
            ) : (
              <a href={queueLink(filter, { status: '' })}>
                All <strong>{total}</strong>
              </a>
            )}
          </li>
          {CASE_STATUSES.map((s) => (
            <li>
              {filter.status === s ? (
                <span class="current" aria-current="page" data-status-count={s}>
                  {words(s)} <strong>{counts[s]}</strong>
                </span>
              ) : (
                <a href={queueLink(filter, { status: s })} data-status-count={s}>
                  {words(s)} <strong>{counts[s]}</strong>
                </a>
              )}
            </li>
          ))}
        </ul>
      </nav>
      <ErrorSummary title="Some filters are not valid" errors={errors.map((e) => ({ href: `#q-${e.field}`, message: `${e.field}: ${e.message}` }))} />
      <form method="get" action="/desk" class="filters" aria-label="Filter cases">
        <div class="field">
          <label for="q-status">Status</label>
          <select id="q-status" name="status">
            <option value="">Any</option>
            {CASE_STATUSES.map((s) => (
              <option value={s} selected={filter.status === s}>
                {words(s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="q-verdict">Verdict</label>
          <select id="q-verdict" name="verdict" aria-invalid={err('verdict') ? 'true' : undefined}>
            <option value="">Any</option>
            {VERDICTS.map((v) => (
              <option value={v} selected={filter.verdict === v}>
                {VERDICT_TEXT[v]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="q-assignee">Assignee</label>
          <input type="text" id="q-assignee" name="assignee" value={filter.assignee} placeholder="name, or none" autocomplete="off" />
        </div>
        <div class="field">
          <label for="q-from">From day</label>
          <input type="date" id="q-from" name="from" value={filter.from} aria-invalid={err('from') ? 'true' : undefined} />
        </div>
        <div class="field">
          <label for="q-to">To day</label>
          <input type="date" id="q-to" name="to" value={filter.to} aria-invalid={err('to') ? 'true' : undefined} />
        </div>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <div class="table-wrap">
        <table class="cards" id="case-table">
          <caption>Cases, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Day</th>
              <th scope="col">Status</th>
              <th scope="col">Verdict</th>
              <th scope="col">Reports</th>
              <th scope="col">Assignee</th>
              <th scope="col">Last report</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((k) => (
              <tr data-case-id={k.id}>
                <td data-label="Case">
                  <a href={`/desk/cases/${k.id}`}>
                    <code>{k.scannerIp}</code> → <code>{k.targetPrefix}</code>
                  </a>
                </td>
                <td data-label="Day">{k.day}</td>
                <td data-label="Status">
                  <span class={`badge ${k.status}`}>{words(k.status)}</span>
                </td>
                <td data-label="Verdict">
                  <Verdict k={k} />
                </td>
                <td data-label="Reports">{k.reportCount}</td>
                <td data-label="Assignee">{k.assignee ?? <span class="muted">nobody</span>}</td>
                <td data-label="Last report">{dateTime(k.lastReportAt)}</td>
              </tr>
            ))}
            {cases.length === 0 ? (
              <tr>
                <td colspan={7}>No case matches these filters.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {next ? (
        <p>
          <a href={queueLink(filter, {}) + (queueLink(filter, {}).includes('?') ? '&' : '?') + `cursor=${encodeURIComponent(next)}`}>Older cases →</a>
        </p>
      ) : null}
    </Layout>
  )
}

function Verdict({ k }: { k: CaseRecord }) {
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

// ---------------------------------------------------------------------------------------
// case

export interface ActionError {
  form: 'note' | 'assign' | 'transition'
  message: string
  field?: string
}

export interface CasePageProps {
  bar: unknown
  csrf: string
  canTriage: boolean
  k: CaseRecord
  reports: DeskReport[]
  links: SessionLink[]
  sessions: Map<string, SessionRecord & { targetCount: number }>
  notes: NoteRecord[]
  history: HistoryRecord[]
  notice?: string
  error?: ActionError
  draft?: { body?: string; visibility?: string; assignee?: string }
}

const TEXT_TYPES = /^(text\/|application\/(json|xml)\b)/i

function evidenceText(content: Uint8Array, contentType: string): string | null {
  if (!TEXT_TYPES.test(contentType)) return null
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content)
  } catch {
    return null
  }
}

function historyText(h: HistoryRecord): string {
  const d = h.detail as Record<string, unknown>
  const s = (v: unknown) => (v === null || v === undefined ? 'nobody' : words(String(v)))
  switch (h.action) {
    case 'created':
      return 'Case opened'
    case 'report_added':
      return `Report ${String(d.ref)} added`
    case 'reopened':
      return `Reopened by a new report (was ${s(d.from)})`
    case 'status_changed':
      return `Status ${s(d.from)} → ${s(d.to)}${d.verdict ? `, verdict ${VERDICT_TEXT[String(d.verdict)] ?? String(d.verdict)}` : ''}${d.reason ? ` (${String(d.reason)})` : ''}`
    case 'assigned':
      return `Assigned ${s(d.from)} → ${s(d.to)}`
    case 'note_added':
      return `${d.visibility === 'reporter' ? 'Reporter-visible' : 'Internal'} note added`
    case 'verdict_suggested':
      return d.to ? `Suggested verdict: ${VERDICT_TEXT[String(d.to)] ?? String(d.to)}${d.from ? ` (was ${VERDICT_TEXT[String(d.from)] ?? String(d.from)})` : ''}` : 'Suggested verdict cleared'
    case 'mail_note':
      return `E-mail report ${String(d.ref)}: ${String(d.note)}`
    case 'mail_converted':
      return `Report ${String(d.ref)} made by hand from an unparsed e-mail`
    case 'exclusions_added':
      return `Targets excluded from scanning: ${Array.isArray(d.targets) ? d.targets.join(', ') : ''}`
    default:
      return `${words(h.action)} ${JSON.stringify(d)}`
  }
}

function ReportBlock({ r }: { r: DeskReport }) {
  return (
    <article class="panel" aria-labelledby={`report-${r.ref}`} data-report={r.ref}>
      <h3 id={`report-${r.ref}`}>
        {r.ref} <span class="muted small">received {dateTime(r.receivedAt)} via {r.channel}</span>
      </h3>
      <dl class="facts">
        <dt>Activity</dt>
        <dd>
          {dateTime(r.observedFrom)}
          {r.observedTo.getTime() !== r.observedFrom.getTime() ? ` to ${dateTime(r.observedTo)}` : ''}
        </dd>
        <dt>Kind</dt>
        <dd>
          {words(r.category)}
          {r.protocol ? `, ${r.protocol.toUpperCase()}` : ''}
          {r.ports?.length ? `, ports ${r.ports.join(', ')}` : ''}
        </dd>
        <dt>Target</dt>
        <dd>
          <code>{r.target}</code>
        </dd>
        <dt>Sources</dt>
        <dd>
          <ul class="links">
            {r.sources.map((s) => (
              <li>
                <code>{s.ip}</code> <span class={`badge ${s.verdict}`}>{VERDICT_TEXT[s.verdict]}</span>
              </li>
            ))}
          </ul>
        </dd>
        <dt>Reporter</dt>
        <dd>
          {r.contactEmail ? <a href={`mailto:${r.contactEmail}`}>{r.contactEmail}</a> : <span class="muted">no contact address</span>}
          {r.reporterOrg ? ` (${r.reporterOrg})` : ''}
        </dd>
        {r.xarfReportId || r.xarfType ? (
          <>
            <dt>XARF</dt>
            <dd>
              {r.xarfType} {r.xarfReportId ? <code>{r.xarfReportId}</code> : null} {r.hasXarfDocument ? '(document stored)' : '(document purged)'}
            </dd>
          </>
        ) : null}
      </dl>
      {r.description ? (
        <>
          <h4>Description</h4>
          <p class="note-text">{r.description}</p>
        </>
      ) : null}
      <h4>Evidence</h4>
      {r.evidence.length === 0 ? <p class="muted">None (or already deleted under the retention policy).</p> : null}
      {r.evidence.map((e, i) => {
        const text = evidenceText(e.content, e.contentType)
        return (
          <div>
            <p class="small">
              Item {i + 1}: {e.contentType}, {e.sizeBytes} bytes{e.description ? `, ${e.description}` : ''}; SHA-256 <code>{e.sha256.slice(0, 16)}…</code>
              {e.hashStatus === 'mismatch' ? <strong> — declared hash does not match</strong> : null}
            </p>
            {text !== null ? (
              <pre class="evidence" tabindex={0} aria-label={`Evidence item ${i + 1} of ${r.ref}`}>
                {text}
              </pre>
            ) : (
              <p class="muted small">Binary content; fetch it through the API to inspect it.</p>
            )}
          </div>
        )
      })}
    </article>
  )
}

function SessionBlock({ s, links }: { s: SessionRecord & { targetCount: number }; links: SessionLink[] }) {
  return (
    <article class="sensitive" aria-labelledby={`session-${s.id}`}>
      <h3 id={`session-${s.id}`}>
        Scan session <code>{s.externalId}</code>
      </h3>
      <dl class="facts">
        <dt>Customer</dt>
        <dd>
          <strong data-customer-ref>{s.customerRef}</strong>
        </dd>
        <dt>Scan type</dt>
        <dd>{s.scanType ?? '—'}</dd>
        <dt>Ran</dt>
        <dd>
          {dateTime(s.startedAt)} to {s.endedAt ? dateTime(s.endedAt) : 'still running'}
        </dd>
        <dt>Scanner IPs</dt>
        <dd>{s.scannerIps.join(', ')}</dd>
        <dt>Authorized</dt>
        <dd>
          {s.authorizedTargets.join(', ')}
          {s.targetCount > s.authorizedTargets.length ? ` and ${s.targetCount - s.authorizedTargets.length} more` : ''}
        </dd>
        <dt>Matches</dt>
        <dd>
          <ul class="links">
            {links.map((l) => (
              <li>
                {l.reportRef} from <code>{l.sourceIp}</code>: {l.inScope ? <span class="badge authorized_scan">in scope</span> : <span class="badge out_of_scope_scan">out of scope</span>}
              </li>
            ))}
          </ul>
        </dd>
      </dl>
    </article>
  )
}

function ActionErrorNote({ error, form }: { error: ActionError | undefined; form: ActionError['form'] }) {
  if (!error || error.form !== form) return null
  return (
    <div class="notice bad" role="alert" id={`${form}-error`}>
      <p>{error.message}</p>
    </div>
  )
}

function Transitions({ k, csrf, error }: { k: CaseRecord; csrf: string; error: ActionError | undefined }) {
  const next = allowedTransitions(k.status)
  if (next.length === 0) return <p class="muted">This case is final: {words(k.status)}.</p>
  return (
    <>
      <ActionErrorNote error={error} form="transition" />
      {next.map((to) => {
        const action = `/desk/cases/${k.id}/transition`
        if (to === 'resolved') {
          return (
            <form method="post" action={action} id="resolve-form">
              <Csrf token={csrf} />
              <input type="hidden" name="to" value="resolved" />
              <div class={error?.form === 'transition' && error.field === 'verdict' ? 'field has-error' : 'field'}>
                <label for="verdict">Final verdict</label>
                <select id="verdict" name="verdict" required>
                  <option value="">Choose…</option>
                  {VERDICTS.map((v) => (
                    <option value={v} selected={v === k.suggestedVerdict}>
                      {VERDICT_TEXT[v]}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="resolve-reason">
                  Reason <span class="optional">(optional, desk only)</span>
                </label>
                <input type="text" id="resolve-reason" name="reason" maxlength={1000} autocomplete="off" />
              </div>
              <button type="submit">Resolve case</button>
            </form>
          )
        }
        if (to === 'dismissed') {
          return (
            <form method="post" action={action} data-confirm="Dismiss this case? A dismissed case is final." id="dismiss-form">
              <Csrf token={csrf} />
              <input type="hidden" name="to" value="dismissed" />
              <div class="field">
                <label for="dismiss-reason">
                  Reason for dismissing <span class="optional">(optional)</span>
                </label>
                <input type="text" id="dismiss-reason" name="reason" maxlength={1000} autocomplete="off" />
              </div>
              <button type="submit" class="danger">
                Dismiss case
              </button>
            </form>
          )
        }
        return (
          <form method="post" action={action}>
            <Csrf token={csrf} />
            <input type="hidden" name="to" value={to} />
            <button type="submit">{TRANSITION_TEXT[to]}</button>
          </form>
        )
      })}
    </>
  )
}

export function CasePage(p: CasePageProps) {
  const { k } = p
  const sessionIds = [...new Set(p.links.map((l) => l.sessionId))]
  const noteError = p.error?.form === 'note' ? p.error.message : undefined
  const assignError = p.error?.form === 'assign' ? p.error.message : undefined
  const visibility = p.draft?.visibility ?? 'internal'
  return (
    <Layout title={`${p.error ? 'Error: ' : ''}Case ${k.scannerIp} → ${k.targetPrefix}`} section="desk" deskBar={p.bar as never}>
      <p class="small">
        <a href="/desk">← Case queue</a>
      </p>
      <h1>
        Case <code>{k.scannerIp}</code> → <code>{k.targetPrefix}</code>
      </h1>
      <p>
        <span class={`badge ${k.status}`} id="case-status">
          {words(k.status)}
        </span>{' '}
        <Verdict k={k} /> <span class="muted">
          · {k.day} · {k.reportCount} report{k.reportCount === 1 ? '' : 's'} · assigned to {k.assignee ?? 'nobody'}
        </span>
      </p>
      {p.notice ? (
        <div class="notice ok" role="status" id="flash">
          <p>{p.notice}</p>
        </div>
      ) : null}
      <div class="two-col">
        <div>
          <h2>Reports</h2>
          {p.reports.map((r) => (
            <ReportBlock r={r} />
          ))}
          <h2>Linked scan sessions</h2>
          {sessionIds.length === 0 ? <p class="muted">No scan session used these addresses at that time.</p> : null}
          {sessionIds.map((id) => {
            const s = p.sessions.get(id)
            return s ? <SessionBlock s={s} links={p.links.filter((l) => l.sessionId === id)} /> : null
          })}
          <h2>Notes</h2>
          {p.notes.length === 0 ? <p class="muted">No notes yet.</p> : null}
          {p.notes.map((n) => (
            <div class={`note ${n.visibility}`} data-note-visibility={n.visibility}>
              <span class="small">
                <strong>{n.author}</strong> · {dateTime(n.createdAt)} ·{' '}
                <span class={`badge ${n.visibility === 'reporter' ? 'announced' : 'neutral'}`}>{n.visibility === 'reporter' ? 'shown to reporters' : 'internal'}</span>
              </span>
              <p>{n.body}</p>
            </div>
          ))}
          <h2>History</h2>
          <ol class="timeline" id="history">
            {p.history.map((h) => (
              <li>
                <span class="muted small">
                  {dateTime(h.at)} · {h.actor}
                </span>
                <br />
                {historyText(h)}
              </li>
            ))}
          </ol>
        </div>
        <aside aria-label="Case actions">
          {p.canTriage ? (
            <>
              <h2>Status</h2>
              <p>
                Now: <span class={`badge ${k.status}`}>{words(k.status)}</span>
              </p>
              <Transitions k={k} csrf={p.csrf} error={p.error} />
              <h2>Assignment</h2>
              <form method="post" action={`/desk/cases/${k.id}/assign`} id="assign-form">
                <Csrf token={p.csrf} />
                <div class={assignError ? 'field has-error' : 'field'}>
                  <label for="assignee">Assignee</label>
                  <span class="hint" id="assignee-hint">
                    Leave empty to unassign.
                  </span>
                  <FieldError id="assignee-error" message={assignError} />
                  <input
                    type="text"
                    id="assignee"
                    name="assignee"
                    value={p.draft?.assignee ?? k.assignee ?? ''}
                    maxlength={100}
                    autocomplete="off"
                    aria-describedby={assignError ? 'assignee-hint assignee-error' : 'assignee-hint'}
                    aria-invalid={assignError ? 'true' : undefined}
                  />
                </div>
                <button type="submit" class="secondary">
                  Save assignee
                </button>
              </form>
              <h2>Add a note</h2>
              <form method="post" action={`/desk/cases/${k.id}/notes`} id="note-form">
                <Csrf token={p.csrf} />
                <fieldset>
                  <legend>Who may read it</legend>
                  <div class="radios">
                    <label>
                      <input type="radio" name="visibility" value="internal" checked={visibility !== 'reporter'} /> Desk only
                    </label>
                    <label>
                      <input type="radio" name="visibility" value="reporter" checked={visibility === 'reporter'} /> Reporters too
                    </label>
                  </div>
                </fieldset>
                <div class={noteError ? 'field has-error' : 'field'}>
                  <label for="note-body">Note</label>
                  <span class="hint" id="note-hint">
                    A note for reporters is shown to every reporter of this case: no customer names, session ids or e-mail addresses.
                  </span>
                  <FieldError id="note-body-error" message={noteError} />
                  <textarea
                    id="note-body"
                    name="body"
                    rows={5}
                    maxlength={4000}
                    required
                    aria-describedby={noteError ? 'note-hint note-body-error' : 'note-hint'}
                    aria-invalid={noteError ? 'true' : undefined}
                  >
                    {p.draft?.body ?? ''}
                  </textarea>
                </div>
                <button type="submit">Add note</button>
              </form>
            </>
          ) : (
            <div class="notice info">
              <p>Your token can read cases but not change them: that needs the scope reports:triage.</p>
            </div>
          )}
        </aside>
      </div>
    </Layout>
  )
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
