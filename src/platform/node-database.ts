/**
 * @module platform/node-database
 * Opens the database on Node: Postgres through `pg` when DATABASE_URL is set, otherwise
 * an embedded PGlite in DATA_DIR. Also applies migrations from the migrations/ folder.
 */
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely'
import pg from 'pg'
import { migrateToLatest, type MigrationOutcome } from '../db/migrate.js'
import { isDatabaseUnavailable } from '../http/error-handler.js'
import { createPGlitePool, type PGliteLike } from '../db/pglite-pool.js'
import type { Database } from '../db/schema.js'
import { SqlFileMigrationProvider } from '../db/sql-file-migration-provider.js'
import { restrictDataDir } from './data-dir.js'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))

export function migrationProvider(dir = MIGRATIONS_DIR): SqlFileMigrationProvider {
  return new SqlFileMigrationProvider({
    list: () => readdir(dir),
    read: (name) => readFile(join(dir, name), 'utf8'),
  })
}

export interface OpenedDatabase {
  db: Kysely<Database>
  kind: 'postgres' | 'embedded'
  close(): Promise<void>
  /** Embedded only: a consistent tar.gz of the data directory, taken between transactions. */
  dump?: () => Promise<Uint8Array>
  /** Connections in use, idle and waiting (for the metrics). */
  poolStats(): { total: number; idle: number; waiting: number }
}

/** Where a connection string points, for the operator: user, host, port and database, never the password. */
export function describeDatabaseUrl(url: string): string {
  const u = new URL(url)
  return `postgres ${u.username ? decodeURIComponent(u.username) + '@' : ''}${u.hostname}:${u.port || '5432'}${u.pathname}`
}

/**
 * The longest one query may wait for the database before it fails (and the request gets a
 * 503). Without it a silent network partition — packets dropped, no reset — would hang a
 * request for as long as TCP keeps retrying, i.e. many minutes. `?query_timeout=N` in the
 * connection string overrides it (pg reads it from there).
 */
export const QUERY_TIMEOUT_MS = 15_000

/** Postgres via a pg Pool; `options` may set e.g. a search_path for test isolation. */
export function openPostgres(url: string, opts: { max?: number; options?: string; queryTimeoutMs?: number } = {}): OpenedDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    ...(opts.options ? { options: opts.options } : {}),
    // a database that is down or unreachable fails fast instead of holding requests
    connectionTimeoutMillis: 5000,
    query_timeout: opts.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
    // TCP keepalive notices a dead server under an idle connection
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  })
  // an idle client losing its server must not crash the process; the next query reconnects
  pool.on('error', () => undefined)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool(pool) }) })
  return {
    db,
    kind: 'postgres',
    close: () => db.destroy(),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  }
}

/** After the database failed to answer, how long new work fails at once instead of waiting too. */
export const FAIL_FAST_MS = 1000

function failingFast(): Error {
  // 08001: the client could not establish a connection (what the error handler maps to 503)
  return Object.assign(new Error('The database did not answer a moment ago; not trying again yet.'), { code: '08001' })
}

/**
 * The pool as Kysely sees it, with two guards for a database that stops answering:
 * - a connection whose query timed out is closed when released instead of going back to
 *   the pool: its answer may still be on the way, or never come, and the next query on it
 *   would wait behind it;
 * - for FAIL_FAST_MS after such a failure, new work fails at once, so a request that needs
 *   several queries answers 503 after one timeout, not after one per query.
 */
function guardedPool(pool: pg.Pool): PostgresPool {
  let failFastUntil = 0
  const noteFailure = (err: unknown) => {
    if (isDatabaseUnavailable(err)) failFastUntil = Date.now() + FAIL_FAST_MS
  }
  return {
    async connect() {
      if (Date.now() < failFastUntil) throw failingFast()
      const client = await pool.connect().catch((err: unknown) => {
        noteFailure(err)
        throw err
      })
      let timedOut = false
      return {
        query: (sql: string, parameters: ReadonlyArray<unknown>) =>
          client.query(sql, [...parameters]).catch((err: unknown) => {
            if (err instanceof Error && err.message === 'Query read timeout') timedOut = true
            noteFailure(err)
            throw err
          }),
        // pg-pool destroys a client released with an error
        release: () => client.release(timedOut ? new Error('query timed out') : undefined),
      } as unknown as PostgresPoolClient
    },
    end: () => pool.end(),
  }
}

/** Embedded PGlite; `dataDir` undefined means in-memory (tests). */
export async function openEmbedded(dataDir: string | undefined): Promise<OpenedDatabase> {
  const { PGlite } = await import('@electric-sql/pglite')
  if (dataDir) restrictDataDir(dataDir)
  const pglite = new PGlite(dataDir)
  await pglite.waitReady
  // a fresh cluster is unpacked world-writable; files made from now on follow the umask
  if (dataDir) restrictDataDir(dataDir)
  const pool = createPGlitePool(pglite as unknown as PGliteLike, { closeOnEnd: true })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    kind: 'embedded',
    close: () => db.destroy(),
    // holding the one session means no transaction is half done; the checkpoint puts
    // everything committed into the data files, so the copy needs no WAL replay
    dump: () =>
      db.connection().execute(async (conn) => {
        await sql`checkpoint`.execute(conn)
        const blob = await pglite.dumpDataDir('gzip')
        return new Uint8Array(await blob.arrayBuffer())
      }),
    poolStats: () => ({ total: 1, idle: pool.busy() ? 0 : 1, waiting: pool.waiting() }),
  }
}

export async function migrate(db: Kysely<Database>): Promise<MigrationOutcome> {
  return migrateToLatest(db, migrationProvider())
}
