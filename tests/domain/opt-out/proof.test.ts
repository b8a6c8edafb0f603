import { describe, expect, it } from 'vitest'
import { parseCidr } from '../../../src/domain/cidr.js'
import { parseOptOutPrefixes } from '../../../src/domain/opt-out/prefixes.js'
import { addressesInside, checkMethodFits, checkProofAddress, fileHoldsToken, proofFileUrl, rdapAbuseEmails } from '../../../src/domain/opt-out/proof.js'

const rdap = (over: Record<string, unknown> = {}) => ({
  objectClassName: 'ip network',
  handle: 'NET-198-51-100-0-1',
  startAddress: '198.51.100.0',
  endAddress: '198.51.100.255',
  cidr0_cidrs: [{ v4prefix: '198.51.100.0', length: 24 }],
  entities: [
    { roles: ['registrant'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['email', {}, 'text', 'noc@example.net']]] },
    {
      roles: ['administrative'],
      entities: [{ roles: ['abuse'], vcardArray: ['vcard', [['fn', {}, 'text', 'Abuse'], ['email', {}, 'text', 'Abuse@Example.net']]] }],
    },
  ],
  ...over,
})

describe('opt-out prefixes', () => {
  it('takes up to a /16 or /32 by itself and leaves wider blocks to the desk', () => {
    expect(parseOptOutPrefixes(['81.2.69.0/24', '2a01:4f8::/32']).needsDesk).toBe(false)
    expect(parseOptOutPrefixes(['81.2.0.0/15']).needsDesk).toBe(true)
    expect(parseOptOutPrefixes(['2a01:4f8::/31']).needsDesk).toBe(true)
    expect(parseOptOutPrefixes(['81.2.69.7']).prefixes[0]!.text).toBe('81.2.69.7/32')
  })

  it('refuses space we never scan and too many prefixes', () => {
    expect(() => parseOptOutPrefixes(['10.0.0.0/8'])).toThrow(/private/)
    // documentation space is never on the internet
    expect(() => parseOptOutPrefixes(['198.51.100.0/24'])).toThrow(/reserved/)
    expect(() => parseOptOutPrefixes(['127.0.0.1'])).toThrow(/loopback/)
    expect(() => parseOptOutPrefixes(['0.0.0.0/0'])).toThrow(/address space/)
    expect(() => parseOptOutPrefixes([])).toThrow(/at least one/)
    expect(() => parseOptOutPrefixes(Array.from({ length: 17 }, (_, i) => `81.2.${i}.0/24`))).toThrow(/at most 16/)
  })

  it('limits host-level proofs to a narrow block', () => {
    const wide = [parseCidr('198.51.0.0/16')]
    expect(() => checkMethodFits('dns', wide)).not.toThrow()
    expect(() => checkMethodFits('rdap_email', wide)).not.toThrow()
    expect(() => checkMethodFits('http', wide)).toThrow(/at most a \/24/)
    expect(() => checkMethodFits('dns_domain', [parseCidr('2001:db8::/40')])).toThrow(/at most a \/48/)
  })

  it('the file address must lie in every requested prefix', () => {
    const p = [parseCidr('198.51.100.0/24')]
    expect(checkProofAddress('198.51.100.80', p)).toBe('198.51.100.80')
    expect(() => checkProofAddress('203.0.113.1', p)).toThrow(/not inside/)
    expect(() => checkProofAddress('not-an-ip', p)).toThrow(/IP address/)
    expect(proofFileUrl('2001:db8::80')).toBe('http://[2001:db8::80]/.well-known/scangate-optout.txt')
  })

  it('the token must stand on a line of its own', () => {
    expect(fileHoldsToken('# scangate\noo_abc\n', 'oo_abc')).toBe(true)
    expect(fileHoldsToken('oo_abcdef', 'oo_abc')).toBe(false)
    expect(fileHoldsToken('<html>oo_abc</html>', 'oo_abc')).toBe(false)
  })

  it('forward-name answers must all lie inside the prefix', () => {
    const p = parseCidr('198.51.100.0/24')
    expect(addressesInside(['198.51.100.5'], p)).toBe(true)
    expect(addressesInside(['198.51.100.5', '203.0.113.9'], p)).toBe(false)
    expect(addressesInside([], p)).toBe(false)
  })
})

describe('RDAP abuse contact', () => {
  it('finds abuse e-mails in nested entities, only when the network covers the prefix', () => {
    expect(rdapAbuseEmails(rdap(), parseCidr('198.51.100.0/24'))).toEqual(['abuse@example.net'])
    expect(rdapAbuseEmails(rdap(), parseCidr('198.51.100.128/25'))).toEqual(['abuse@example.net'])
    // the answer is for a smaller or a different block: it proves nothing
    expect(rdapAbuseEmails(rdap(), parseCidr('198.51.100.0/23'))).toEqual([])
    expect(rdapAbuseEmails(rdap({ cidr0_cidrs: undefined }), parseCidr('198.51.101.0/24'))).toEqual([])
    // start/end addresses alone suffice
    expect(rdapAbuseEmails(rdap({ cidr0_cidrs: undefined }), parseCidr('198.51.100.0/24'))).toEqual(['abuse@example.net'])
  })

  it('ignores anything that is not an ip network object, and malformed parts', () => {
    expect(rdapAbuseEmails(rdap({ objectClassName: 'autnum' }), parseCidr('198.51.100.0/24'))).toEqual([])
    expect(rdapAbuseEmails(null, parseCidr('198.51.100.0/24'))).toEqual([])
    expect(rdapAbuseEmails(rdap({ entities: [{ roles: ['abuse'], vcardArray: ['vcard', [['email', {}, 'text', 'not an address']]] }] }), parseCidr('198.51.100.0/24'))).toEqual([])
  })
})
