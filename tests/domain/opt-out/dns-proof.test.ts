import { describe, expect, it } from 'vitest'
import { parseCidr } from '../../../src/domain/cidr.js'
import { parseProofDomain, reverseZones, tokensInTxt, txtNamesFor, txtValue } from '../../../src/domain/opt-out/dns-proof.js'

describe('reverse zones of a prefix', () => {
  it('is the one zone of an octet- or nibble-aligned prefix', () => {
    expect(reverseZones(parseCidr('198.51.100.0/24'))).toEqual(['100.51.198.in-addr.arpa'])
    expect(reverseZones(parseCidr('198.51.0.0/16'))).toEqual(['51.198.in-addr.arpa'])
    expect(reverseZones(parseCidr('2001:db8::/32'))).toEqual(['8.b.d.0.1.0.0.2.ip6.arpa'])
    expect(reverseZones(parseCidr('2001:db8:abcd::/48'))).toEqual(['d.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa'])
  })

  it('needs every zone a non-aligned prefix covers, so one /24 never proves its neighbours', () => {
    expect(reverseZones(parseCidr('198.51.100.0/22'))).toEqual([
      '100.51.198.in-addr.arpa',
      '101.51.198.in-addr.arpa',
      '102.51.198.in-addr.arpa',
      '103.51.198.in-addr.arpa',
    ])
    expect(reverseZones(parseCidr('2001:db8::/31'))).toEqual(['8.b.d.0.1.0.0.2.ip6.arpa', '9.b.d.0.1.0.0.2.ip6.arpa'])
  })

  it('an IPv4 prefix longer than /24 is proved in its /24 zone', () => {
    expect(reverseZones(parseCidr('198.51.100.64/26'))).toEqual(['100.51.198.in-addr.arpa'])
    expect(reverseZones(parseCidr('198.51.100.7/32'))).toEqual(['100.51.198.in-addr.arpa'])
  })

  it('refuses a prefix spanning more zones than one request may name', () => {
    expect(reverseZones(parseCidr('198.48.0.0/12'))).toHaveLength(16)
    expect(() => reverseZones(parseCidr('198.32.0.0/11'))).toThrow(/spans 32 reverse zones/)
    expect(() => reverseZones(parseCidr('198.51.96.0/19'))).toThrow(/spans 32 reverse zones/)
  })

  it('names the TXT records and reads them back from split character-strings', () => {
    expect(txtNamesFor(parseCidr('198.51.100.0/24'))).toEqual(['_scangate-optout.100.51.198.in-addr.arpa'])
    expect(txtValue('oo_x')).toBe('scangate-optout=oo_x')
    expect(tokensInTxt([['v=spf1 -all'], ['scangate-optout=oo_', 'abc'], [' scangate-optout=oo_def ']])).toEqual(['oo_abc', 'oo_def'])
  })

  it('accepts host names only', () => {
    expect(parseProofDomain('Mail.Example.NET.')).toBe('mail.example.net')
    for (const bad of ['example', '*.example.net', 'a..b', '-a.example.net', 'exa mple.net', 'x'.repeat(64) + '.net']) {
      expect(() => parseProofDomain(bad)).toThrow(/host name/)
    }
  })
})
