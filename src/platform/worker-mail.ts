/**
 * @module platform/worker-mail
 * The mail Worker's entry point (wrangler.mail.toml `main`): Cloudflare Email Routing
 * delivers abuse mail to `email()`. It shares the database (Hyperdrive) and the intake
 * with everything else; see docs/mail-intake.md.
 */
import type { ExecutionContext, ExportedHandler, ForwardableEmailMessage } from '@cloudflare/workers-types/index'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from '../db/schema.js'
import type { Env } from './worker-env.js'
import { createMailWorkerHandler, type IncomingEmail } from './worker-mail-handler.js'

function openRequestDb(connectionString: string): Kysely<Database> {
  const pool = new pg.Pool({ connectionString, max: 2, connectionTimeoutMillis: 5000 })
  pool.on('error', () => undefined)
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

const handler = createMailWorkerHandler({ openDb: openRequestDb })

export default {
  async email(message: ForwardableEmailMessage, env: Env, ctx: ExecutionContext): Promise<void> {
    await handler.email(message as unknown as IncomingEmail, env, ctx)
  },
} satisfies ExportedHandler<Env>
