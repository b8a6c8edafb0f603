/**
 * @module db/case-actions
 * What the abuse desk does to a case: assign it, add a note, move it through the state
 * machine. One implementation for both ways in (the triage API with a bearer token, the
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
import type { Verdict } from '../domain/intake/verdicts.js'
import { appendAudit } from './audit-repository.js'
import { addHistory, addNote, getCase, setAssignee, setStatus, type CaseRecord, type NoteRecord } from './case-repository.js'
import { addExclusions } from './exclusion-repository.js'
import { enqueueReporterNoteMails } from './mail-replies.js'
import { listSessionLinksOfCase, targetsOfCase } from './report-repository.js'
import type { Database } from './schema.js'
import { loadSessions } from './session-repository.js'

export const MAX_NOTE = 4000
export const MAX_ASSIGNEE = 100
export const MAX_REASON = 1000

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
 * Adds a note. A `reporter` note is shown to every reporter of the case, so it may not
 * contain an e-mail address or name the customer or scan session behind the case.
 */
export async function addCaseNote(
  db: Kysely<Database>,
  id: string,
  input: { body: string; visibility: 'internal' | 'reporter' },
  actor: CaseActor,
  now: Date,
): Promise<NoteRecord> {
  const body = input.body.trim()
  const chars = [...body].length
  if (chars === 0 || chars > MAX_NOTE) {
    throw new DomainError('validation_failed', `body must be 1–${MAX_NOTE} characters.`, { field: 'body' })
  }
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(body)) {
    throw new DomainError('validation_failed', 'body must be plain text without control characters.', { field: 'body' })
  }
  return db.transaction().execute(async (trx) => {
    const k = await getCase(trx, id, { forUpdate: true })
    if (!k) throw notFound(id)
    if (input.visibility === 'reporter') {
      if (containsEmail(body)) {
        throw new DomainError('validation_failed', 'A reporter-visible note is shown to every reporter of the case; leave out e-mail addresses.', { field: 'body' })
      }
      const links = await listSessionLinksOfCase(trx, k.id)
      const sessions = await loadSessions(trx, [...new Set(links.map((l) => l.sessionId))], { maxTargets: 0 })
      const lower = body.toLowerCase()
      const named = [...sessions.values()].find((s) => lower.includes(s.customerRef.toLowerCase()) || lower.includes(s.externalId.toLowerCase()))
      if (named) {
        throw new DomainError('validation_failed', 'A reporter-visible note must not name the customer or the scan session; reword it.', { field: 'body' })
      }
    }
    const n = await addNote(trx, k.id, { author: actor.name, visibility: input.visibility, body }, now)
    // reporters who wrote by e-mail get the note as an e-mail too
    if (n.visibility === 'reporter') await enqueueReporterNoteMails(trx, k.id, { id: n.id, body }, now)
    await addHistory(trx, k.id, now, actor.name, 'note_added', { noteId: n.id, visibility: n.visibility })
    await appendAudit(trx, { actor: actor.audit, action: 'case.note', objectType: 'case', objectId: k.id, diff: { noteId: n.id, visibility: n.visibility } }, now)
    return n
  })
}

/**
 * Moves the case (see domain/intake/case-state). Resolving as `out_of_scope_scan` puts the
 * case's targets on the exclusion list, so the scan platform can stop scanning them.
 */
export async function transitionCase(
  db: Kysely<Database>,
  id: string,
  input: { to: CaseStatus; verdict?: Verdict | undefined; reason?: string | undefined },
  actor: CaseActor,
  now: Date,
): Promise<{ case: CaseRecord; exclusionsAdded: string[] }> {
  if (input.reason !== undefined && [...input.reason].length > MAX_REASON) {
    throw new DomainError('validation_failed', `reason must be at most ${MAX_REASON} characters.`, { field: 'reason' })
  }
  return db.transaction().execute(async (trx) => {
    const k = await getCase(trx, id, { forUpdate: true })
    if (!k) throw notFound(id)
    checkTransition(k.status, input.to, input.verdict)
    const verdict = input.verdict ?? null
    await setStatus(trx, k.id, input.to, verdict, now)
    await addHistory(trx, k.id, now, actor.name, 'status_changed', {
      from: k.status,
      to: input.to,
      ...(verdict ? { verdict } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
    })
    let added: string[] = []
    if (input.to === 'resolved' && verdict === 'out_of_scope_scan') {
      added = await addExclusions(trx, await targetsOfCase(trx, k.id), { reason: 'out_of_scope_scan', caseId: k.id, actor: actor.name }, now)
      if (added.length) await addHistory(trx, k.id, now, actor.name, 'exclusions_added', { targets: added })
    }
    await appendAudit(
      trx,
      { actor: actor.audit, action: 'case.transition', objectType: 'case', objectId: k.id, diff: { from: k.status, to: input.to, verdict, exclusionsAdded: added } },
      now,
    )
    return { case: (await getCase(trx, k.id))!, exclusionsAdded: added }
  })
}
