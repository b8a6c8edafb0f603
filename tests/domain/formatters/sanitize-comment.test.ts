/**
 * @module tests/domain/formatters/sanitize-comment.test
 * Properties of the comment sanitizer over arbitrary (including malformed) strings.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { QUOTES, sanitizeComment } from '../../../src/domain/formatters/sanitize-comment.js'

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({
    unit: fc.constantFrom(
      'a',
      ' ',
      '\n',
      '\r',
      '"',
      "'",
      '\\',
      '\u2028',
      '\u0000',
      'é',
      '😀',
      '\ud800',
    ),
    maxLength: 400,
  }),
)

describe('sanitizeComment', () => {
  it('returns one trimmed line within the byte cap, without forbidden characters', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        (raw, maxBytes, asciiOnly) => {
          const out = sanitizeComment(raw, { maxBytes, asciiOnly, forbidden: QUOTES })
          if (out === null) return
          expect(out.length).toBeGreaterThan(0)
          expect(out).toBe(out.trim())
          expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(maxBytes)
          expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\\"'`]/)
          expect(out).not.toMatch(/\s{2}/)
          expect(out).not.toMatch(
            /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
          )
          if (asciiOnly) expect(out).toMatch(/^[\x20-\x7e]+$/)
        },
      ),
    )
  })

  it('keeps ordinary text and folds accents for ASCII targets', () => {
    expect(sanitizeComment('Scanner pool (EU) #2', { maxBytes: 255 })).toBe('Scanner pool (EU) #2')
    expect(sanitizeComment('Zürich  café', { maxBytes: 255, asciiOnly: true })).toBe('Zurich cafe')
  })

  it('turns line breaks and controls into single spaces', () => {
    expect(sanitizeComment('a\r\nb\u2028c\u0000d\te', { maxBytes: 255 })).toBe('a b c d e')
  })

  it('removes every backslash, so no comment can continue a line', () => {
    expect(sanitizeComment('trailing \\', { maxBytes: 255 })).toBe('trailing')
  })

  it('cuts at a code point boundary', () => {
    expect(sanitizeComment('ab😀', { maxBytes: 5 })).toBe('ab')
    expect(sanitizeComment('ab😀', { maxBytes: 6 })).toBe('ab😀')
  })

  it('returns null for nothing printable', () => {
    expect(sanitizeComment(null, { maxBytes: 10 })).toBeNull()
    expect(sanitizeComment(' \n\t\u200b', { maxBytes: 10 })).toBeNull()
    expect(sanitizeComment('text', { maxBytes: 0 })).toBeNull()
  })

  it('handles 10 KB of text quickly', () => {
    const started = performance.now()
    for (let i = 0; i < 1000; i++)
      sanitizeComment('x"y\n'.repeat(2560), { maxBytes: 255, forbidden: QUOTES })
    expect(performance.now() - started).toBeLessThan(2000)
  })
})
