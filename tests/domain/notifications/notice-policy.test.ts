import { describe, expect, it } from 'vitest'
import { buildFeedLists, diffFeedLists, type CatalogueRange } from '../../../src/domain/feed-version.js'
import { noticeShortfalls } from '../../../src/domain/notifications/notice-policy.js'
import { reminderEvents, versionEvents } from '../../../src/domain/notifications/events.js'

const DAY = 86_400_000
const t0 = new Date('2026-11-01T00:00:00Z')
const at = (days: number) => new Date(t0.getTime() + days * DAY)
const range = (prefix: string, activeFrom: Date, retireAt: Date | null = null): CatalogueRange => ({
  id: prefix,
  prefix,
  family: 'ipv4',
  pool: 'p',
  region: 'r',
  label: '',
  activeFrom,
  retireAt,
})

function shortfalls(before: CatalogueRange[], after: CatalogueRange[], now = t0, days = 14) {
  const prev = before.length ? buildFeedLists(before, now) : null
  const next = buildFeedLists(after, now)
  return noticeShortfalls(prev, diffFeedLists(prev, next, now), now, days)
}

describe('notice policy', () => {
  const base = [range('192.0.2.0/24', at(-100))]

  it('exempts the first version', () => {
    expect(shortfalls([], [range('192.0.2.0/24', t0)])).toEqual([])
  })

  it('a new range needs activeFrom at least the notice period ahead', () => {
    expect(shortfalls(base, [...base, range('198.51.100.0/24', at(14))])).toEqual([])
    expect(shortfalls(base, [...base, range('198.51.100.0/24', at(13.5))])).toEqual([
      { prefix: '198.51.100.0/24', kind: 'activeFrom', effective: at(13.5).toISOString(), noticeDays: 13.5 },
    ])
    expect(shortfalls(base, [...base, range('198.51.100.0/24', at(-1))])[0]).toMatchObject({ kind: 'activeFrom', noticeDays: 0 })
  })

  it('a retirement needs retireAt the notice period ahead; moving it later or cancelling it is free', () => {
    expect(shortfalls(base, [range('192.0.2.0/24', at(-100), at(3))])).toEqual([expect.objectContaining({ kind: 'retireAt', noticeDays: 3 })])
    expect(shortfalls(base, [range('192.0.2.0/24', at(-100), at(20))])).toEqual([])
    const retiring = [range('192.0.2.0/24', at(-100), at(20))]
    expect(shortfalls(retiring, [range('192.0.2.0/24', at(-100), at(30))])).toEqual([])
    expect(shortfalls(retiring, [range('192.0.2.0/24', at(-100), at(5))])).toEqual([expect.objectContaining({ kind: 'retireAt' })])
    expect(shortfalls(retiring, base)).toEqual([])
  })

  it('moving an announced activeFrom earlier into the window counts; dropping an in-use range counts; withdrawing an announcement does not', () => {
    const announced = [...base, range('198.51.100.0/24', at(20))]
    expect(shortfalls(announced, [...base, range('198.51.100.0/24', at(2))])).toEqual([expect.objectContaining({ kind: 'activeFrom', noticeDays: 2 })])
    expect(shortfalls(announced, base)).toEqual([])
    expect(shortfalls(announced, [range('198.51.100.0/24', at(20))])).toEqual([expect.objectContaining({ prefix: '192.0.2.0/24', kind: 'removal' })])
  })

  it('a scheduled retirement passing is not a removal without notice', () => {
    const retiring = [range('192.0.2.0/24', at(-100), at(20)), range('203.0.113.0/24', at(-100))]
    const now = at(21)
    expect(shortfalls(retiring, retiring, now)).toEqual([])
  })
})

describe('events', () => {
  it('a version announces new ranges and retirements, links instead of embedding, and carries the override', () => {
    const prev = buildFeedLists([range('192.0.2.0/24', at(-100))], t0)
    const next = buildFeedLists([range('192.0.2.0/24', at(-100), at(30)), range('198.51.100.0/24', at(20))], t0)
    const changes = diffFeedLists(prev, next, t0)
    const override = { reason: 'r', noticeDays: 14, shortfalls: [] }
    const events = versionEvents({ serial: 7, createdAt: t0.toISOString(), sha256: 'x', counts: { ipv4: 2, ipv6: 0 }, changes, note: 'n', noticeOverride: override }, 'https://s.test')
    expect(events.map((e) => `${e.type} ${e.dedupeKey}`)).toEqual([
      'version.published version.published:7',
      'range.announced range.announced:7:198.51.100.0/24',
      'range.retiring range.retiring:7:192.0.2.0/24',
    ])
    expect(events[0]!.data).toMatchObject({ note: 'n', noticeOverride: override, links: { signature: 'https://s.test/v1/versions/7.sig' } })
    expect(JSON.stringify(events[0]!.data)).not.toContain('"ipv4":[')
  })

  it('reminds within the window only, keyed by prefix and date', () => {
    const lists = buildFeedLists([range('192.0.2.0/24', at(-100), at(2)), range('198.51.100.0/24', at(2.5)), range('203.0.113.0/24', at(10))], t0)
    const r = reminderEvents(3, lists, t0, 3, 'https://s.test')
    expect(r.map((e) => e.dedupeKey).sort()).toEqual([
      `range.reminder:activeFrom:198.51.100.0/24:${at(2.5).toISOString()}`,
      `range.reminder:retireAt:192.0.2.0/24:${at(2).toISOString()}`,
    ])
  })
})

describe('webhook signature', () => {
  it('v1 is exactly what the standardwebhooks library signs, and its verifier accepts ours', async () => {
    const { Webhook } = await import('standardwebhooks')
    const { signWebhook } = await import('../../../src/domain/notifications/webhook-signature.js')
    const { newWebhookSecret } = await import('../../../src/db/subscription-repository.js')
    for (const body of ['{}', '{"type":"version.published","data":{"note":"ü ✓ \\u0000"}}', JSON.stringify({ pad: 'x'.repeat(5000) })]) {
      const secret = newWebhookSecret()
      const at = new Date()
      const ours = await signWebhook(secret, undefined, 'msg_1', at, body)
      expect(ours).toBe(new Webhook(secret).sign('msg_1', at, body))
      const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': ours }
      expect(() => new Webhook(secret).verify(body, headers)).not.toThrow()
      expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow()
    }
  })
})
