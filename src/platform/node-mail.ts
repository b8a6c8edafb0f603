/**
 * @module platform/node-mail
 * Mail on the Node server: the outbox loop that sends queued mail through SMTP_URL
 * (every 15 seconds, and at once after the listener stored a message), and the SMTP
 * listener when SMTP_PORT is set. Both are optional; without SMTP_URL mail waits in the
 * outbox (for a Worker with a send_email binding, or until SMTP_URL is configured).
 */
import { readFileSync } from 'node:fs'
import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import { ingestMail } from '../db/mail-intake.js'
import { runOutbox } from '../db/outbox.js'
import type { Database } from '../db/schema.js'
import type { Logger } from '../http/app-env.js'
import { intakeOptions } from './mail-cli.js'
import { createSmtpMailSender } from './smtp-mail-sender.js'
import { startSmtpListener, type SmtpListener } from './smtp-listener.js'

export const OUTBOX_MAIL_INTERVAL_MS = 15_000

export interface NodeMail {
  /** the listener's port, when it runs */
  smtpPort: number | null
  /** one pass of the outbox mail loop now */
  flush(): Promise<void>
  stop(): Promise<void>
}

export async function startNodeMail(config: Config, db: Kysely<Database>, log: Logger, opts: { intervalMs?: number } = {}): Promise<NodeMail> {
  const sender = config.SMTP_URL && config.MAIL_FROM ? createSmtpMailSender({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM }) : null
  if (config.SMTP_URL && !config.MAIL_FROM) log.warn('SMTP_URL is set but MAIL_FROM is not: queued mail is not sent')
  let running: Promise<void> | null = null
  const flush = (): Promise<void> => {
    if (!sender) return Promise.resolve()
    // one pass at a time; a call during a pass waits for it
    running ??= runOutbox(db, { mail: sender.send }, { now: () => new Date(), limit: 50 })
      .then((r) => {
        if (r.sent + r.retried + r.dead > 0) log.info('outbox mail', { ...r })
      })
      .catch((err: unknown) => log.error('outbox mail failed', { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        running = null
      })
    return running
  }
  const timer = sender ? setInterval(() => void flush(), opts.intervalMs ?? OUTBOX_MAIL_INTERVAL_MS) : null
  timer?.unref()

  let listener: SmtpListener | null = null
  if (config.SMTP_PORT) {
    const recipients = config.SMTP_RECIPIENTS ?? []
    if (recipients.length === 0) throw new Error('SMTP_PORT is set but SMTP_RECIPIENTS is empty: name the addresses to accept mail for (e.g. abuse@example.com)')
    if (!!config.SMTP_TLS_CERT !== !!config.SMTP_TLS_KEY) throw new Error('set both SMTP_TLS_CERT and SMTP_TLS_KEY (PEM files) for STARTTLS, or neither')
    const tls = config.SMTP_TLS_CERT && config.SMTP_TLS_KEY ? { cert: readFileSync(config.SMTP_TLS_CERT), key: readFileSync(config.SMTP_TLS_KEY) } : undefined
    listener = await startSmtpListener({
      port: config.SMTP_PORT,
      host: config.SMTP_HOST ?? config.HOST,
      recipients,
      maxBytes: config.MAIL_MAX_BYTES,
      ...(tls ? { tls } : {}),
      log,
      onMessage: async (raw) => {
        const r = await ingestMail(db, raw, intakeOptions(config, 'smtp', new Date()))
        if (r.acknowledgements > 0) void flush()
        return r
      },
    })
    log.info('smtp listener', { port: listener.port, starttls: !!tls, recipients: recipients.length })
  }

  return {
    smtpPort: listener?.port ?? null,
    flush,
    async stop() {
      if (timer) clearInterval(timer)
      await listener?.close()
      await running
      sender?.close()
    },
  }
}
