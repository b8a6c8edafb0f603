/**
 * @module tests/domain/formatters/structured.test
 * Parses the structured parts of the output the way their consumers do: the Kubernetes
 * manifest as YAML (with the `yaml` package, present in node_modules through
 * @hono/zod-openapi; the test skips visibly if it ever disappears), and the JSON request
 * bodies of the AWS scripts with JSON.parse. botocore checks the bodies' shape in
 * validators.test.ts; this checks content and per-call limits without any tool.
 */
import { describe, expect, it } from 'vitest'
import type { Formatter, SnippetInput } from '../../../src/domain/formatters/formatter.js'
import { findFormatter, resolveSnippetOptions } from '../../../src/domain/formatters/index.js'
import { hostileInput, ipv4List, ipv6List, largeInput, makeInput, mixedInput } from './fixtures.js'

const yaml = await import('yaml').catch(() => null)

function get(id: string): Formatter {
  const f = findFormatter(id)
  if (!f) throw new Error(`missing ${id}`)
  return f
}

/** The JSON documents written by `cat > … <<'JSON'` heredocs, in order. */
function heredocBodies(script: string): unknown[] {
  return [...script.matchAll(/<<'JSON'\n([\s\S]*?)\nJSON\n/g)].map((m) => JSON.parse(m[1] ?? ''))
}

const cases: Array<[string, (name: string) => SnippetInput]> = [
  ['mixed', (n) => mixedInput(n)],
  ['hostile', (n) => hostileInput(n)],
  ['large', (n) => largeInput(n)],
  ['empty', (n) => makeInput(n, [], [])],
  ['IPv6 only', (n) => makeInput(n, [], ipv6List(5))],
]

describe.skipIf(yaml === null)('kubernetes manifest parses as YAML', () => {
  const f = get('kubernetes')
  for (const [label, make] of cases) {
    it(label, () => {
      const input = make(f.name.default)
      const text = f.render(input)
      if (input.ipv4.length + input.ipv6.length === 0) {
        // Nothing to allow: no document at all, so `kubectl apply` changes nothing.
        expect(yaml?.parse(text)).toBeNull()
        return
      }
      const doc = yaml?.parse(text) as {
        kind: string
        metadata: { name: string; annotations: Record<string, string> }
        spec: {
          policyTypes: string[]
          ingress: Array<{ from: Array<{ ipBlock: { cidr: string } }> }>
        }
      }
      expect(doc.kind).toBe('NetworkPolicy')
      expect(doc.metadata.name).toBe(f.name.default)
      expect(doc.metadata.annotations['scangate/feed-serial']).toBe('42')
      expect(doc.spec.policyTypes).toEqual(['Ingress'])
      const cidrs = doc.spec.ingress.flatMap((rule) => {
        // An empty `from` would allow every source.
        expect(rule.from.length).toBeGreaterThan(0)
        return rule.from.map((peer) => peer.ipBlock.cidr)
      })
      expect(cidrs).toEqual([...input.ipv4, ...input.ipv6].map((e) => e.prefix))
    })
  }
})

if (yaml === null)
  it.skip('kubernetes YAML parse (skipped: no yaml package in node_modules)', () => {})

describe('AWS request bodies parse as JSON', () => {
  it('security groups: one body per group, each within max_entries per family', () => {
    const f = get('aws-security-group')
    for (const [, make] of cases) {
      const input = make(f.name.default)
      const bodies = heredocBodies(f.render(input)) as Array<{
        IpPermissions: Array<{
          IpProtocol: string
          IpRanges?: Array<{ CidrIp: string }>
          Ipv6Ranges?: Array<{ CidrIpv6: string }>
        }>
      }>
      const v4 = bodies.flatMap((b) => b.IpPermissions.flatMap((p) => p.IpRanges ?? []))
      const v6 = bodies.flatMap((b) => b.IpPermissions.flatMap((p) => p.Ipv6Ranges ?? []))
      expect(v4.map((r) => r.CidrIp)).toEqual(input.ipv4.map((e) => e.prefix))
      expect(v6.map((r) => r.CidrIpv6)).toEqual(input.ipv6.map((e) => e.prefix))
      for (const b of bodies) {
        for (const p of b.IpPermissions) {
          expect(p.IpProtocol).toBe('-1')
          expect((p.IpRanges ?? []).length).toBeLessThanOrEqual(60)
          expect((p.Ipv6Ranges ?? []).length).toBeLessThanOrEqual(60)
        }
      }
    }
  })

  it('prefix lists: at most 100 entries per call, 80 % of max_entries per list, MaxEntries with headroom', () => {
    const f = get('aws-prefix-list')
    const { maxEntries } = resolveSnippetOptions(f, { maxEntries: '250' })
    const input = { ...largeInput(f.name.default, 600), maxEntries }
    const bodies = heredocBodies(f.render(input)) as Array<{
      PrefixListName?: string
      MaxEntries?: number
      Entries?: Array<{ Cidr: string }>
      AddEntries?: Array<{ Cidr: string }>
    }>
    const all = bodies.flatMap((b) => b.Entries ?? b.AddEntries ?? [])
    expect(all.map((e) => e.Cidr)).toEqual([...input.ipv4, ...input.ipv6].map((e) => e.prefix))
    for (const b of bodies)
      expect((b.Entries ?? b.AddEntries ?? []).length).toBeLessThanOrEqual(100)
    const created = bodies.filter((b) => b.PrefixListName !== undefined)
    expect(created.map((b) => b.PrefixListName)).toEqual([
      'asv-scanners-v4-1',
      'asv-scanners-v4-2',
      'asv-scanners-v4-3',
      'asv-scanners-v6-1',
      'asv-scanners-v6-2',
      'asv-scanners-v6-3',
    ])
    expect(created.map((b) => b.MaxEntries)).toEqual([250, 250, 250, 250, 250, 250])
    const firstCalls = bodies.filter((b) => b.PrefixListName !== undefined)
    expect(firstCalls.every((b) => (b.Entries ?? []).length === 100)).toBe(true)
    // 600 per family in lists of at most 200 (= 250 × 0.8): three full lists each.
    expect(all.length).toBe(1200)
  })

  it('prefix lists: MaxEntries is entries × 1.25 rounded up, never above max_entries', () => {
    const f = get('aws-prefix-list')
    const maxEntriesOf = (input: SnippetInput) =>
      (heredocBodies(f.render(input)) as Array<{ MaxEntries?: number; Entries?: unknown[] }>)
        .filter((b) => b.MaxEntries !== undefined)
        .map((b) => [b.Entries?.length, b.MaxEntries])
    const at = (max: string | undefined, v4: number, v6: number) => ({
      ...makeInput(f.name.default, ipv4List(v4), ipv6List(v6)),
      maxEntries: resolveSnippetOptions(f, max === undefined ? {} : { maxEntries: max }).maxEntries,
    })
    // Default max_entries is the AWS quota of 1 000: small lists get a quarter more room.
    expect(maxEntriesOf(at(undefined, 5, 1))).toEqual([[5, 7], [1, 2]])
    // max_entries=60 (what a default security group allows): 48 per list, MaxEntries ≤ 60.
    expect(maxEntriesOf(at('60', 100, 0))).toEqual([[48, 60], [48, 60], [4, 5]])
    // 2 000 entries at the default: lists of 800 with MaxEntries 1 000, the quota.
    expect(maxEntriesOf(at(undefined, 2000, 0))).toEqual([[100, 1000], [100, 1000], [100, 500]])
    expect(maxEntriesOf(at('1', 2, 0))).toEqual([[1, 1], [1, 1]])
  })

  it('WAF IP sets: one family and at most 10 000 addresses per set', () => {
    const f = get('aws-wafv2-ipset')
    const input = makeInput(f.name.default, ipv4List(10_001), ipv6List(3))
    const bodies = heredocBodies(f.render(input)) as Array<{
      Name: string
      IPAddressVersion: string
      Addresses: string[]
    }>
    expect(bodies.map((b) => [b.Name, b.IPAddressVersion, b.Addresses.length])).toEqual([
      ['asv-scanners-v4-1', 'IPV4', 10_000],
      ['asv-scanners-v4-2', 'IPV4', 1],
      ['asv-scanners-v6-1', 'IPV6', 3],
    ])
  })
})
