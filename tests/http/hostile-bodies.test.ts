/**
 * Hostile report bodies: sizes are checked before anything is parsed, nesting is capped,
 * XARF evidence is capped, messages never echo an unbounded value — and the XARF rules
 * (one report per report_id and reporter domain; XARF < 4 refused in one sentence).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { adjustedSample } from '../domain/intake/xarf-fixtures.js'
import { reportBody, useIntakeHarness, type Harness } from './intake-setup.js'

let h: Harness
useIntakeHarness((harness) => {
  h = harness
})
afterEach(() => {
  vi.restoreAllMocks()
})

const xarf = () => adjustedSample('connection-port-scan', { now: h.clock.now(), source: '192.0.2.10', destination: '100.100.1.5' })

async function problem(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  return res.json()
}

describe('size before parsing', () => {
  it('a JSON body over 256 KiB that is not XARF gets 413 without being parsed', async () => {
    const big = JSON.stringify({ ...reportBody(h.clock.now()), padding: 'x'.repeat(1024 * 1024) })
    const parse = vi.spyOn(JSON, 'parse')
    const res = await h.report(big)
    expect(res.status).toBe(413)
    expect((await problem(res)).code).toBe('payload_too_large')
    expect(parse.mock.calls.some(([text]) => typeof text === 'string' && text.length > 256 * 1024)).toBe(false)
  })

  it('a large body that is not JSON at all is 413, not a parse error', async () => {
    const res = await h.report('x'.repeat(300 * 1024))
    expect(res.status).toBe(413)
  })

  it('a form over 256 KiB is 413 and other media types 415, each as problem+json', async () => {
    const form = await h.request('/v1/reports', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'description=' + 'x'.repeat(300 * 1024) })
    expect(form.status).toBe(413)
    await problem(form)
    const yaml = await h.request('/v1/reports', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: 'a: 1' })
    expect(yaml.status).toBe(415)
    await problem(yaml)
  })

  it('an XARF document may be larger than 256 KiB', async () => {
    const doc = xarf()
    doc.evidence = [{ content_type: 'text/plain', payload: Buffer.alloc(400 * 1024, 0x41).toString('base64') }]
    const res = await h.report(doc)
    expect(res.status, await res.clone().text()).toBe(201)
  })
})

describe('nesting', () => {
  it('deep nesting inside XARF fields is a 400, not a 500', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    const text = JSON.stringify(xarf()).replace('"ports_scanned":[', `"ports_scanned":[${deep},`)
    const res = await h.report(text)
    expect(res.status).toBe(400)
    const p = await problem(res)
    expect(p.code).toBe('nested_too_deeply')
    expect(p.maxDepth).toBe(32)
  })

  it('moderate nesting in a field still gets a field message that does not echo the value', async () => {
    const nested = JSON.parse('['.repeat(20) + '"' + 'y'.repeat(10_000) + '"' + ']'.repeat(20))
    const res = await h.report({ ...xarf(), ports_scanned: [nested], reporter: { org: nested } })
    expect(res.status).toBe(400)
    const text = await res.text()
    expect(text).not.toContain('y'.repeat(100))
    expect(text.length).toBeLessThan(4_000)
  })
})

describe('XARF evidence caps', () => {
  it('refuses an item over 1 MiB and more than 2 MiB in all, naming the field', async () => {
    const b64 = (n: number) => Buffer.alloc(n, 0x42).toString('base64')
    const one = await h.report({ ...xarf(), evidence: [{ content_type: 'application/octet-stream', payload: b64(1100 * 1024) }] })
    expect(one.status).toBe(400)
    expect((await problem(one)).errors[0].field).toBe('evidence.0.payload')
    const item = { content_type: 'application/octet-stream', payload: b64(900 * 1024) }
    const total = await h.report({ ...xarf(), evidence: [item, item, item] })
    expect(total.status).toBe(400)
    expect((await problem(total)).errors[0].field).toBe('evidence')
  })
})

describe('XARF report_id', () => {
  it('the same document twice is one report; different content under the same id is refused', async () => {
    const doc = xarf()
    const first = await h.reportOk(doc)
    const again = await h.report(JSON.stringify(doc, null, 2))
    expect(again.status).toBe(200)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    const body = await again.json()
    expect(body).toMatchObject({ ref: first.ref, duplicate: true, ours: first.ours })
    expect(body.statusToken).toBeUndefined()
    const changed = await h.report({ ...doc, description: 'something else' })
    expect(changed.status).toBe(409)
    expect((await problem(changed)).code).toBe('duplicate_report_id')
    // another reporter domain may use the same id for its own report
    const other = await h.report({ ...doc, reporter: { org: 'Other', contact: 'abuse@other.example', domain: 'other.example' }, sender: undefined })
    expect(other.status).toBe(201)
    const rows = await h.db.selectFrom('reports').select('ref').where('channel', '=', 'xarf').execute()
    expect(rows).toHaveLength(2)
  })

  it('two copies arriving at the same time store one report', async () => {
    const doc = xarf()
    const [a, b] = await Promise.all([h.report(doc), h.report(doc)])
    expect([a.status, b.status].sort()).toEqual([200, 201])
    const rows = await h.db.selectFrom('reports').select('ref').execute()
    expect(rows).toHaveLength(1)
  })

  it.each([
    ['XARF 3', { xarf_version: '3' }],
    ['XARF 0.2', { xarf_version: '0.2' }],
    ['a 4.0 draft with class', { category: undefined, class: 'connection' }],
  ])('%s gets one "XARF < 4 is not supported" 400', async (_what, over) => {
    const res = await h.report({ ...xarf(), ...over })
    expect(res.status).toBe(400)
    const p = await problem(res)
    expect(p.code).toBe('unsupported_xarf_version')
    expect(p.detail).toMatch(/^XARF < 4 is not supported/)
    expect(p.errors).toHaveLength(1)
  })
})
