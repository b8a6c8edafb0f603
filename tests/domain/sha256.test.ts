/** @module tests/domain/sha256 */
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesToHex, sha256Base64Url, sha256Hex } from '../../src/domain/sha256.js'

describe('sha256Hex', () => {
  // FIPS 180-2 appendix B test vectors
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ])('hashes %j to the known digest', async (input, hex) => {
    expect(await sha256Hex(input)).toBe(hex)
    expect(await sha256Hex(new TextEncoder().encode(input))).toBe(hex)
  })

  it('hashes a million "a" to the known digest', async () => {
    expect(await sha256Hex('a'.repeat(1_000_000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0')
  })

  it('encodes strings as UTF-8', async () => {
    expect(await sha256Hex('ü')).toBe(await sha256Hex(new Uint8Array([0xc3, 0xbc])))
  })

  it('hashes a subarray view, not the whole underlying buffer', async () => {
    const buffer = new TextEncoder().encode('xxabcxx')
    expect(await sha256Hex(buffer.subarray(2, 5))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('agrees with node:crypto for arbitrary strings and bytes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme' }), fc.uint8Array({ maxLength: 200 }), async (s, bytes) => {
        expect(await sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'))
        expect(await sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'))
      }),
    )
  })
})

describe('sha256Base64Url', () => {
  it('gives the unpadded base64url digest', async () => {
    // SHA-256("abc") in base64 is ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=
    expect(await sha256Base64Url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
  })

  it('agrees with node:crypto and uses only URL-safe characters (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 100 }), async (bytes) => {
        const out = await sha256Base64Url(bytes)
        expect(out).toBe(createHash('sha256').update(bytes).digest('base64url'))
        expect(out).toMatch(/^[A-Za-z0-9_-]{43}$/)
      }),
    )
  })
})

describe('bytesToHex', () => {
  it('writes two lower-case digits per byte', () => {
    expect(bytesToHex(new Uint8Array([0, 1, 0xab, 0xff]))).toBe('0001abff')
    expect(bytesToHex(new Uint8Array([]))).toBe('')
  })

  it('agrees with Buffer hex (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        expect(bytesToHex(bytes)).toBe(Buffer.from(bytes).toString('hex'))
      }),
    )
  })
})
