/**
 * @module platform/worker-mail-handler
 * The mail Worker's `email()` (Cloudflare Email Routing), with the runtime pieces passed
 * in so it runs under Node in tests. It is a Worker of its own (worker-mail.ts,
 * wrangler.mail.toml): the MIME parser does not fit in the API Worker's 300 KiB budget,
 * and mail intake has nothing to do with serving the feed.
 *
 * Too large or not a mail message is refused (`setReject`: the sender gets a bounce). A
 * failure to store the message, or a sender over its hourly share, throws: Email Routing
 * answers with a temporary failure and the sending server retries, so nothing is lost.
 * Acknowledgements go out at once through the send_email binding (the API Worker's cron
 * sends whatever is left in the outbox).
 */
import type { Kysely } from 'kysely'
import { ingestMail, MailDeferred, MailUnreadable } from '../db/mail-intake.js'
import { runOutbox } from '../db/outbox.js'
import type { Database } from '../db/schema.js'
import { createLogger } from './logger.js'
import { createBindingMailSender, type SendEmailBinding } from './mail-sender.js'
import { checkEnv } from './worker-env.js'
import type { WaitUntil } from './worker-feed-cache.js'

/** What Email Routing hands the Worker (ForwardableEmailMessage, the part we use). */
export interface IncomingEmail {
  readonly from: string
  readonly to: string
  readonly raw: ReadableStream<Uint8Array>
  readonly rawSize: number
  setReject(reason: string): void
}

export interface MailWorkerDeps {
  openDb(connectionString: string): Kysely<Database>
  now?: () => Date
  write?: (line: string) => void
}

export function createMailWorkerHandler(deps: MailWorkerDeps) {
  const now = deps.now ?? (() => new Date())
  const write = deps.write ?? ((line: string) => console.log(line))

  async function email(message: IncomingEmail, env: unknown, ctx: WaitUntil): Promise<void> {
    const checked = checkEnv(env)
    if (!checked.ok) {
      write(JSON.stringify({ time: now().toISOString(), level: 'error', msg: 'worker misconfigured', problems: checked.problems }))
      throw new Error(`worker misconfigured: ${checked.problems.join('; ')}`)
    }
    const { settings } = checked
    const log = createLogger(settings.logLevel, write)
    if (message.rawSize > settings.mail.maxBytes) {
      message.setReject(`message too big: at most ${settings.mail.maxBytes} bytes`)
      return
    }
    const raw = new Uint8Array(await new Response(message.raw).arrayBuffer())
    const db = deps.openDb(checked.connectionString)
    try {
      const r = await ingestMail(db, raw, {
        via: 'email-routing',
        now: now(),
        ownAddresses: settings.mail.ownAddresses,
        publicUrl: settings.publicUrl ?? '',
        acksPerSenderPerDay: settings.mail.acksPerSenderPerDay,
        intakePerSenderPerHour: settings.mail.intakePerSenderPerHour,
      })
      log.info('mail received', { via: 'email-routing', status: r.status, reports: r.refs.length, acknowledgements: r.acknowledgements, bytes: raw.length })
      const binding = (env as { SEND_EMAIL?: SendEmailBinding }).SEND_EMAIL
      if (binding && settings.mail.from && r.acknowledgements > 0) {
        await runOutbox(db, { mail: createBindingMailSender({ binding, from: settings.mail.from }) }, { now, limit: 10 })
      }
    } catch (e) {
      if (e instanceof MailUnreadable) {
        message.setReject(e.message)
        return
      }
      if (e instanceof MailDeferred) log.warn('mail deferred', { via: 'email-routing' })
      throw e
    } finally {
      ctx.waitUntil(db.destroy().catch(() => undefined))
    }
  }

  return { email }
}
