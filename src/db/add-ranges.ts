/**
 * @module db/add-ranges
 * Adding ranges to the catalogue, shared by the admin API, the bulk import and the demo
 * seed: checked against each other and the catalogue under a lock, all-or-nothing.
 */
import type { Kysely } from 'kysely'
import { findOverlaps, type NormalisedRange } from '../domain/catalogue-rules.js'
import { DomainError } from '../domain/errors.js'
import { insertRanges, listPrefixes, lockCatalogue, type RangeRecord } from './range-repository.js'
import { appendAudit } from './audit-repository.js'
import type { Database } from './schema.js'

/** The audit view of a range: its public fields. */
export function auditRange(r: RangeRecord) {
  return {
    prefix: r.prefix,
    pool: r.pool,
    region: r.region,
    label: r.label,
    activeFrom: r.activeFrom.toISOString(),
    retireAt: r.retireAt?.toISOString() ?? null,
  }
}

/** Who is adding, for the audit trail. */
export interface Actor {
  actor: string
  at: Date
}

/** Adds ranges; throws `overlapping_range` (409) naming the first overlap. */
export async function addRanges(db: Kysely<Database>, ranges: NormalisedRange[], by: Actor): Promise<RangeRecord[]> {
  return db.transaction().execute(async (trx) => {
    await lockCatalogue(trx)
    const overlaps = findOverlaps(await listPrefixes(trx), ranges.map((r) => r.prefix))
    const first = overlaps[0]
    if (first) {
      throw new DomainError(
        'overlapping_range',
        `${first.b} overlaps ${first.a}${overlaps.length > 1 ? ` (and ${overlaps.length - 1} more overlaps)` : ''}; ranges in the catalogue must not overlap`,
        { status: 409, field: 'prefix', extra: { overlaps: overlaps.slice(0, 20) } },
      )
    }
    const added = await insertRanges(trx, ranges)
    const [only] = added
    if (added.length === 1 && only) {
      await appendAudit(trx, { actor: by.actor, action: 'range.create', objectType: 'range', objectId: only.id, diff: auditRange(only) }, by.at)
    } else if (added.length > 1) {
      await appendAudit(trx, { actor: by.actor, action: 'range.import', objectType: 'range', diff: { count: added.length, prefixes: added.map((r) => r.prefix) } }, by.at)
    }
    return added
  })
}

