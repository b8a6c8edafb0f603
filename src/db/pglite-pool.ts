/**
 * @module db/pglite-pool
 * Lets Kysely's own PostgresDialect drive an embedded PGlite database by giving it the
 * small `pg.Pool`-shaped interface the dialect needs. PGlite is a single session, so the
 * "pool" hands out one connection at a time: a Kysely transaction keeps exclusive use
 * of the session until it releases it, and other queries wait in line.
 *
 * The PGlite instance itself is created by the platform layer and passed in.
 */
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely'

/** The part of PGlite this adapter uses (kept structural so db/ never imports PGlite). */
export interface PGliteLike {
  query<T>(sql: string, params?: unknown[]): Promise<PGliteResults<T>>
  exec(sql: string): Promise<PGliteResults<unknown>[]>
  close(): Promise<void>
}

interface PGliteResults<T> {
  rows: T[]
  affectedRows?: number
  command?: string
  rowCount?: number
}

const COUNTED_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE'])

function toKyselyResult<R>(result: PGliteResults<R> | undefined): PostgresQueryResult<R> {
  const command = (result?.command ?? 'SELECT').toUpperCase()
  return {
    command: (COUNTED_COMMANDS.has(command) ? command : 'SELECT') as PostgresQueryResult<R>['command'],
    rowCount: result?.rowCount ?? result?.affectedRows ?? result?.rows.length ?? 0,
    rows: result?.rows ?? [],
  }
}

/**
 * Wraps a PGlite instance as a one-connection pool.
 * @param pg an opened PGlite instance
 * @param opts.closeOnEnd whether `end()` (Kysely's `destroy()`) closes PGlite too
 */
export function createPGlitePool(pg: PGliteLike, opts: { closeOnEnd?: boolean } = {}): PostgresPool & { waiting(): number; busy(): boolean } {
  let tail: Promise<void> = Promise.resolve()
  // connections handed out or waiting for the session
  let inLine = 0

  async function run(sql: string, parameters: ReadonlyArray<unknown>): Promise<PgResult> {
    // Parameterless text may hold several statements (migrations); only the simple
    // query protocol (`exec`) accepts that, so use it there and keep the last result.
    if (parameters.length === 0) {
      const results = await pg.exec(sql)
      return toKyselyResult(results[results.length - 1])
    }
    return toKyselyResult(await pg.query(sql, [...parameters]))
  }
  type PgResult = PostgresQueryResult<unknown>

  return {
    waiting: () => Math.max(0, inLine - 1),
    busy: () => inLine > 0,
    async connect(): Promise<PostgresPoolClient> {
      let release!: () => void
      const previous = tail
      tail = new Promise<void>((resolve) => (release = resolve))
      inLine++
      await previous
      let released = false
      const client = {
        query: (sql: string, parameters: ReadonlyArray<unknown>) => run(sql, parameters),
        release: () => {
          if (!released) {
            released = true
            inLine--
            release()
          }
        },
      }
      return client as unknown as PostgresPoolClient
    },
    async end() {
      await tail
      if (opts.closeOnEnd) await pg.close()
    },
  }
}
