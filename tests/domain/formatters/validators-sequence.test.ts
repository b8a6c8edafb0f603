/**
 * @module tests/domain/formatters/validators-sequence.test
 * Filtered snippets must never remove what they do not contain. Each test applies, for
 * real and in one throwaway network namespace, a full snippet and then filtered ones in
 * sequence (IPv4 only, IPv6 only, a pool that has no IPv6, and a file without entries),
 * each through the apply commands its own header documents, and reads the resulting state
 * back from the tool (`nft list`, `ipset save`, `iptables-save`): after every step the
 * filtered family holds exactly the filtered entries and the other family is untouched.
 * firewalld has the same check in validators-firewalld.test.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import type { Formatter, SnippetInput } from '../../../src/domain/formatters/formatter.js'
import { applyCommands, get, useHarness } from './validators/harness.js'
import { STEPS } from './validators/sequence-steps.js'
import { itWithTools, ok, sh } from './validators/tools.js'

const harness = useHarness('sequence')

const MARK = '=====STEP====='

/**
 * Writes each step's file into a directory of its own, then runs `setup`, and for each
 * step its apply commands followed by `dump`, all in one network namespace. Returns the
 * dump printed after each step.
 */
function runSequence(
  f: Formatter,
  tools: string[],
  opts: { setup: string[]; dump: string[]; files?: Record<string, string> },
): { dumps: string[]; inputs: SnippetInput[] } {
  const root = join(harness.scratch, `${f.id}-${Math.random().toString(36).slice(2, 8)}`)
  mkdirSync(root)
  for (const [file, text] of Object.entries(opts.files ?? {})) writeFileSync(join(root, file), text)
  const inputs = STEPS.map((s) => s.input(f.name.default))
  const script = ['set -e', ...opts.setup]
  inputs.forEach((input, i) => {
    const dir = join(root, `step-${i}`)
    mkdirSync(dir)
    const out = f.render(input)
    writeFileSync(join(dir, f.fileName(input)), out)
    // Twice: re-applying a filtered file must be as harmless as applying it once.
    const apply = applyCommands(out, tools)
    script.push(`cd ${dir}`, ...apply, ...apply, `echo '${MARK}'`, ...opts.dump)
  })
  const stdout = ok(sh(script.join('\n'), { cwd: root, netns: true }), `${f.id} sequence`)
  return { dumps: stdout.split(`${MARK}\n`).slice(1), inputs }
}

const CIDR = /[0-9a-f:.]+\/\d+/g

function cidrsIn(text: string): string[] {
  return [...text.matchAll(CIDR)].map((m) => m[0]).sort()
}

function sorted(list: string[]): string[] {
  return [...list].sort()
}

describe('nftables: full, then filtered snippets in sequence', () => {
  const f = get('nftables')
  const stub =
    'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t}\n}\n'
  itWithTools(
    'each filtered file replaces its family only',
    { bins: ['nft'], netns: true },
    () => {
      const name = f.name.default
      const { dumps } = runSequence(f, ['nft'], {
        files: { 'customer.nft': stub },
        setup: ['nft -f customer.nft'],
        dump: [
          `echo v4; nft list set inet filter ${name}_v4 2>/dev/null || true`,
          `echo v6; nft list set inet filter ${name}_v6 2>/dev/null || true`,
          'echo chain; nft list chain inet filter input',
        ],
      })
      STEPS.forEach((step, i) => {
        const dump = dumps[i] ?? ''
        const [, setV4 = '', setV6 = '', chain = ''] = dump.split(/^(?:v4|v6|chain)$/m)
        expect(cidrsIn(setV4), `${step.label}: IPv4 set`).toEqual(sorted(step.expect.ipv4))
        expect(cidrsIn(setV6), `${step.label}: IPv6 set`).toEqual(sorted(step.expect.ipv6))
        // One accept per family, however often the files were applied.
        expect(chain.match(new RegExp(`ip saddr @${name}_v4 accept`, 'g'))?.length).toBe(1)
        const v6Rules = chain.match(new RegExp(`ip6 saddr @${name}_v6 accept`, 'g'))?.length
        expect(v6Rules).toBe(1)
      })
    },
  )
})

describe('ipset: full, then filtered snippets in sequence', () => {
  const f = get('ipset')
  itWithTools(
    'each filtered file swaps its family only',
    { bins: ['ipset', 'iptables', 'ip6tables'], netns: true },
    () => {
      const name = f.name.default
      const { dumps } = runSequence(f, ['ipset', 'iptables', 'ip6tables'], {
        setup: [],
        dump: ['ipset save', 'iptables-save', 'ip6tables-save'],
      })
      STEPS.forEach((step, i) => {
        const dump = dumps[i] ?? ''
        const members = (set: string) =>
          [...dump.matchAll(new RegExp(`^add ${set} (\\S+)`, 'gm'))].map((m) => m[1] ?? '').sort()
        expect(members(`${name}-v4`), `${step.label}: IPv4 set`).toEqual(sorted(step.expect.ipv4))
        expect(members(`${name}-v6`), `${step.label}: IPv6 set`).toEqual(sorted(step.expect.ipv6))
        expect(dump).not.toContain('-new')
        for (const fam of ['v4', 'v6']) {
          const rule = new RegExp(`--match-set ${name}-${fam} src -j ACCEPT`, 'g')
          expect(dump.match(rule)?.length, `${step.label}: ${fam} rule`).toBe(1)
        }
      })
    },
  )
})

describe('iptables and ip6tables: full, then filtered snippets in sequence', () => {
  const ipt = get('iptables')
  const ip6t = get('ip6tables')
  itWithTools(
    'a filtered iptables file replaces the IPv4 chain and leaves IPv6 alone, and vice versa',
    { bins: ['iptables-restore', 'ip6tables-restore'], netns: true },
    () => {
      const root = join(harness.scratch, 'iptables-sequence')
      mkdirSync(root)
      const chain = ipt.name.default
      const script = [
        'set -e',
        'iptables -P INPUT DROP',
        'iptables -A INPUT -j DROP',
        'ip6tables -P INPUT DROP',
        'ip6tables -A INPUT -j DROP',
      ]
      STEPS.forEach((step, i) => {
        for (const f of [ipt, ip6t]) {
          const input = step.input(chain)
          // The route refuses iptables?family=ipv6: a step for the other family skips it.
          if (input.filter.family !== null && !f.families.includes(input.filter.family)) continue
          const dir = join(root, `step-${i}-${f.id}`)
          mkdirSync(dir)
          const out = f.render(input)
          writeFileSync(join(dir, f.fileName(input)), out)
          const apply = applyCommands(out, [`${f.id}-restore`, f.id])
          script.push(`cd ${dir}`, ...apply, ...apply)
        }
        script.push(`echo '${MARK}'`, 'echo v4', 'iptables-save', 'echo v6', 'ip6tables-save')
      })
      const stdout = ok(sh(script.join('\n'), { cwd: root, netns: true }), 'iptables sequence')
      const dumps = stdout.split(`${MARK}\n`).slice(1)
      STEPS.forEach((step, i) => {
        const [, save4 = '', save6 = ''] = (dumps[i] ?? '').split(/^v[46]$/m)
        for (const [fam, save] of [
          ['ipv4', save4],
          ['ipv6', save6],
        ] as const) {
          const rules = [...save.matchAll(new RegExp(`^-A ${chain} -s (\\S+)`, 'gm'))]
          expect(
            rules.map((m) => m[1] ?? '').sort(),
            `${step.label}: ${fam} chain`,
          ).toEqual(sorted(step.expect[fam]))
          expect(save).toMatch(/^:INPUT DROP/m)
          const jumps = save.split('\n').filter((l) => l.startsWith('-A INPUT '))
          expect(jumps).toEqual([`-A INPUT -j ${chain}`, '-A INPUT -j DROP'])
        }
      })
    },
  )
})
