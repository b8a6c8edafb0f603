/**
 * The unparsed-mail queue: the admin API (list, read, make a report by hand, dismiss)
 * and the desk pages, including that a stored HTML mail is shown as text, never markup.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ingestMail } from '../../src/db/mail-intake.js'
import { insertRanges } from '../../src/db/range-repository.js'
import { normaliseRange } from '../../src/domain/catalogue-rules.js'
import { CORPUS_NOW, OUR_RANGES, readCorpus } from '../domain/intake/mail/corpus.js'
import { bearer, buildApp, jsonBody, testClock, tokenWith } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
let app: ReturnType<typeof buildApp>
let desk: string
let reader: string

async function unparsed(file: string): Promise<string> {
  const r = await ingestMail(t.db, readCorpus(file), {
    via: 'smtp',
    now: CORPUS_NOW,
    ownAddresses: [],
    publicUrl: 'https://scanners.example.test',
    acksPerSenderPerDay: 10,
    intakePerSenderPerHour: 100,
  })
  expect(r.status).toBe('unparsed')
  return r.mailId
}

beforeAll(async () => {
  t = await openTestDb()
})
afterAll(async () => {
  await t.close()
})
beforeEach(async () => {
  await t.reset()
  app = buildApp(t.db, testClock('2026-11-30T00:00:00Z'))
  await insertRanges(t.db, OUR_RANGES.map((r) => normaliseRange({ prefix: r.text, pool: 'asv', region: 'eu', activeFrom: '2025-01-01T00:00:00Z' }, CORPUS_NOW)))
  desk = await tokenWith(t.db, 'reports:read', 'reports:triage')
  reader = await tokenWith(t.db, 'reports:read')
})

describe('admin mail API', () => {
  it('lists unparsed mail with the reason and shows one as text', async () => {
    const id = await unparsed('not-our-address.eml')
    const list = await app.request('/v1/admin/mail', bearer(reader))
    expect(list.status).toBe(200)
    const body = (await list.json()) as { mail: { id: string; reason: string; sender: string }[] }
    expect(body.mail).toEqual([expect.objectContaining({ id, sender: 'kim@isp2.example', reason: 'names none of our scanner addresses (2 other addresses found)' })])
    const one = (await (await app.request(`/v1/admin/mail/${id}`, bearer(reader))).json()) as { text: string }
    expect(one.text).toContain('Host 100.64.9.9 attacked 203.0.113.8')
    expect((await app.request('/v1/admin/mail/00000000-0000-4000-8000-000000000000', bearer(reader))).status).toBe(404)
  })

  it('turns an unparsed mail into a report by hand, once; bad fields are a 400 naming the field', async () => {
    const id = await unparsed('mailing-list.eml')
    const bad = await app.request(`/v1/admin/mail/${id}/report`, jsonBody('POST', { sourceIps: ['192.0.2.200'], target: 'nowhere', observedFrom: '2026-11-29T08:00:00Z' }, desk))
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('target')
    expect((await app.request(`/v1/admin/mail/${id}/report`, jsonBody('POST', { sourceIps: ['192.0.2.200'], target: '203.0.113.77', observedFrom: '2026-11-29T08:00:00Z' }, reader))).status).toBe(403)
    const ok = await app.request(`/v1/admin/mail/${id}/report`, jsonBody('POST', { sourceIps: ['192.0.2.200'], target: '203.0.113.77', observedFrom: '2026-11-29T08:00:00Z' }, desk))
    expect(ok.status).toBe(201)
    const { ref } = (await ok.json()) as { ref: string }
    const report = await t.db.selectFrom('reports as r').innerJoin('report_contacts as c', 'c.report_id', 'r.id').select(['r.channel', 'c.email']).where('r.ref', '=', ref).executeTakeFirstOrThrow()
    expect(report).toEqual({ channel: 'email', email: 'someone@list-member.example' })
    const again = await app.request(`/v1/admin/mail/${id}/report`, jsonBody('POST', { sourceIps: ['192.0.2.200'], target: '203.0.113.77', observedFrom: '2026-11-29T08:00:00Z' }, desk))
    expect(again.status).toBe(409)
    const audit = await t.db.selectFrom('audit_events').select('action').where('action', 'like', 'mail.%').execute()
    expect(audit).toEqual([{ action: 'mail.convert' }])
  })

  it('dismisses an unparsed mail', async () => {
    const id = await unparsed('spam-no-addresses.eml')
    expect((await app.request(`/v1/admin/mail/${id}/dismiss`, bearer(desk, { method: 'POST' }))).status).toBe(204)
    expect((await (await app.request('/v1/admin/mail', bearer(reader))).json()) as unknown).toEqual({ mail: [] })
  })
})

describe('desk pages for unparsed mail', () => {
  it('shows the queue and the message as escaped text, and makes a report from the form', async () => {
    const id = await unparsed('not-our-address.eml')
    const html = await ingestMail(t.db, new TextEncoder().encode('From: x@html.example\r\nSubject: hi\r\nMessage-ID: <h@html.example>\r\nContent-Type: text/html\r\n\r\n<script>alert(1)</script><b>no IPs here</b>\r\n'), {
      via: 'smtp', now: CORPUS_NOW, ownAddresses: [], publicUrl: '', acksPerSenderPerDay: 1, intakePerSenderPerHour: 100,
    })
    const cookies = new Map<string, string>()
    const go = async (path: string, init: RequestInit = {}) => {
      const res = await app.request(`http://localhost${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';')
        const [k, ...v] = pair!.split('=')
        cookies.set(k!, v.join('='))
      }
      return { res, text: await res.text() }
    }
    const form = await go('/desk')
    const csrfLogin = /name="csrf" value="([^"]+)"/.exec(form.text)![1]!
    const post = (path: string, fields: Record<string, string>) =>
      go(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }, body: new URLSearchParams(fields).toString() })
    expect((await post('/desk/sign-in', { csrf: csrfLogin, token: desk })).res.status).toBe(303)

    const queue = await go('/desk/mail')
    expect(queue.res.status).toBe(200)
    expect(queue.text).toContain('Unparsed mail (2)')
    expect(queue.text).toContain('names none of our scanner addresses')

    const page = await go(`/desk/mail/${html.mailId}`)
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(page.text).not.toContain('<script>alert(1)')

    const mailPage = await go(`/desk/mail/${id}`)
    const csrf = /name="csrf" value="([^"]+)"/.exec(mailPage.text)![1]!
    const wrong = await post(`/desk/mail/${id}/report`, { csrf, sourceIps: '192.0.2.9', target: '203.0.113.8', observedFrom: 'yesterday', category: 'port-scan' })
    expect(wrong.res.status).toBe(400)
    expect(wrong.text).toContain('ISO-8601')
    const made = await post(`/desk/mail/${id}/report`, { csrf, sourceIps: '192.0.2.9', target: '203.0.113.8', observedFrom: '2026-11-29T06:30:00Z', category: 'port-scan' })
    expect(made.res.status).toBe(303)
    expect(made.res.headers.get('location')).toMatch(/^\/desk\/cases\/[0-9a-f-]{36}\?done=mail$/)
  })
})
