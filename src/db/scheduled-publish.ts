/**
 * @module db/scheduled-publish
 * When a range's activeFrom or retireAt passes, its status changes, so a new version
 * must be published for each version's statuses to stay fixed (and its ETag stable).
 * The Node timer and the Workers cron both call `publishDueTransitions`.
 */
import type { Kysely } from 'kysely'
import { DomainError } from '../domain/errors.js'
import { nextTransition } from '../domain/range-lifecycle.js'
import { publishCatalogue, type PublishResult } from './publish-catalogue.js'
import { listRanges } from './range-repository.js'
import type { Database } from './schema.js'
import { latestSerial } from './version-repository.js'

export type ScheduledOutcome =
  | { status: 'published' | 'unchanged'; serial: number; next: Date | null }
  | { status: 'refused'; reason: string; next: Date | null }
  | { status: 'nothing-published-yet'; next: Date | null }

/**
 * Publishes if statuses changed since the latest version. Never publishes the very first
 * version (an admin does that), and never forces: a refusal is reported, not overridden.
 */
export async function publishDueTransitions(db: Kysely<Database>, now: Date, noticeDays?: number): Promise<ScheduledOutcome> {
  const next = nextTransition(await listRanges(db), now)
  if ((await latestSerial(db)) === null) return { status: 'nothing-published-yet', next }
  let result: PublishResult
  try {
    result = await publishCatalogue(db, { now, actor: 'system:lifecycle', ...(noticeDays !== undefined ? { noticeDays } : {}) })
  } catch (err) {
    if (err instanceof DomainError && err.code === 'publish_refused') return { status: 'refused', reason: err.message, next }
    throw err
  }
  return { status: result.status === 'published' ? 'published' : 'unchanged', serial: result.version.serial, next }
}
