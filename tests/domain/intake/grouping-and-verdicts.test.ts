import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCidr, parseIp } from '../../../src/domain/cidr.js'
import { DomainError } from '../../../src/domain/errors.js'
import { caseKey, chooseCaseSourceIp, targetGroup } from '../../../src/domain/intake/case-key.js'
import { decodeCursor, encodeCursor } from '../../../src/domain/intake/cursor.js'
import { generateRef, generateStatusToken, REF_PATTERN, STATUS_TOKEN_PATTERN } from '../../../src/domain/intake/report-ids.js'
import { reporterOutcome, reporterStatus, reporterStatusText } from '../../../src/domain/intake/reporter-status.js'
import { OUTCOME_TEMPLATES } from '../../../src/domain/intake/outcome-templates.js'
import { CASE_STATUSES } from '../../../src/domain/intake/case-state.js'
import { combineVerdicts, sourceVerdict, VERDICT_SEVERITY, VERDICTS } from '../../../src/domain/intake/verdicts.js'

describe('verdicts', () => {
  it('classifies one source address', () => {
    expect(sourceVerdict(false, [{ inScope: true }])).toBe('not_our_ip')
    expect(sourceVerdict(true, [])).toBe('our_ip_no_session')
    expect(sourceVerdict(true, [{ inScope: false }])).toBe('out_of_scope_scan')
    expect(sourceVerdict(true, [{ inScope: false }, { inScope: true }])).toBe('authorized_scan')
  })

  it('a report takes its most serious verdict', () => {
    expect(combineVerdicts([])).toBe('not_our_ip')
    expect(combineVerdicts(['authorized_scan', 'not_our_ip'])).toBe('authorized_scan')
    expect(combineVerdicts(['authorized_scan', 'our_ip_no_session'])).toBe('our_ip_no_session')
    expect(combineVerdicts(['our_ip_no_session', 'out_of_scope_scan', 'authorized_scan'])).toBe('out_of_scope_scan')
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...VERDICTS), { minLength: 1 }), (vs) => {
        const c = combineVerdicts(vs)
        expect(vs).toContain(c)
        for (const v of vs) expect(VERDICT_SEVERITY.indexOf(c)).toBeLessThanOrEqual(VERDICT_SEVERITY.indexOf(v))
      }),
    )
  })
})

describe('case grouping key', () => {
  const day = new Date('2026-10-31T23:59:59.999Z')
  it('groups IPv4 targets by /24 and IPv6 targets by /64, wider blocks as themselves', () => {
    expect(targetGroup(parseCidr('203.0.113.77', { allowBareAddress: true })).text).toBe('203.0.113.0/24')
    expect(targetGroup(parseCidr('203.0.113.64/26')).text).toBe('203.0.113.0/24')
    expect(targetGroup(parseCidr('203.0.112.0/23')).text).toBe('203.0.112.0/23')
    expect(targetGroup(parseCidr('2001:db8:1:2:3::9', { allowBareAddress: true })).text).toBe('2001:db8:1:2::/64')
    expect(targetGroup(parseCidr('2001:db8::/48')).text).toBe('2001:db8::/48')
  })

  it('uses the UTC day of observedFrom', () => {
    const k = caseKey(parseIp('192.0.2.1'), parseCidr('203.0.113.9/32'), day)
    expect(k).toEqual({ scannerIp: '192.0.2.1', targetPrefix: '203.0.113.0/24', day: '2026-10-31' })
    expect(caseKey(parseIp('192.0.2.1'), parseCidr('203.0.113.9/32'), new Date(day.getTime() + 1)).day).toBe('2026-11-01')
  })

  it('every address of a /24 gets the same key', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (a, b) => {
        const ka = caseKey(parseIp('192.0.2.1'), parseCidr(`198.51.100.${a}/32`), day)
        const kb = caseKey(parseIp('192.0.2.1'), parseCidr(`198.51.100.${b}/32`), day)
        expect(ka).toEqual(kb)
      }),
    )
  })

  it('a multi-address report joins via an address with an existing case, else its first own address, else its first', () => {
    const s = (ip: string, ours: boolean) => ({ ip: parseIp(ip), ours })
    const sources = [s('10.0.0.1', false), s('192.0.2.1', true), s('192.0.2.2', true)]
    expect(chooseCaseSourceIp(sources, () => false).ip.text).toBe('192.0.2.1')
    expect(chooseCaseSourceIp(sources, (ip) => ip === '192.0.2.2').ip.text).toBe('192.0.2.2')
    expect(chooseCaseSourceIp(sources, (ip) => ip === '10.0.0.1').ip.text).toBe('192.0.2.1')
    expect(chooseCaseSourceIp([s('10.0.0.1', false), s('10.0.0.2', false)], () => true).ip.text).toBe('10.0.0.1')
  })
})

describe('references, tokens and cursors', () => {
  it('refs and tokens have their formats and do not repeat', () => {
    const refs = new Set(Array.from({ length: 2000 }, generateRef))
    expect(refs.size).toBe(2000)
    for (const r of refs) expect(r).toMatch(REF_PATTERN)
    const tokens = new Set(Array.from({ length: 200 }, generateStatusToken))
    expect(tokens.size).toBe(200)
    for (const t of tokens) expect(t).toMatch(STATUS_TOKEN_PATTERN)
  })

  it('refs use every base32 character about equally (no sequence, no bias)', () => {
    const counts = new Map<string, number>()
    for (let i = 0; i < 3200; i++) for (const ch of generateRef().slice(2)) counts.set(ch, (counts.get(ch) ?? 0) + 1)
    expect(counts.size).toBe(32)
    // 32 000 characters over 32 symbols: 1 000 each expected; 6 sigma is about ±190
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(200)
  })

  it('cursors round-trip and tampered ones are a 400 on cursor', () => {
    const p = { createdAt: new Date('2026-11-01T00:00:00.123Z'), id: '0b9f6c1e-5f35-4c57-9d07-1f0f2b6c7d11' }
    expect(decodeCursor(encodeCursor(p))).toEqual(p)
    for (const bad of ['', 'abc', encodeCursor(p).slice(3), btoa('["x","y"]')]) {
      try {
        decodeCursor(bad)
        expect.unreachable(bad)
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError)
        expect((e as DomainError).field).toBe('cursor')
      }
    }
  })
})

describe('what reporters read', () => {
  it('maps every case status and has a text for each', () => {
    for (const s of CASE_STATUSES) expect(reporterStatusText(reporterStatus(s))).toMatch(/\w/)
    expect(reporterStatus('awaiting_customer')).toBe('under_review')
    expect(reporterStatus('dismissed')).toBe('closed')
  })

  it('reporters read only the outcome the desk wrote, and only once resolved', () => {
    expect(reporterOutcome('resolved', 'Handled.')).toBe('Handled.')
    for (const st of ['open', 'investigating', 'awaiting_customer', 'dismissed'] as const) expect(reporterOutcome(st, 'Handled.')).toBeNull()
  })

  it('no outcome template names an authorization, a customer or a scan session', () => {
    expect(OUTCOME_TEMPLATES.length).toBeGreaterThanOrEqual(3)
    for (const t of OUTCOME_TEMPLATES) {
      expect(t.text).not.toMatch(/authori[sz]|customer|session|verdict|_/i)
      expect(new Set(OUTCOME_TEMPLATES.map((x) => x.id)).size).toBe(OUTCOME_TEMPLATES.length)
    }
  })
})
