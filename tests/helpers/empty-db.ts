/**
 * @module tests/helpers/empty-db
 * A database with no schema applied yet, for tests that drive migrations themselves:
 * embedded PGlite in memory, or — with TEST_DATABASE_URL — a fresh schema of its own on
 * that server, dropped afterwards (like tests/helpers/test-db.ts, minus the migration).
 */
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'
import { openEmbedded, openPostgres } from '../../src/platform/node-database.js'
import { testDatabaseUrl } from './test-db.js'

export interface EmptyDb {
  db: Kysely<Database>
  kind: 'embedded' | 'postgres'
  close(): Promise<void>
}

export async function openEmptyDb(): Promise<EmptyDb> {
  if (!testDatabaseUrl) {
    const opened = await openEmbedded(undefined)
    return { db: opened.db, kind: 'embedded', close: opened.close }
  }
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  const admin = openPostgres(testDatabaseUrl, { max: 1 })
  await sql`create schema ${sql.id(schema)}`.execute(admin.db)
  const opened = openPostgres(testDatabaseUrl, { max: 3, options: `-c search_path=${schema},public` })
  return {
    db: opened.db,
    kind: 'postgres',
    close: async () => {
      await opened.close()
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db)
      await admin.close()
    },
  }
}
