/** @module tests/domain/tokens */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DomainError } from '../../src/domain/errors.js'
import { generateToken, parseScopes, SCOPES, TOKEN_PATTERN, TOKEN_PREFIX_LENGTH, tokenPrefix } from '../../src/domain/tokens.js'

function caught(f: () => unknown): DomainError {
  try {
    f()
  } catch (e) {
    if (e instanceof DomainError) return e
    throw e
  }
  throw new Error('expected a DomainError')
}

describe('generateToken', () => {
  it('matches TOKEN_PATTERN: sg_ and 32 base64url characters', () => {
    for (let i = 0; i < 200; i++) {
      const t = generateToken()
      expect(t).toMatch(TOKEN_PATTERN)
      expect(t).toHaveLength(35)
    }
  })

  it('carries 24 random bytes', () => {
    const t = generateToken()
    expect(Buffer.from(t.slice(3), 'base64url')).toHaveLength(24)
  })

  it('gives 1000 distinct tokens with 1000 distinct public prefixes', () => {
    const tokens = Array.from({ length: 1000 }, generateToken)
    expect(new Set(tokens).size).toBe(1000)
    // 8 random characters (48 bits) after sg_: a collision here would mean broken randomness
    expect(new Set(tokens.map(tokenPrefix)).size).toBe(1000)
  })

  it('uses the whole base64url alphabet (not stuck on some characters)', () => {
    const seen = new Set(Array.from({ length: 200 }, generateToken).flatMap((t) => [...t.slice(3)]))
    expect(seen.size).toBe(64)
  })
})

describe('TOKEN_PATTERN', () => {
  it.each(['', 'sg_', `sg_${'a'.repeat(31)}`, `sg_${'a'.repeat(33)}`, `SG_${'a'.repeat(32)}`, `sg_${'a'.repeat(31)}=`, `sg_${'a'.repeat(31)}+`, ` sg_${'a'.repeat(32)}`, `sg_${'a'.repeat(32)}\n`])(
    'rejects %j',
    (t) => {
      expect(TOKEN_PATTERN.test(t)).toBe(false)
    },
  )
})

describe('tokenPrefix', () => {
  it('is the first 11 characters', () => {
    expect(TOKEN_PREFIX_LENGTH).toBe(11)
    expect(tokenPrefix('sg_abcdefghIJKLMNOPQRSTUVWXYZ0123456')).toBe('sg_abcdefgh')
  })
})

describe('parseScopes', () => {
  it('parses a comma-separated string, trimming and de-duplicating in order', () => {
    expect(parseScopes(' ranges:write , audit:read,ranges:write,')).toEqual(['ranges:write', 'audit:read'])
  })

  it('parses an array', () => {
    expect(parseScopes(['reports:read', ' reports:triage '])).toEqual(['reports:read', 'reports:triage'])
  })

  it('accepts every known scope', () => {
    expect(parseScopes(SCOPES.join(','))).toEqual([...SCOPES])
  })

  it.each(['', ' , ,', []] as const)('asks for at least one scope when given %j', (raw) => {
    const e = caught(() => parseScopes(raw))
    expect(e.code).toBe('validation_failed')
    expect(e.field).toBe('scopes')
    expect(e.message).toBe(`give at least one scope: ${SCOPES.join(', ')}`)
  })

  it.each(['ranges:read', 'Ranges:write', 'ranges', 'admin', 'ranges:write audit:read'])('refuses unknown scope %j, listing the valid ones', (bad) => {
    const e = caught(() => parseScopes(`audit:read,${bad}`))
    expect(e.code).toBe('validation_failed')
    expect(e.field).toBe('scopes')
    expect(e.message).toBe(`unknown scope '${bad}'; valid scopes: ${SCOPES.join(', ')}`)
  })

  it('returns exactly the distinct known scopes given, or throws (property)', () => {
    const value = fc.oneof(fc.constantFrom(...SCOPES), fc.string({ maxLength: 12 }))
    fc.assert(
      fc.property(fc.array(value, { maxLength: 8 }), (values) => {
        const trimmed = values.map((v) => v.trim()).filter(Boolean)
        const allKnown = trimmed.every((v) => (SCOPES as readonly string[]).includes(v))
        if (trimmed.length > 0 && allKnown) expect(parseScopes(values)).toEqual([...new Set(trimmed)])
        else expect(caught(() => parseScopes(values)).field).toBe('scopes')
      }),
    )
  })
})
