/**
 * @module db/range-admin
 * Operator changes to single ranges that the CLI makes (retire, delete a mistake) and the
 * publish preview. Each change is audited in the same transaction, like the admin API.
 */
import type { Kysely } from 'kysely'
import { DEFAULT_NOTICE_DAYS } from '../domain/notifications/notice-policy.js'
import { checkDates } from '../domain/catalogue-rules.js'
import { DomainError } from '../domain/errors.js'
import type { VersionChanges } from '../domain/feed-version.js'
import { rangeStatus } from '../domain/range-lifecycle.js'
import { auditRange } from './add-ranges.js'
import { appendAudit } from './audit-repository.js'
import { getRange, listRanges, lockCatalogue, updateRange, type RangeRecord } from './range-repository.js'
import type { Database } from './schema.js'
import { publishCatalogue } from './publish-catalogue.js'
import { latestVersion } from './version-repository.js'

function notFound(id: string): DomainError {
  return new DomainError('not_found', `No range with id ${id}.`, { status: 404 })
}

/** Schedules (or moves) a range's retirement; refused for a range already retired. */
export async function retireRange(db: Kysely<Database>, id: string, at: Date, by: { actor: string; now: Date }): Promise<RangeRecord> {
  return db.transaction().execute(async (trx) => {
    await lockCatalogue(trx)
    const current = await getRange(trx, id)
    if (!current) throw notFound(id)
    const status = rangeStatus(current, by.now)
    if (status === 'retired' || status === 'withdrawn') {
      throw new DomainError('conflict', `This range is already ${status}; add it again as a new range to bring it back.`, { status: 409 })
    }
    checkDates(current.activeFrom, at)
    const updated = (await updateRange(trx, id, { retireAt: at }, by.now))!
    await appendAudit(trx, { actor: by.actor, action: 'range.update', objectType: 'range', objectId: id, diff: { prefix: current.prefix, retireAt: { from: auditRange(current).retireAt, to: at.toISOString() } } }, by.now)
    return updated
  })
}

/**
 * Deletes a range that no version ever published (a typo caught before publishing).
 * A published range stays: firewalls have seen it, so it leaves the feed by retirement.
 */
export async function deleteUnpublishedRange(db: Kysely<Database>, id: string, by: { actor: string; now: Date }): Promise<RangeRecord> {
  return db.transaction().execute(async (trx) => {
    await lockCatalogue(trx)
    const current = await getRange(trx, id)
    if (!current) throw notFound(id)
    // the range's own mark, not its prefix: a prefix can return as a new range after retiring
    if (current.firstPublishedSerial !== null) {
      throw new DomainError('conflict', `${current.prefix} has been published; schedule its retirement instead (ranges retire ${id} --at …).`, { status: 409 })
    }
    await trx.deleteFrom('scanner_ranges').where('id', '=', id).execute()
    await appendAudit(trx, { actor: by.actor, action: 'range.delete', objectType: 'range', objectId: id, diff: auditRange(current) }, by.now)
    return current
  })
}

export interface PublishPreview {
  /** The serial the latest version has now (null: nothing published yet). */
  serial: number | null
  unchanged: boolean
  changes: VersionChanges
  /** Why a real publish would be refused without --force. */
  refusal: string | null
}

/** What `publishCatalogue` would do at `now` (notice policy included), without writing anything: its own dry run. */
export async function previewPublish(db: Kysely<Database>, now: Date, noticeDays = DEFAULT_NOTICE_DAYS): Promise<PublishPreview> {
  const previous = await latestVersion(db)
  const r = await publishCatalogue(db, { now, actor: 'cli', dryRun: true, noticeDays })
  if (r.status !== 'dry-run') throw new Error('a dry run published')
  const unchanged = previous !== null && r.version.serial === previous.serial
  return { serial: previous?.serial ?? null, unchanged, changes: unchanged ? { added: [], removed: [], changed: [] } : r.version.changes, refusal: r.refusal }
}
