/**
 * @module db/sql-file-migration-provider
 * A Kysely `MigrationProvider` for plain, ordered `.sql` files. File access is passed in
 * (like Kysely's FileMigrationProvider) so this module stays runtime-neutral.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely'

/** The two file operations the provider needs; Node passes `fs/promises` + `path.join`. */
export interface SqlMigrationSource {
  list(): Promise<string[]>
  read(name: string): Promise<string>
}

/** Names like `0001_catalogue.sql`: the numeric prefix fixes the order. */
const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/

export class SqlFileMigrationProvider implements MigrationProvider {
  readonly #source: SqlMigrationSource

  constructor(source: SqlMigrationSource) {
    this.#source = source
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    const names = (await this.#source.list()).filter((n) => MIGRATION_FILE.test(n)).sort()
    const migrations: Record<string, Migration> = {}
    for (const file of names) {
      const text = await this.#source.read(file)
      migrations[file.replace(/\.sql$/, '')] = {
        // migrations take Kysely<any>: they are frozen in time, not tied to today's types
        up: async (db: Kysely<any>) => {
          await sql.raw(text).execute(db)
        },
      }
    }
    return migrations
  }
}
