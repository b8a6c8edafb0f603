/**
 * Real SMTP end to end: swaks (Debian) sends corpus messages to the listener, the
 * reports land in the database through the shared intake, and the acknowledgements go
 * out through the outbox and nodemailer to a real SMTP sink on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ingestMail, type MailIntakeOptions } from '../../src/db/mail-intake.js'
import { runOutbox } from '../../src/db/outbox.js'
import { insertRanges } from '../../src/db/range-repository.js'
import { normaliseRange } from '../../src/domain/catalogue-rules.js'
import { sha256Hex } from '../../src/domain/sha256.js'
import { createSmtpMailSender, type NodeMailSender } from '../../src/platform/smtp-mail-sender.js'
import { startSmtpListener, type SmtpListener } from '../../src/platform/smtp-listener.js'
import { silentLogger } from '../../src/http/app-env.js'
import { CORPUS_DIR, CORPUS_NOW, OUR_RANGES } from '../domain/intake/mail/corpus.js'
import { haveSwaks, startSmtpSink, swaks, type SmtpSink } from '../helpers/smtp-sink.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

const ABUSE = 'abuse@scangate.example'
const hasSwaks = await haveSwaks()

let t: TestDb
let sink: SmtpSink
let sender: NodeMailSender
let dir: string
const listeners: SmtpListener[] = []

function options(over: Partial<MailIntakeOptions> = {}): MailIntakeOptions {
  return {
    via: 'smtp',
    now: CORPUS_NOW,
    ownAddresses: [ABUSE],
    publicUrl: 'https://scanners.example.test',
    acksPerSenderPerDay: 10,
    intakePerSenderPerHour: 100,
    ...over,
  }
}

async function listener(over: Partial<MailIntakeOptions> = {}, extra: { maxBytes?: number; tls?: { cert: Buffer; key: Buffer } } = {}): Promise<SmtpListener> {
  const l = await startSmtpListener({
    port: 0,
    host: '127.0.0.1',
    recipients: [ABUSE],
    maxBytes: extra.maxBytes ?? 25 * 1024 * 1024,
    ...(extra.tls ? { tls: extra.tls } : {}),
    log: silentLogger,
    onMessage: (raw) => ingestMail(t.db, raw, options(over)),
  })
  listeners.push(l)
  return l
}

const send = (l: SmtpListener, file: string, from = 'reporter@example.net', extra: string[] = []) =>
  swaks(l.port, { to: ABUSE, from, file: file.includes('/') ? file : join(CORPUS_DIR, file), extra })

const flush = () => runOutbox(t.db, { mail: sender.send }, { now: () => CORPUS_NOW })

beforeAll(async () => {
  t = await openTestDb()
  sink = await startSmtpSink()
  sender = createSmtpMailSender({ smtpUrl: sink.url, from: ABUSE })
  dir = mkdtempSync(join(tmpdir(), 'scangate-smtp-'))
})
afterAll(async () => {
  for (const l of listeners) await l.close()
  sender?.close()
  await sink?.close()
  await t?.close()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(async () => {
  await t.reset()
  sink.mails.length = 0
  await insertRanges(
    t.db,
    OUR_RANGES.map((r) => normaliseRange({ prefix: r.text, pool: 'asv', region: 'eu', activeFrom: '2025-01-01T00:00:00Z' }, CORPUS_NOW)),
  )
})

describe.skipIf(!hasSwaks)('SMTP listener (swaks → listener → database → outbox → SMTP sink)', () => {
  it('files one report per scanner, each in its own case, and acknowledges each with its ref and token', async () => {
    const l = await listener()
    const r = await send(l, 'iptables-two-scanners.eml')
    expect(r.code, r.output).toBe(0)
    expect(r.output).toMatch(/250 2\.0\.0 filed as R-\w+ R-\w+/)

    const reports = await t.db.selectFrom('reports').select(['id', 'ref', 'channel', 'case_id', 'status_token_hash', sql<string>`host(primary_source_ip)`.as('ip')]).orderBy('ip').execute()
    expect(reports.map((x) => [x.channel, x.ip])).toEqual([['email', '192.0.2.30'], ['email', '198.51.100.31']])
    expect(new Set(reports.map((x) => x.case_id)).size).toBe(2)
    const stored = await t.db.selectFrom('mail_messages').select(['status', 'sha256', 'report_count', 'sender']).execute()
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({ status: 'accepted', report_count: 2, sender: 'jan@firewall.example' })

    expect(await flush()).toMatchObject({ sent: 2, retried: 0 })
    expect(sink.mails).toHaveLength(2)
    for (const m of sink.mails) {
      expect(m.to).toEqual(['jan@firewall.example'])
      expect(m.from).toBe(ABUSE)
      const headers = Object.fromEntries(m.parsed.headers.map((h) => [h.key, h.value]))
      expect(headers['auto-submitted']).toBe('auto-replied')
      expect(headers['in-reply-to']).toBe('<ipt-2@firewall.example>')
      expect(headers['references']).toContain('<ipt-2@firewall.example>')
      const ref = /\[(R-\w+)\]/.exec(m.parsed.subject ?? '')![1]!
      const token = /Status token:\s+(rs_[A-Za-z0-9_-]{32})/.exec(m.parsed.text ?? '')![1]!
      const report = reports.find((x) => x.ref === ref)!
      expect(report.status_token_hash).toBe(await sha256Hex(token))
      expect(m.parsed.text).toContain(`https://scanners.example.test/report/status?ref=${ref}`)
    }
  })

  it('takes the same message twice as one (no second report, no second acknowledgement)', async () => {
    const l = await listener()
    expect((await send(l, 'nginx-access-log.eml')).code).toBe(0)
    const again = await send(l, 'nginx-access-log.eml')
    expect(again.code).toBe(0)
    expect(again.output).toContain('already received')
    expect(await t.db.selectFrom('reports').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).toEqual({ n: 1 })
    await flush()
    expect(sink.mails).toHaveLength(1)
  })

  it('refuses recipients it does not serve (no open relay)', async () => {
    const l = await listener()
    const r = await swaks(l.port, { to: 'someone@elsewhere.example', from: 'x@example.net', file: join(CORPUS_DIR, 'tcpdump.eml') })
    expect(r.code).not.toBe(0)
    expect(r.output).toMatch(/550 5\.1\.1 no such mailbox/)
    expect(await t.db.selectFrom('mail_messages').selectAll().execute()).toEqual([])
  })

  it('refuses a 50 MiB message with 552 and stores nothing', async () => {
    const l = await listener()
    const file = join(dir, 'huge.eml')
    const line = 'x'.repeat(998) + '\r\n'
    writeFileSync(file, `From: big@example.net\r\nTo: ${ABUSE}\r\nSubject: huge\r\n\r\n${line.repeat(Math.ceil((50 * 1024 * 1024) / line.length))}`)
    const r = await send(l, file)
    expect(r.code).not.toBe(0)
    expect(r.output).toMatch(/552 5\.3\.4 message too big/)
    expect(await t.db.selectFrom('mail_messages').selectAll().execute()).toEqual([])
  }, 120_000)

  it('refuses bytes that are not a mail message with 554', async () => {
    const l = await listener()
    const file = join(dir, 'garbage.eml')
    writeFileSync(file, '\u0001\u0002 not a header block\r\n\r\nhello\r\n')
    const r = await send(l, file)
    expect(r.output).toMatch(/554 5\.6\.0/)
  })

  it('files a message it cannot use as unparsed mail for the desk, with the reason', async () => {
    const l = await listener()
    expect((await send(l, 'not-our-address.eml')).output).toContain('stored for the abuse desk')
    const row = await t.db.selectFrom('mail_messages').select(['status', 'reason']).executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'unparsed', reason: 'names none of our scanner addresses (2 other addresses found)' })
  })

  it('never acknowledges machine-made mail (RFC 3834) and never answers its own acknowledgements (loop)', async () => {
    const l = await listener()
    expect((await send(l, 'auto-submitted-report.eml')).code).toBe(0)
    const loop = join(dir, 'loop.eml')
    writeFileSync(loop, `From: ${ABUSE}\r\nTo: ${ABUSE}\r\nSubject: [R-0000000000] Received: x\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <loop-1@scangate.example>\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\nScanner 192.0.2.1 target 203.0.113.1 at 2026-11-29T09:00:00Z\r\n`)
    expect((await send(l, loop, ABUSE)).code).toBe(0)
    expect(await flush()).toMatchObject({ sent: 0 })
    expect(sink.mails).toEqual([])
    const rows = await t.db.selectFrom('mail_messages').select(['status', 'reason']).orderBy('received_at').execute()
    expect(rows.map((r) => r.status).sort()).toEqual(['accepted', 'unparsed'])
    expect(rows.find((r) => r.status === 'unparsed')!.reason).toMatch(/mail loop/)
  })

  it('puts nothing from the reporter into our headers: an encoded CR/LF in the subject adds no Bcc', async () => {
    const l = await listener()
    expect((await send(l, 'header-injection-subject.eml')).code).toBe(0)
    await flush()
    expect(sink.mails).toHaveLength(1)
    const m = sink.mails[0]!
    expect(m.to).toEqual(['mallory@evil.example'])
    const head = m.raw.slice(0, m.raw.indexOf('\r\n\r\n'))
    expect(head).not.toMatch(/^(bcc|x-injected):/im)
    expect(m.parsed.subject).toMatch(/^\[R-\w+\] Received: Scan Bcc: victim@other\.example X-Injected: yes$/)
  })

  it('rate-limits a flood from one sender with 451 (the sender retries) and loses nothing it accepted', async () => {
    const l = await listener({ intakePerSenderPerHour: 4, acksPerSenderPerDay: 2 })
    const answers: string[] = []
    for (let i = 0; i < 7; i++) {
      const file = join(dir, `flood-${i}.eml`)
      writeFileSync(file, `From: flood@noisy.example\r\nTo: ${ABUSE}\r\nSubject: scan ${i}\r\nMessage-ID: <flood-${i}@noisy.example>\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\nScanner 192.0.2.${10 + i} hit our host 203.0.113.${10 + i} at 2026-11-29T09:0${i}:00Z\r\n`)
      const r = await send(l, file, 'flood@noisy.example')
      answers.push(/\n<\*\* (\d{3})|\n<- {1,2}(\d{3}) 2\.0\.0/.exec(r.output)?.slice(1).find(Boolean) ?? String(r.code))
    }
    expect(answers).toEqual(['250', '250', '250', '250', '451', '451', '451'])
    const stored = await t.db.selectFrom('mail_messages').select('status').execute()
    expect(stored.map((s) => s.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted'])
    expect(await t.db.selectFrom('reports').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).toEqual({ n: 4 })
    await flush()
    expect(sink.mails).toHaveLength(2)
  })

  it('offers STARTTLS when a certificate is configured', async () => {
    const cert = join(dir, 'cert.pem')
    const key = join(dir, 'key.pem')
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' })
    const { readFileSync } = await import('node:fs')
    const l = await listener({}, { tls: { cert: readFileSync(cert), key: readFileSync(key) } })
    const r = await send(l, 'tcpdump.eml', 'net@tcpd.example', ['--tls'])
    expect(r.code, r.output).toBe(0)
    expect(r.output).toMatch(/TLS started/)
    expect(await t.db.selectFrom('reports').select('channel').execute()).toEqual([{ channel: 'email' }])
  })

  it('keeps acknowledgements queued through a mail server outage and sends them afterwards', async () => {
    const l = await listener()
    expect((await send(l, 'tcpdump.eml')).code).toBe(0)
    sink.failNext(1)
    expect(await flush()).toMatchObject({ sent: 0, retried: 1 })
    // due again after the backoff
    const later = new Date(CORPUS_NOW.getTime() + 3_600_000)
    expect(await runOutbox(t.db, { mail: sender.send }, { now: () => later })).toMatchObject({ sent: 1 })
    expect(sink.mails).toHaveLength(1)
  })
})
