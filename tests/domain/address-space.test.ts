import { describe, expect, it } from 'vitest'
import { addressRange, checkScannerAddressSpace } from '../../src/domain/address-space.js'
import { parseCidr } from '../../src/domain/cidr.js'
import { DomainError } from '../../src/domain/errors.js'

describe('addressRange', () => {
  it.each([
    ['8.8.8.8', 'unicast'],
    ['10.1.2.3', 'private'],
    ['127.0.0.1', 'loopback'],
    ['192.0.2.1', 'reserved'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['2606:4700::1', 'unicast'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
  ])('%s is %s', (ip, range) => {
    expect(addressRange(ip)).toBe(range)
  })
})

describe('checkScannerAddressSpace', () => {
  it('accepts public unicast blocks without a warning', () => {
    expect(checkScannerAddressSpace(parseCidr('8.8.4.0/24'))).toEqual([])
    expect(checkScannerAddressSpace(parseCidr('2606:4700::/32'))).toEqual([])
  })

  it('warns for private, documentation and CGNAT blocks', () => {
    expect(checkScannerAddressSpace(parseCidr('10.0.0.0/8'))[0]).toMatch(/^10\.0\.0\.0\/8 is in private address space/)
    expect(checkScannerAddressSpace(parseCidr('2001:db8::/32'))[0]).toMatch(/reserved/)
    expect(checkScannerAddressSpace(parseCidr('100.64.0.0/10'))[0]).toMatch(/carrierGradeNat/)
  })

  it('refuses blocks that cannot be a source, including one whose last address is special', () => {
    for (const p of ['127.0.0.0/8', '0.0.0.0/0', '224.0.0.0/4', '255.255.255.255/32', 'fe80::/10', 'ff00::/8', '::ffff:0:0/96', '::/0']) {
      expect(() => checkScannerAddressSpace(parseCidr(p)), p).toThrow(DomainError)
    }
    // starts in public space, ends in the broadcast address
    expect(() => checkScannerAddressSpace(parseCidr('240.0.0.0/4'))).toThrow(/broadcast/)
  })
})
