/**
 * @module http/pages/desk/views/case
 * The case page: reports, linked sessions, notes, history, and (with reports:triage) the
 * forms that move, assign and annotate the case. Only the desk sees customer references,
 * reporter contacts, evidence and internal notes; every form carries the CSRF token.
 */
import type { CaseRecord, HistoryRecord, NoteRecord } from '../../../../db/case-repository.js'
import type { DeskReport, SessionLink } from '../../../../db/report-repository.js'
import type { SessionRecord } from '../../../../db/session-repository.js'
import type { ExclusionRecord } from '../../../../db/exclusion-repository.js'
import { proposableTargets, type ExclusionPolicy } from '../../../../domain/exclusion-rules.js'
import { allowedTransitions, type CaseStatus } from '../../../../domain/intake/case-state.js'
import { OUTCOME_TEMPLATES } from '../../../../domain/intake/outcome-templates.js'
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
  form: 'note' | 'assign' | 'transition' | 'exclusion'
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
  draft?: CaseDraft
  policy: ExclusionPolicy
  /** the token may add exclusions (scope exclusions:write) */
  canExclude: boolean
  /** exclusions made from this case */
  exclusions: ExclusionRecord[]
  /** cases opened after this one was settled (new activity) */
  followedBy: CaseRecord[]
}

/** What the desk typed, shown again when a form is refused. */
export interface CaseDraft {
  body?: string
  visibility?: string
  assignee?: string
  reportRefs?: string[]
  outcome?: string
  outcomeTemplate?: string
  reason?: string
}

function ActionErrorNote({ error, form }: { error: ActionError | undefined; form: ActionError['form'] }) {
  if (!error || error.form !== form) return null
  return (
    <div class="notice bad" role="alert" id={`${form}-error`}>
      <p>{error.message}</p>
    </div>
  )
}

function Transitions({ k, csrf, error, draft }: { k: CaseRecord; csrf: string; error: ActionError | undefined; draft: CaseDraft | undefined }) {
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
                <span class="hint" id="verdict-hint">
                  Desk only: reporters never see it. The suggested verdict is in the case header.
                </span>
                <select id="verdict" name="verdict" required aria-describedby="verdict-hint">
                  <option value="">Choose…</option>
                  {VERDICTS.map((v) => (
                    <option value={v}>{VERDICT_TEXT[v]}</option>
                  ))}
                </select>
              </div>
              <div class={error?.form === 'transition' && (error.field === 'outcome' || error.field === 'outcomeTemplate') ? 'field has-error' : 'field'}>
                <label for="outcome-template">What reporters will read</label>
                <span class="hint" id="outcome-hint">
                  Pick a starting text, or write your own below. Reporters of this case read exactly this; name no customer.
                </span>
                <select id="outcome-template" name="outcomeTemplate" aria-describedby="outcome-hint">
                  <option value="">Choose…</option>
                  {OUTCOME_TEMPLATES.map((t) => (
                    <option value={t.id} selected={draft?.outcomeTemplate === t.id} data-text={t.text}>
                      {t.label}
                    </option>
                  ))}
                </select>
                <ul class="small muted" id="outcome-texts">
                  {OUTCOME_TEMPLATES.map((t) => (
                    <li>
                      <strong>{t.label}:</strong> {t.text}
                    </li>
                  ))}
                </ul>
              </div>
              <div class="field">
                <label for="outcome">
                  Outcome in your words <span class="optional">(optional: replaces the template)</span>
                </label>
                <textarea id="outcome" name="outcome" rows={4} maxlength={2000}>
                  {draft?.outcome ?? ''}
                </textarea>
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

/**
 * Excluding a reported target from scanning: an explicit action of its own (scope
 * exclusions:write), one target at a time, offered only for targets actually reported
 * and no wider than the policy. Resolving the case never does it.
 */
function ExclusionPanel(p: CasePageProps) {
  const { proposed, tooWide } = proposableTargets(
    p.reports.map((r) => r.target),
    p.policy,
  )
  const excluded = new Set(p.exclusions.map((e) => e.target))
  const err = p.error?.form === 'exclusion' ? p.error.message : undefined
  return (
    <section aria-labelledby="exclude-title" id="exclude-panel">
      <h2 id="exclude-title">Exclude from scanning</h2>
      <p class="small">
        Stops every scan of the target for all customers. See all exclusions on the <a href="/desk/exclusions">exclusion list</a>.
      </p>
      {p.exclusions.map((e) => (
        <p class="small" data-excluded={e.target}>
          <code>{e.target}</code> excluded{e.expiresAt ? ` until ${dateTime(e.expiresAt)}` : ''} ({e.reason})
        </p>
      ))}
      {tooWide.map((t) => (
        <p class="small" data-too-wide-target={t}>
          <code>{t}</code>: too wide to act on (wider than /{t.includes(':') ? p.policy.maxPrefix.ipv6 : p.policy.maxPrefix.ipv4}).
        </p>
      ))}
      <ActionErrorNote error={p.error} form="exclusion" />
      {!p.canExclude ? (
        <p class="muted small">Excluding a target needs the scope exclusions:write.</p>
      ) : (
        proposed
          .filter((t) => !excluded.has(t))
          .map((t, i) => (
            <form method="post" action="/desk/exclusions" class="exclude-form" data-target={t}>
              <Csrf token={p.csrf} />
              <input type="hidden" name="prefix" value={t} />
              <input type="hidden" name="caseId" value={p.k.id} />
              <p>
                <code>{t}</code>
              </p>
              <div class={err ? 'field has-error' : 'field'}>
                <label for={`exclude-reason-${i}`}>Why</label>
                <input type="text" id={`exclude-reason-${i}`} name="reason" required maxlength={500} autocomplete="off" />
              </div>
              <div class="field">
                <label for={`exclude-expires-${i}`}>
                  Until <span class="optional">(optional)</span>
                </label>
                <input type="date" id={`exclude-expires-${i}`} name="expiresOn" />
              </div>
              <button type="submit" class="danger">
                Exclude {t}
              </button>
            </form>
          ))
      )}
    </section>
  )
}

export function CasePage(p: CasePageProps) {
  const { k } = p
  const sessionIds = [...new Set(p.links.map((l) => l.sessionId))]
  const noteError = p.error?.form === 'note' && p.error.field !== 'reportRefs' ? p.error.message : undefined
  const recipientsError = p.error?.form === 'note' && p.error.field === 'reportRefs' ? p.error.message : undefined
  const chosen = new Set(p.draft?.reportRefs ?? [])
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
      {k.followsCaseId ? (
        <p class="notice info" id="follows">
          New activity after a settled case: this case was opened because a report came in after{' '}
          <a href={`/desk/cases/${k.followsCaseId}`}>the earlier case</a> was settled. That case and its reporters keep their outcome.
        </p>
      ) : null}
      {p.followedBy.length ? (
        <p class="notice warn" id="followed-by">
          New activity after this case was settled:{' '}
          {p.followedBy.map((f, i) => (
            <>
              {i > 0 ? ', ' : ''}
              <a href={`/desk/cases/${f.id}`}>
                case of {f.day} ({words(f.status)}, {f.reportCount} report{f.reportCount === 1 ? '' : 's'})
              </a>
            </>
          ))}
          .
        </p>
      ) : null}
      {p.notice ? (
        <div class="notice ok" role="status" id="flash">
          <p>{p.notice}</p>
        </div>
      ) : null}
      <div class="two-col">
        <div>
          <h2>Reports</h2>
          {p.reports.map((r) => (
            <ReportBlock r={r} policy={p.policy} />
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
              {n.visibility === 'reporter' ? <p class="small muted">For the reporters of {n.recipients.length ? n.recipients.join(', ') : 'no report'}</p> : null}
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
              <Transitions k={k} csrf={p.csrf} error={p.error} draft={p.draft} />
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
                    A note for reporters is shown only to the reporters of the reports you tick below, never to later ones: no customer names, session ids
                    or e-mail addresses.
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
                <fieldset class={recipientsError ? 'has-error' : undefined} id="note-recipients">
                  <legend>For the reporters of (notes for reporters only)</legend>
                  <FieldError id="note-recipients-error" message={recipientsError} />
                  <div class="radios">
                    {p.reports.map((r) => (
                      <label>
                        <input type="checkbox" name="reportRefs" value={r.ref} checked={chosen.has(r.ref)} /> {r.ref}
                      </label>
                    ))}
                  </div>
                </fieldset>
                <button type="submit">Add note</button>
              </form>
            </>
          ) : (
            <div class="notice info">
              <p>Your token can read cases but not change them: that needs the scope reports:triage.</p>
            </div>
          )}
          <ExclusionPanel {...p} />
        </aside>
      </div>
    </Layout>
  )
}
