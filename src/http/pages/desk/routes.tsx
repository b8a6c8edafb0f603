/**
 * @module http/pages/desk/routes
 * The abuse desk in the browser: `/desk` (sign-in or the case queue), `/desk/cases/{id}`,
 * `/desk/exclusions`, and the posts that sign in and out, assign, add notes, move cases
 * and add or remove exclusions. Reads use the repository functions the API uses; changes
 * go through db/case-actions.ts and db/exclusion-actions.ts, the same functions the API
 * calls, so the rules, history and audit events are the same.
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { appendAudit } from '../../../db/audit-repository.js'
import { addCaseNote, assignCase, transitionCase, type CaseActor } from '../../../db/case-actions.js'
import { casesFollowing, getCase, listCases, listHistory, listNotes } from '../../../db/case-repository.js'
import { createExclusion, removeExclusion } from '../../../db/exclusion-actions.js'
import { exclusionColumns, listExclusions, toExclusion } from '../../../db/exclusion-repository.js'
import { countCasesByStatus } from '../../../db/desk-queue-repository.js'
import { createDeskSession, deleteDeskSession, deleteExpiredDeskSessions, type DeskSession } from '../../../db/desk-session-repository.js'
import { listReportsOfCase, listSessionLinksOfCase } from '../../../db/report-repository.js'
import { loadSessions } from '../../../db/session-repository.js'
import { findActiveToken, touchToken } from '../../../db/token-repository.js'
import { DomainError } from '../../../domain/errors.js'
import { isCaseStatus, type CaseStatus } from '../../../domain/intake/case-state.js'
import { decodeCursor, encodeCursor } from '../../../domain/intake/cursor.js'
import { isVerdict, type Verdict } from '../../../domain/intake/verdicts.js'
import { DEFAULT_EXCLUSION_POLICY, type ExclusionPolicy } from '../../../domain/exclusion-rules.js'
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
  type Scope,
} from './session.js'
import { CasePage, type ActionError, type CaseDraft } from './views/case.js'
import { ExclusionsPage, type ExclusionDraft } from './views/exclusions.js'
import { QueuePage, type QueueFilter } from './views/queue.js'
import { DeskBar, DeskMessage } from './views/shared.js'
import { SignInPage } from './views/sign-in.js'

const DAY = /^\d{4}-\d{2}-\d{2}$/
const PAGE_SIZE = 50
const NOTICES: Record<string, string> = {
  note: 'Note added.',
  assign: 'Assignee saved.',
  transition: 'Case status changed.',
  exclusion: 'Target excluded from scanning.',
  'exclusion-removed': 'Exclusion removed.',
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
  policy: ExclusionPolicy,
  extra: { error?: ActionError; draft?: CaseDraft; status?: 200 | 400 | 409 } = {},
): Promise<Response> {
  const db = c.get('db')
  const k = await getCase(db, id)
  if (!k) return refused(c, s, 'There is no case with this id.', 404)
  const reports = await listReportsOfCase(db, k.id)
  const links = await listSessionLinksOfCase(db, k.id)
  const notes = await listNotes(db, k.id)
  const history = await listHistory(db, k.id)
  const sessions = await loadSessions(db, [...new Set(links.map((l) => l.sessionId))], { maxTargets: 100 })
  const exclusions = (await exclusionColumns(db).where('case_id', '=', k.id).orderBy('created_at').execute()).map(toExclusion)
  const followedBy = await casesFollowing(db, k.id)
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
      policy={policy}
      canExclude={hasScope(s, 'exclusions:write')}
      exclusions={exclusions}
      followedBy={followedBy}
    />,
    { status: extra.status ?? 200 },
  )
}

/**
 * The checks every desk form post passes: same-site, live session, CSRF token, scope.
 * Returns the session and fields, or the page that refuses.
 */
async function deskForm(c: Context<AppEnv>, now: () => Date, scope: Scope): Promise<{ s: DeskSession; fields: URLSearchParams } | Response> {
  if (!sameOriginPost(c)) return refused(c, null, FORM_GONE)
  const s = await currentDeskSession(c, now())
  if (!s) return signInPage(c, { notice: 'Your desk session has ended. Sign in again; nothing was changed.', status: 403 })
  const fields = await formFields(c)
  if (!sessionCsrfOk(s, fields)) return refused(c, s, FORM_GONE)
  if (!hasScope(s, scope)) return refused(c, s, `Your token lacks the scope ${scope} that this needs.`)
  return { s, fields }
}

function caseDraft(f: URLSearchParams): CaseDraft {
  const v = (k: string) => f.get(k) ?? undefined
  return {
    body: v('body'),
    visibility: v('visibility'),
    assignee: v('assignee'),
    reportRefs: f.getAll('reportRefs'),
    outcome: v('outcome'),
    outcomeTemplate: v('outcomeTemplate'),
    reason: v('reason'),
  }
}

/**
 * Runs a desk form post on a case. Domain errors (invalid input, a transition the state
 * machine refuses) show the case page again with the message next to the form; success
 * goes back to the case page (303).
 */
async function casePost(
  c: Context<AppEnv>,
  now: () => Date,
  policy: ExclusionPolicy,
  form: ActionError['form'],
  run: (fields: URLSearchParams, actor: CaseActor, id: string) => Promise<unknown>,
): Promise<Response> {
  const checked = await deskForm(c, now, 'reports:triage')
  if (checked instanceof Response) return checked
  const { s, fields } = checked
  const id = c.req.param('id') ?? ''
  try {
    await run(fields, { name: s.token.name, audit: `token:${s.token.id}` }, id)
  } catch (e) {
    if (!(e instanceof DomainError)) throw e
    if (e.status === 404) return refused(c, s, 'There is no case with this id.', 404)
    return casePage(c, s, id, policy, {
      error: { form, message: e.message, ...(e.field ? { field: e.field } : {}) },
      draft: caseDraft(fields),
      status: e.status === 409 ? 409 : 400,
    })
  }
  await touchToken(c.get('db'), s.token.id, now()).catch(() => undefined)
  return c.redirect(`/desk/cases/${encodeURIComponent(id)}?done=${form}`, 303)
}

async function exclusionsPage(
  c: Context<AppEnv>,
  s: DeskSession,
  now: Date,
  policy: ExclusionPolicy,
  extra: { error?: { message: string; field?: string }; draft?: ExclusionDraft; status?: 200 | 400 | 404 | 409 } = {},
): Promise<Response> {
  const exclusions = await listExclusions(c.get('db'), { limit: 500 })
  const notice = extra.error ? undefined : NOTICES[c.req.query('done') ?? '']
  return sendPage(
    c,
    <ExclusionsPage
      bar={bar(s)}
      csrf={s.csrfToken}
      canExclude={hasScope(s, 'exclusions:write')}
      policy={policy}
      exclusions={exclusions}
      now={now}
      notice={notice}
      error={extra.error}
      draft={extra.draft}
    />,
    { status: extra.status ?? 200 },
  )
}

/** A date field (YYYY-MM-DD) means "until the end of that UTC day". */
function endOfDay(v: string): string | null {
  if (v === '') return null
  if (!validDay(v)) throw new DomainError('validation_failed', 'Give the last day as a date such as 2027-01-31.', { field: 'expiresAt' })
  return new Date(new Date(`${v}T00:00:00Z`).getTime() + 86_400_000).toISOString()
}

export function registerDeskRoutes(app: OpenAPIHono<AppEnv>, now: () => Date, policy: ExclusionPolicy = DEFAULT_EXCLUSION_POLICY): void {
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
    return casePage(c, s, c.req.param('id'), policy)
  })

  app.post('/desk/cases/:id/notes', limitBody(64 * KIB, 'A note'), (c) =>
    casePost(c, now, policy, 'note', (f, actor, id) => {
      const visibility = f.get('visibility') ?? 'internal'
      if (visibility !== 'internal' && visibility !== 'reporter') {
        throw new DomainError('validation_failed', 'Choose who may read the note: internal or reporter.', { field: 'visibility' })
      }
      // ticked boxes only count for a note to reporters
      const reportRefs = visibility === 'reporter' ? f.getAll('reportRefs') : []
      return addCaseNote(c.get('db'), id, { body: f.get('body') ?? '', visibility, reportRefs }, actor, now())
    }),
  )

  app.post('/desk/cases/:id/assign', small, (c) => casePost(c, now, policy, 'assign', (f, actor, id) => {
      // the form's empty field means "nobody"
      const assignee = (f.get('assignee') ?? '').trim()
      return assignCase(c.get('db'), id, assignee === '' ? null : assignee, actor, now())
    }),
  )

  app.post('/desk/cases/:id/transition', small, (c) =>
    casePost(c, now, policy, 'transition', (f, actor, id) => {
      const to = f.get('to') ?? ''
      if (!isCaseStatus(to)) throw new DomainError('validation_failed', 'Choose a status to move the case to.', { field: 'to' })
      const v = f.get('verdict') ?? ''
      if (v !== '' && !isVerdict(v)) throw new DomainError('validation_failed', 'Choose one of the listed verdicts.', { field: 'verdict' })
      const opt = (k: string) => {
        const x = (f.get(k) ?? '').trim()
        return x === '' ? undefined : x
      }
      return transitionCase(
        c.get('db'),
        id,
        { to, verdict: v === '' ? undefined : v, reason: opt('reason'), outcome: opt('outcome'), outcomeTemplate: opt('outcomeTemplate') },
        actor,
        now(),
      )
    }),
  )

  app.get('/desk/exclusions', async (c) => {
    const t = now()
    const s = await currentDeskSession(c, t)
    if (!s) return signInPage(c, { notice: 'Sign in to see the exclusion list.' })
    return exclusionsPage(c, s, t, policy)
  })

  // one target at a time, from the exclusion list or from a case's reported targets
  app.post('/desk/exclusions', small, async (c) => {
    const checked = await deskForm(c, now, 'exclusions:write')
    if (checked instanceof Response) return checked
    const { s, fields } = checked
    const t = now()
    const caseId = (fields.get('caseId') ?? '').trim()
    const draft: ExclusionDraft = {
      prefix: fields.get('prefix') ?? '',
      reason: fields.get('reason') ?? '',
      expiresOn: fields.get('expiresOn') ?? '',
      overrideReason: fields.get('overrideReason') ?? '',
    }
    try {
      const overrideReason = (draft.overrideReason ?? '').trim()
      await c.get('db').transaction().execute(async (trx) =>
        createExclusion(
          trx,
          {
            prefix: draft.prefix ?? '',
            reason: draft.reason ?? '',
            expiresAt: endOfDay((draft.expiresOn ?? '').trim()),
            caseId: caseId === '' ? null : caseId,
            override: overrideReason === '' ? null : { reason: overrideReason },
            actor: { name: s.token.name, audit: `token:${s.token.id}` },
            source: 'desk',
          },
          t,
          policy,
        ),
      )
    } catch (e) {
      if (!(e instanceof DomainError)) throw e
      const error = { message: e.message, ...(e.field ? { field: e.field } : {}) }
      const status = e.status === 409 ? 409 : e.status === 404 ? 404 : 400
      if (caseId) return casePage(c, s, caseId, policy, { error: { form: 'exclusion', ...error }, status: status === 404 ? 400 : status })
      return exclusionsPage(c, s, t, policy, { error, draft, status })
    }
    await touchToken(c.get('db'), s.token.id, t).catch(() => undefined)
    return c.redirect(caseId ? `/desk/cases/${encodeURIComponent(caseId)}?done=exclusion` : '/desk/exclusions?done=exclusion', 303)
  })

  app.post('/desk/exclusions/:id/remove', small, async (c) => {
    const checked = await deskForm(c, now, 'exclusions:write')
    if (checked instanceof Response) return checked
    const { s, fields } = checked
    const t = now()
    try {
      await removeExclusion(c.get('db'), { id: c.req.param('id'), reason: fields.get('reason'), actor: { name: s.token.name, audit: `token:${s.token.id}` }, source: 'desk' }, t)
    } catch (e) {
      if (!(e instanceof DomainError)) throw e
      return exclusionsPage(c, s, t, policy, { error: { message: e.message }, status: e.status === 404 ? 404 : 400 })
    }
    return c.redirect('/desk/exclusions?done=exclusion-removed', 303)
  })
}
