/**
 * @module db/migrate
 * Applies pending migrations and reports whether a database's schema is current.
 * Kysely's Migrator runs all pending migrations in one transaction under an advisory
 * lock, so a failing file leaves the schema exactly as it was and two processes
 * starting at once do not race.
 */
import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely'

export const MIGRATION_TABLE = 'schema_migrations'
const MIGRATION_LOCK_TABLE = 'schema_migrations_lock'

export interface MigrationOutcome {
  applied: string[]
}

export class MigrationError extends Error {
  readonly migration: string | undefined
  constructor(message: string, migration: string | undefined, cause: unknown) {
    super(message, { cause })
    this.name = 'MigrationError'
    this.migration = migration
  }
}

/**
 * The migrator, pinned to the connection's current schema: Kysely otherwise looks for its
 * tables in every schema, and a database holding several scangate schemas (tests, staging)
 * would find another schema's bookkeeping tables.
 */
async function migrator(db: Kysely<any>, provider: MigrationProvider): Promise<Migrator> {
  const schema = await sql<{ s: string }>`select current_schema() as s`.execute(db)
  return new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    migrationTableSchema: schema.rows[0]?.s ?? 'public',
  })
}

/**
 * Applies every pending migration; a no-op when the schema is current.
 * @throws MigrationError naming the failed file (nothing of the batch is kept)
 */
export async function migrateToLatest(
  db: Kysely<any>,
  provider: MigrationProvider,
): Promise<MigrationOutcome> {
  const { error, results } = await (await migrator(db, provider)).migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName
    const reason = error instanceof Error ? error.message : String(error)
    throw new MigrationError(
      `migration ${failed ?? '(unknown)'} failed: ${reason}; no migration of this run was applied`,
      failed,
      error,
    )
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) }
}

/** The name of the newest applied migration, or null on an empty database. */
export async function latestAppliedMigration(db: Kysely<any>): Promise<string | null> {
  const exists = await sql<{ t: string | null }>`select to_regclass(${MIGRATION_TABLE})::text as t`.execute(db)
  if (!exists.rows[0]?.t) return null
  const row = await sql<{ name: string | null }>`select max(name) as name from ${sql.table(MIGRATION_TABLE)}`.execute(db)
  return row.rows[0]?.name ?? null
}
