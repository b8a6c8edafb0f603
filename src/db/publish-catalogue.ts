/**
 * @module db/publish-catalogue
 * Publishing: turns the catalogue as of `now` into a new immutable version, unless
 * nothing changed (no new serial) or the result looks like an accident (refused).
 */
import type { Kysely } from 'kysely'
import { DomainError } from '../domain/errors.js'
import {
  buildFeedLists,
  diffFeedLists,
  feedSha256,
  hasChanges,
  publishRefusal,
} from '../domain/feed-version.js'
import { DEFAULT_NOTICE_DAYS, describeShortfall, noticeShortfalls, type NoticeOverride } from '../domain/notifications/notice-policy.js'
import { appendAudit } from './audit-repository.js'
import { listRanges } from './range-repository.js'
import type { Database } from './schema.js'
import {
  insertVersion,
  latestVersion,
  lockVersions,
  type PublishedVersion,
} from './version-repository.js'

export interface PublishOptions {
  now: Date
  force?: boolean
  note?: string | null
  /** Token id of the admin, or 'system' for the lifecycle timer. */
  actor: string
  /** The promised notice period (NOTICE_DAYS); default 14. */
  noticeDays?: number
  /** Why this publish gives less notice than promised; required with `force` when it does. */
  reason?: string | null
}

export type PublishResult =
  | { status: 'published'; version: PublishedVersion }
  | { status: 'unchanged'; version: PublishedVersion }

/**
 * Publishes the catalogue.
 * @throws DomainError `publish_refused` (409) for an empty list or a sudden shrink, unless `force`
 */
export async function publishCatalogue(db: Kysely<Database>, opts: PublishOptions): Promise<PublishResult> {
  return db.transaction().execute(async (trx) => {
    await lockVersions(trx)
    const previous = await latestVersion(trx)
    const lists = buildFeedLists(await listRanges(trx), opts.now)
    const sha256 = await feedSha256(lists)
    if (previous && previous.sha256 === sha256) return { status: 'unchanged', version: previous }
    const changes = diffFeedLists(previous?.lists ?? null, lists, opts.now)
    if (previous && !hasChanges(changes)) return { status: 'unchanged', version: previous }
    const refusal = publishRefusal(previous?.lists ?? null, lists, opts.now)
    if (refusal && !opts.force) {
      throw new DomainError('publish_refused', `Publishing refused: ${refusal}.`, { status: 409 })
    }
    const noticeOverride = checkNotice(previous?.lists ?? null, changes, opts)
    // createdAt never goes backwards, even if a clock does: Last-Modified must be monotonic
    const createdAt = new Date(Math.max(opts.now.getTime(), previous ? Date.parse(previous.createdAt) + 1 : 0))
    const version = {
      serial: (previous?.serial ?? 0) + 1,
      createdAt,
      sha256,
      lists,
      changes,
      note: opts.note ?? null,
      forced: Boolean(opts.force && (refusal || noticeOverride)),
      publishedBy: opts.actor,
      noticeOverride,
    }
    await insertVersion(trx, version)
    await appendAudit(
      trx,
      {
        actor: opts.actor,
        action: 'catalogue.publish',
        objectType: 'feed_version',
        objectId: String(version.serial),
        diff: {
          sha256,
          counts: { ipv4: lists.ipv4.length, ipv6: lists.ipv6.length },
          added: changes.added.map((a) => a.prefix),
          removed: changes.removed.map((r) => r.prefix),
          changed: changes.changed.map((c) => c.prefix),
          forced: version.forced,
          note: version.note,
          ...(noticeOverride ? { noticeOverride } : {}),
        },
      },
      opts.now,
    )
    return {
      status: 'published',
      version: {
        ...version,
        createdAt: createdAt.toISOString(),
        counts: { ipv4: lists.ipv4.length, ipv6: lists.ipv6.length },
      },
    }
  })
}

/**
 * The notice policy: anything announced with less than `noticeDays` of notice needs
 * `force` and a reason, which is kept with the version.
 * @throws DomainError `publish_refused` (409, with `shortfalls`) without force; `validation_failed` (400) for force without a reason
 */
function checkNotice(previous: Parameters<typeof noticeShortfalls>[0], changes: Parameters<typeof noticeShortfalls>[1], opts: PublishOptions): NoticeOverride | null {
  const noticeDays = opts.noticeDays ?? DEFAULT_NOTICE_DAYS
  const shortfalls = noticeShortfalls(previous, changes, opts.now, noticeDays)
  if (shortfalls.length === 0) return null
  const listed = shortfalls.slice(0, 5).map(describeShortfall).join('; ') + (shortfalls.length > 5 ? '; …' : '')
  if (!opts.force) {
    throw new DomainError(
      'publish_refused',
      `Publishing refused: our notice period is ${noticeDays} days, and this version would give less: ${listed}. Move the dates at least ${noticeDays} days ahead, or publish with force: true and a reason (it is shown to everyone who receives the change).`,
      { status: 409, extra: { shortfalls } },
    )
  }
  const reason = opts.reason?.trim()
  if (!reason) {
    throw new DomainError('validation_failed', `This version gives less than ${noticeDays} days' notice (${listed}); force needs a reason, which is published with it.`, { field: 'reason' })
  }
  return { reason, noticeDays, shortfalls }
}
