import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  claimDueOutbox,
  enqueueOutbox,
  eraseOutboxFor,
  listOutboxAttempts,
  outboxStats,
  purgeOutbox,
  requeueOutbox,
  runOutbox,
  type OutboxItem,
} from '../../src/db/outbox.js'
import { OUTBOX_GIVE_UP_MS } from '../../src/domain/outbox-backoff.js'
import { runRetentionPurge } from '../../src/db/retention-purge.js'
import { DEFAULT_RETENTION } from '../../src/domain/privacy/retention.js'
import { openTestDb, testDatabaseUrl, type TestDb } from '../helpers/test-db.js'
import { openPostgres } from '../../src/platform/node-database.js'

let t: TestDb
beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
})

const T0 = new Date('2026-11-01T00:00:00Z')
const at = (ms: number) => new Date(T0.getTime() + ms)

describe('outbox', () => {
  it('queues once per dedupe key and returns the same id', async () => {
    const a = await enqueueOutbox(t.db, { kind: 'webhook', destination: 's1', payload: { n: 1 }, dedupeKey: 'ev1:s1' }, T0)
    const b = await enqueueOutbox(t.db, { kind: 'webhook', destination: 's1', payload: { n: 2 }, dedupeKey: 'ev1:s1' }, T0)
    expect(a.created).toBe(true)
    expect(b).toEqual({ id: a.id, created: false })
    expect((await outboxStats(t.db, T0)).pending).toBe(1)
  })

  it('sends due rows with their kind sender, in order, and records each attempt', async () => {
    await enqueueOutbox(t.db, { kind: 'mail', destination: 'mail:example.org', payload: { to: 'a@example.org' } }, T0)
    await enqueueOutbox(t.db, { kind: 'webhook', destination: 's1', payload: { e: 1 } }, at(1))
    await enqueueOutbox(t.db, { kind: 'webhook', destination: 's1', payload: { e: 2 }, notBefore: at(3600_000) }, at(2))
    const seen: string[] = []
    const r = await runOutbox(
      t.db,
      {
        mail: async (i) => (seen.push(`mail ${JSON.stringify(i.payload)}`), { ok: true, latencyMs: 3 }),
        webhook: async (i) => (seen.push(`hook ${JSON.stringify(i.payload)}`), { ok: true, statusCode: 204, latencyMs: 5 }),
      },
      { now: () => at(10) },
    )
    expect(r).toEqual({ sent: 2, retried: 0, dead: 0, skipped: 0 })
    expect(seen).toEqual(['mail {"to":"a@example.org"}', 'hook {"e":1}'])
    const log = await listOutboxAttempts(t.db, { destination: 's1', limit: 10 })
    expect(log).toHaveLength(1)
    expect(log[0]).toMatchObject({ ok: true, statusCode: 204, latencyMs: 5, error: null })
    // the one scheduled for later is still pending
    expect((await outboxStats(t.db, at(10))).pending).toBe(1)
  })

  it('leaves kinds without a sender here for another process', async () => {
    await enqueueOutbox(t.db, { kind: 'mail', destination: 'mail:x', payload: {} }, T0)
    const r = await runOutbox(t.db, { webhook: async () => ({ ok: true, latencyMs: 1 }) }, { now: () => at(1) })
    expect(r.sent).toBe(0)
    expect((await outboxStats(t.db, at(1))).pending).toBe(1)
  })

  it('retries a failure with growing backoff, counts a throw as a failure, and gives up after the window', async () => {
    const { id } = await enqueueOutbox(t.db, { kind: 'webhook', destination: 's1', payload: {}, giveUpAfterMs: 3600_000 }, T0)
    let now = T0
    let calls = 0
    const failing = async () => {
      calls++
      if (calls === 2) throw new Error('connect ECONNREFUSED')
      return { ok: false, statusCode: 503, latencyMs: 2 }
    }
    const outcomes: string[] = []
    const delays: number[] = []
    for (let i = 0; i < 20 && outcomes.at(-1) !== 'dead'; i++) {
      const r = await runOutbox(t.db, { webhook: failing }, { now: () => now, random: () => 1 })
      outcomes.push(r.dead ? 'dead' : r.retried ? 'retry' : 'none')
      const row = await t.db.selectFrom('outbox').select(['next_attempt_at', 'status']).where('id', '=', id).executeTakeFirstOrThrow()
      delays.push(row.next_attempt_at.getTime() - now.getTime())
      now = row.next_attempt_at
    }
    expect(outcomes.at(-1)).toBe('dead')
    expect(outcomes.slice(0, -1).every((o) => o === 'retry')).toBe(true)
    // with random()=1 each delay is the full exponential step: 30 s, 60 s, 120 s …
    expect(delays.slice(0, 3)).toEqual([30_000, 60_000, 120_000])
    const log = await listOutboxAttempts(t.db, { outboxId: id, limit: 50 })
    expect(log.length).toBe(calls)
    expect(log.some((l) => l.error === 'connect ECONNREFUSED')).toBe(true)
    expect(log.some((l) => l.statusCode === 503 && l.error === 'HTTP 503')).toBe(true)
    expect((await outboxStats(t.db, now)).dead).toBe(1)
    // manual redelivery makes it due again with a fresh window
    expect(await requeueOutbox(t.db, id, now)).toBe(true)
    const r = await runOutbox(t.db, { webhook: async () => ({ ok: true, latencyMs: 1 }) }, { now: () => now })
    expect(r.sent).toBe(1)
  })

  it('honours Retry-After when it asks for longer than the backoff', async () => {
    const { id } = await enqueueOutbox(t.db, { kind: 'webhook', destination: 's1', payload: {} }, T0)
    await runOutbox(t.db, { webhook: async () => ({ ok: false, statusCode: 429, latencyMs: 1, retryAfterMs: 3600_000 }) }, { now: () => T0, random: () => 0 })
    const row = await t.db.selectFrom('outbox').select('next_attempt_at').where('id', '=', id).executeTakeFirstOrThrow()
    expect(row.next_attempt_at.getTime() - T0.getTime()).toBe(3600_000)
  })

  it('skip releases a row without spending an attempt', async () => {
    const { id } = await enqueueOutbox(t.db, { kind: 'webhook', destination: 'open-circuit', payload: {} }, T0)
    const r = await runOutbox(t.db, { webhook: async () => ({ ok: true, latencyMs: 1 }) }, { now: () => at(1), skip: (i) => i.destination === 'open-circuit' })
    expect(r).toMatchObject({ sent: 0, skipped: 1 })
    const row = await t.db.selectFrom('outbox').select(['attempts', 'locked_until', 'status']).where('id', '=', id).executeTakeFirstOrThrow()
    expect(row).toEqual({ attempts: 0, locked_until: null, status: 'pending' })
  })

  it('a claim is leased: another sender cannot take it until the lease runs out', async () => {
    await enqueueOutbox(t.db, { kind: 'webhook', destination: 's1', payload: {} }, T0)
    const first = await claimDueOutbox(t.db, { now: at(1), limit: 10, leaseMs: 60_000 })
    expect(first).toHaveLength(1)
    expect(await claimDueOutbox(t.db, { now: at(2), limit: 10, leaseMs: 60_000 })).toHaveLength(0)
    // the first sender died: after the lease the row is due again, as attempt 2
    const again = await claimDueOutbox(t.db, { now: at(61_001), limit: 10, leaseMs: 60_000 })
    expect(again.map((i: OutboxItem) => i.attempts)).toEqual([2])
  })

  it('purges finished rows past retention and erases rows addressed to a person', async () => {
    await enqueueOutbox(t.db, { kind: 'mail', destination: 'mail:example.org', payload: { to: 'Carol@Example.org' }, personalEmail: 'Carol@Example.org' }, T0)
    await enqueueOutbox(t.db, { kind: 'mail', destination: 'mail:example.net', payload: { to: 'dan@example.net' }, personalEmail: 'dan@example.net' }, T0)
    await runOutbox(t.db, { mail: async () => ({ ok: true, latencyMs: 1 }) }, { now: () => at(1) })
    await enqueueOutbox(t.db, { kind: 'mail', destination: 'mail:example.org', payload: { to: 'carol@example.org' }, personalEmail: 'carol@example.org' }, at(2))
    expect(await eraseOutboxFor(t.db, 'CAROL@example.org')).toBe(2)
    expect(await purgeOutbox(t.db, at(OUTBOX_GIVE_UP_MS))).toBe(1)
    expect((await t.db.selectFrom('outbox').select('id').execute()).length).toBe(0)
  })

  it('the retention job drops finished rows after the outbox period and keeps pending ones', async () => {
    await enqueueOutbox(t.db, { kind: 'mail', destination: 'mail:example.org', payload: {}, personalEmail: 'a@example.org' }, T0)
    await runOutbox(t.db, { mail: async () => ({ ok: true, latencyMs: 1 }) }, { now: () => at(1) })
    await enqueueOutbox(t.db, { kind: 'mail', destination: 'mail:example.org', payload: {}, notBefore: at(99 * 86400_000) }, at(2))
    const day = 86400_000
    expect((await runRetentionPurge(t.db, DEFAULT_RETENTION, at((DEFAULT_RETENTION.outboxDays - 1) * day), 'system:test')).outbox).toBe(0)
    expect((await runRetentionPurge(t.db, DEFAULT_RETENTION, at((DEFAULT_RETENTION.outboxDays + 1) * day), 'system:test')).outbox).toBe(1)
    expect(await t.db.selectFrom('outbox').select('status').execute()).toEqual([{ status: 'pending' }])
  })
})

describe.skipIf(!testDatabaseUrl)('outbox on a Postgres server (concurrent claims need two connections)', () => {
  it('two concurrent senders never claim the same row (SKIP LOCKED)', async () => {
    for (let i = 0; i < 40; i++) await enqueueOutbox(t.db, { kind: 'webhook', destination: `s${i % 4}`, payload: { i } }, T0)
    const other = openPostgres(t.url!, { max: 2, options: `-c search_path=${t.schema},public` })
    try {
      const sent: string[] = []
      const sender = async (i: OutboxItem) => {
        sent.push(i.id)
        await new Promise((r) => setTimeout(r, 2))
        return { ok: true, latencyMs: 2 }
      }
      const runs = await Promise.all([
        runOutbox(t.db, { webhook: sender }, { now: () => at(1), limit: 25 }),
        runOutbox(other.db, { webhook: sender }, { now: () => at(1), limit: 25 }),
      ])
      expect(runs[0]!.sent + runs[1]!.sent).toBe(40)
      expect(new Set(sent).size).toBe(40)
      expect(sent).toHaveLength(40)
    } finally {
      await other.close()
    }
  })
})
