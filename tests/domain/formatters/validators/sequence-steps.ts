/**
 * @module tests/domain/formatters/validators/sequence-steps
 * The snippets the sequence tests apply one after another in one namespace: a full one,
 * then filtered ones, each with what every family must hold afterwards.
 */
import type {
  SnippetEntry,
  SnippetFamily,
  SnippetInput,
} from '../../../../src/domain/formatters/formatter.js'
import { familyOnly, makeInput, subsetOf } from '../fixtures.js'

/** No two prefixes touch: nft auto-merge would otherwise list them as one range. */
const v4 = (cidrs: string[]): SnippetEntry[] =>
  cidrs.map((prefix, i) => ({ prefix, comment: i === 0 ? 'edge pool' : null }))
const v6 = v4

/** The catalogue the full snippet is rendered from. */
const FULL = {
  ipv4: v4(['192.0.2.0/24', '198.51.100.0/25', '203.0.113.0/26']),
  ipv6: v6(['2001:db8:10::/48', '2001:db8:20::/48']),
}

export interface Step {
  label: string
  input: (name: string) => SnippetInput
  /** What each family must hold after this step. */
  expect: Record<SnippetFamily, string[]>
}

/**
 * Full, then IPv4 only (one removed, one added), then IPv6 only, then a pool filter that
 * matches IPv4 only, then a file without entries. The version changes between steps like a
 * real catalogue would; what the other family holds must survive every filtered step.
 */
export const STEPS: Step[] = (() => {
  const full = (name: string) => makeInput(name, FULL.ipv4, FULL.ipv6)
  const next = (name: string) =>
    makeInput(name, v4(['192.0.2.0/24', '203.0.113.128/25']), v6(['2001:db8:30::/48']))
  return [
    {
      label: 'full',
      input: full,
      expect: {
        ipv4: ['192.0.2.0/24', '198.51.100.0/25', '203.0.113.0/26'],
        ipv6: ['2001:db8:10::/48', '2001:db8:20::/48'],
      },
    },
    {
      label: 'family=ipv4 of the next version',
      input: (name) => familyOnly(next(name), 'ipv4'),
      expect: {
        ipv4: ['192.0.2.0/24', '203.0.113.128/25'],
        ipv6: ['2001:db8:10::/48', '2001:db8:20::/48'],
      },
    },
    {
      label: 'family=ipv6 of the next version',
      input: (name) => familyOnly(next(name), 'ipv6'),
      expect: { ipv4: ['192.0.2.0/24', '203.0.113.128/25'], ipv6: ['2001:db8:30::/48'] },
    },
    {
      label: 'pool=edge, which has no IPv6',
      input: (name) => subsetOf(full(name), 'pool=edge', v4(['198.51.100.0/25']), []),
      expect: { ipv4: ['198.51.100.0/25'], ipv6: ['2001:db8:30::/48'] },
    },
    {
      label: 'a file without entries',
      input: (name) => subsetOf(full(name), 'pool=none', [], []),
      expect: { ipv4: ['198.51.100.0/25'], ipv6: ['2001:db8:30::/48'] },
    },
  ]
})()
