/**
 * @module tests/domain/formatters/index.test
 * The registry and the option checks every snippet request goes through.
 */
import { describe, expect, it } from 'vitest'
import { DomainError } from '../../../src/domain/errors.js'
import type { Formatter } from '../../../src/domain/formatters/formatter.js'
import {
  findFormatter,
  formatters,
  maxNameLength,
  resolveSnippetOptions,
} from '../../../src/domain/formatters/index.js'
import { goldenInput } from './fixtures.js'

const IDS = [
  'iptables',
  'ip6tables',
  'ipset',
  'nftables',
  'pf',
  'pf-table',
  'ufw',
  'firewalld',
  'cisco-asa',
  'cisco-ios',
  'junos',
  'fortios',
  'mikrotik',
  'paloalto-edl',
  'windows-powershell',
  'aws-security-group',
  'aws-prefix-list',
  'aws-wafv2-ipset',
  'nginx',
  'apache',
  'haproxy',
  'kubernetes',
  'modsecurity',
  'cloudflare-list',
  'azure-frontdoor-waf',
  'gcp-cloud-armor',
  'azure-nsg',
  'gcp-firewall',
  'fail2ban',
  'crowdsec',
  'caddy',
  'traefik',
  'checkpoint-gdc',
  'cisco-fmc-feed',
  'misp-warninglist',
  'opnsense',
  'pfsense',
]

function get(id: string): Formatter {
  const f = findFormatter(id)
  if (!f) throw new Error(`missing ${id}`)
  return f
}

function caught(fn: () => unknown): DomainError {
  try {
    fn()
  } catch (e) {
    if (e instanceof DomainError) return e
    throw e
  }
  throw new Error('expected a DomainError')
}

describe('formatter registry', () => {
  it('holds the 37 targets once each', () => {
    expect(formatters.map((f) => f.id)).toEqual(IDS)
  })

  it('finds by id and nothing else', () => {
    expect(findFormatter('nftables')?.id).toBe('nftables')
    for (const id of ['', 'NFTABLES', '__proto__', 'constructor', 'nft']) {
      expect(findFormatter(id)).toBeUndefined()
    }
  })

  it('renders only IPv4 for iptables and only IPv6 for ip6tables', () => {
    expect(get('iptables').families).toEqual(['ipv4'])
    expect(get('ip6tables').families).toEqual(['ipv6'])
  })

  it('declares the AWS limits', () => {
    expect(get('aws-prefix-list').maxEntries?.max).toBe(1000)
    expect(get('aws-security-group').maxEntries).toMatchObject({ default: 60, max: 1000 })
    expect(get('aws-wafv2-ipset').maxEntries?.max).toBe(10_000)
  })
})

describe('resolveSnippetOptions: name', () => {
  it('falls back to the default name', () => {
    for (const f of formatters) {
      expect(resolveSnippetOptions(f, {}).name).toBe(f.name.default)
      expect(resolveSnippetOptions(f, { name: '' }).name).toBe(f.name.default)
    }
  })

  it('accepts a name of exactly the maximum length and refuses one more', () => {
    for (const f of formatters) {
      const max = maxNameLength(f)
      const ok = 'a'.repeat(max)
      expect(resolveSnippetOptions(f, { name: ok }).name).toBe(ok)
      expect(() => resolveSnippetOptions(f, { name: `${ok}a` })).toThrow(DomainError)
    }
  })

  it('explains the iptables chain limit', () => {
    const e = caught(() => resolveSnippetOptions(get('iptables'), { name: 'A'.repeat(31) }))
    expect(e.code).toBe('invalid_name')
    expect(e.field).toBe('name')
    expect(e.status).toBe(400)
    expect(e.message).toBe(
      'name must be 1–28 characters of A–Z a–z 0–9 _ -, starting with a letter, not a built-in chain or target such as INPUT or ACCEPT; got 31',
    )
  })

  it('says how much room the suffixes take', () => {
    const e = caught(() => resolveSnippetOptions(get('ipset'), { name: 'a'.repeat(25) }))
    expect(e.message).toBe(
      "name must be 1–24 characters of A–Z a–z 0–9 _ -, starting with a letter (ipset allows 31; the rest is kept for '-v4-new'); got 25",
    )
    const split = caught(() =>
      resolveSnippetOptions(get('aws-wafv2-ipset'), { name: 'a'.repeat(120) }),
    )
    expect(split.message).toContain("kept for '-v4' and '-<n>' when the list is split")
  })

  it('refuses built-in chain names for iptables, in any case', () => {
    for (const name of ['INPUT', 'input', 'ACCEPT', 'Drop', 'PREROUTING']) {
      expect(() => resolveSnippetOptions(get('iptables'), { name })).toThrow(/built-in chain/)
    }
  })

  it('is re-checked on every render through the registry', () => {
    for (const f of formatters) {
      const input = { ...goldenInput('x'), name: 'evil name"; rm -rf /' }
      expect(() => f.render(input)).toThrow(/name must be/)
    }
  })

  it('quotes the bad name briefly', () => {
    const e = caught(() => resolveSnippetOptions(get('nginx'), { name: 'a b' }))
    expect(e.message).toMatch(/got "a b"$/)
  })
})

describe('resolveSnippetOptions: family', () => {
  it('sends IPv6 from iptables to ip6tables and IPv4 from ip6tables to iptables', () => {
    const e = caught(() => resolveSnippetOptions(get('iptables'), { family: 'ipv6' }))
    expect(e.code).toBe('invalid_option')
    expect(e.field).toBe('family')
    expect(e.status).toBe(400)
    expect(e.message).toBe(
      'iptables carries IPv4 only; IPv6 rules are in the ip6tables target: /v1/rules/ip6tables',
    )
    expect(e.extra).toEqual({ use: '/v1/rules/ip6tables' })
    const back = caught(() => resolveSnippetOptions(get('ip6tables'), { family: 'ipv4' }))
    expect(back.extra).toEqual({ use: '/v1/rules/iptables' })
  })

  it('accepts every family a target carries, and no family at all', () => {
    for (const f of formatters) {
      for (const family of [...f.families, null, undefined]) {
        expect(() => resolveSnippetOptions(f, { family })).not.toThrow()
      }
    }
  })
})

describe('resolveSnippetOptions: max_entries', () => {
  const sg = () => get('aws-security-group')

  it('applies the default limit when absent', () => {
    expect(resolveSnippetOptions(sg(), {}).maxEntries).toBe(60)
    expect(resolveSnippetOptions(get('aws-prefix-list'), { maxEntries: '' }).maxEntries).toBe(1000)
    expect(resolveSnippetOptions(get('junos'), {}).maxEntries).toBe(85_325)
  })

  it('accepts whole numbers from 1 to the target maximum', () => {
    expect(resolveSnippetOptions(sg(), { maxEntries: '1' }).maxEntries).toBe(1)
    expect(resolveSnippetOptions(sg(), { maxEntries: 1000 }).maxEntries).toBe(1000)
    expect(resolveSnippetOptions(sg(), { maxEntries: '060' }).maxEntries).toBe(60)
  })

  it('refuses anything else with an actionable message', () => {
    for (const bad of [
      '0',
      '-1',
      '1.5',
      '1e3',
      ' 5',
      '5 ',
      '0x10',
      'ten',
      '1001',
      '99999999999',
      0,
      2.5,
      1001,
      Number.NaN,
    ]) {
      const e = caught(() => resolveSnippetOptions(sg(), { maxEntries: bad }))
      expect(e.code).toBe('invalid_option')
      expect(e.field).toBe('max_entries')
      expect(e.message).toMatch(
        /^max_entries must be a whole number from 1 to 1000 for aws-security-group/,
      )
    }
  })

  it('is rejected for targets without a limit', () => {
    const e = caught(() => resolveSnippetOptions(get('nginx'), { maxEntries: '60' }))
    expect(e.code).toBe('invalid_option')
    expect(e.message).toMatch(/^max_entries is not supported by nginx/)
  })
})
