/**
 * The mail Worker's `email()` (Cloudflare Email Routing) and the cron's outbox mail job under
 * Node: the same intake as the SMTP listener, the same size limit, `setReject` for what
 * is not mail, a thrown (temporary) failure for a flood, and acknowledgements handed to
 * the `send_email` binding. The binding is Cloudflare's; here an object records what it
 * was given, in the builder form workerd accepts.
 */
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { insertRanges } from '../../src/db/range-repository.js'
import type { Database } from '../../src/db/schema.js'
import { normaliseRange } from '../../src/domain/catalogue-rules.js'
import { MailDeferred } from '../../src/db/mail-intake.js'
import { createMailWorkerHandler, type IncomingEmail } from '../../src/platform/worker-mail-handler.js'
import { outboxMailJob } from '../../src/platform/worker-jobs.js'
import { CORPUS_NOW, OUR_RANGES, readCorpus } from '../domain/intake/mail/corpus.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
let sent: { from: string; to: string; subject: string; text?: string; headers?: Record<string, string> }[]

class Ctx {
  readonly pending: Promise<unknown>[] = []
  waitUntil(p: Promise<unknown>) {
    this.pending.push(p)
  }
}

function message(raw: Uint8Array, rawSize = raw.length): IncomingEmail & { rejected: string | null } {
  return {
    from: 'x@example.net',
    to: 'abuse@scangate.example',
    raw: new Response(raw as Uint8Array<ArrayBuffer>).body!,
    rawSize,
    rejected: null,
    setReject(reason: string) {
      this.rejected = reason
    },
  }
}

function env(extra: Record<string, unknown> = {}) {
  return {
    HYPERDRIVE: { connectionString: 'postgres://hyperdrive.local/db' },
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'https://scanners.example.test',
    MAIL_FROM: 'abuse@scangate.example',
    SEND_EMAIL: { send: async (m: (typeof sent)[number]) => (sent.push(m), { messageId: `<m${sent.length}@cf>` }) },
    ...extra,
  }
}

const worker = () =>
  createMailWorkerHandler({
    // the test database behind a facade whose destroy() does nothing (the file closes it)
    openDb: () =>
      new Proxy(t.db, {
        get(target, prop) {
          if (prop === 'destroy') return async () => undefined
          const v = Reflect.get(target, prop, target)
          return typeof v === 'function' ? v.bind(target) : v
        },
      }) as Kysely<Database>,
    now: () => CORPUS_NOW,
    write: () => undefined,
  })

beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  sent = []
  await insertRanges(t.db, OUR_RANGES.map((r) => normaliseRange({ prefix: r.text, pool: 'asv', region: 'eu', activeFrom: '2025-01-01T00:00:00Z' }, CORPUS_NOW)))
})

describe('Worker email() (Email Routing)', () => {
  it('files the reports and sends each acknowledgement through the send_email binding', async () => {
    const m = message(readCorpus('ufw-two-targets.eml'))
    await worker().email(m, env(), new Ctx())
    expect(m.rejected).toBeNull()
    const reports = await t.db.selectFrom('reports').select(['ref', 'channel']).execute()
    expect(reports).toHaveLength(2)
    expect(reports.every((r) => r.channel === 'email')).toBe(true)
    expect(sent).toHaveLength(2)
    for (const s of sent) {
      expect(s).toMatchObject({ from: 'abuse@scangate.example', to: 'ops@hosting.example' })
      expect(s.headers).toMatchObject({ 'Auto-Submitted': 'auto-replied', 'In-Reply-To': '<ufw-2@hosting.example>' })
      expect(reports.map((r) => r.ref)).toContain(/\[(R-\w+)\]/.exec(s.subject)![1])
    }
    const via = await t.db.selectFrom('mail_messages').select('via').execute()
    expect(via).toEqual([{ via: 'email-routing' }])
  })

  it('rejects what is too large or not a mail message, and stores nothing', async () => {
    const big = message(readCorpus('tcpdump.eml'), 50 * 1024 * 1024)
    await worker().email(big, env(), new Ctx())
    expect(big.rejected).toMatch(/message too big: at most 26214400 bytes/)
    const junk = message(new Uint8Array([0, 1, 2, 3]))
    await worker().email(junk, env(), new Ctx())
    expect(junk.rejected).toMatch(/does not start with a header block/)
    expect(await t.db.selectFrom('mail_messages').selectAll().execute()).toEqual([])
  })

  it('throws (a temporary failure: the sender retries) when one sender floods', async () => {
    const e = env({ MAIL_INTAKE_PER_SENDER_PER_HOUR: '1' })
    await worker().email(message(readCorpus('tcpdump.eml')), e, new Ctx())
    await expect(worker().email(message(readCorpus('nginx-access-log.eml').slice()), e, new Ctx())).resolves.toBeUndefined()
    const again = new TextEncoder().encode(new TextDecoder().decode(readCorpus('tcpdump.eml')).replace('tcpd-1@', 'tcpd-2@'))
    await expect(worker().email(message(again), e, new Ctx())).rejects.toBeInstanceOf(MailDeferred)
    expect(await t.db.selectFrom('mail_messages').select('status').execute()).toHaveLength(2)
  })

  it('leaves mail queued without a binding; the cron job sends it once one is there', async () => {
    const { SEND_EMAIL: _, ...noBinding } = env()
    await worker().email(message(readCorpus('tcpdump.eml')), noBinding, new Ctx())
    expect(sent).toEqual([])
    const binding = env().SEND_EMAIL
    const { createBindingMailSender } = await import('../../src/platform/mail-sender.js')
    const outcome = await outboxMailJob.run({ db: t.db, now: CORPUS_NOW, log: { info() {}, warn() {}, error() {} }, mailSender: createBindingMailSender({ binding, from: 'abuse@scangate.example' }) })
    expect(outcome).toMatchObject({ sent: 1 })
    expect(sent).toHaveLength(1)
  })
})
