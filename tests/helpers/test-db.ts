/**
 * @module tests/helpers/test-db
 * One database per test file: embedded PGlite in memory by default, or — when
 * TEST_DATABASE_URL (or DATABASE_URL) is set — a fresh schema of its own on that
 * Postgres server, dropped afterwards. `reset()` empties every table between tests.
 */
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'
import { migrate, openEmbedded, openPostgres } from '../../src/platform/node-database.js'

export interface TestDb {
  db: Kysely<Database>
  kind: 'embedded' | 'postgres'
  /** For tests that need a second connection to the same data (postgres only). */
  url: string | undefined
  schema: string | undefined
  reset(): Promise<void>
  close(): Promise<void>
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined

export async function openTestDb(): Promise<TestDb> {
  if (!testDatabaseUrl) {
    const opened = await openEmbedded(undefined)
    await migrate(opened.db)
    return { db: opened.db, kind: 'embedded', url: undefined, schema: undefined, reset: () => truncateAll(opened.db), close: opened.close }
  }
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  const admin = openPostgres(testDatabaseUrl, { max: 1 })
  await sql`create schema ${sql.id(schema)}`.execute(admin.db)
  const opened = openPostgres(testDatabaseUrl, { max: 5, options: `-c search_path=${schema},public` })
  await migrate(opened.db)
  return {
    db: opened.db,
    kind: 'postgres',
    url: testDatabaseUrl,
    schema,
    reset: () => truncateAll(opened.db),
    close: async () => {
      await opened.close()
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db)
      await admin.close()
    },
  }
}

async function truncateAll(db: Kysely<Database>): Promise<void> {
  const tables = await sql<{ name: string }>`
    select tablename as name from pg_tables
    where schemaname = current_schema() and tablename not like 'schema_migrations%'`.execute(db)
  if (tables.rows.length === 0) return
  await sql`truncate ${sql.join(tables.rows.map((t) => sql.id(t.name)))} restart identity cascade`.execute(db)
}
