/**
 * @module platform/smtp-listener
 * The SMTP listener for abuse mail (Node, `SMTP_PORT`, off by default), built on
 * smtp-server. It takes mail only for the configured recipients (no open relay, no
 * AUTH), announces and enforces the SIZE limit, offers STARTTLS when a certificate is
 * configured, and answers each message after it is stored:
 * - 250 stored (reports, an unparsed item for the desk, or a known duplicate);
 * - 552 too large, 554 not a mail message (the sender's MTA bounces it);
 * - 451 the database is unreachable or the sender is over its hourly share (the sender's
 *   MTA keeps the message and retries: nothing accepted is ever lost).
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server'
import type { AddressInfo } from 'node:net'
import { MailDeferred, MailUnreadable, type MailIntakeResult } from '../db/mail-intake.js'
import type { Logger } from '../http/app-env.js'

export interface SmtpListenerOptions {
  port: number
  host: string
  /** lower-case addresses we take mail for */
  recipients: readonly string[]
  maxBytes: number
  tls?: { cert: string | Buffer; key: string | Buffer }
  /** stores one message (db/mail-intake `ingestMail`) */
  onMessage(raw: Uint8Array): Promise<MailIntakeResult>
  log: Logger
  /** how many connections at once */
  maxClients?: number
}

export interface SmtpListener {
  port: number
  close(): Promise<void>
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode })
}

export function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const accepted = new Set(opts.recipients.map((r) => r.toLowerCase()))
  const options: SMTPServerOptions = {
    name: 'scangate',
    banner: 'scangate abuse mail intake',
    size: opts.maxBytes,
    authOptional: true,
    disabledCommands: opts.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    maxClients: opts.maxClients ?? 50,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!accepted.has(address.address.toLowerCase())) return callback(smtpError('5.1.1 no such mailbox here', 550))
      callback()
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      let size = 0
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        // past the limit the rest is read and dropped (smtp-server sets sizeExceeded)
        if (size <= opts.maxBytes) chunks.push(chunk)
      })
      stream.on('error', (err) => callback(err))
      stream.on('end', () => {
        if (stream.sizeExceeded || size > opts.maxBytes) {
          return callback(smtpError(`5.3.4 message too big: at most ${opts.maxBytes} bytes`, 552))
        }
        const raw = new Uint8Array(Buffer.concat(chunks, size))
        opts.onMessage(raw).then(
          (r) => {
            opts.log.info('mail received', { via: 'smtp', status: r.status, reports: r.refs.length, acknowledgements: r.acknowledgements, bytes: size })
            callback(null, `2.0.0 ${r.status === 'accepted' ? `filed as ${r.refs.join(' ')}` : r.status === 'unparsed' ? 'stored for the abuse desk' : 'already received'}`)
          },
          (err: unknown) => {
            if (err instanceof MailUnreadable) return callback(smtpError(`5.6.0 ${err.message}`, 554))
            if (err instanceof MailDeferred) return callback(smtpError(`4.7.1 ${err.message}`, 451))
            opts.log.error('mail intake failed', { via: 'smtp', error: err instanceof Error ? err.message : String(err) })
            callback(smtpError('4.3.0 temporary failure, try again later', 451))
          },
        )
      })
    },
  }
  const server = new SMTPServer(options)
  server.on('error', (err) => opts.log.error('smtp listener error', { error: err.message }))
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject)
      const port = (server.server.address() as AddressInfo).port
      resolve({ port, close: () => new Promise<void>((done) => server.close(() => done())) })
    })
  })
}
