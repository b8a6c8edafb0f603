/**
 * @module tests/domain/formatters/validators-cloud.test
 * The cloud and API scripts (gcloud, az, curl, cscli) run for real under sh, with those
 * commands replaced by stubs on PATH that record their arguments: every prefix must reach
 * exactly one call, within the product's per-rule limit, and no comment may reach the
 * shell (canary). The Front Door merge runs through the real jq against a policy that
 * holds a rule of the customer's and a stale rule of ours.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import type { SnippetInput } from '../../../src/domain/formatters/formatter.js'
import { ipv4List, makeInput } from './fixtures.js'
import { claimedCount, get, useHarness } from './validators/harness.js'
import { itWithTools, sh } from './validators/tools.js'

const { datasets, prepare, expectNoCanary } = useHarness('validators-cloud')

/** A command on PATH that appends its arguments (one call per line, args split by \x1f). */
function stub(dir: string, name: string, extra = ''): void {
  const bin = join(dir, 'bin')
  mkdirSync(bin, { recursive: true })
  const file = join(bin, name)
  writeFileSync(
    file,
    `#!/bin/sh\n{ printf '%s' "${name}"; for a in "$@"; do printf '\\037%s' "$a"; done; printf '\\n'; } >> "$CALLS"\n${extra}\nexit 0\n`,
  )
  chmodSync(file, 0o755)
}

function run(dir: string, script: string, env: Record<string, string>) {
  const calls = join(dir, 'calls.log')
  writeFileSync(calls, '')
  const r = sh(`PATH="${dir}/bin:$PATH" sh ./${script}`, { cwd: dir, env: { CALLS: calls, ...env } })
  const argv = readFileSync(calls, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\x1f'))
  return { r, argv }
}

const prefixes = (input: SnippetInput) => [...input.ipv4, ...input.ipv6].map((e) => e.prefix)
const flag = (argv: string[], name: string) => argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1)

describe('gcloud scripts', () => {
  for (const [label, make] of datasets) {
    itWithTools(`gcp-cloud-armor sends every range once, at most 10 per rule, with ${label}`, { bins: ['sh'] }, () => {
      const f = get('gcp-cloud-armor')
      const input = make(f.name.default)
      const { dir } = prepare(f, input, 'armor.sh')
      stub(dir, 'gcloud')
      const { r, argv } = run(dir, 'armor.sh', { POLICY: 'pol', PRIORITY_BASE: '2000' })
      expect(r.status, r.stderr).toBe(0)
      expectNoCanary()
      const ranges = argv.map((a) => flag(a, '--src-ip-ranges')?.split(',') ?? [])
      for (const r2 of ranges) expect(r2.length).toBeLessThanOrEqual(10)
      expect(ranges.flat()).toEqual(prefixes(input))
      expect(argv.map((a) => a[5])).toEqual(argv.map((_, i) => String(2000 + i)))
    })

    itWithTools(`gcp-firewall creates rules per family with every range, with ${label}`, { bins: ['sh'] }, () => {
      const f = get('gcp-firewall')
      const input = make(f.name.default)
      const { dir } = prepare(f, input, 'fw.sh')
      // describe fails: the rules do not exist yet, so each is created
      stub(dir, 'gcloud', '[ "$3" = describe ] && exit 1')
      const { r, argv } = run(dir, 'fw.sh', { NETWORK: 'vpc-1', TARGET_TAGS: 'web' })
      expect(r.status, r.stderr).toBe(0)
      const creates = argv.filter((a) => a[3] === 'create')
      expect(creates.length).toBe(argv.filter((a) => a[3] === 'describe').length)
      for (const a of creates) {
        expect(a).toContain('--network=vpc-1')
        expect(a).toContain('--target-tags=web')
        const ranges = flag(a, '--source-ranges')?.split(',') ?? []
        expect(new Set(ranges.map((x) => x.includes(':'))).size).toBe(1)
      }
      expect(creates.flatMap((a) => flag(a, '--source-ranges')?.split(',') ?? [])).toEqual(prefixes(input))
    })
  }
})

describe('az scripts', () => {
  for (const [label, make] of datasets) {
    itWithTools(`azure-nsg passes every prefix as its own argument, with ${label}`, { bins: ['sh'] }, () => {
      const f = get('azure-nsg')
      // An NSG takes 4 000 addresses in all (more is refused, see structured-waf): the large
      // set is cut to that size here.
      const full = make(f.name.default)
      const input = claimedCount(f, full) > 4000 ? { ...full, ipv4: full.ipv4.slice(0, 2000), ipv6: full.ipv6.slice(0, 2000) } : full
      const { dir } = prepare(f, input, 'nsg.sh')
      stub(dir, 'az')
      const { r, argv } = run(dir, 'nsg.sh', { RESOURCE_GROUP: 'rg', NSG: 'nsg' })
      expect(r.status, r.stderr).toBe(0)
      expectNoCanary()
      const sent = argv.flatMap((a) => a.slice(a.indexOf('--source-address-prefixes') + 1))
      expect(sent).toEqual(prefixes(input))
      expect(argv.map((a) => a[a.indexOf('--priority') + 1])).toEqual(argv.map((_, i) => String(100 + i)))
    })

    itWithTools(`azure-frontdoor-waf merges with jq: ours replaced, the customer's kept, with ${label}`, { bins: ['sh', 'jq'] }, () => {
      const f = get('azure-frontdoor-waf')
      const input = make(f.name.default)
      const { dir } = prepare(f, input, 'afd.sh')
      const policy = {
        id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/FrontDoorWebApplicationFirewallPolicies/pol',
        location: 'Global',
        sku: { name: 'Premium_AzureFrontDoor' },
        properties: {
          policySettings: { enabledState: 'Enabled', mode: 'Prevention' },
          customRules: {
            rules: [
              { name: 'BlockBadBots', priority: 50, ruleType: 'MatchRule', action: 'Block', matchConditions: [] },
              { name: 'AsvScannersV4Part9', priority: 7, ruleType: 'MatchRule', action: 'Allow', matchConditions: [] },
            ],
          },
        },
      }
      writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy))
      stub(
        dir,
        'az',
        [
          'case "$1" in',
          '  network) echo "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/FrontDoorWebApplicationFirewallPolicies/pol" ;;',
          '  rest) case "$3" in get) cat "$POLICY_JSON" ;; put) cp "${7#@}" "$WRITTEN" ;; esac ;;',
          'esac',
        ].join('\n'),
      )
      const written = join(dir, 'written.json')
      const { r } = run(dir, 'afd.sh', { RESOURCE_GROUP: 'rg', POLICY: 'pol', POLICY_JSON: join(dir, 'policy.json'), WRITTEN: written, PRIORITY_BASE: '10' })
      expect(r.status, r.stderr).toBe(0)
      if (claimedCount(f, input) === 0) return
      interface Rule {
        name: string
        priority: number
        matchConditions: { matchValue: string[] }[]
      }
      const out = JSON.parse(readFileSync(written, 'utf8')) as {
        properties: { policySettings: { mode: string }; customRules: { rules: Rule[] } }
      }
      const rules = out.properties.customRules.rules
      expect(rules[0]?.name).toBe('BlockBadBots')
      const ours = rules.slice(1)
      expect(ours.map((x) => x.priority)).toEqual(ours.map((_, i) => 10 + i))
      expect(ours.flatMap((x) => x.matchConditions[0]?.matchValue ?? [])).toEqual(prefixes(input))
      expect(out.properties.policySettings.mode).toBe('Prevention')
    })
  }
})

describe('curl and cscli scripts', () => {
  for (const [label, make] of datasets) {
    itWithTools(`cloudflare-list PUTs every item once and never an empty list, with ${label}`, { bins: ['sh'] }, () => {
      const f = get('cloudflare-list')
      const input = make(f.name.default)
      const { dir } = prepare(f, input, 'cf.sh')
      stub(dir, 'curl', 'for a in "$@"; do case "$a" in @*) cp "${a#@}" "$SENT" ;; esac; done')
      const sent = join(dir, 'sent.json')
      const { r, argv } = run(dir, 'cf.sh', { CF_API_TOKEN: 't', CF_ACCOUNT_ID: 'acc', LIST_ID: 'l1', SENT: sent })
      expectNoCanary()
      if (claimedCount(f, input) === 0) {
        expect(r.status).toBe(1)
        expect(argv).toEqual([])
        return
      }
      expect(r.status, r.stderr).toBe(0)
      expect(argv.length).toBe(1)
      expect(argv[0]).toContain('PUT')
      const items = JSON.parse(readFileSync(sent, 'utf8')) as { ip: string }[]
      expect(items.map((i) => i.ip)).toEqual(prefixes(input).map((p) => p.replace(/\/128$/, '')))
    })

    itWithTools(`crowdsec removes what is gone and imports what is new, with ${label}`, { bins: ['sh', 'jq'] }, () => {
      const f = get('crowdsec')
      const input = make(f.name.default)
      const { dir } = prepare(f, input, 'cs.sh')
      const first = input.ipv4[0]?.prefix ?? '10.9.9.0/24'
      writeFileSync(join(dir, 'old.json'), JSON.stringify({ items: [{ value: first }, { value: '203.0.113.0/24' }, { value: '2001:db8:ffff::/48' }] }))
      stub(dir, 'cscli', 'case "$2" in inspect) [ "$#" -gt 3 ] && cat "$OLD_JSON" ;; import) cat > "$IMPORTED" ;; esac')
      const imported = join(dir, 'imported.csv')
      const { r, argv } = run(dir, 'cs.sh', { OLD_JSON: join(dir, 'old.json'), IMPORTED: imported })
      expectNoCanary()
      if (claimedCount(f, input) === 0) {
        expect(r.status).toBe(1)
        expect(argv).toEqual([])
        return
      }
      expect(r.status, r.stderr).toBe(0)
      const removed = argv.filter((a) => a[2] === 'remove').flatMap((a) => a.slice(4))
      expect(removed.sort()).toEqual(['2001:db8:ffff::/48', '203.0.113.0/24'])
      const lines = readFileSync(imported, 'utf8').trim().split('\n')
      expect(lines[0]).toBe('value,expiration,comment')
      expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(prefixes(input).filter((p) => p !== first).sort())
    })
  }

  itWithTools('crowdsec with an IPv4-only file leaves the IPv6 entries alone', { bins: ['sh', 'jq'] }, () => {
    const f = get('crowdsec')
    const input = makeInput(f.name.default, ipv4List(3), [])
    const { dir } = prepare(f, input, 'cs4.sh')
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ items: [{ value: '203.0.113.0/24' }, { value: '2001:db8:ffff::/48' }] }))
    stub(dir, 'cscli', 'case "$2" in inspect) [ "$#" -gt 3 ] && cat "$OLD_JSON" ;; import) cat > /dev/null ;; esac')
    const { r, argv } = run(dir, 'cs4.sh', { OLD_JSON: join(dir, 'old.json') })
    expect(r.status, r.stderr).toBe(0)
    expect(argv.filter((a) => a[2] === 'remove').flatMap((a) => a.slice(4))).toEqual(['203.0.113.0/24'])
  })
})
