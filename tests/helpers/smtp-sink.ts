/**
 * @module tests/helpers/smtp-sink
 * A real SMTP server on 127.0.0.1 (smtp-server) that keeps every message it is sent,
 * with the envelope, for tests that check what scangate mails out. Started and stopped
 * by the test.
 */
import { execFile } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import PostalMime, { type Email } from 'postal-mime'
import { SMTPServer } from 'smtp-server'

export interface SunkMail {
  from: string
  to: string[]
  raw: string
  parsed: Email
}

export interface SmtpSink {
  port: number
  url: string
  mails: SunkMail[]
  /** makes the next `n` deliveries fail with a 451 (an outage) */
  failNext(n: number): void
  close(): Promise<void>
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: SunkMail[] = []
  let failures = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', async () => {
        if (failures > 0) {
          failures--
          return callback(Object.assign(new Error('4.3.0 sink is down'), { responseCode: 451 }))
        }
        const raw = Buffer.concat(chunks).toString('utf8')
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          parsed: await PostalMime.parse(raw),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    failNext: (n) => void (failures = n),
    close: () => new Promise<void>((done) => server.close(() => done())),
  }
}

const run = promisify(execFile)

/** Whether Debian's swaks is installed (CI installs it from .ci/apt-packages.txt). */
export async function haveSwaks(): Promise<boolean> {
  try {
    await run('swaks', ['--version'])
    return true
  } catch {
    return false
  }
}

export interface SwaksResult {
  code: number
  output: string
}

/** Sends one message file with swaks; `extra` adds options (e.g. --tls). */
export async function swaks(port: number, opts: { to: string; from: string; file: string; extra?: string[] }): Promise<SwaksResult> {
  // the transcript shows what the server answered, not the message itself
  const args = ['--server', `127.0.0.1:${port}`, '--to', opts.to, '--from', opts.from, '--data', opts.file, '--hide-send', '--suppress-data', ...(opts.extra ?? [])]
  try {
    const { stdout, stderr } = await run('swaks', args, { timeout: 120_000, maxBuffer: 10 * 1024 * 1024 })
    return { code: 0, output: stdout + stderr }
  } catch (e) {
    const err = e as { code: number; stdout?: string; stderr?: string }
    return { code: typeof err.code === 'number' ? err.code : -1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` }
  }
}
