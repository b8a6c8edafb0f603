/**
 * @module db/add-ranges
 * Adding ranges to the catalogue, shared by the admin API, the bulk import and the demo
 * seed: checked against each other and the catalogue under a lock, all-or-nothing.
 */
import type { Kysely } from 'kysely'
import { findOverlapPairs, type NormalisedRange, type OverlapPair } from '../domain/catalogue-rules.js'
import { DomainError } from '../domain/errors.js'
import { insertRanges, listLivePrefixes, lockCatalogue, markDueRetirements, type RangeRecord } from './range-repository.js'
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

/** "line 7: 192.0.2.0/25 overlaps 192.0.2.0/24 (line 3)", naming where each side came from. */
function describeOverlap(p: OverlapPair, sources: readonly string[]): string {
  const where = (side: OverlapPair['a']) => (side.incoming === null ? 'already in the catalogue' : (sources[side.incoming] ?? 'also being added'))
  // lead with an incoming side: that is the line to fix
  const [mine, other] = p.b.incoming !== null ? [p.b, p.a] : [p.a, p.b]
  return `${where(mine)}: ${mine.prefix} overlaps ${other.prefix} (${where(other)})`
}

/**
 * Adds ranges; throws `overlapping_range` (409) naming the first overlap, or with
 * `sources` (where each range came from, e.g. "line 7") every overlap up to 20.
 * Retired and withdrawn ranges do not count: their prefixes may be added again.
 */
export async function addRanges(db: Kysely<Database>, ranges: NormalisedRange[], by: Actor, sources?: readonly string[]): Promise<RangeRecord[]> {
  return db.transaction().execute(async (trx) => {
    await lockCatalogue(trx)
    await markDueRetirements(trx, by.at)
    const pairs = findOverlapPairs(await listLivePrefixes(trx), ranges.map((r) => r.prefix))
    const first = pairs[0]
    if (first) {
      const overlaps = pairs.slice(0, 20).map((p) => ({ a: p.a.prefix, b: p.b.prefix }))
      const more = pairs.length > 1 ? ` (and ${pairs.length - 1} more overlaps)` : ''
      const detail = sources
        ? `${pairs.length} overlap${pairs.length > 1 ? 's' : ''}; ranges in the catalogue must not overlap:\n  ${pairs.slice(0, 20).map((p) => describeOverlap(p, sources)).join('\n  ')}${pairs.length > 20 ? '\n  …' : ''}`
        : `${first.b.prefix} overlaps ${first.a.prefix}${more}; ranges in the catalogue must not overlap`
      throw new DomainError('overlapping_range', detail, { status: 409, field: 'prefix', extra: { overlaps } })
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
