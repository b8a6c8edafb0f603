/**
 * Network owners' opt-out, end to end with real servers on loopback: a dnsmasq answering
 * the TXT and A/AAAA look-ups, an HTTP server serving the proof file, and an RDAP server
 * naming the abuse contact. The RDAP and file fetches go through the real outbound guard
 * (with the test-only loopback allowance). Nothing leaves the machine.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { listAudit } from '../../src/db/audit-repository.js'
import type { OutboundFetch } from '../../src/domain/notifications/outbound-request.js'
import { createOutboundFetch } from '../../src/platform/outbound-fetch.js'
import { createOptOutProbes } from '../../src/platform/opt-out-probes.js'
import { buildApp, bearer, DAY, jsonBody, testClock, tokenWith } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'
import { hasDnsmasq, startDnsmasq, type RunningDns } from '../helpers/dnsmasq.js'

let t: TestDb
let web: Server
let webPort = 0
let webBody = ''
let rdapDoc: unknown = null
let rdapHits = 0

beforeAll(async () => {
  t = await openTestDb()
  web = createServer((req, res) => {
    if (req.url === '/.well-known/scangate-optout.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(webBody)
    } else if (req.url?.startsWith('/bootstrap/ip/')) {
      // an RDAP bootstrap service answers with a redirect to the registry
      res.writeHead(302, { location: req.url.replace('/bootstrap/', '/registry/') }).end()
    } else if (req.url?.startsWith('/registry/ip/')) {
      rdapHits++
      res.writeHead(rdapDoc ? 200 : 404, { 'content-type': 'application/rdap+json' }).end(JSON.stringify(rdapDoc ?? { errorCode: 404 }))
    } else res.writeHead(404).end()
  })
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r))
  webPort = (web.address() as AddressInfo).port
})
afterAll(async () => {
  await new Promise((r) => web.close(r))
  await t.close()
})

const clock = testClock('2026-11-30T00:00:00Z')
let dns: RunningDns | null = null

beforeEach(async () => {
  await t.reset()
  clock.set('2026-11-30T00:00:00Z')
  webBody = ''
  rdapDoc = null
  rdapHits = 0
})

/** The guard, allowed to reach this test's servers; the file proof's address stands for the test server. */
function guardedFetch(): OutboundFetch {
  const guard = createOutboundFetch({ testAllowAddresses: ['127.0.0.1'] })
  return (req) => guard({ ...req, url: req.url.replace('http://81.2.69.80/', `http://127.0.0.1:${webPort}/`) })
}

function app(dnsServer: string | undefined) {
  return buildApp(t.db, clock, {
    optOutProbes: createOptOutProbes({ dnsResolver: dnsServer ?? '127.0.0.1:9', fetch: guardedFetch(), rdapBaseUrl: `http://127.0.0.1:${webPort}/bootstrap` }),
  })
}

async function create(a: ReturnType<typeof app>, body: Record<string, unknown>) {
  const res = await a.request('/v1/opt-outs', jsonBody('POST', body))
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()) as { ref: string; token: string; status: string; instructions: { txtRecords?: { name: string; value: string }[]; file?: { url: string; content: string } } }
}

async function excluded(a: ReturnType<typeof app>, target: string): Promise<boolean> {
  const token = await tokenWith(t.db, 'sessions:write')
  const res = await a.request(`/v1/exclusions/check?target=${encodeURIComponent(target)}`, bearer(token))
  expect(res.status).toBe(200)
  return ((await res.json()) as { excluded: boolean }).excluded
}

async function withDns<T>(records: Parameters<typeof startDnsmasq>[0], run: (server: string) => Promise<T>): Promise<T> {
  dns = await startDnsmasq({ localZones: ['in-addr.arpa', 'ip6.arpa', 'example.net'], ...records })
  try {
    return await run(dns.server)
  } finally {
    await dns.stop()
    dns = null
  }
}

describe.skipIf(!hasDnsmasq)('opt-out by reverse-DNS TXT (real dnsmasq)', () => {
  it('verifies when every covered zone holds the token, then excludes through the audited path with an expiry', async () => {
    const a0 = app(undefined)
    const r = await create(a0, { prefixes: ['81.2.68.0/23'], method: 'dns', contactEmail: 'noc@example.net' })
    expect(r.instructions.txtRecords!.map((x) => x.name)).toEqual(['_scangate-optout.68.2.81.in-addr.arpa', '_scangate-optout.69.2.81.in-addr.arpa'])
    await withDns({ txt: r.instructions.txtRecords }, async (server) => {
      const a = app(server)
      expect(await excluded(a, '81.2.69.10')).toBe(false)
      const v = await a.request(`/v1/opt-outs/${r.ref}/verify`, bearer(r.token, { method: 'POST' }))
      expect(await v.json()).toEqual({ status: 'verified', detail: 'proved by dns' })
      expect(await excluded(a, '81.2.69.10')).toBe(true)
      expect(await excluded(a, '81.2.70.1')).toBe(false)
      const status = (await (await a.request(`/v1/opt-outs/${r.ref}`, bearer(r.token))).json()) as { status: string; excludedUntil: string }
      expect(status.status).toBe('verified')
      expect(new Date(status.excludedUntil).getTime() - clock.now().getTime()).toBe(365 * DAY)
    })
    const audit = await listAudit(t.db, { limit: 20 })
    const creates = audit.filter((e) => e.action === 'exclusion.create')
    expect(creates.map((e) => [e.diff.prefix, e.diff.source])).toEqual([['81.2.68.0/23', 'opt_out']])
    expect(audit.some((e) => e.action === 'opt_out.verify' && e.actor === `opt-out:${r.ref}`)).toBe(true)
    // the renewal reminder waits in the outbox until 30 days before expiry
    const reminder = await t.db.selectFrom('outbox').select(['personal_email', 'next_attempt_at']).executeTakeFirstOrThrow()
    expect(reminder.personal_email).toBe('noc@example.net')
    expect(reminder.next_attempt_at.getTime() - clock.now().getTime()).toBe(335 * DAY)
  })

  it('one zone without the record proves nothing, and a wrong token cannot even ask', async () => {
    const a0 = app(undefined)
    const r = await create(a0, { prefixes: ['81.2.68.0/23'], method: 'dns' })
    await withDns({ txt: [r.instructions.txtRecords![1]!] }, async (server) => {
      const a = app(server)
      const v = (await (await a.request(`/v1/opt-outs/${r.ref}/verify`, bearer(r.token, { method: 'POST' }))).json()) as { status: string; detail: string }
      expect(v.status).toBe('pending')
      expect(v.detail).toContain('_scangate-optout.68.2.81.in-addr.arpa')
      expect(await excluded(a, '81.2.69.10')).toBe(false)
      const other = await create(a, { prefixes: ['81.2.68.0/24'], method: 'dns' })
      // someone else's token, or a guessed one: the same 404 as an unknown reference
      for (const tok of [other.token, 'oo_' + 'A'.repeat(32), 'garbage']) {
        expect((await a.request(`/v1/opt-outs/${r.ref}/verify`, bearer(tok, { method: 'POST' }))).status).toBe(404)
        expect((await a.request(`/v1/opt-outs/${r.ref}`, bearer(tok))).status).toBe(404)
      }
      expect((await a.request(`/v1/opt-outs/${r.ref}/verify`, { method: 'POST' })).status).toBe(404)
    })
    expect(await t.db.selectFrom('exclusions').select('id').execute()).toEqual([])
  })

  it('a forward name proves a narrow block only when all its addresses lie inside it', async () => {
    const a0 = app(undefined)
    const inside = await create(a0, { prefixes: ['81.2.69.0/24'], method: 'dns_domain', proofDomain: 'mail.example.net' })
    const outside = await create(a0, { prefixes: ['81.2.70.0/24'], method: 'dns_domain', proofDomain: 'www.example.net' })
    expect((await a0.request('/v1/opt-outs', jsonBody('POST', { prefixes: ['81.2.0.0/16'], method: 'dns_domain', proofDomain: 'mail.example.net' }))).status).toBe(400)
    await withDns(
      {
        txt: [...inside.instructions.txtRecords!, ...outside.instructions.txtRecords!],
        hosts: [
          { name: 'mail.example.net', addresses: ['81.2.69.25'] },
          { name: 'www.example.net', addresses: ['81.2.70.8', '203.0.113.80'] },
        ],
      },
      async (server) => {
        const a = app(server)
        expect(((await (await a.request(`/v1/opt-outs/${inside.ref}/verify`, bearer(inside.token, { method: 'POST' }))).json()) as { status: string }).status).toBe('verified')
        expect(((await (await a.request(`/v1/opt-outs/${outside.ref}/verify`, bearer(outside.token, { method: 'POST' }))).json()) as { status: string }).status).toBe('pending')
        expect(await excluded(a, '81.2.69.1')).toBe(true)
        expect(await excluded(a, '81.2.70.1')).toBe(false)
      },
    )
  })
})

describe('opt-out by file and by the RDAP abuse contact', () => {
  it('the file must hold the token on a line of its own', async () => {
    const a = app(undefined)
    const r = await create(a, { prefixes: ['81.2.69.0/24'], method: 'http', proofAddress: '81.2.69.80' })
    expect(r.instructions.file).toEqual({ url: 'http://81.2.69.80/.well-known/scangate-optout.txt', content: r.token })
    webBody = `<p>${r.token}</p>`
    expect(((await (await a.request(`/v1/opt-outs/${r.ref}/verify`, bearer(r.token, { method: 'POST' }))).json()) as { status: string }).status).toBe('pending')
    webBody = `# scangate opt-out\n${r.token}\n`
    expect(((await (await a.request(`/v1/opt-outs/${r.ref}/verify`, bearer(r.token, { method: 'POST' }))).json()) as { status: string }).status).toBe('verified')
    expect(await excluded(a, '81.2.69.200')).toBe(true)
  })

  it('mails the RDAP abuse contact (through a bootstrap redirect) and excludes only once the mailed code comes back', async () => {
    const a = app(undefined)
    rdapDoc = {
      objectClassName: 'ip network',
      startAddress: '81.2.0.0',
      endAddress: '81.2.255.255',
      entities: [{ roles: ['abuse'], vcardArray: ['vcard', [['email', {}, 'text', 'abuse@isp.example']]] }],
    }
    const r = await create(a, { prefixes: ['81.2.0.0/16'], method: 'rdap_email' })
    const v = (await (await a.request(`/v1/opt-outs/${r.ref}/verify`, bearer(r.token, { method: 'POST' }))).json()) as { status: string }
    expect(v.status).toBe('challenge_sent')
    expect(rdapHits).toBe(1)
    expect(await excluded(a, '81.2.3.4')).toBe(false)
    const mail = await t.db.selectFrom('outbox').select(['payload', 'personal_email']).executeTakeFirstOrThrow()
    const payload = (typeof mail.payload === 'string' ? JSON.parse(mail.payload) : mail.payload) as { to: string; text: string }
    expect(payload.to).toBe('abuse@isp.example')
    const code = /code=([A-Za-z0-9_-]+)/.exec(payload.text)![1]!
    expect((await a.request(`/v1/opt-outs/${r.ref}/confirm`, jsonBody('POST', { code: code.slice(0, -1) + (code.endsWith('A') ? 'B' : 'A') }))).status).toBe(404)
    expect(await excluded(a, '81.2.3.4')).toBe(false)
    // the confirm page shows a button for a GET (mail scanners follow links) and confirms on POST
    const page = await a.request(`/opt-out/confirm?ref=${r.ref}&code=${code}`)
    expect(await page.text()).toContain('<button type="submit">Confirm</button>')
    expect(await excluded(a, '81.2.3.4')).toBe(false)
    expect((await a.request(`/v1/opt-outs/${r.ref}/confirm`, jsonBody('POST', { code }))).status).toBe(200)
    expect(await excluded(a, '81.2.3.4')).toBe(true)
    // a /16 is wider than the desk's own limit: the audit names the verification as the override
    const audit = await listAudit(t.db, { limit: 20 })
    expect(audit.find((e) => e.action === 'exclusion.create')!.diff.override).toMatch(/verified opt-out .*RDAP abuse contact/)
  })

  it('with no abuse contact in RDAP the request waits for the desk', async () => {
    const a = app(undefined)
    const r = await create(a, { prefixes: ['81.2.69.0/24'], method: 'rdap_email' })
    const v = (await (await a.request(`/v1/opt-outs/${r.ref}/verify`, bearer(r.token, { method: 'POST' }))).json()) as { status: string; detail: string }
    expect(v).toMatchObject({ status: 'pending' })
    expect(v.detail).toMatch(/by hand/)
    expect(await t.db.selectFrom('outbox').select('id').execute()).toEqual([])
  })
})

describe('opt-out requests a person decides', () => {
  it('a block wider than self-service is never excluded by proof alone; the desk approves or rejects, audited', async () => {
    const a = app(undefined)
    const big = await create(a, { prefixes: ['81.0.0.0/14'], method: 'dns' })
    const v = (await (await a.request(`/v1/opt-outs/${big.ref}/verify`, bearer(big.token, { method: 'POST' }))).json()) as { status: string; detail: string }
    expect(v.status).toBe('pending')
    expect(v.detail).toMatch(/abuse desk/)
    const desk = await tokenWith(t.db, 'exclusions:write')
    const reader = await tokenWith(t.db, 'reports:read')
    expect((await a.request('/v1/admin/opt-outs', bearer(reader))).status).toBe(403)
    const list = (await (await a.request('/v1/admin/opt-outs?status=pending', bearer(desk))).json()) as { items: { ref: string; needsDesk: boolean }[]; last24h: { requests: number } }
    expect(list.items).toEqual([expect.objectContaining({ ref: big.ref, needsDesk: true })])
    expect(list.last24h.requests).toBe(1)
    expect((await a.request(`/v1/admin/opt-outs/${big.ref}/approve`, jsonBody('POST', { reason: 'called the NOC, confirmed' }, desk))).status).toBe(204)
    expect(await excluded(a, '81.1.2.3')).toBe(true)
    expect((await a.request(`/v1/admin/opt-outs/${big.ref}/reject`, jsonBody('POST', { reason: 'late' }, desk))).status).toBe(409)
    const other = await create(a, { prefixes: ['81.8.0.0/14'], method: 'dns' })
    expect((await a.request(`/v1/admin/opt-outs/${other.ref}/reject`, jsonBody('POST', { reason: 'not the holder' }, desk))).status).toBe(204)
    expect(await excluded(a, '81.8.0.1')).toBe(false)
    const actions = (await listAudit(t.db, { limit: 50 })).map((e) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['exclusion.create', 'opt_out.verify', 'opt_out.reject']))
  })

  it('the contact address is personal data: exported, erased, and dropped by retention after the opt-out ends', async () => {
    const a = app(undefined)
    const r = await create(a, { prefixes: ['81.2.69.0/24'], method: 'dns', contactEmail: 'NOC@Example.net' })
    const privacy = await tokenWith(t.db, 'privacy:admin')
    const exported = (await (await a.request('/v1/admin/privacy/export', jsonBody('POST', { email: 'noc@example.net' }, privacy))).json()) as { optOuts: { ref: string }[] }
    expect(exported.optOuts.map((o) => o.ref)).toEqual([r.ref])
    const erased = (await (await a.request('/v1/admin/privacy/erase', jsonBody('POST', { email: 'noc@example.net' }, privacy))).json()) as { optOutContacts: number }
    expect(erased.optOutContacts).toBe(1)
    expect(await t.db.selectFrom('opt_out_requests').select('contact_email').execute()).toEqual([{ contact_email: null }])
    // retention: a refused request keeps its contact 30 days
    const other = await create(a, { prefixes: ['81.2.70.0/24'], method: 'dns', contactEmail: 'noc@example.org' })
    const desk = await tokenWith(t.db, 'exclusions:write')
    expect((await a.request(`/v1/admin/opt-outs/${other.ref}/reject`, jsonBody('POST', { reason: 'not the holder' }, desk))).status).toBe(204)
    const { purgeOptOutContacts } = await import('../../src/db/opt-out-repository.js')
    expect(await purgeOptOutContacts(t.db, new Date(clock.now().getTime() + 29 * DAY))).toBe(0)
    expect(await purgeOptOutContacts(t.db, new Date(clock.now().getTime() + 31 * DAY))).toBe(1)
  })

  it('refuses private space and floods from one client', async () => {
    const a = app(undefined)
    const bad = await a.request('/v1/opt-outs', jsonBody('POST', { prefixes: ['10.0.0.0/8'], method: 'dns' }))
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/private/)
    let last = 0
    for (let i = 0; i < 6; i++) last = (await a.request('/v1/opt-outs', jsonBody('POST', { prefixes: [`81.2.${i}.0/24`], method: 'dns' }))).status
    expect(last).toBe(429)
  })
})
