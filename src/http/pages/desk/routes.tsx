/**
 * @module http/pages/desk/routes
 * The abuse desk in the browser: `/desk` (sign-in or the case queue), `/desk/cases/{id}`
 * and the posts that sign in and out, assign, add notes and move cases. Reads use the
 * repository functions the triage API uses; changes go through db/case-actions.ts, the
 * same functions the API calls, so the rules, history and audit events are the same.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { appendAudit } from '../../../db/audit-repository.js'
import { addCaseNote, assignCase, transitionCase, type CaseActor } from '../../../db/case-actions.js'
import { getCase, listCases, listHistory, listNotes } from '../../../db/case-repository.js'
import { countCasesByStatus } from '../../../db/desk-queue-repository.js'
import { createDeskSession, deleteDeskSession, deleteExpiredDeskSessions, type DeskSession } from '../../../db/desk-session-repository.js'
import { listReportsOfCase, listSessionLinksOfCase } from '../../../db/report-repository.js'
import { loadSessions } from '../../../db/session-repository.js'
import { findActiveToken, touchToken } from '../../../db/token-repository.js'
import { DomainError } from '../../../domain/errors.js'
import { isCaseStatus, type CaseStatus } from '../../../domain/intake/case-state.js'
import { decodeCursor, encodeCursor } from '../../../domain/intake/cursor.js'
import { isVerdict, type Verdict } from '../../../domain/intake/verdicts.js'
import { TOKEN_PATTERN } from '../../../domain/tokens.js'
import type { AppEnv } from '../../app-env.js'
import { limitBody, KIB } from '../../intake-body.js'
import { formFields, sendPage } from '../render.js'
import {
  clearSessionCookie,
  currentDeskSession,
  hasScope,
  loginCsrf,
  loginCsrfOk,
  sameOriginPost,
  sessionCsrfOk,
  setSessionCookie,
} from './session.js'
import { CasePage, type ActionError } from './views/case.js'
import { QueuePage, type QueueFilter } from './views/queue.js'
import { DeskBar, DeskMessage } from './views/shared.js'
import { SignInPage } from './views/sign-in.js'

const DAY = /^\d{4}-\d{2}-\d{2}$/
const PAGE_SIZE = 50
const NOTICES: Record<string, string> = {
  note: 'Note added.',
  assign: 'Assignee saved.',
  transition: 'Case status changed.',
  'signed-in': 'Signed in.',
}

function validDay(v: string): boolean {
  const d = new Date(`${v}T00:00:00Z`)
  return DAY.test(v) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v
}

function bar(s: DeskSession) {
  return <DeskBar name={s.token.name} csrf={s.csrfToken} />
}

function refused(c: Context<AppEnv>, s: DeskSession | null, message: string, status: 403 | 404 = 403) {
  return sendPage(c, <DeskMessage title={status === 404 ? 'Not found' : 'Not allowed'} message={message} bar={s ? bar(s) : undefined} tone="bad" />, { status })
}

const FORM_GONE = 'This form has expired or did not come from the desk. Go back, reload the page and try again.'

async function signInPage(c: Context<AppEnv>, opts: { error?: string; notice?: string; status?: 200 | 400 | 403 } = {}) {
  const csrf = loginCsrf(c)
  return sendPage(c, <SignInPage csrf={csrf} error={opts.error} notice={opts.notice} />, { status: opts.status ?? 200 })
}

async function queuePage(c: Context<AppEnv>, s: DeskSession): Promise<Response> {
  const q = c.req.query()
  const filter: QueueFilter = {
    status: (q.status ?? '').trim(),
    verdict: (q.verdict ?? '').trim(),
    assignee: (q.assignee ?? '').trim().slice(0, 100),
    from: (q.from ?? '').trim(),
    to: (q.to ?? '').trim(),
  }
  const errors: { field: string; message: string }[] = []
  let statuses: CaseStatus[] | undefined
  if (filter.status) {
    if (isCaseStatus(filter.status)) statuses = [filter.status]
    else errors.push({ field: 'status', message: 'use open, investigating, awaiting_customer, resolved or dismissed' })
  }
  let verdict: Verdict | undefined
  if (filter.verdict) {
    if (isVerdict(filter.verdict)) verdict = filter.verdict
    else errors.push({ field: 'verdict', message: 'use authorized_scan, out_of_scope_scan, our_ip_no_session or not_our_ip' })
  }
  for (const f of ['from', 'to'] as const) {
    if (filter[f] && !validDay(filter[f])) errors.push({ field: f, message: 'must be a day such as 2026-11-01' })
  }
  let after
  if (q.cursor) {
    try {
      after = decodeCursor(q.cursor)
    } catch (e) {
      if (!(e instanceof DomainError)) throw e
      errors.push({ field: 'cursor', message: 'this page link is broken; start from the first page' })
    }
  }
  const db = c.get('db')
  const counts = await countCasesByStatus(db)
  let cases: Awaited<ReturnType<typeof listCases>> = []
  let next: string | null = null
  if (errors.length === 0) {
    const assignee = filter.assignee === '' ? undefined : filter.assignee.toLowerCase() === 'none' ? null : filter.assignee
    const rows = await listCases(db, {
      statuses,
      verdict,
      assignee,
      fromDay: filter.from || undefined,
      toDay: filter.to || undefined,
      after,
      limit: PAGE_SIZE + 1,
    })
    cases = rows.slice(0, PAGE_SIZE)
    const last = cases[cases.length - 1]
    if (rows.length > PAGE_SIZE && last) next = encodeCursor({ createdAt: last.createdAt, id: last.id })
  }
  const notice = NOTICES[q.done ?? '']
  return sendPage(c, <QueuePage bar={bar(s)} counts={counts} cases={cases} filter={filter} errors={errors} next={next} notice={notice} />, {
    status: errors.length ? 400 : 200,
  })
}

async function casePage(
  c: Context<AppEnv>,
  s: DeskSession,
  id: string,
  extra: { error?: ActionError; draft?: { body?: string; visibility?: string; assignee?: string }; status?: 200 | 400 | 409 } = {},
): Promise<Response> {
  const db = c.get('db')
  const k = await getCase(db, id)
  if (!k) return refused(c, s, 'There is no case with this id.', 404)
  const reports = await listReportsOfCase(db, k.id)
  const links = await listSessionLinksOfCase(db, k.id)
  const notes = await listNotes(db, k.id)
  const history = await listHistory(db, k.id)
  const sessions = await loadSessions(db, [...new Set(links.map((l) => l.sessionId))], { maxTargets: 100 })
  const notice = extra.error ? undefined : NOTICES[c.req.query('done') ?? '']
  return sendPage(
    c,
    <CasePage
      bar={bar(s)}
      csrf={s.csrfToken}
      canTriage={hasScope(s, 'reports:triage')}
      k={k}
      reports={reports}
      links={links}
      sessions={sessions}
      notes={notes}
      history={history}
      notice={notice}
      error={extra.error}
      draft={extra.draft}
    />,
    { status: extra.status ?? 200 },
  )
}

/**
 * Runs a desk form post: same-site check, live session, CSRF token, triage scope. Domain
 * errors (invalid input, a transition the state machine refuses) show the case page again
 * with the message next to the form; success goes back to the case page (303).
 */
async function casePost(
  c: Context<AppEnv>,
  now: () => Date,
  form: ActionError['form'],
  run: (fields: URLSearchParams, actor: CaseActor, id: string) => Promise<unknown>,
): Promise<Response> {
  if (!sameOriginPost(c)) return refused(c, null, FORM_GONE)
  const s = await currentDeskSession(c, now())
  if (!s) return signInPage(c, { notice: 'Your desk session has ended. Sign in again; nothing was changed.', status: 403 })
  const fields = await formFields(c)
  if (!sessionCsrfOk(s, fields)) return refused(c, s, FORM_GONE)
  if (!hasScope(s, 'reports:triage')) return refused(c, s, 'Your token lacks the scope reports:triage that changing cases needs.')
  const id = c.req.param('id') ?? ''
  try {
    await run(fields, { name: s.token.name, audit: `token:${s.token.id}` }, id)
  } catch (e) {
    if (!(e instanceof DomainError)) throw e
    if (e.status === 404) return refused(c, s, 'There is no case with this id.', 404)
    return casePage(c, s, id, {
      error: { form, message: e.message, ...(e.field ? { field: e.field } : {}) },
      draft: { body: fields.get('body') ?? undefined, visibility: fields.get('visibility') ?? undefined, assignee: fields.get('assignee') ?? undefined },
      status: e.status === 409 ? 409 : 400,
    })
  }
  await touchToken(c.get('db'), s.token.id, now()).catch(() => undefined)
  return c.redirect(`/desk/cases/${encodeURIComponent(id)}?done=${form}`, 303)
}

export function registerDeskRoutes(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  const small = limitBody(16 * KIB, 'A desk form')

  app.get('/desk', async (c) => {
    const s = await currentDeskSession(c, now())
    if (!s) return signInPage(c, { notice: c.req.query('signed-out') !== undefined ? 'You are signed out.' : undefined })
    return queuePage(c, s)
  })

  app.post('/desk/sign-in', small, async (c) => {
    if (!sameOriginPost(c)) return refused(c, null, FORM_GONE)
    const fields = await formFields(c)
    if (!loginCsrfOk(c, fields)) return signInPage(c, { error: 'The sign-in form expired; please enter the token again.', status: 403 })
    const secret = (fields.get('token') ?? '').trim()
    const t = now()
    const db = c.get('db')
    const token = TOKEN_PATTERN.test(secret) ? await findActiveToken(db, secret, t) : null
    if (!token) return signInPage(c, { error: 'This token is not valid: it is unknown, revoked or expired. Tokens start with sg_.', status: 400 })
    if (!token.scopes.includes('reports:read')) return signInPage(c, { error: 'This token lacks the scope reports:read that the desk needs.', status: 403 })
    await deleteExpiredDeskSessions(db, t)
    const session = await db.transaction().execute(async (trx) => {
      const made = await createDeskSession(trx, token, t)
      await appendAudit(trx, { actor: `token:${token.id}`, action: 'desk.sign_in', objectType: 'token', objectId: token.id, diff: { expiresAt: made.expiresAt.toISOString() } }, t)
      return made
    })
    await touchToken(db, token.id, t).catch(() => undefined)
    setSessionCookie(c, session.sessionId, session.expiresAt, t)
    c.header('cache-control', 'no-store')
    return c.redirect('/desk', 303)
  })

  app.post('/desk/sign-out', small, async (c) => {
    if (!sameOriginPost(c)) return refused(c, null, FORM_GONE)
    const t = now()
    const s = await currentDeskSession(c, t)
    if (!s) return c.redirect('/desk?signed-out', 303)
    const fields = await formFields(c)
    if (!sessionCsrfOk(s, fields)) return refused(c, s, FORM_GONE)
    const db = c.get('db')
    await db.transaction().execute(async (trx) => {
      await deleteDeskSession(trx, s.idHash)
      await appendAudit(trx, { actor: `token:${s.token.id}`, action: 'desk.sign_out', objectType: 'token', objectId: s.token.id, diff: {} }, t)
    })
    clearSessionCookie(c)
    return c.redirect('/desk?signed-out', 303)
  })

  app.get('/desk/cases/:id', async (c) => {
    const s = await currentDeskSession(c, now())
    if (!s) return signInPage(c, { notice: 'Sign in to see this case.' })
    return casePage(c, s, c.req.param('id'))
  })

  app.post('/desk/cases/:id/notes', limitBody(64 * KIB, 'A note'), (c) =>
    casePost(c, now, 'note', (f, actor, id) => {
      const visibility = f.get('visibility') ?? 'internal'
      if (visibility !== 'internal' && visibility !== 'reporter') {
        throw new DomainError('validation_failed', 'Choose who may read the note: internal or reporter.', { field: 'visibility' })
      }
      return addCaseNote(c.get('db'), id, { body: f.get('body') ?? '', visibility }, actor, now())
    }),
  )

  app.post('/desk/cases/:id/assign', small, (c) => casePost(c, now, 'assign', (f, actor, id) => {
      // the form's empty field means "nobody"
      const assignee = (f.get('assignee') ?? '').trim()
      return assignCase(c.get('db'), id, assignee === '' ? null : assignee, actor, now())
    }),
  )

  app.post('/desk/cases/:id/transition', small, (c) =>
    casePost(c, now, 'transition', (f, actor, id) => {
      const to = f.get('to') ?? ''
      if (!isCaseStatus(to)) throw new DomainError('validation_failed', 'Choose a status to move the case to.', { field: 'to' })
      const v = f.get('verdict') ?? ''
      if (v !== '' && !isVerdict(v)) throw new DomainError('validation_failed', 'Choose one of the listed verdicts.', { field: 'verdict' })
      const reason = (f.get('reason') ?? '').trim()
      return transitionCase(c.get('db'), id, { to, verdict: v === '' ? undefined : v, reason: reason === '' ? undefined : reason }, actor, now())
    }),
  )
}
