import { describe, expect, it } from 'vitest'
import { parseRdnsPattern, parseUserAgent, rdnsMatches, userAgentMatches } from '../../src/domain/scanner-identity.js'
import { checkSecurityTxtExpiry, parseSecurityContacts, renderSecurityTxt } from '../../src/domain/security-txt.js'

describe('scanner identity', () => {
  it('matches reverse names against a pattern with * inside one label', () => {
    const p = parseRdnsPattern('Scanner-*.ASV.example.')
    expect(p).toBe('scanner-*.asv.example')
    expect(rdnsMatches(p, 'scanner-12.asv.example')).toBe(true)
    expect(rdnsMatches(p, 'SCANNER-eu-3.asv.example.')).toBe(true)
    expect(rdnsMatches(p, 'scanner-1.evil.asv.example')).toBe(false)
    expect(rdnsMatches(p, 'scanner-1.asv.example.evil.net')).toBe(false)
    expect(rdnsMatches(p, 'xscanner-1.asv.example')).toBe(false)
    expect(() => parseRdnsPattern('scanner.*.example')).toThrow(/first label/)
    expect(() => parseRdnsPattern('.*')).toThrow()
  })

  it('matches User-Agents exactly or by a trailing-* prefix', () => {
    expect(userAgentMatches('ScangateASV/*', 'ScangateASV/4.2 (+https://scan.example/)')).toBe(true)
    expect(userAgentMatches('ScangateASV/4.2', 'ScangateASV/4.2')).toBe(true)
    expect(userAgentMatches('ScangateASV/4.2', 'ScangateASV/4.20')).toBe(false)
    expect(userAgentMatches('ScangateASV/*', 'Mozilla/5.0 ScangateASV/4.2')).toBe(false)
    expect(() => parseUserAgent('bad\u0001ua')).toThrow(/printable/)
    expect(parseUserAgent(' Scangate\n ASV/1 ')).toBe('Scangate ASV/1')
    expect(() => parseUserAgent('x'.repeat(257))).toThrow()
  })
})

describe('security.txt', () => {
  const now = new Date('2026-11-30T00:00:00Z')
  it('renders the RFC 9116 fields with absolute URLs', () => {
    const txt = renderSecurityTxt({ contacts: parseSecurityContacts('mailto:abuse@asv.example, https://asv.example/abuse'), expires: new Date('2027-11-01T00:00:00Z'), publicUrl: 'https://scan.example/', preferredLanguages: ['en', 'de'] })
    expect(txt).toContain('Contact: mailto:abuse@asv.example\nContact: https://asv.example/abuse\nContact: https://scan.example/report\n')
    expect(txt).toContain('Expires: 2027-11-01T00:00:00Z\n')
    expect(txt).toContain('Policy: https://scan.example/opt-out\n')
    expect(txt).toContain('Canonical: https://scan.example/.well-known/security.txt\n')
    expect(txt).toContain('Preferred-Languages: en, de\n')
  })

  it('refuses an expired file and malformed contacts', () => {
    expect(() => checkSecurityTxtExpiry(new Date('2026-11-29T00:00:00Z'), now)).toThrow(/past/)
    expect(() => checkSecurityTxtExpiry(new Date('2026-11-30T12:00:00Z'), now)).toThrow(/within a day/)
    expect(() => checkSecurityTxtExpiry(new Date('2027-06-01T00:00:00Z'), now)).not.toThrow()
    expect(() => parseSecurityContacts('abuse@asv.example')).toThrow(/mailto/)
    expect(() => parseSecurityContacts('javascript:alert(1)')).toThrow()
  })
})
