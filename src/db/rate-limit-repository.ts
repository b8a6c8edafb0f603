/**
 * @module db/rate-limit-repository
 * Rate-limit counters in Postgres: one upsert per hit, shared by every process.
 */
import { sql, type Kysely } from 'kysely'
import type { Database } from './schema.js'

/** Adds one hit to `bucket` in the window starting at `start`; returns the new count. */
export async function hitCounter(db: Kysely<Database>, bucket: string, start: Date): Promise<number> {
  const row = await db
    .insertInto('rate_limit_counters')
    .values({ bucket, window_start: start, hits: 1 })
    .onConflict((oc) => oc.columns(['bucket', 'window_start']).doUpdateSet({ hits: sql`rate_limit_counters.hits + 1` }))
    .returning('hits')
    .executeTakeFirstOrThrow()
  return row.hits
}

/** Drops windows that ended before `before`; returns how many rows went. */
export async function pruneCounters(db: Kysely<Database>, before: Date): Promise<number> {
  const r = await db.deleteFrom('rate_limit_counters').where('window_start', '<', before).executeTakeFirst()
  return Number(r.numDeletedRows)
}
