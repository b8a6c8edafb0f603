import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { publishDueTransitions } from '../../src/db/scheduled-publish.js'
import { feedSha256 } from '../../src/domain/feed-version.js'
import { buildApp, DAY, jsonBody, testClock, tokenWith, type Clock } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
let clock: Clock
let app: ReturnType<typeof buildApp>
let admin: string

beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  clock = testClock('2026-11-01T00:00:00.000Z')
  app = buildApp(t.db, clock)
  admin = await tokenWith(t.db, 'ranges:write')
})

async function addRange(body: Record<string, unknown>) {
  const res = await app.request('/v1/admin/ranges', jsonBody('POST', body, admin))
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()) as { range: { id: string; status: string }; warnings: string[] }
}

async function publish(body: Record<string, unknown> = {}) {
  return app.request('/v1/admin/publish', jsonBody('POST', body, admin))
}

async function seed() {
  await addRange({ prefix: '198.51.100.0/24', pool: 'asv-external', region: 'us-east', label: 'Virginia' })
  await addRange({ prefix: '192.0.2.0/25', pool: 'asv-external', region: 'eu-central', label: 'Frankfurt' })
  await addRange({ prefix: '192.0.2.128/25', pool: 'web-app', region: 'eu-central', label: '' })
  await addRange({ prefix: '2001:db8:1000::/36', pool: 'asv-external', region: 'global' })
  await addRange({
    prefix: '203.0.113.0/24',
    pool: 'web-app',
    region: 'ap-southeast',
    activeFrom: new Date(clock.now().getTime() + 14 * DAY).toISOString(),
  })
  const res = await publish()
  expect(res.status).toBe(201)
}

describe('before anything is published', () => {
  it('the feed answers 404 problem, never an empty 200', async () => {
    const res = await app.request('/v1/ranges')
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect((await res.json()).code).toBe('not_found')
  })

  it('publishing an empty catalogue is refused with a reason, and allowed with force', async () => {
    const res = await publish()
    expect(res.status).toBe(409)
    const p = await res.json()
    expect(p.code).toBe('publish_refused')
    expect(p.detail).toMatch(/empty list/)
    const forced = await publish({ force: true })
    expect(forced.status).toBe(201)
    expect((await forced.json()).version.forced).toBe(true)
  })
})

describe('GET /v1/ranges', () => {
  beforeEach(seed)

  it('returns the latest version with both families, sorted, with counts and sha256', async () => {
    const res = await app.request('/v1/ranges')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const doc = await res.json()
    expect(doc.serial).toBe(1)
    expect(doc.counts).toEqual({ ipv4: 4, ipv6: 1 })
    expect(doc.ipv4.map((e: { prefix: string }) => e.prefix)).toEqual([
      '192.0.2.0/25',
      '192.0.2.128/25',
      '198.51.100.0/24',
      '203.0.113.0/24',
    ])
    expect(doc.ipv6[0]).toEqual({
      prefix: '2001:db8:1000::/36',
      pool: 'asv-external',
      region: 'global',
      label: '',
      status: 'active',
      activeFrom: '2026-11-01T00:00:00.000Z',
      retireAt: null,
    })
    expect(doc.ipv4[3].status).toBe('announced')
    expect(doc.sha256).toBe(await feedSha256({ ipv4: doc.ipv4, ipv6: doc.ipv6 }))
    expect(res.headers.get('x-feed-serial')).toBe('1')
    expect(res.headers.get('x-entry-count')).toBe('5')
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+/)
    expect(res.headers.get('last-modified')).toBe(new Date(doc.createdAt).toUTCString())
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('has a strong ETag that is the hash of the body; If-None-Match gives 304 without a body', async () => {
    const res = await app.request('/v1/ranges')
    const etag = res.headers.get('etag')!
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    const again = await app.request('/v1/ranges')
    expect(again.headers.get('etag')).toBe(etag)
    const cached = await app.request('/v1/ranges', { headers: { 'if-none-match': `"nope", ${etag}` } })
    expect(cached.status).toBe(304)
    expect(await cached.text()).toBe('')
    expect(cached.headers.get('x-feed-serial')).toBe('1')
    const weak = await app.request('/v1/ranges', { headers: { 'if-none-match': `W/${etag}` } })
    expect(weak.status).toBe(304)
    const other = await app.request('/v1/ranges', { headers: { 'if-none-match': '"something-else"' } })
    expect(other.status).toBe(200)
  })

  it('a fresh app (another process) renders the same bytes and ETag for the same serial', async () => {
    const a = await app.request('/v1/ranges')
    const other = buildApp(t.db, clock)
    const b = await other.request('/v1/ranges')
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'))
    expect(await b.text()).toBe(await a.text())
  })

  it('filters by family, pool, region and status; both arrays always present', async () => {
    const v6 = await (await app.request('/v1/ranges?family=ipv6')).json()
    expect(v6.ipv4).toEqual([])
    expect(v6.ipv6).toHaveLength(1)
    expect(v6.counts).toEqual({ ipv4: 0, ipv6: 1 })
    const web = await (await app.request('/v1/ranges?pool=web-app')).json()
    expect(web.ipv4.map((e: { prefix: string }) => e.prefix)).toEqual(['192.0.2.128/25', '203.0.113.0/24'])
    const eu = await (await app.request('/v1/ranges?region=eu-central&pool=asv-external,web-app')).json()
    expect(eu.counts).toEqual({ ipv4: 2, ipv6: 0 })
    const announced = await (await app.request('/v1/ranges?status=announced')).json()
    expect(announced.ipv4.map((e: { prefix: string }) => e.prefix)).toEqual(['203.0.113.0/24'])
  })

  it('aggregate=true merges adjacent blocks into the minimal set', async () => {
    const doc = await (await app.request('/v1/ranges?aggregate=true&family=4')).json()
    expect(doc.aggregated).toBe(true)
    expect(doc.ipv4).toEqual([{ prefix: '192.0.2.0/24' }, { prefix: '198.51.100.0/24' }, { prefix: '203.0.113.0/24' }])
  })

  it('rejects bad filter values with a 400 problem naming the field', async () => {
    for (const q of ['family=ipv5', 'status=retired', 'aggregate=maybe', 'pool=Bad%20Pool']) {
      const res = await app.request(`/v1/ranges?${q}`)
      expect(res.status, q).toBe(400)
      const p = await res.json()
      expect(p.code).toBe('invalid_option')
      expect(p.errors[0].field).toBe(q.split('=')[0])
    }
  })

  it('serves text and CSV of the same version; an empty selection is a 404, never an empty 200', async () => {
    const txt = await app.request('/v1/ranges.txt?family=ipv4')
    expect(txt.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(await txt.text()).toBe('192.0.2.0/25\n192.0.2.128/25\n198.51.100.0/24\n203.0.113.0/24\n')
    const csv = await app.request('/v1/ranges.csv')
    const lines = (await csv.text()).split('\r\n')
    expect(lines[0]).toBe('prefix,family,pool,region,label,status,active_from,retire_at')
    expect(lines[1]).toMatch(/^192\.0\.2\.0\/25,ipv4,asv-external,eu-central,Frankfurt,active,/)
    expect(csv.headers.get('x-entry-count')).toBe('5')
    const none = await app.request('/v1/ranges.txt?pool=nobody')
    expect(none.status).toBe(404)
    expect(none.headers.get('content-type')).toBe('application/problem+json')
    const noneJson = await app.request('/v1/ranges?pool=nobody')
    expect(noneJson.status).toBe(200)
    expect((await noneJson.json()).counts).toEqual({ ipv4: 0, ipv6: 0 })
  })

  it('HEAD answers the headers without a body', async () => {
    const res = await app.request('/v1/ranges.txt', { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('etag')).toBeTruthy()
    expect(await res.text()).toBe('')
  })
})

describe('publishing', () => {
  beforeEach(seed)

  it('publishing with nothing changed creates no new serial', async () => {
    const res = await publish()
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body.status).toBe('unchanged')
    expect(body.version.serial).toBe(1)
  })

  it('a change publishes serial 2 and the feed follows; old serials stay immutable', async () => {
    const before = await app.request('/v1/versions/1')
    const beforeBody = await before.text()
    expect(before.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    // announced exactly the notice period ahead: no force needed
    await addRange({ prefix: '198.18.0.0/24', pool: 'asv-external', region: 'us-east', activeFrom: '2026-11-15T00:00:00.000Z' })
    const res = await publish({ note: 'add benchmark block' })
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe('/v1/versions/2')
    const body = await res.json()
    expect(body.version.serial).toBe(2)
    expect(body.version.changes.added).toEqual([
      { prefix: '198.18.0.0/24', status: 'announced', activeFrom: '2026-11-15T00:00:00.000Z', retireAt: null },
    ])
    expect(body.version).toMatchObject({ note: 'add benchmark block', noticeOverride: null })
    expect((await (await app.request('/v1/ranges')).json()).serial).toBe(2)
    const v1 = await app.request('/v1/versions/1')
    expect(await v1.text()).toBe(beforeBody)
  })

  it('counts a retirement set after the last publish as scheduled, and refuses only drops nobody scheduled', async () => {
    const list = (await (await app.request('/v1/admin/ranges', { headers: { authorization: `Bearer ${admin}` } })).json()).ranges
    const ids = Object.fromEntries(list.map((r: { prefix: string; id: string }) => [r.prefix, r.id]))
    // retireAt must be after activeFrom
    for (const p of ['192.0.2.0/25', '198.51.100.0/24']) {
      const res = await app.request(`/v1/admin/ranges/${ids[p]}`, jsonBody('PATCH', { retireAt: clock.now().toISOString() }, admin))
      expect(res.status, await res.clone().text()).toBe(400)
    }
    // two of four in-use prefixes retire on a date no published version showed yet
    clock.advance(DAY)
    for (const p of ['192.0.2.0/25', '198.51.100.0/24']) {
      const res = await app.request(`/v1/admin/ranges/${ids[p]}`, jsonBody('PATCH', { retireAt: clock.now().toISOString() }, admin))
      expect(res.status).toBe(200)
      expect((await res.json()).range.status).toBe('retired')
    }
    // the retirement is planned, so the shrink guard lets it through; but it takes effect at
    // once, which the notice policy counts as zero notice: the dry run says so, force needs a reason
    const dry = await publish({ dryRun: true })
    expect(dry.status).toBe(200)
    const dryBody = await dry.json()
    expect(dryBody).toMatchObject({ status: 'dry-run', wouldPublish: false, version: { serial: 2 } })
    expect(dryBody.refusal).toMatch(/notice period is 14 days/)
    expect((await publish()).status).toBe(409)
    const published = await publish({ force: true, reason: 'emergency: scanner hosts compromised' })
    expect(published.status, await published.clone().text()).toBe(201)
    const v = (await published.json()).version
    expect(v.changes.removed.map((r: { prefix: string; reason: string }) => [r.prefix, r.reason])).toEqual([
      ['192.0.2.0/25', 'retired'],
      ['198.51.100.0/24', 'retired'],
    ])
    expect(v.noticeOverride).toMatchObject({ reason: 'emergency: scanner hosts compromised', noticeDays: 14 })
    expect(v.noticeOverride.shortfalls.map((s: { prefix: string; kind: string }) => `${s.kind} ${s.prefix}`).sort()).toEqual([
      'removal 192.0.2.0/25',
      'removal 198.51.100.0/24',
    ])

    // prefixes that vanish without any retirement (data lost) are still refused
    await sql`delete from scanner_ranges where prefix in ('192.0.2.128/25', '2001:db8:1000::/36')`.execute(t.db)
    const refused = await publish()
    expect(refused.status).toBe(409)
    expect((await refused.json()).detail).toMatch(/drops 2 of 2 in-use prefixes/)
    // dropping in-use prefixes without a scheduled retirement is also zero notice: force needs a reason
    const noReason = await publish({ force: true })
    expect(noReason.status).toBe(400)
    expect((await noReason.json()).errors[0].field).toBe('reason')
    const forced = await publish({ force: true, reason: 'restore after data loss' })
    expect(forced.status).toBe(201)
  })

  it('scheduled retirements publish automatically when their date passes', async () => {
    const list = (await (await app.request('/v1/admin/ranges', { headers: { authorization: `Bearer ${admin}` } })).json()).ranges
    const id = list.find((r: { prefix: string }) => r.prefix === '198.51.100.0/24').id
    const retireAt = new Date(clock.now().getTime() + 30 * DAY).toISOString()
    await app.request(`/v1/admin/ranges/${id}`, jsonBody('PATCH', { retireAt }, admin))
    expect((await publish()).status).toBe(201) // serial 2: now "retiring"
    const v2 = await (await app.request('/v1/ranges?status=retiring')).json()
    expect(v2.ipv4).toEqual([expect.objectContaining({ prefix: '198.51.100.0/24', status: 'retiring', retireAt })])

    // nothing is due yet: no new serial
    clock.advance(DAY)
    expect(await publishDueTransitions(t.db, clock.now())).toMatchObject({ status: 'unchanged', serial: 2 })

    // the announced range goes live on day 14: a new version with its status fixed
    clock.set(new Date(Date.parse('2026-11-01T00:00:00Z') + 14 * DAY))
    const due = await publishDueTransitions(t.db, clock.now())
    expect(due).toMatchObject({ status: 'published', serial: 3 })
    expect(due.next?.toISOString()).toBe(retireAt)
    // and on retireAt the range disappears (planned: not refused)
    clock.set(retireAt)
    expect(await publishDueTransitions(t.db, clock.now())).toMatchObject({ status: 'published', serial: 4 })
    const changes = await (await app.request('/v1/changes?since=3')).json()
    expect(changes.versions).toHaveLength(1)
    expect(changes.versions[0].changes.removed).toEqual([{ prefix: '198.51.100.0/24', previousStatus: 'retiring', effective: retireAt, reason: 'retired' }])
  })
})

describe('versions, changes and Atom', () => {
  beforeEach(async () => {
    await seed()
    await addRange({ prefix: '198.18.0.0/24', pool: 'asv-external', region: 'us-east', activeFrom: '2026-11-20T00:00:00.000Z' })
    clock.advance(60_000)
    expect((await publish({ note: 'Virginia gets a second block' })).status).toBe(201)
  })

  it('lists versions newest first with paging', async () => {
    const res = await app.request('/v1/versions?limit=1')
    const body = await res.json()
    expect(body.versions.map((v: { serial: number }) => v.serial)).toEqual([2])
    expect(body.next).toBe('/v1/versions?limit=1&before=2')
    const next = await (await app.request(body.next)).json()
    expect(next.versions.map((v: { serial: number }) => v.serial)).toEqual([1])
    expect(next.next).toBeNull()
  })

  it('GET /v1/versions/{serial}: unknown → 404, malformed → 400', async () => {
    expect((await app.request('/v1/versions/99')).status).toBe(404)
    const bad = await app.request('/v1/versions/abc')
    expect(bad.status).toBe(400)
    expect((await bad.json()).code).toBe('validation_failed')
  })

  it('GET /v1/changes?since= returns each later version with its effective dates', async () => {
    const all = await (await app.request('/v1/changes')).json()
    expect(all.versions.map((v: { serial: number }) => v.serial)).toEqual([1, 2])
    expect(all.versions[0].changes.added).toHaveLength(5)
    const since1 = await (await app.request('/v1/changes?since=1')).json()
    expect(since1).toMatchObject({ since: 1, latest: 2 })
    expect(since1.versions[0].changes.added[0].prefix).toBe('198.18.0.0/24')
    expect((await (await app.request('/v1/changes?since=2')).json()).versions).toEqual([])
    expect((await app.request('/v1/changes?since=3')).status).toBe(400)
  })

  it('Atom feed has one entry per version and escapes labels', async () => {
    const res = await app.request('/v1/feed.atom')
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8')
    const xml = await res.text()
    expect(xml.match(/<entry>/g)).toHaveLength(2)
    expect(xml).toContain('<id>https://scanners.example.test/v1/versions/2</id>')
    expect(xml).toContain('Added 198.18.0.0/24')
  })
})

describe('GET /v1/lookup/{ip}', () => {
  beforeEach(seed)

  it('says whether an address is ours, with its range', async () => {
    const hit = await (await app.request('/v1/lookup/192.0.2.200')).json()
    expect(hit).toMatchObject({ ip: '192.0.2.200', ours: true, prefix: '192.0.2.128/25', pool: 'web-app', status: 'active' })
    const v6 = await (await app.request('/v1/lookup/2001:db8:1000::1')).json()
    expect(v6).toMatchObject({ ours: true, prefix: '2001:db8:1000::/36' })
    const miss = await (await app.request('/v1/lookup/8.8.8.8')).json()
    expect(miss).toEqual({ ip: '8.8.8.8', ours: false })
  })

  it('rejects malformed addresses with 400', async () => {
    for (const ip of ['1.2.3', '010.0.0.1', 'banana', '192.0.2.1%2F24', 'fe80::1%25eth0']) {
      const res = await app.request(`/v1/lookup/${ip}`)
      expect(res.status, ip).toBe(400)
      expect((await res.json()).code).toBe('invalid_ip')
    }
  })

  it('still answers ours for 90 days after retirement, then no', async () => {
    const list = (await (await app.request('/v1/admin/ranges', { headers: { authorization: `Bearer ${admin}` } })).json()).ranges
    const id = list.find((r: { prefix: string }) => r.prefix === '198.51.100.0/24').id
    // retired with the promised notice (NOTICE_DAYS, 14)
    const retireAt = new Date(clock.now().getTime() + 15 * DAY)
    await app.request(`/v1/admin/ranges/${id}`, jsonBody('PATCH', { retireAt: retireAt.toISOString() }, admin))
    expect((await publish()).status).toBe(201)
    // still in the latest version, whose retireAt has passed
    clock.set(new Date(retireAt.getTime() + 89 * DAY))
    expect(await (await app.request('/v1/lookup/198.51.100.7')).json()).toMatchObject({ ours: true, status: 'retired' })
    clock.set(new Date(retireAt.getTime() + 91 * DAY))
    expect((await (await app.request('/v1/lookup/198.51.100.7')).json()).ours).toBe(false)
    // removed by a later version: the removal keeps answering within the grace period
    clock.set(new Date(retireAt.getTime() + 10 * DAY))
    expect((await publish()).status).toBe(201)
    expect(await (await app.request('/v1/lookup/198.51.100.7')).json()).toMatchObject({ ours: true, status: 'retired', prefix: '198.51.100.0/24', pool: 'asv-external', retireAt: retireAt.toISOString() })
    clock.set(new Date(retireAt.getTime() + 91 * DAY))
    expect((await (await app.request('/v1/lookup/198.51.100.7')).json()).ours).toBe(false)
  })

  it('answers from the latest published version only: drafts are not ours yet, never-published ranges never were', async () => {
    const draft = await addRange({ prefix: '198.18.0.0/24', pool: 'asv-external', region: 'us-east' })
    expect(draft.range.status).toBe('active')
    expect(await (await app.request('/v1/lookup/198.18.0.1')).json()).toEqual({ ip: '198.18.0.1', ours: false })
    // added already retired and never published: it was never ours
    await addRange({ prefix: '198.19.0.0/24', pool: 'asv-external', region: 'us-east', activeFrom: '2026-01-01T00:00:00Z', retireAt: '2026-10-01T00:00:00Z' })
    expect(await (await app.request('/v1/lookup/198.19.0.1')).json()).toEqual({ ip: '198.19.0.1', ours: false })
    // active at once, so short of the notice period: forced with a reason
    expect((await publish({ force: true, reason: 'new scanner host, active today' })).status).toBe(201)
    expect(await (await app.request('/v1/lookup/198.18.0.1')).json()).toMatchObject({ ours: true, status: 'active', prefix: '198.18.0.0/24' })
    expect((await (await app.request('/v1/lookup/198.19.0.1')).json()).ours).toBe(false)
  })
})
