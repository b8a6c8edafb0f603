/**
 * @module db/case-actions
 * What the abuse desk does to a case: assign it, add a note, move it through the state
 * machine. Resolving never changes what the scanners do: exclusions are their own
 * explicit action (db/exclusion-actions.ts). One implementation for both ways in (the triage API with a bearer token, the
 * desk console with a session cookie), so a form can never do what the API would refuse
 * and every change leaves the same history entry and audit event.
 *
 * Each action validates its input, locks the case row, applies the change, and writes the
 * case history and the audit chain in the same transaction.
 */
import type { Kysely } from 'kysely'
import { containsEmail } from '../domain/email.js'
import { DomainError } from '../domain/errors.js'
import { checkTransition, type CaseStatus } from '../domain/intake/case-state.js'
import { MAX_OUTCOME, outcomeTemplate } from '../domain/intake/outcome-templates.js'
import type { Verdict } from '../domain/intake/verdicts.js'
import { appendAudit } from './audit-repository.js'
import { addHistory, addNote, getCase, setAssignee, setStatus, type CaseRecord, type NoteRecord } from './case-repository.js'
import { enqueueReporterNoteMails } from './mail-replies.js'
import { listSessionLinksOfCase } from './report-repository.js'
import type { Database } from './schema.js'
import { loadSessions } from './session-repository.js'

export const MAX_NOTE = 4000
export const MAX_ASSIGNEE = 100
export const MAX_REASON = 1000
export const MAX_RECIPIENTS = 200

/** Who acts: `name` goes into the case history the desk reads, `audit` into the audit chain. */
export interface CaseActor {
  name: string
  audit: string
}

function notFound(id: string): DomainError {
  return new DomainError('not_found', `No case with id ${JSON.stringify(id.slice(0, 64))}.`, { status: 404 })
}

/** Assigns the case to `assignee` (trimmed), or unassigns it with null. */
export async function assignCase(db: Kysely<Database>, id: string, assignee: string | null, actor: CaseActor, now: Date): Promise<CaseRecord> {
  const name = assignee === null ? null : assignee.trim()
  if (name !== null && (name === '' || [...name].length > MAX_ASSIGNEE || /[\u0000-\u001f\u007f]/.test(name))) {
    throw new DomainError('validation_failed', `assignee must be a name of 1–${MAX_ASSIGNEE} characters on one line, or empty to unassign.`, { field: 'assignee' })
  }
  return db.transaction().execute(async (trx) => {
    const k = await getCase(trx, id, { forUpdate: true })
    if (!k) throw notFound(id)
    if (k.assignee !== name) {
      await setAssignee(trx, k.id, name, now)
      await addHistory(trx, k.id, now, actor.name, 'assigned', { from: k.assignee, to: name })
      await appendAudit(trx, { actor: actor.audit, action: 'case.assign', objectType: 'case', objectId: k.id, diff: { from: k.assignee, to: name } }, now)
    }
    return (await getCase(trx, k.id))!
  })
}

/**
 * Checks text a reporter will read (a reporter note, the outcome): no e-mail address, and
 * no customer reference or session id of a session linked to the case.
 */
async function checkReporterText(trx: Kysely<Database>, caseId: string, text: string, field: string, what: string): Promise<void> {
  if (containsEmail(text)) {
    throw new DomainError('validation_failed', `${what} is shown to reporters; leave out e-mail addresses.`, { field })
  }
  const links = await listSessionLinksOfCase(trx, caseId)
  const sessions = await loadSessions(trx, [...new Set(links.map((l) => l.sessionId))], { maxTargets: 0 })
  const lower = text.toLowerCase()
  const named = [...sessions.values()].find((s) => lower.includes(s.customerRef.toLowerCase()) || lower.includes(s.externalId.toLowerCase()))
  if (named) {
    throw new DomainError('validation_failed', `${what} must not name the customer or the scan session; reword it.`, { field })
  }
}

function plainText(raw: string, field: string, max: number): string {
  const text = raw.trim()
  const chars = [...text].length
  if (chars === 0 || chars > max) throw new DomainError('validation_failed', `${field} must be 1–${max} characters.`, { field })
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) {
    throw new DomainError('validation_failed', `${field} must be plain text without control characters.`, { field })
  }
  return text
}

/**
 * Adds a note. A `reporter` note is addressed to the reports named in `reportRefs` (all
 * of this case) and only their reporters read it; a report that joins the case later
 * does not. It may not contain an e-mail address or name the customer or scan session.
 */
export async function addCaseNote(
  db: Kysely<Database>,
  id: string,
  input: { body: string; visibility: 'internal' | 'reporter'; reportRefs?: readonly string[] | undefined },
  actor: CaseActor,
  now: Date,
): Promise<NoteRecord> {
  const body = plainText(input.body, 'body', MAX_NOTE)
  const refs = [...new Set((input.reportRefs ?? []).map((r) => r.trim().toUpperCase()).filter(Boolean))]
  if (input.visibility === 'internal' && refs.length) {
    throw new DomainError('validation_failed', 'An internal note has no recipients; leave reportRefs out.', { field: 'reportRefs' })
  }
  if (input.visibility === 'reporter' && (refs.length === 0 || refs.length > MAX_RECIPIENTS)) {
    throw new DomainError('validation_failed', 'Choose the reports whose reporters may read this note (reportRefs).', { field: 'reportRefs' })
  }
  return db.transaction().execute(async (trx) => {
    const k = await getCase(trx, id, { forUpdate: true })
    if (!k) throw notFound(id)
    let recipients: { id: string; ref: string }[] = []
    if (input.visibility === 'reporter') {
      await checkReporterText(trx, k.id, body, 'body', 'A reporter-visible note')
      recipients = await trx.selectFrom('reports').select(['id', 'ref']).where('case_id', '=', k.id).where('ref', 'in', refs).execute()
      const unknown = refs.filter((r) => !recipients.some((x) => x.ref === r))
      if (unknown.length) {
        throw new DomainError('validation_failed', `Not reports of this case: ${unknown.slice(0, 5).join(', ')}.`, { field: 'reportRefs' })
      }
    }
    const n = await addNote(trx, k.id, { author: actor.name, visibility: input.visibility, body, recipients }, now)
    // reporters who wrote by e-mail get the note as an e-mail too (only those it is addressed to)
    if (n.visibility === 'reporter') await enqueueReporterNoteMails(trx, k.id, { id: n.id, body, reportIds: recipients.map((r) => r.id) }, now)
    await addHistory(trx, k.id, now, actor.name, 'note_added', { noteId: n.id, visibility: n.visibility, ...(n.recipients.length ? { recipients: n.recipients } : {}) })
    await appendAudit(
      trx,
      { actor: actor.audit, action: 'case.note', objectType: 'case', objectId: k.id, diff: { noteId: n.id, visibility: n.visibility, recipients: n.recipients.length } },
      now,
    )
    return n
  })
}

/**
 * The text reporters read once the case is resolved: the desk's own words, or a template
 * as is. Required when resolving; refused otherwise.
 */
function outcomeFor(to: CaseStatus, outcome: string | undefined, templateId: string | undefined): string | null {
  const text = outcome?.trim() ?? ''
  if (to !== 'resolved') {
    if (text || templateId) throw new DomainError('validation_failed', 'An outcome is only given when resolving a case.', { field: 'outcome' })
    return null
  }
  if (text) return plainText(text, 'outcome', MAX_OUTCOME)
  if (templateId) {
    const t = outcomeTemplate(templateId)
    if (!t) throw new DomainError('validation_failed', 'Choose one of the listed outcome templates.', { field: 'outcomeTemplate' })
    return t.text
  }
  throw new DomainError('validation_failed', 'Resolving needs the outcome its reporters will read: write it (outcome) or pick a template (outcomeTemplate).', { field: 'outcome' })
}

/**
 * Moves the case (see domain/intake/case-state). Resolving stores the outcome text its
 * reporters will read; it never excludes targets from scanning.
 */
export async function transitionCase(
  db: Kysely<Database>,
  id: string,
  input: { to: CaseStatus; verdict?: Verdict | undefined; reason?: string | undefined; outcome?: string | undefined; outcomeTemplate?: string | undefined },
  actor: CaseActor,
  now: Date,
): Promise<{ case: CaseRecord }> {
  if (input.reason !== undefined && [...input.reason].length > MAX_REASON) {
    throw new DomainError('validation_failed', `reason must be at most ${MAX_REASON} characters.`, { field: 'reason' })
  }
  return db.transaction().execute(async (trx) => {
    const k = await getCase(trx, id, { forUpdate: true })
    if (!k) throw notFound(id)
    checkTransition(k.status, input.to, input.verdict)
    const outcome = outcomeFor(input.to, input.outcome, input.outcomeTemplate)
    if (outcome) await checkReporterText(trx, k.id, outcome, 'outcome', 'The outcome')
    const verdict = input.verdict ?? null
    await setStatus(trx, k.id, input.to, verdict, now, outcome)
    await addHistory(trx, k.id, now, actor.name, 'status_changed', {
      from: k.status,
      to: input.to,
      ...(verdict ? { verdict } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.outcomeTemplate ? { outcomeTemplate: input.outcomeTemplate } : {}),
    })
    await appendAudit(trx, { actor: actor.audit, action: 'case.transition', objectType: 'case', objectId: k.id, diff: { from: k.status, to: input.to, verdict } }, now)
    return { case: (await getCase(trx, k.id))! }
  })
}
