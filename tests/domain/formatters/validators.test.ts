/**
 * @module tests/domain/formatters/validators.test
 * Feeds rendered snippets to the real tools from Debian, each in a throwaway network
 * namespace or temp dir: nft, iptables/ip6tables-restore, ipset, ufw, nginx, apache2,
 * haproxy and botocore (firewalld has its own file, so it runs on the other core). Every
 * tool sees four data sets (mixed, 10 000 prefixes per family, hostile comments, empty)
 * and must accept them with the rule count unchanged. Where the header documents apply
 * commands, those very commands run, twice, to prove re-runs are idempotent. Shell scripts run for real
 * with the firewall commands replaced by recorders, and a canary file proves no comment
 * reached the shell. Missing tools skip locally and fail when CI is set (see tools.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect } from 'vitest'
import type { SnippetInput } from '../../../src/domain/formatters/formatter.js'
import { resolveSnippetOptions } from '../../../src/domain/formatters/index.js'
import { goldenInput } from './fixtures.js'
import {
  RECORDER,
  applyCommands,
  claimedCount,
  countMatches,
  get,
  helper,
  records,
  useHarness,
} from './validators/harness.js'
import { SYSTEM_PYTHON, itWithTools, missing, ok, sh } from './validators/tools.js'

const harness = useHarness('validators')
const { datasets: DATASETS, prepare, expectNoCanary } = harness

// ---------------------------------------------------------------------------------------

describe.each(['iptables', 'ip6tables'])('%s-restore', (id) => {
  const f = get(id)
  for (const [label, make] of DATASETS) {
    itWithTools(
      `${id}-restore --test and the documented apply accept ${label}`,
      { bins: [`${id}-restore`], netns: true },
      () => {
        const input = make(f.name.default)
        const file = f.fileName(input)
        const { dir, out } = prepare(f, input, file)
        const apply = applyCommands(out, [`${id}-restore`, id]).join('\n')
        const save = ok(
          sh(
            [
              'set -e',
              `${id} -P INPUT DROP`,
              `${id} -A INPUT -j DROP`,
              `${id}-restore --test --noflush ${file}`,
              apply,
              apply,
              `${id}-save`,
            ].join('\n'),
            { cwd: dir, netns: true },
          ),
          id,
        )
        const chain = input.name
        expect(countMatches(save, new RegExp(`^-A ${chain} -s `, 'm'))).toBe(claimedCount(f, input))
        expect(save).toMatch(/^:INPUT DROP/m)
        const inputRules = save.split('\n').filter((l) => l.startsWith('-A INPUT '))
        // A file without entries documents no command and declares no chain.
        const empty = claimedCount(f, input) === 0
        expect(apply === '').toBe(empty)
        expect(save.includes(`:${chain} `)).toBe(!empty)
        expect(inputRules).toEqual([...(empty ? [] : [`-A INPUT -j ${chain}`]), '-A INPUT -j DROP'])
      },
    )
  }
})

describe('ipset restore', () => {
  const f = get('ipset')
  for (const [label, make] of DATASETS) {
    itWithTools(
      `ipset restore and the documented rules accept ${label}`,
      { bins: ['ipset', 'iptables', 'ip6tables'], netns: true },
      () => {
        const input = make(f.name.default)
        const { dir, out } = prepare(f, input, f.fileName(input))
        const apply = applyCommands(out, ['ipset', 'iptables', 'ip6tables']).join('\n')
        // A family without entries gets no set and no rule: nothing of it is touched.
        const carried = (['ipv4', 'ipv6'] as const).filter((fam) => input[fam].length > 0)
        expect(apply.includes('ipset restore')).toBe(carried.length > 0)
        const restore = `ipset restore -file ${f.fileName(input)}`
        const dump = ok(
          sh(
            ['set -e', restore, apply, apply, 'ipset save', 'iptables-save', 'ip6tables-save'].join(
              '\n',
            ),
            { cwd: dir, netns: true },
          ),
          'ipset',
        )
        expect(countMatches(dump, new RegExp(`^add ${input.name}-v4 `, 'm'))).toBe(
          input.ipv4.length,
        )
        expect(countMatches(dump, new RegExp(`^add ${input.name}-v6 `, 'm'))).toBe(
          input.ipv6.length,
        )
        expect(dump).not.toContain('-new')
        for (const fam of ['ipv4', 'ipv6'] as const) {
          const set = `${input.name}-${fam === 'ipv4' ? 'v4' : 'v6'}`
          const n = carried.includes(fam) ? 1 : 0
          expect(countMatches(dump, new RegExp(`^create ${set} `, 'm'))).toBe(n)
          expect(countMatches(dump, new RegExp(`--match-set ${set} src -j ACCEPT`))).toBe(n)
        }
      },
    )
  }
})

describe('nft -f', () => {
  const f = get('nftables')
  const stub =
    'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t}\n}\n'
  for (const [label, make] of DATASETS) {
    itWithTools(
      `nft -c and the documented apply accept ${label}`,
      { bins: ['nft'], netns: true },
      () => {
        const input = make(f.name.default)
        const { dir, out } = prepare(f, input, f.fileName(input))
        writeFileSync(join(dir, 'customer.nft'), stub)
        const apply = applyCommands(out, ['nft']).join('\n')
        const file = f.fileName(input)
        const result = ok(
          sh(
            [
              'set -e',
              'nft -f customer.nft',
              // The file itself must load even when the header documents nothing to apply.
              `nft -c -f ${file}`,
              apply,
              apply,
              'nft -j list sets',
              'nft list chain inet filter input',
            ].join('\n'),
            { cwd: dir, netns: true },
          ),
          'nft',
        )
        const doc = JSON.parse(result.split('\n').find((l) => l.startsWith('{')) ?? '{}') as {
          nftables: Array<{ set?: { name: string; elem?: unknown[] } }>
        }
        const sets = new Map(
          doc.nftables.flatMap((x) => (x.set ? [[x.set.name, x.set.elem?.length ?? 0]] : [])),
        )
        // A family without entries gets no set at all, and no rule.
        const expected = new Map<string, number>()
        if (input.ipv4.length > 0) expected.set(`${input.name}_v4`, input.ipv4.length)
        if (input.ipv6.length > 0) expected.set(`${input.name}_v6`, input.ipv6.length)
        expect(sets).toEqual(expected)
        expect(countMatches(result, new RegExp(`ip saddr @${input.name}_v4 accept`))).toBe(
          input.ipv4.length > 0 ? 1 : 0,
        )
        expect(countMatches(result, new RegExp(`ip6 saddr @${input.name}_v6 accept`))).toBe(
          input.ipv6.length > 0 ? 1 : 0,
        )
      },
    )
  }
})

// ---------------------------------------------------------------------------------------
// Shell-script targets: run the script with the firewall command replaced by a recorder.

describe('ufw --dry-run', () => {
  const f = get('ufw')
  const needs = { bins: ['ufw'], python: ['ufw.frontend'], netns: true }

  itWithTools('the real ufw --dry-run accepts the golden snippet', needs, () => {
    const { dir } = prepare(f, goldenInput(f.name.default), 'rules.sh')
    const script = `ufw() { command ufw --dry-run "$@" > /dev/null; }\n. ./rules.sh`
    ok(sh(script, { cwd: dir, netns: true }), 'ufw --dry-run')
  })

  for (const [label, make] of DATASETS) {
    itWithTools(`ufw's parser and dry-run backend accept ${label}`, needs, () => {
      const input = make(f.name.default)
      const { dir } = prepare(f, input, 'rules.sh')
      const calls = join(dir, 'calls.log')
      writeFileSync(calls, '')
      ok(
        sh(`${RECORDER}\nufw() { record "$@"; }\n. ./rules.sh`, {
          cwd: dir,
          env: { CALLS: calls },
        }),
        'script',
      )
      expectNoCanary()
      const argv = records(calls)
      expect(argv.map((a) => a[3])).toEqual([...input.ipv4, ...input.ipv6].map((e) => e.prefix))
      const check = JSON.parse(
        ok(
          sh(`${SYSTEM_PYTHON} ${helper('ufw_check.py')} calls.log`, { cwd: dir, netns: true }),
          'ufw check',
        ),
      ) as { ok: number; errors: string[] }
      expect(check.errors).toEqual([])
      expect(check.ok).toBe(argv.length)
    })
  }
})

describe('botocore parameter validation', () => {
  const ids = ['aws-security-group', 'aws-prefix-list', 'aws-wafv2-ipset']
  const needs = { bins: [], python: ['botocore'] }
  const runs = new Map<string, { expected: number; input: SnippetInput }>()
  let report: Record<string, { calls: Array<[string, string, number]>; errors: string[] }> = {}
  const sgEnv: Record<string, string> = {}
  for (let i = 1; i <= 400; i++) sgEnv[`SG_${i}`] = `sg-${String(i).padStart(17, '0')}`

  const awsRecorder = [
    RECORDER,
    'aws() {',
    '  record "$@"',
    '  for a in "$@"; do case "$a" in file://*) cp "${a#file://}" "$RUN_DIR/" ;; esac; done',
    '  case "$2" in',
    '    create-managed-prefix-list) echo pl-0123456789abcdef0 ;;',
    '    describe-managed-prefix-lists) echo create-complete ;;',
    '  esac',
    '}',
  ].join('\n')

  beforeAll(() => {
    if (missing(needs) !== null) return
    const root = join(harness.scratch, 'aws')
    mkdirSync(root)
    for (const id of ids) {
      const f = get(id)
      DATASETS.forEach(([label, make], i) => {
        const base = make(f.name.default)
        const input = { ...base, maxEntries: resolveSnippetOptions(f, {}).maxEntries }
        const run = `${id}-${i}`
        const dir = join(root, run)
        mkdirSync(dir)
        writeFileSync(join(dir, 'script.sh'), f.render(input))
        writeFileSync(join(dir, 'calls.log'), '')
        const env = { ...sgEnv, CALLS: join(dir, 'calls.log'), RUN_DIR: dir }
        ok(sh(`${awsRecorder}\n. ./script.sh`, { cwd: dir, env }), `${id} ${label}`)
        runs.set(run, { expected: input.ipv4.length + input.ipv6.length, input })
      })
    }
    const out = ok(
      sh(`${SYSTEM_PYTHON} ${helper('botocore_check.py')} ${root}`, { cwd: root }),
      'botocore',
    )
    report = JSON.parse(out) as typeof report
  }, 60_000)

  for (const id of ids) {
    DATASETS.forEach(([label], i) => {
      itWithTools(`${id} request bodies pass botocore with ${label}`, needs, () => {
        const run = runs.get(`${id}-${i}`)
        const result = report[`${id}-${i}`]
        expect(run && result).toBeTruthy()
        if (!run || !result) return
        expectNoCanary()
        expect(result.errors).toEqual([])
        const entries = result.calls.reduce((n, c) => n + c[2], 0)
        expect(entries).toBe(run.expected)
      })
    })
  }
})

// ---------------------------------------------------------------------------------------
// Web servers: include the snippet in a minimal configuration and run the config test.

describe('nginx -t', () => {
  const f = get('nginx')
  for (const [label, make] of DATASETS) {
    itWithTools(`nginx -t accepts ${label}`, { bins: ['nginx'] }, () => {
      const input = make(f.name.default)
      const { dir } = prepare(f, input, 'scanners.conf')
      const conf = [
        `pid ${dir}/nginx.pid;`,
        'error_log stderr;',
        'events {}',
        'http {',
        '  access_log off;',
        '  server {',
        '    listen 127.0.0.1:18080;',
        '    location / {',
        `      include ${dir}/scanners.conf;`,
        '      deny all;',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n')
      writeFileSync(join(dir, 'test.conf'), conf)
      ok(sh(`nginx -t -q -e stderr -p ${dir}/ -c ${dir}/test.conf`, { cwd: dir }), 'nginx -t')
    })
  }
})

describe('apache2 -t', () => {
  const f = get('apache')
  const modules = '/usr/lib/apache2/modules'
  for (const [label, make] of DATASETS) {
    itWithTools(`apache2 -t accepts ${label}`, { bins: ['apache2'] }, () => {
      const input = make(f.name.default)
      const { dir } = prepare(f, input, 'scanners.conf')
      mkdirSync(join(dir, 'www'))
      const conf = [
        `ServerRoot ${dir}`,
        'ServerName localhost',
        `PidFile ${dir}/httpd.pid`,
        `ErrorLog ${dir}/error.log`,
        'Listen 127.0.0.1:18081',
        // apache2 -t refuses a configuration without an MPM.
        `LoadModule mpm_event_module ${modules}/mod_mpm_event.so`,
        `LoadModule authz_core_module ${modules}/mod_authz_core.so`,
        `LoadModule authz_host_module ${modules}/mod_authz_host.so`,
        `<Directory ${dir}/www>`,
        `  Include ${dir}/scanners.conf`,
        '</Directory>',
        '',
      ].join('\n')
      writeFileSync(join(dir, 'test.conf'), conf)
      ok(sh(`apache2 -t -f ${dir}/test.conf`, { cwd: dir }), 'apache2 -t')
    })
  }
})

describe('haproxy -c', () => {
  const f = get('haproxy')
  for (const [label, make] of DATASETS) {
    itWithTools(`haproxy -c loads the ACL file with ${label}`, { bins: ['haproxy'] }, () => {
      const input = make(f.name.default)
      const { dir } = prepare(f, input, 'scanners.lst')
      const acl = input.name
      const conf = [
        'defaults',
        '  mode http',
        '  timeout connect 1s',
        '  timeout client 1s',
        '  timeout server 1s',
        'frontend fe',
        '  bind 127.0.0.1:18082',
        `  acl ${acl} src -f ${dir}/scanners.lst`,
        `  http-request allow if ${acl}`,
        '  http-request deny',
        '',
      ].join('\n')
      writeFileSync(join(dir, 'test.cfg'), conf)
      ok(sh(`haproxy -c -q -f ${dir}/test.cfg`, { cwd: dir }), 'haproxy -c')
    })
  }
})
