import { describe, expect, it } from 'vitest'
import { containsEmail, emailKey, isEmail, normaliseEmail } from '../../src/domain/email.js'

describe('the one e-mail rule', () => {
  it.each([
    ['ivan@example.xn--p1ai', 'ivan@example.xn--p1ai'],
    ['first&last@example.org', 'first&last@example.org'],
    ["o'brien+abuse@Example.ORG", "o'brien+abuse@example.org"],
    ['  Carol@Example.Org  ', 'Carol@example.org'],
    ['ivan@пример.рф', 'ivan@xn--e1afmkfd.xn--p1ai'],
    ['a@b.co', 'a@b.co'],
    ['x.y.z@sub-domain.example.net', 'x.y.z@sub-domain.example.net'],
    ['abuse@example.org.', 'abuse@example.org'],
  ])('accepts %s as %s', (input, normal) => {
    expect(normaliseEmail(input)).toBe(normal)
    expect(isEmail(input)).toBe(true)
  })

  it.each([
    'plain',
    '@example.org',
    'a@',
    'a@@example.org',
    'a@b@example.org',
    'a@localhost',
    'a@[192.0.2.1]',
    'a@192.0.2.1',
    '.a@example.org',
    'a.@example.org',
    'a..b@example.org',
    '"quoted"@example.org',
    'ivan@example.org?cc=x@evil.example',
    'ivan@example.org/x',
    'ivan@exa mple.org',
    'a@-example.org',
    'a@example-.org',
    'иван@example.org',
    `${'a'.repeat(65)}@example.org`,
    `a@${'b'.repeat(64)}.org`,
    `${'a'.repeat(60)}@${'b.'.repeat(100)}org`,
  ])('refuses %s', (input) => {
    expect(normaliseEmail(input)).toBeNull()
  })

  it('compares by the normal form, case-insensitively', () => {
    expect(emailKey(normaliseEmail('Carol@EXAMPLE.org')!)).toBe(emailKey(normaliseEmail('carol@example.ORG')!))
    expect(emailKey(normaliseEmail('ivan@ПРИМЕР.рф')!)).toBe(emailKey(normaliseEmail('ivan@xn--e1afmkfd.xn--p1ai')!))
  })

  it('finds addresses in free text by the same rule', () => {
    expect(containsEmail('write to first&last@example.org please')).toBe(true)
    expect(containsEmail('(ivan@пример.рф)')).toBe(true)
    expect(containsEmail('mailto:carol@example.org.')).toBe(true)
    expect(containsEmail('user@host is not an address, nor is @example.org or a@b')).toBe(false)
  })
})
