/**
 * @module http/pages/desk/views/case
 * The case page: reports, linked sessions, notes, history, and (with reports:triage) the
 * forms that move, assign and annotate the case. Only the desk sees customer references,
 * reporter contacts, evidence and internal notes; every form carries the CSRF token.
 */
import type { CaseRecord, HistoryRecord, NoteRecord } from '../../../../db/case-repository.js'
import type { DeskReport, SessionLink } from '../../../../db/report-repository.js'
import type { SessionRecord } from '../../../../db/session-repository.js'
import { allowedTransitions, type CaseStatus } from '../../../../domain/intake/case-state.js'
import { VERDICTS } from '../../../../domain/intake/verdicts.js'
import { FieldError, Layout } from '../../layout.js'
import { dateTime, words } from '../../render.js'
import { historyText, ReportBlock, SessionBlock } from './case-parts.js'
import { Csrf, Verdict, VERDICT_TEXT } from './shared.js'

const TRANSITION_TEXT: Record<CaseStatus, string> = {
  open: 'Reopen',
  investigating: 'Start investigating',
  awaiting_customer: 'Wait for the customer',
  resolved: 'Resolve',
  dismissed: 'Dismiss',
}

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
