import { readdirSync } from 'node:fs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { latestAppliedMigration, migrateToLatest, MigrationError } from '../../src/db/migrate.js'
import { LATEST_MIGRATION } from '../../src/db/schema-version.js'
import { SqlFileMigrationProvider } from '../../src/db/sql-file-migration-provider.js'
import { MIGRATIONS_DIR, migrationProvider } from '../../src/platform/node-database.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})

describe('migrations', () => {
  it('LATEST_MIGRATION names the newest file in migrations/', () => {
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort()
    expect(files.length).toBeGreaterThan(0)
    expect(LATEST_MIGRATION).toBe(files[files.length - 1]!.replace(/\.sql$/, ''))
  })

  it('applies every file once; a second run is a no-op', async () => {
    expect(await latestAppliedMigration(t.db)).toBe(LATEST_MIGRATION)
    const again = await migrateToLatest(t.db, migrationProvider())
    expect(again.applied).toEqual([])
  })

  it('a failing migration leaves the schema exactly as it was', async () => {
    const real = await migrationProvider().getMigrations()
    const names = Object.keys(real)
    const broken = new SqlFileMigrationProvider({
      list: async () => [...names.map((n) => `${n}.sql`), '9998_good_part.sql', '9999_bad_part.sql'],
      read: async (name) => {
        if (name === '9998_good_part.sql') return 'create table should_not_survive (id int);'
        if (name === '9999_bad_part.sql') return 'create table also_not (id int); select * from no_such_table;'
        return ''
      },
    })
    await expect(migrateToLatest(t.db, broken)).rejects.toThrow(MigrationError)
    await expect(migrateToLatest(t.db, broken)).rejects.toThrow(/9999_bad_part failed/)
    const left = await sql<{ t: string | null }>`select to_regclass('should_not_survive')::text as t`.execute(t.db)
    expect(left.rows[0]?.t).toBeNull()
    expect(await latestAppliedMigration(t.db)).toBe(LATEST_MIGRATION)
  })

  it('only picks up files named NNNN_name.sql, in order', async () => {
    const p = new SqlFileMigrationProvider({
      list: async () => ['0002_b.sql', 'README.md', '0001_a.sql', 'x.sql', '0003_C.sql'],
      read: async () => 'select 1',
    })
    expect(Object.keys(await p.getMigrations())).toEqual(['0001_a', '0002_b'])
  })
})
