/**
 * @module tests/helpers/scratch-database
 * A Postgres database of its own on the TEST_DATABASE_URL server, for tests that run the
 * real server process (which uses the database's default schema). Dropped afterwards,
 * even with connections still open (a killed server leaves some behind).
 */
import pg from 'pg'

export interface ScratchDatabase {
  name: string
  /** TEST_DATABASE_URL with this database instead. */
  url: string
  /** A connection string for the same database through another host/port (e.g. a proxy). */
  urlVia(host: string, port: number): string
  query<T extends pg.QueryResultRow>(text: string, params?: unknown[]): Promise<T[]>
  drop(): Promise<void>
}

export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(`create database "${name}"`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 })
  pool.on('error', () => undefined)
  return {
    name,
    url: url.toString(),
    urlVia(host, port) {
      const via = new URL(url)
      via.hostname = host
      via.port = String(port)
      return via.toString()
    },
    async query<T extends pg.QueryResultRow>(text: string, params: unknown[] = []) {
      return (await pool.query<T>(text, params)).rows
    },
    async drop() {
      await pool.end()
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      try {
        await c.query(`drop database if exists "${name}" with (force)`)
      } finally {
        await c.end()
      }
    },
  }
}
