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
    expect((await xarfProblems({ ...doc, xarf_version: '3.0' }))[0]).toMatchObject({ field: 'xarf_version' })
    expect((await xarfProblems({ ...doc, category: 'messaging', type: 'spam' }))[0]).toMatchObject({ field: 'category', message: expect.stringMatching(/connection/) })
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
