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
import { isGone, rangeStatus } from '../domain/range-lifecycle.js'
import { listRanges, lockCatalogue, markPublished } from './range-repository.js'
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
  /** Work out the version and its changes, refusal included, but write nothing. */
  dryRun?: boolean
  /** The promised notice period (NOTICE_DAYS); default 14. */
  noticeDays?: number
  /** Why this publish gives less notice than promised; required with `force` when it does. */
  reason?: string | null
}

export type PublishResult =
  | { status: 'published'; version: PublishedVersion }
  | { status: 'unchanged'; version: PublishedVersion }
  | { status: 'dry-run'; version: PublishedVersion; refusal: string | null; wouldPublish: boolean }

/**
 * Publishes the catalogue.
 * @throws DomainError `publish_refused` (409) for an empty list or a sudden shrink, unless `force`
 */
export async function publishCatalogue(db: Kysely<Database>, opts: PublishOptions): Promise<PublishResult> {
  return db.transaction().execute(async (trx) => {
    await lockVersions(trx)
    // ranges deleted or withdrawn while this runs would otherwise be published regardless
    await lockCatalogue(trx)
    const previous = await latestVersion(trx)
    const ranges = await listRanges(trx)
    const lists = buildFeedLists(ranges, opts.now)
    const statuses = ranges.map((r) => ({ r, status: rangeStatus(r, opts.now) }))
    const withdrawn = new Set(statuses.filter((x) => x.status === 'withdrawn').map((x) => x.r.prefix))
    const planned = new Set(statuses.filter((x) => x.status === 'retired' || x.status === 'withdrawn').map((x) => x.r.prefix))
    const sha256 = await feedSha256(lists)
    const changes = diffFeedLists(previous?.lists ?? null, lists, opts.now, withdrawn)
    const unchanged = previous !== null && (previous.sha256 === sha256 || !hasChanges(changes))
    const refusal = unchanged ? null : publishRefusal(previous?.lists ?? null, lists, opts.now, planned)
    // createdAt never goes backwards, even if a clock does: Last-Modified must be monotonic
    const createdAt = new Date(Math.max(opts.now.getTime(), previous ? Date.parse(previous.createdAt) + 1 : 0))
    if (opts.dryRun) {
      // the notice policy's answer, as a refusal text instead of an error
      let noticeOverride: NoticeOverride | null = null
      let noticeRefusal: string | null = null
      if (!unchanged) {
        try {
          noticeOverride = checkNotice(previous?.lists ?? null, changes, opts)
        } catch (e) {
          if (!(e instanceof DomainError)) throw e
          noticeRefusal = e.message.replace(/^Publishing refused: /, '')
        }
      }
      const counts = { ipv4: lists.ipv4.length, ipv6: lists.ipv6.length }
      const version: PublishedVersion = unchanged
        ? previous
        : {
            serial: (previous?.serial ?? 0) + 1,
            createdAt: createdAt.toISOString(),
            sha256,
            counts,
            lists,
            changes,
            note: opts.note ?? null,
            forced: Boolean(opts.force && (refusal || noticeOverride)),
            publishedBy: opts.actor,
            noticeOverride,
          }
      const blocked = (refusal !== null && !opts.force) || noticeRefusal !== null
      return { status: 'dry-run', version, refusal: (refusal && !opts.force ? refusal : null) ?? noticeRefusal, wouldPublish: !unchanged && !blocked }
    }
    if (unchanged) return { status: 'unchanged', version: previous }
    if (refusal && !opts.force) {
      throw new DomainError('publish_refused', `Publishing refused: ${refusal}.`, { status: 409 })
    }
    const noticeOverride = checkNotice(previous?.lists ?? null, changes, opts)
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
    // exactly the ranges buildFeedLists kept: every one not retired or withdrawn
    const published = statuses.filter((x) => !isGone(x.status) && x.r.firstPublishedSerial === null)
    await markPublished(trx, published.map((x) => x.r.id), version.serial)
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
