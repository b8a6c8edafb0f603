/**
 * The mail intake in the database: the same message is one message (by bytes or by
 * Message-ID), reports join the same cases as web reports, unparsed mail is kept with
 * its reason, the ack limit per sender, reporter notes become e-mails, and raw mail
 * follows evidence retention and erasure.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { addCaseNote } from '../../src/db/case-actions.js'
import { ingestMail, type MailIntakeOptions } from '../../src/db/mail-intake.js'
import { eraseSubject } from '../../src/db/privacy-repository.js'
import { insertRanges } from '../../src/db/range-repository.js'
import { runRetentionPurge } from '../../src/db/retention-purge.js'
import { normaliseRange } from '../../src/domain/catalogue-rules.js'
import { DEFAULT_RETENTION } from '../../src/domain/privacy/retention.js'
import { CORPUS_NOW, OUR_RANGES, readCorpus } from '../domain/intake/mail/corpus.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
const DAY = 86_400_000

const opts = (over: Partial<MailIntakeOptions> = {}): MailIntakeOptions => ({
  via: 'pipe',
  now: CORPUS_NOW,
  ownAddresses: ['abuse@scangate.example'],
  publicUrl: 'https://scanners.example.test',
  acksPerSenderPerDay: 10,
  intakePerSenderPerHour: 1000,
  ...over,
})

const count = async (table: 'reports' | 'mail_messages' | 'outbox') =>
  (await t.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n

beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  await insertRanges(t.db, OUR_RANGES.map((r) => normaliseRange({ prefix: r.text, pool: 'asv', region: 'eu', activeFrom: '2025-01-01T00:00:00Z' }, CORPUS_NOW)))
})

describe('mail intake', () => {
  it('treats a second copy with the same Message-ID (other bytes: another relay) as the same message', async () => {
    const raw = readCorpus('tcpdump.eml')
    const first = await ingestMail(t.db, raw, opts())
    const relayed = new Uint8Array([...new TextEncoder().encode('Received: from relay2.example by mx.example; Sun, 29 Nov 2026 12:00:05 +0000\r\n'), ...raw])
    const second = await ingestMail(t.db, relayed, opts())
    expect(first.status).toBe('accepted')
    expect(second).toMatchObject({ status: 'duplicate', mailId: first.mailId, refs: first.refs })
    expect(await count('reports')).toBe(1)
  })

  it('puts an e-mail report into the same case as a web report about the same scanner, target block and day', async () => {
    const r = await ingestMail(t.db, readCorpus('tcpdump.eml'), opts())
    const fromWeb = await t.db.transaction().execute(async (trx) => {
      const { createReport } = await import('../../src/db/report-repository.js')
      const { validateReport } = await import('../../src/domain/intake/report-rules.js')
      const report = validateReport({ sourceIps: ['192.0.2.33'], target: '203.0.113.61', observedFrom: '2026-11-29T12:30:00Z' }, CORPUS_NOW)
      return createReport(trx, { report, channel: 'json', statusTokenHash: 'x'.repeat(64), evidence: [], xarf: null }, CORPUS_NOW)
    })
    const mailReport = await t.db.selectFrom('reports').select('case_id').where('ref', '=', r.refs[0]!).executeTakeFirstOrThrow()
    expect(fromWeb.case.id).toBe(mailReport.case_id)
  })

  it('notes on the case when the time came from the Date header', async () => {
    const r = await ingestMail(t.db, readCorpus('no-timestamp.eml'), opts())
    const history = await t.db.selectFrom('case_history').select(['action', 'detail']).where('action', '=', 'mail_note').execute()
    expect(history).toEqual([{ action: 'mail_note', detail: { ref: r.refs[0], note: 'No time found in the message: the time is the Date header of the e-mail.' } }])
  })

  it('sends at most N acknowledgements per sender and day; the reports are all kept', async () => {
    const o = opts({ acksPerSenderPerDay: 1 })
    const a = await ingestMail(t.db, readCorpus('iptables-two-scanners.eml'), o)
    expect(a.refs).toHaveLength(2)
    expect(a.acknowledgements).toBe(1)
    expect(await count('outbox')).toBe(1)
  })

  it('mails a reporter note to each e-mail reporter it is addressed to, threaded under their message', async () => {
    const r = await ingestMail(t.db, readCorpus('tcpdump.eml'), opts())
    const report = await t.db.selectFrom('reports').select(['case_id']).where('ref', '=', r.refs[0]!).executeTakeFirstOrThrow()
    await t.db.deleteFrom('outbox').execute()
    await addCaseNote(t.db, report.case_id, { body: 'We stopped the scan and are talking to our customer.', visibility: 'reporter', reportRefs: [r.refs[0]!] }, { name: 'desk', audit: 'test' }, CORPUS_NOW)
    await addCaseNote(t.db, report.case_id, { body: 'internal only', visibility: 'internal' }, { name: 'desk', audit: 'test' }, CORPUS_NOW)
    const rows = await t.db.selectFrom('outbox').select(['payload', 'personal_email', 'destination']).execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ personal_email: 'net@tcpd.example', destination: 'mail:tcpd.example' })
    const mail = rows[0]!.payload as { subject: string; text: string; inReplyTo: string }
    expect(mail.subject).toBe(`[${r.refs[0]}] Update on your abuse report`)
    expect(mail.text).toContain('We stopped the scan and are talking to our customer.')
    expect(mail.inReplyTo).toBe('<tcpd-1@tcpd.example>')
  })

  it('purges raw mail with the evidence (retention) and erases it by address', async () => {
    await ingestMail(t.db, readCorpus('tcpdump.eml'), opts())
    await ingestMail(t.db, readCorpus('not-our-address.eml'), opts())
    const erased = await eraseSubject(t.db, 'net@tcpd.example', CORPUS_NOW)
    expect(erased.mailMessages).toBe(1)
    const rows = await t.db.selectFrom('mail_messages').select(['sender', 'raw', 'raw_purged_at', 'status']).orderBy('sender').execute()
    expect(rows.map((r) => [r.status, r.sender, r.raw === null])).toEqual([['unparsed', 'kim@isp2.example', false], ['accepted', null, true]])
    const later = new Date(CORPUS_NOW.getTime() + (DEFAULT_RETENTION.evidenceDays + 1) * DAY)
    const purged = await runRetentionPurge(t.db, DEFAULT_RETENTION, later, 'test')
    expect(purged.mailMessages).toBe(1)
    const left = await t.db.selectFrom('mail_messages').select(['raw', 'sender', 'sha256']).execute()
    expect(left.every((r) => r.raw === null && r.sender === null && /^[0-9a-f]{64}$/.test(r.sha256))).toBe(true)
  })
})
