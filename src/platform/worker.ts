/**
 * @module platform/worker
 * The Cloudflare Workers entry point (wrangler.toml `main`). `fetch` serves the API with
 * feed documents cached at the edge by serial; `scheduled` (the cron trigger) runs the
 * periodic jobs. Postgres is reached through the Hyperdrive binding with `pg`, one
 * client per request: a module-scope client would fail with "Cannot perform I/O on
 * behalf of a different request". Migrations are not run here: apply them from Node
 * (`npm run cli -- migrate`, see docs/deploy-workers.md).
 */
import type {
  ExecutionContext,
  ExportedHandler,
  Request as CfRequest,
  Response as CfResponse,
  ScheduledController,
} from '@cloudflare/workers-types/index'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from '../db/schema.js'
import type { Env } from './worker-env.js'
import type { CacheLike } from './worker-feed-cache.js'
import { createWorkerHandler } from './worker-handler.js'

export type { Env } from './worker-env.js'

/**
 * A client for one request. Hyperdrive pools the real connections next to the database,
 * so opening one here is cheap; `max` stays under the Workers limit of six simultaneous
 * connections per request.
 */
function openRequestDb(connectionString: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, max: 4, connectionTimeoutMillis: 5000 })
  // a connection dropped while idle must not become an uncaught exception
  pool.on('error', () => undefined)
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

/** `caches.default` exists on Workers only (the DOM typings know just `caches.open`). */
function edgeCache(): CacheLike | null {
  const storage = (globalThis as { caches?: { default?: CacheLike } }).caches
  return storage?.default ?? null
}

const handler = createWorkerHandler({ openDb: openRequestDb, cache: edgeCache })

// The runtime's Request/Response are the web-standard ones; only their typings differ.
export default {
  async fetch(request: CfRequest, env: Env, ctx: ExecutionContext): Promise<CfResponse> {
    const res = await handler.fetch(request as unknown as Request, env, ctx)
    return res as unknown as CfResponse
  },
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
    await handler.scheduled(controller, env, ctx)
  },
} satisfies ExportedHandler<Env>
