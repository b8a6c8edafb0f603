import { describe, expect, it } from 'vitest'
import { DomainError } from '../../../src/domain/errors.js'
import { formToReportInput, isEmail, jsonToReportInput, validateReport, type ReportInput } from '../../../src/domain/intake/report-rules.js'
import { parseIsoDateTime } from '../../../src/domain/intake/timestamps.js'

const now = new Date('2026-11-01T12:00:00Z')
const MIN = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000
const iso = (ms: number) => new Date(now.getTime() + ms).toISOString()

const valid: ReportInput = {
  sourceIps: ['192.0.2.10'],
  observedFrom: iso(-2 * HOUR),
  observedTo: iso(-HOUR),
  target: '203.0.113.5',
}

/** The field errors validateReport raises for `input`. */
function problems(input: ReportInput, opts: Parameters<typeof validateReport>[2] = {}): { field: string; message: string }[] {
  try {
    validateReport(input, now, opts)
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError)
    const err = e as DomainError
    expect(err.code).toBe('validation_failed')
    expect(err.status).toBe(400)
    return err.extra?.errors as { field: string; message: string }[]
  }
  return []
}

describe('validateReport', () => {
  it('accepts a minimal report and canonicalises it', () => {
    const r = validateReport({ ...valid, sourceIps: ['2001:DB8::0:1', '192.0.2.10', '2001:db8::1'], target: '203.0.113.0/24' }, now)
    expect(r.sourceIps.map((i) => i.text)).toEqual(['2001:db8::1', '192.0.2.10'])
    expect(r.target.text).toBe('203.0.113.0/24')
    expect(r.category).toBe('other')
    expect(r.ports).toBeNull()
    expect(r.contactEmail).toBeNull()
  })

  it('observedTo defaults to observedFrom', () => {
    const r = validateReport({ ...valid, observedTo: undefined }, now)
    expect(r.observedTo.getTime()).toBe(r.observedFrom.getTime())
  })

  it.each([
    [{ sourceIps: undefined }, 'sourceIps', /required/],
    [{ sourceIps: [] }, 'sourceIps', /at least one/],
    [{ sourceIps: '192.0.2.1' }, 'sourceIps', /list/],
    [{ sourceIps: Array.from({ length: 51 }, (_, i) => `192.0.2.${i}`) }, 'sourceIps', /at most 50/],
    [{ sourceIps: ['192.0.2.1', '010.0.0.1'] }, 'sourceIps.1', /leading zero/],
    [{ sourceIps: ['192.0.2.1/32'] }, 'sourceIps.0', /prefix length/],
    [{ target: undefined }, 'target', /required/],
    [{ target: '203.0.113.5/24' }, 'target', /203\.0\.113\.0\/24/],
    [{ target: 'example.com' }, 'target', /not a valid CIDR/],
    [{ ports: [0] }, 'ports.0', /1 to 65535/],
    [{ ports: [22, 65536] }, 'ports.1', /1 to 65535/],
    [{ ports: [22.5] }, 'ports.0', /whole numbers/],
    [{ ports: '22' }, 'ports', /list/],
    [{ category: 'spam' }, 'category', /port-scan/],
    [{ protocol: 'T C P' }, 'protocol', /protocol name/],
    [{ description: 'x'.repeat(4001) }, 'description', /4001 characters; at most 4000/],
    [{ description: 'a\u0000b' }, 'description', /control characters/],
    [{ evidence: 'x'.repeat(64 * 1024 + 1) }, 'evidence', /65537 bytes; at most 65536/],
    [{ contactEmail: 'not-an-email' }, 'contactEmail', /e-mail address/],
    [{ contactEmail: 'a@b' }, 'contactEmail', /e-mail address/],
    [{ observedFrom: 'yesterday' }, 'observedFrom', /ISO-8601/],
    [{ observedFrom: '2026-11-01T10:00:00' }, 'observedFrom', /time zone/],
    [{ observedFrom: '2026-02-30T10:00:00Z' }, 'observedFrom', /day 30/],
    [{ observedFrom: iso(6 * MIN), observedTo: iso(7 * MIN) }, 'observedFrom', /future/],
    [{ observedTo: iso(6 * MIN) }, 'observedTo', /future/],
    [{ observedFrom: iso(-91 * DAY), observedTo: iso(-90 * DAY) }, 'observedFrom', /more than 90 days ago/],
    [{ observedFrom: iso(-HOUR), observedTo: iso(-2 * HOUR) }, 'observedTo', /must not be earlier/],
    [{ observedFrom: iso(-40 * DAY), observedTo: iso(-8 * DAY) }, 'observedTo', /longer than 31 days/],
  ])('rejects %j on %s', (over, field, message) => {
    const errs = problems({ ...valid, ...(over as ReportInput) })
    expect(errs[0]?.field).toBe(field)
    expect(errs[0]?.message).toMatch(message)
  })

  it('accepts the edges of the time rules', () => {
    expect(problems({ ...valid, observedFrom: iso(4 * MIN), observedTo: iso(5 * MIN) })).toEqual([])
    expect(problems({ ...valid, observedFrom: iso(-90 * DAY + MIN), observedTo: iso(-89 * DAY) })).toEqual([])
    expect(problems({ ...valid, observedFrom: iso(-40 * DAY), observedTo: iso(-9 * DAY) })).toEqual([])
    expect(problems({ ...valid, observedFrom: '2026-11-01T12:30:00+02:00' })).toEqual([])
  })

  it('collects every problem, the first in the summary', () => {
    try {
      validateReport({ sourceIps: ['x'], target: 'y', observedFrom: 'z', contactEmail: 'w' }, now)
      expect.unreachable()
    } catch (e) {
      const err = e as DomainError
      const fields = (err.extra?.errors as { field: string }[]).map((x) => x.field)
      expect(fields).toEqual(['sourceIps.0', 'observedFrom', 'target', 'contactEmail'])
      expect(err.message).toMatch(/^sourceIps\.0: .* \(and 3 more\)$/)
      expect(err.field).toBe('sourceIps.0')
    }
  })

  it('names fields as the caller asks (XARF) and reports unknown keys', () => {
    const errs = problems({ ...valid, sourceIps: ['nope'] }, { names: { sourceIps: 'source_identifier' }, unknownKeys: ['colour'] })
    expect(errs.map((e) => e.field)).toEqual(['colour', 'source_identifier'])
  })
})

describe('isEmail', () => {
  it.each(['abuse@example.net', 'first.last+tag@sub.example.co.uk', 'x@xn--bcher-kva.example'])('accepts %s', (e) => expect(isEmail(e)).toBe(true))
  it.each(['', 'plain', '@example.net', 'a@', 'a b@example.net', 'a@@example.net', 'a@example', '.a@example.net', 'a..b@example.net', 'a@-x.example', `${'a'.repeat(65)}@example.net`])(
    'rejects %j',
    (e) => expect(isEmail(e)).toBe(false),
  )
})

describe('parseIsoDateTime', () => {
  it('reads offsets and fractions', () => {
    expect((parseIsoDateTime('2026-11-01T10:00:00.5+02:00') as Date).toISOString()).toBe('2026-11-01T08:00:00.500Z')
    expect((parseIsoDateTime('2026-11-01 10:00Z') as Date).toISOString()).toBe('2026-11-01T10:00:00.000Z')
    expect((parseIsoDateTime('2026-11-01T10:00:00-0530') as Date).toISOString()).toBe('2026-11-01T15:30:00.000Z')
  })
  it.each(['2026-13-01T00:00:00Z', '2026-11-01T24:00:00Z', '2026-11-01', 'Sun, 01 Nov 2026 10:00:00 GMT', '2026-11-01T10:00:00+25:00'])('refuses %s', (v) => {
    expect(typeof parseIsoDateTime(v)).toBe('string')
  })
})

describe('form and JSON input', () => {
  it('splits list fields on commas, spaces and new lines, ignores empty and unknown fields', () => {
    const form = new URLSearchParams()
    form.append('sourceIps', '192.0.2.1, 192.0.2.2\n192.0.2.3')
    form.append('sourceIps', '192.0.2.4')
    form.append('ports', '22 80,443')
    form.append('target', '203.0.113.5')
    form.append('contactEmail', '')
    form.append('submit', 'Send')
    const input = formToReportInput(form)
    expect(input.sourceIps).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'])
    expect(input.ports).toEqual([22, 80, 443])
    expect(input.contactEmail).toBeUndefined()
    expect(Object.keys(input)).not.toContain('submit')
  })

  it('keeps a bad form port as text so the message can quote it', () => {
    const input = formToReportInput(new URLSearchParams('ports=22,http'))
    expect(input.ports).toEqual([22, 'http'])
  })

  it('separates unknown JSON keys', () => {
    const { input, unknownKeys } = jsonToReportInput({ target: 'x', sourceIP: 'y' })
    expect(input).toEqual({ target: 'x' })
    expect(unknownKeys).toEqual(['sourceIP'])
  })
})
