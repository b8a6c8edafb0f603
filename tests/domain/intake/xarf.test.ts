import { describe, expect, it } from 'vitest'
import { DomainError } from '../../../src/domain/errors.js'
import { checkDeclaredHash, decodeBase64 } from '../../../src/domain/intake/evidence.js'
import { isXarf, parseXarf } from '../../../src/domain/intake/xarf.js'
import { sha256Hex } from '../../../src/domain/sha256.js'
import { adjustedSample, XARF_EXPECTED, XARF_SAMPLES, xarfSample } from './xarf-fixtures.js'

const now = new Date('2026-11-01T12:00:00Z')
const adjust = (name: (typeof XARF_SAMPLES)[number]) => adjustedSample(name, { now, source: '192.0.2.44', destination: '100.100.7.9' })

async function xarfProblems(doc: Record<string, unknown>): Promise<{ field: string; message: string }[]> {
  try {
    await parseXarf(doc, now)
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError)
    return (e as DomainError).extra?.errors as { field: string; message: string }[]
  }
  return []
}

describe('XARF v4 samples', () => {
  it.each(XARF_SAMPLES)('%s maps to the right fields', async (name) => {
    const doc = adjust(name)
    const expected = XARF_EXPECTED[name]
    const x = await parseXarf(doc, now)
    expect(x.report.sourceIps.map((i) => i.text)).toEqual(['192.0.2.44'])
    expect(x.report.target.text).toBe('100.100.7.9/32')
    expect(x.report.category).toBe(expected.category)
    expect(x.type).toBe(expected.type)
    expect(x.report.ports).toEqual(expected.ports)
    expect(x.report.protocol).toBe(expected.protocol)
    expect(x.report.contactEmail).toBe(expected.contact)
    expect(x.reporterOrg).toBe(expected.org)
    expect(x.reportId).toBe(xarfSample(name).report_id)
    const from = (doc.first_seen ?? doc.timestamp) as string
    const to = (doc.last_seen ?? doc.timestamp) as string
    expect(x.report.observedFrom.toISOString()).toBe(from)
    expect(x.report.observedTo.toISOString()).toBe(to)
    expect(x.report.observedTo.getTime() - x.report.observedFrom.getTime()).toBe(expected.windowMs)
    expect(x.evidence).toHaveLength(1)
    const ev = x.evidence[0]!
    expect(new TextDecoder().decode(ev.content)).toBe(expected.evidenceText)
    expect(ev.contentType).toBe('text/plain')
    expect(ev.hashStatus).toBe(expected.hashStatus)
    expect(ev.declaredHash).toBe(((xarfSample(name).evidence as { hash: string }[])[0]!).hash)
    expect(ev.sha256).toBe(await sha256Hex(ev.content))
  })

  it('recognises XARF by xarf_version only', () => {
    expect(isXarf(xarfSample('connection-port-scan'))).toBe(true)
    expect(isXarf({ sourceIps: [] })).toBe(false)
    expect(isXarf([{ xarf_version: '4.0.0' }])).toBe(false)
  })

  it('refuses other versions and categories, naming XARF fields', async () => {
    const doc = adjust('connection-port-scan')
    expect((await xarfProblems({ ...doc, xarf_version: '5.1' }))[0]).toMatchObject({ field: 'xarf_version' })
    expect((await xarfProblems({ ...doc, category: 'messaging', type: 'spam' }))[0]).toMatchObject({ field: 'category', message: expect.stringMatching(/connection/) })
  })

  it.each([
    ['XARF 3', { xarf_version: '3.0' }, 'xarf_version'],
    ['XARF 0.2 (a number)', { xarf_version: 0.2 }, 'xarf_version'],
    ['XARF 1', { xarf_version: '1' }, 'xarf_version'],
    ['a 4.0 draft with class', { xarf_version: '4.0.0', category: undefined, class: 'connection' }, 'class'],
  ])('answers %s with one "XARF < 4 is not supported" problem, not a field-by-field list', async (_what, over, field) => {
    const doc: Record<string, unknown> = { ...adjust('connection-port-scan'), ...over }
    for (const [k, v] of Object.entries(over)) if (v === undefined) delete doc[k]
    const err = await parseXarf(doc, now).then(() => null, (e: unknown) => e as DomainError)
    expect(err).toBeInstanceOf(DomainError)
    expect(err!.code).toBe('unsupported_xarf_version')
    expect(err!.status).toBe(400)
    expect(err!.field).toBe(field)
    expect(err!.message).toMatch(/^XARF < 4 is not supported/)
  })

  it('names a bad version without echoing an unbounded value', async () => {
    const huge = 'x'.repeat(100_000)
    const problems = await xarfProblems({ ...adjust('connection-port-scan'), xarf_version: huge, category: { nested: [huge] } })
    const text = JSON.stringify(problems)
    expect(text.length).toBeLessThan(2_000)
    expect(problems.map((p) => p.field)).toEqual(['xarf_version', 'category'])
  })

  it('caps evidence per item and in total, before decoding what is too large', async () => {
    const b64 = (bytes: number) => Buffer.alloc(bytes, 0x41).toString('base64')
    const doc = adjust('connection-port-scan')
    const oneTooBig = await xarfProblems({ ...doc, evidence: [{ content_type: 'text/plain', payload: b64(1024 * 1024 + 10) }] })
    expect(oneTooBig).toEqual([{ field: 'evidence.0.payload', message: expect.stringMatching(/at most 1048576 bytes/) }])
    const item = { content_type: 'text/plain', payload: b64(900 * 1024) }
    const tooMuch = await xarfProblems({ ...doc, evidence: [item, item, item] })
    expect(tooMuch).toEqual([{ field: 'evidence', message: expect.stringMatching(/more than 2097152 bytes/) }])
    // exactly at the limits is fine
    const x = await parseXarf({ ...doc, evidence: [{ content_type: 'text/plain', payload: b64(1024 * 1024) }, { content_type: 'text/plain', payload: b64(1024 * 1024) }] }, now)
    expect(x.evidence.map((e) => e.content.length)).toEqual([1024 * 1024, 1024 * 1024])
  })

  it('identifies a report by report_id and reporter domain, whatever the formatting', async () => {
    const doc = adjust('connection-port-scan')
    const a = await parseXarf(doc, now)
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(doc).reverse())))
    const b = await parseXarf(reordered, now)
    expect(a.identity).toMatch(/^[0-9a-f]{64}$/)
    expect(b.identity).toBe(a.identity)
    expect(b.fingerprint).toBe(a.fingerprint)
    // the domain is part of it (case-insensitive); another reporter may reuse an id
    const upper = await parseXarf({ ...doc, reporter: { ...(doc.reporter as object), domain: 'NETSEC-MON.com' } }, now)
    expect(upper.identity).toBe(a.identity)
    const other = await parseXarf({ ...doc, reporter: { ...(doc.reporter as object), domain: 'other.example' } }, now)
    expect(other.identity).not.toBe(a.identity)
    const changed = await parseXarf({ ...doc, description: 'changed' }, now)
    expect(changed.identity).toBe(a.identity)
    expect(changed.fingerprint).not.toBe(a.fingerprint)
    const { report_id: _id, ...noId } = doc
    expect((await parseXarf(noId, now)).identity).toBeNull()
  })

  it('reports bad values under the XARF field names', async () => {
    const doc = adjust('connection-reconnaissance')
    const errs = await xarfProblems({
      ...doc,
      source_identifier: 'scanner.example.com',
      destination_ip: undefined,
      first_seen: '2020-01-01T00:00:00Z',
      destination_port: 70000,
      reporter: { org: 'x', contact: 'nope' },
      evidence: [{ content_type: 'text/plain', payload: '***' }],
    })
    expect(errs.map((e) => e.field).sort()).toEqual(['destination_ip', 'destination_port', 'evidence.0.payload', 'first_seen', 'last_seen', 'reporter.contact', 'source_identifier'].sort())
  })

  it('takes the sender contact when the reporter has none, and works without evidence', async () => {
    const doc = adjust('connection-port-scan')
    delete doc.evidence
    doc.reporter = { org: 'Org' }
    const x = await parseXarf(doc, now)
    expect(x.report.contactEmail).toBe('alerts@netsec-mon.com')
    expect(x.evidence).toEqual([])
  })

  it('maps unknown connection types to other', async () => {
    const x = await parseXarf({ ...adjust('connection-port-scan'), type: 'ddos_amplification' }, now)
    expect(x.report.category).toBe('other')
  })

  it('with first_seen after timestamp and no last_seen, the window is one moment', async () => {
    const doc = adjust('connection-port-scan')
    doc.first_seen = new Date(Date.parse(doc.timestamp as string) + 60_000).toISOString()
    const x = await parseXarf(doc, now)
    expect(x.report.observedTo.getTime()).toBe(x.report.observedFrom.getTime())
  })
})

describe('evidence hashes and base64', () => {
  it('compares declared hashes in every accepted spelling', async () => {
    const sha = await sha256Hex('abc')
    expect(checkDeclaredHash(null, sha)).toBe('not_declared')
    expect(checkDeclaredHash(`sha256:${sha}`, sha)).toBe('match')
    expect(checkDeclaredHash(`SHA-256:${sha.toUpperCase()}`, sha)).toBe('match')
    expect(checkDeclaredHash(sha, sha)).toBe('match')
    expect(checkDeclaredHash(`sha256:${'0'.repeat(64)}`, sha)).toBe('mismatch')
    expect(checkDeclaredHash('md5:900150983cd24fb0d6963f7d28e17f72', sha)).toBe('unsupported')
    expect(checkDeclaredHash('whatever', sha)).toBe('unsupported')
  })

  it('decodes strict base64 with line breaks, refuses anything else', () => {
    expect(new TextDecoder().decode(decodeBase64('aGVs\nbG8=')!)).toBe('hello')
    expect(decodeBase64('aGVsbG8')).toBeNull()
    expect(decodeBase64('aGV$bG8=')).toBeNull()
    expect(decodeBase64('')).toEqual(new Uint8Array(0))
  })
})
