/**
 * @module tests/domain/formatters/validators-firewalld.test
 * Runs the firewalld script for real, with `firewall-cmd` replaced by a shim that calls
 * `firewall-offline-cmd --system-config <temp dir>` (no --permanent; --reload becomes
 * --check-config), inside a throwaway network namespace. firewall-offline-cmd starts a
 * Python interpreter per call, so this file is kept apart from validators.test.ts to run
 * on the other core; only the mixed data set is applied twice to prove re-runs are safe.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { get, useHarness } from './validators/harness.js'
import { itWithTools, ok, sh } from './validators/tools.js'

const { datasets: DATASETS, prepare, expectNoCanary } = useHarness('firewalld')

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

  for (const [label, make] of DATASETS) {
    itWithTools(
      `the script runs against firewall-offline-cmd with ${label}`,
      { bins: ['firewall-offline-cmd'], netns: true },
      () => {
        const input = make(f.name.default)
        const { dir } = prepare(f, input, 'firewalld.sh')
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
        // Twice for mixed data: the second run must replace, not duplicate or fail on, the first.
        const runs =
          label === 'mixed data' ? 'sh firewalld.sh && sh firewalld.sh' : 'sh firewalld.sh'
        ok(sh(runs, { cwd: dir, netns: true, env }), 'firewalld script')
        expectNoCanary()
        // The saved XML is firewalld's own state; reading it saves a Python start per query.
        const xml = (file: string) => readFileSync(join(config, file), 'utf8')
        for (const fam of ['ipv4', 'ipv6'] as const) {
          const set = `${input.name}-${fam === 'ipv4' ? 'v4' : 'v6'}`
          const entries = xml(`ipsets/${set}.xml`).match(/<entry>[^<]+<\/entry>/g) ?? []
          expect(entries.map((e) => e.slice(7, -8))).toEqual(input[fam].map((e) => e.prefix))
        }
        const sources = [...xml('zones/trusted.xml').matchAll(/<source ipset="([^"]+)"\/>/g)]
        expect(sources.map((m) => m[1]).sort()).toEqual([`${input.name}-v4`, `${input.name}-v6`])
      },
    )
  }
})
