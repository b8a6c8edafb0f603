/**
 * @module platform/mail-cli
 * The CLI's mail commands:
 * - `ingest-mail < message.eml` — for an MTA pipe alias (`abuse: "|…"`). Exit codes
 *   follow sysexits.h, which MTAs understand: 0 taken (report, unparsed item or known
 *   duplicate), 65 EX_DATAERR not a mail message or larger than MAIL_MAX_BYTES (the MTA
 *   bounces it), 75 EX_TEMPFAIL the database is unreachable or the sender is over its
 *   hourly share (the MTA keeps the message and retries, so nothing is lost).
 * - `reparse-mail --since DATE [--limit N]` — parses stored unparsed messages again
 *   after a parser fix.
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { mailIntakeSettings, parseConfig, type Config } from '../config.js'
import { ingestMail, MailDeferred, MailUnreadable, reparseMail, type MailIntakeOptions } from '../db/mail-intake.js'
import { mailSince } from '../db/mail-repository.js'
import { readMail } from '../domain/intake/mail/message.js'
import { lockDataDir } from './data-dir-lock.js'
import { openEmbedded, openPostgres, type OpenedDatabase } from './node-database.js'

export const EX_OK = 0
export const EX_USAGE = 64
export const EX_DATAERR = 65
export const EX_TEMPFAIL = 75

export interface CliIo {
  stdin: AsyncIterable<Uint8Array>
  out(line: string): void
  err(line: string): void
}

/** Reads at most `max` bytes; null when there is more. */
async function readLimited(input: AsyncIterable<Uint8Array>, max: number): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of input) {
    size += chunk.length
    if (size > max) return null
    chunks.push(chunk)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    all.set(c, at)
    at += c.length
  }
  return all
}

async function openDatabase(config: Config): Promise<OpenedDatabase & { release: () => void }> {
  if (config.DATABASE_URL) return { ...openPostgres(config.DATABASE_URL, { max: 2 }), release: () => {} }
  const release = lockDataDir(config.DATA_DIR, 'a scangate CLI command')
  try {
    return { ...(await openEmbedded(join(config.DATA_DIR, 'pgdata'))), release }
  } catch (e) {
    release()
    throw e
  }
}

export function intakeOptions(config: Config, via: MailIntakeOptions['via'], now: Date): MailIntakeOptions {
  const s = mailIntakeSettings(config)
  return {
    via,
    now,
    ownAddresses: s.ownAddresses,
    publicUrl: (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, ''),
    acksPerSenderPerDay: s.acksPerSenderPerDay,
    intakePerSenderPerHour: s.intakePerSenderPerHour,
  }
}

/** `ingest-mail`: one message on stdin; returns the exit code. */
export async function ingestMailCommand(env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  let config: Config
  try {
    config = parseConfig(env)
  } catch (e) {
    io.err(e instanceof Error ? e.message : String(e))
    return EX_TEMPFAIL
  }
  const raw = await readLimited(io.stdin, config.MAIL_MAX_BYTES)
  if (!raw) {
    io.err(`message refused: larger than ${config.MAIL_MAX_BYTES} bytes (MAIL_MAX_BYTES)`)
    return EX_DATAERR
  }
  let opened: (OpenedDatabase & { release: () => void }) | null = null
  try {
    // refuse what is not a mail message before touching the database
    await readMail(raw)
    opened = await openDatabase(config)
    const r = await ingestMail(opened.db, raw, intakeOptions(config, 'pipe', new Date()))
    if (r.status === 'accepted') io.out(`accepted: ${r.refs.join(', ')} (${r.acknowledgements} acknowledgement(s) queued)`)
    else if (r.status === 'unparsed') io.out(`unparsed, filed for the desk: ${r.reason}`)
    else io.out(`duplicate of a message already received${r.refs.length ? ` (${r.refs.join(', ')})` : ''}`)
    return EX_OK
  } catch (e) {
    if (e instanceof MailUnreadable) {
      io.err(`message refused: ${e.message}`)
      return EX_DATAERR
    }
    if (e instanceof MailDeferred) {
      io.err(`message deferred: ${e.message}`)
      return EX_TEMPFAIL
    }
    // the database is down, locked by the server, or failed mid-way: the MTA keeps the message
    io.err(`temporary failure, try again later: ${e instanceof Error ? e.message : String(e)}`)
    return EX_TEMPFAIL
  } finally {
    await opened?.close().catch(() => undefined)
    opened?.release()
  }
}

/** `reparse-mail --since DATE [--limit N]`; returns the exit code. */
export async function reparseMailCommand(args: string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { since: { type: 'string' }, limit: { type: 'string' } } })
  const since = values.since ? new Date(values.since) : null
  if (!since || Number.isNaN(since.getTime())) {
    io.err('reparse-mail needs --since DATE (e.g. --since 2026-11-01)')
    return EX_USAGE
  }
  const limit = values.limit ? Number(values.limit) : 10_000
  const config = parseConfig(env)
  const opened = await openDatabase(config)
  try {
    const counts = { accepted: 0, unparsed: 0, kept: 0, reports: 0 }
    for (const m of await mailSince(opened.db, since, limit)) {
      if (m.status !== 'unparsed') {
        counts.kept++
        continue
      }
      // time rules (90 days back, nothing in the future) apply as on the day it arrived
      const r = await reparseMail(opened.db, m.id, m.raw, intakeOptions(config, m.via, m.receivedAt))
      counts[r.status]++
      counts.reports += r.refs.length
      if (r.status === 'accepted') io.out(`${m.id}: accepted as ${r.refs.join(', ')}`)
    }
    io.out(`reparsed since ${since.toISOString()}: ${counts.accepted} now accepted (${counts.reports} reports), ${counts.unparsed} still unparsed, ${counts.kept} already had reports`)
    return EX_OK
  } finally {
    await opened.close()
    opened.release()
  }
}
