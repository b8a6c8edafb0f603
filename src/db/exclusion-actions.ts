/**
 * @module db/exclusion-actions
 * The one way an exclusion is created or removed. Every way in (the admin API, the desk
 * console, later the verified opt-out of issue 17) calls these two functions, so the
 * rules (one target at a time, no wider than the policy without an override and a
 * reason, an optional expiry) and the audit event are always the same. Nothing calls
 * them as a side effect: resolving a case never excludes anything.
 *
 * @example
 * ```ts
 * await db.transaction().execute((trx) =>
 *   createExclusion(trx, { prefix: '203.0.113.7', reason: 'owner asked us to stop', actor, source: 'desk' }, now, policy))
 * ```
 */
import { sql, type Kysely } from 'kysely'
import { cidrContainsCidr, parseCidr } from '../domain/cidr.js'
import { DomainError } from '../domain/errors.js'
import {
  checkExpiry,
  checkReason,
  checkWidth,
  DEFAULT_EXCLUSION_POLICY,
  parseExclusionPrefix,
  type ExclusionPolicy,
} from '../domain/exclusion-rules.js'
import { appendAudit } from './audit-repository.js'
import { addHistory, getCase } from './case-repository.js'
import { exclusionColumns, toExclusion, type ExclusionRecord } from './exclusion-repository.js'
import { targetsOfCase } from './report-repository.js'
import type { Database } from './schema.js'

/** Who acts: `name` for the case history the desk reads, `audit` (e.g. `token:<id>`) for the audit chain. */
export interface ExclusionActor {
  name: string
  audit: string
}

export interface NewExclusion {
  /** An address or CIDR block; a bare address excludes that one address. */
  prefix: string
  /** Why (1–500 characters, one line, no e-mail addresses): kept in the list and the audit chain. */
  reason: string
  /** When the exclusion stops matching; null or absent: until removed. */
  expiresAt?: Date | string | null
  actor: ExclusionActor
  /** Which way in: the desk console, the admin API, or a verified owner opt-out. */
  source: 'desk' | 'api' | 'opt_out'
  /** The case the target comes from: then it must lie inside a target reported in that case. */
  caseId?: string | null
  /** Needed for a block wider than the policy allows; the reason is audited. */
  override?: { reason: string } | null
}

export interface RemoveExclusion {
  id: string
  reason?: string | null
  actor: ExclusionActor
  source: 'desk' | 'api' | 'opt_out'
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function inTransaction<T>(db: Kysely<Database>, run: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? run(db) : db.transaction().execute(run)
}

/**
 * Adds one exclusion and its audit event (`exclusion.create`), in the caller's
 * transaction. An expired exclusion of the same block is replaced; one still in force
 * is a 409 `conflict`.
 * @throws DomainError 400 `validation_failed` (prefix, reason, expiresAt, override.reason),
 *   404 for an unknown caseId, 409 `conflict`
 */
export async function createExclusion(
  db: Kysely<Database>,
  input: NewExclusion,
  now: Date,
  policy: ExclusionPolicy = DEFAULT_EXCLUSION_POLICY,
): Promise<ExclusionRecord> {
  const prefix = parseExclusionPrefix(input.prefix)
  const reason = checkReason(input.reason, 'reason', true)!
  const overrideGiven = input.override !== undefined && input.override !== null
  const overrideReason = overrideGiven ? checkReason(input.override?.reason, 'override.reason', true) : null
  const override = checkWidth(prefix, policy, overrideReason)
  const expiresAt = checkExpiry(input.expiresAt, now)
  return inTransaction(db, async (trx) => {
    let caseId: string | null = null
    if (input.caseId) {
      const k = await getCase(trx, input.caseId)
      if (!k) throw new DomainError('not_found', 'No case with this id.', { status: 404, field: 'caseId' })
      const reported = (await targetsOfCase(trx, k.id)).map((t) => parseCidr(t))
      if (!reported.some((r) => cidrContainsCidr(r, prefix))) {
        throw new DomainError('validation_failed', `${prefix.text} was not reported in this case; only reported targets can be excluded from a case.`, { field: 'prefix' })
      }
      caseId = k.id
    }
    const expired = await trx
      .deleteFrom('exclusions')
      .where(sql<boolean>`target = ${prefix.text}::cidr`)
      .where('expires_at', '<=', now)
      .returning('id')
      .executeTakeFirst()
    const row = await trx
      .insertInto('exclusions')
      .values({
        target: prefix.text,
        reason,
        source: input.source,
        case_id: caseId,
        created_by: input.actor.name,
        created_at: now,
        expires_at: expiresAt,
        override_reason: override,
      })
      .onConflict((oc) => oc.column('target').doNothing())
      .returning('id')
      .executeTakeFirst()
    if (!row) {
      const existing = await exclusionColumns(trx).where(sql<boolean>`target = ${prefix.text}::cidr`).executeTakeFirst()
      throw new DomainError('conflict', `${prefix.text} is already excluded${existing ? ` (since ${existing.created_at.toISOString()})` : ''}; remove that exclusion first to change it.`, {
        status: 409,
        field: 'prefix',
        extra: existing ? { exclusionId: existing.id } : undefined,
      })
    }
    await appendAudit(
      trx,
      {
        actor: input.actor.audit,
        action: 'exclusion.create',
        objectType: 'exclusion',
        objectId: row.id,
        diff: {
          prefix: prefix.text,
          source: input.source,
          reason,
          expiresAt: expiresAt?.toISOString() ?? null,
          caseId,
          override,
          ...(expired ? { replacedExpired: expired.id } : {}),
        },
      },
      now,
    )
    if (caseId) await addHistory(trx, caseId, now, input.actor.name, 'exclusion_added', { target: prefix.text, exclusionId: row.id })
    return toExclusion(await exclusionColumns(trx).where('id', '=', row.id).executeTakeFirstOrThrow())
  })
}

/**
 * Removes one exclusion and records `exclusion.remove` (with the block it covered) in the
 * audit chain, in the caller's transaction.
 * @throws DomainError 404 for an unknown id, 400 for an invalid reason
 */
export async function removeExclusion(db: Kysely<Database>, input: RemoveExclusion, now: Date): Promise<ExclusionRecord> {
  const reason = checkReason(input.reason, 'reason', false)
  return inTransaction(db, async (trx) => {
    const found = UUID.test(input.id) ? await exclusionColumns(trx).where('id', '=', input.id).forUpdate().executeTakeFirst() : undefined
    if (!found) throw new DomainError('not_found', 'No exclusion with this id.', { status: 404 })
    const e = toExclusion(found)
    await trx.deleteFrom('exclusions').where('id', '=', e.id).execute()
    await appendAudit(
      trx,
      {
        actor: input.actor.audit,
        action: 'exclusion.remove',
        objectType: 'exclusion',
        objectId: e.id,
        diff: { prefix: e.target, source: input.source, reason, createdAt: e.createdAt.toISOString(), expiresAt: e.expiresAt?.toISOString() ?? null },
      },
      now,
    )
    if (e.caseId) await addHistory(trx, e.caseId, now, input.actor.name, 'exclusion_removed', { target: e.target, exclusionId: e.id })
    return e
  })
}
