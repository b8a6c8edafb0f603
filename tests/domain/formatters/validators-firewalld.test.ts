/**
 * @module tests/domain/formatters/validators-firewalld.test
 * Runs the firewalld script for real, with `firewall-cmd` replaced by a shim that calls
 * `firewall-offline-cmd --system-config <temp dir>` (no --permanent; --reload becomes
 * --check-config), inside a throwaway network namespace. firewall-offline-cmd starts a
 * Python interpreter per call, so this file is kept apart from validators.test.ts to run
 * on the other core; only the mixed data set is applied twice to prove re-runs are safe.
 * The sequence test applies a full script and then filtered ones to one configuration:
 * each filtered script must leave the other family's ipset exactly as it was.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { get, useHarness } from './validators/harness.js'
import { STEPS } from './validators/sequence-steps.js'
import { itWithTools, ok, sh } from './validators/tools.js'

const harness = useHarness('firewalld')
const { datasets: DATASETS, prepare, expectNoCanary } = harness

describe('firewall-offline-cmd', () => {
  const f = get('firewalld')
  const shim = [
    '#!/bin/sh',
    '# firewall-cmd as firewall-offline-cmd: no --permanent, and --reload checks the config.',
    'for a do',
    '  shift',
    '  case "$a" in',
    '    --permanent) ;;',
    '    --reload) set -- "$@" --check-config ;;',
    '    *) set -- "$@" "$a" ;;',
    '  esac',
    'done',
    'exec firewall-offline-cmd --system-config "$FWD_CONFIG" "$@"',
    '',
  ].join('\n')

  /** A config dir and a PATH whose firewall-cmd is the offline shim. */
  function offline(dir: string): { config: string; env: Record<string, string> } {
    const config = join(dir, 'etc')
    mkdirSync(config)
    if (existsSync('/etc/firewalld/firewalld.conf')) {
      copyFileSync('/etc/firewalld/firewalld.conf', join(config, 'firewalld.conf'))
    }
    mkdirSync(join(dir, 'bin'))
    writeFileSync(join(dir, 'bin', 'firewall-cmd'), shim, { mode: 0o755 })
    const env = {
      FWD_CONFIG: config,
      PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}:/usr/sbin:/usr/bin`,
    }
    return { config, env }
  }

  /** The entries of an ipset as firewalld saved them, or null when it does not exist. */
  function entries(config: string, set: string): string[] | null {
    const file = join(config, 'ipsets', `${set}.xml`)
    if (!existsSync(file)) return null
    const xml = readFileSync(file, 'utf8')
    return (xml.match(/<entry>[^<]+<\/entry>/g) ?? []).map((e) => e.slice(7, -8))
  }

  itWithTools(
    'full, then filtered scripts in sequence: each touches its own family only',
    { bins: ['firewall-offline-cmd'], netns: true },
    () => {
      const dir = join(harness.scratch, 'sequence')
      mkdirSync(dir)
      const { config, env } = offline(dir)
      const name = f.name.default
      STEPS.forEach((step, i) => {
        const input = step.input(name)
        const file = f.fileName(input)
        writeFileSync(join(dir, file), f.render(input))
        ok(sh(`sh ${file}`, { cwd: dir, netns: true, env }), `${step.label} (step ${i})`)
        for (const fam of ['ipv4', 'ipv6'] as const) {
          const set = `${name}-${fam === 'ipv4' ? 'v4' : 'v6'}`
          expect(entries(config, set)?.sort(), step.label).toEqual([...step.expect[fam]].sort())
        }
      })
    },
    180_000,
  )

  for (const [label, make] of DATASETS) {
    itWithTools(
      `the script runs against firewall-offline-cmd with ${label}`,
      { bins: ['firewall-offline-cmd'], netns: true },
      () => {
        const input = make(f.name.default)
        const { dir } = prepare(f, input, 'firewalld.sh')
        const { config, env } = offline(dir)
        // Twice for mixed data: the second run must replace, not duplicate or fail on, the first.
        const runs =
          label === 'mixed data' ? 'sh firewalld.sh && sh firewalld.sh' : 'sh firewalld.sh'
        ok(sh(runs, { cwd: dir, netns: true, env }), 'firewalld script')
        expectNoCanary()
        // The saved XML is firewalld's own state; reading it saves a Python start per query.
        // A family without entries gets no ipset and no zone source at all.
        const carried = (['ipv4', 'ipv6'] as const).filter((fam) => input[fam].length > 0)
        for (const fam of ['ipv4', 'ipv6'] as const) {
          const set = `${input.name}-${fam === 'ipv4' ? 'v4' : 'v6'}`
          const expected = carried.includes(fam) ? input[fam].map((e) => e.prefix) : null
          expect(entries(config, set)).toEqual(expected)
        }
        const zone = join(config, 'zones/trusted.xml')
        const xml = existsSync(zone) ? readFileSync(zone, 'utf8') : ''
        const sources = [...xml.matchAll(/<source ipset="([^"]+)"\/>/g)]
        expect(sources.map((m) => m[1]).sort()).toEqual(
          carried.map((fam) => `${input.name}-${fam === 'ipv4' ? 'v4' : 'v6'}`),
        )
      },
    )
  }
})
