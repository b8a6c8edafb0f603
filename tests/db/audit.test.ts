import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { appendAudit, listAudit, verifyAudit } from '../../src/db/audit-repository.js'
import { GENESIS_HASH } from '../../src/domain/audit-chain.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  const at = new Date('2026-11-01T00:00:00Z')
  for (let i = 1; i <= 5; i++) {
    await appendAudit(t.db, { actor: 'token:abc', action: 'range.update', objectType: 'range', objectId: `r${i}`, diff: { label: { from: `a${i}`, to: `b${i}` }, n: i } }, new Date(at.getTime() + i * 1000))
  }
})

describe('audit trail', () => {
  it('chains events: seq 1..n, each prev_hash is the previous hash', async () => {
    const events = await listAudit(t.db, { limit: 10 })
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5])
    expect(events[0]!.prevHash).toBe(GENESIS_HASH)
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash)
    expect(await verifyAudit(t.db)).toEqual({ ok: true, events: 5, head: events[4]!.hash })
  })

  it('concurrent appends still form one linear chain', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => appendAudit(t.db, { actor: 'x', action: 'note.add', objectType: 'case', diff: { i } }, new Date())),
    )
    const v = await verifyAudit(t.db)
    expect(v).toMatchObject({ ok: true, events: 25 })
  })

  it('detects an edited diff', async () => {
    await sql`update audit_events set diff = jsonb_set(diff, '{n}', '99') where seq = 3`.execute(t.db)
    expect(await verifyAudit(t.db)).toMatchObject({ ok: false, seq: 3, reason: expect.stringMatching(/edited/) })
  })

  it('detects an edited actor even when the attacker recomputes nothing else', async () => {
    await sql`update audit_events set actor = 'token:someone-else' where seq = 2`.execute(t.db)
    expect(await verifyAudit(t.db)).toMatchObject({ ok: false, seq: 2 })
  })

  it('detects a deleted event in the middle and at the start', async () => {
    await sql`delete from audit_events where seq = 4`.execute(t.db)
    expect(await verifyAudit(t.db)).toMatchObject({ ok: false, seq: 5, reason: expect.stringMatching(/event 4 is missing/) })
    await sql`delete from audit_events where seq = 1`.execute(t.db)
    expect(await verifyAudit(t.db)).toMatchObject({ ok: false, seq: 2, reason: expect.stringMatching(/event 1 is missing/) })
  })

  it('detects a rewritten event whose own hash was recomputed (the next link breaks)', async () => {
    const events = await listAudit(t.db, { limit: 10 })
    const { auditEventHash } = await import('../../src/domain/audit-chain.js')
    const forged = { ...events[1]!, actor: 'token:forger' }
    const hash = await auditEventHash(forged)
    await sql`update audit_events set actor = ${forged.actor}, hash = ${hash} where seq = 2`.execute(t.db)
    expect(await verifyAudit(t.db)).toMatchObject({ ok: false, seq: 3, reason: expect.stringMatching(/prev_hash/) })
  })
})
