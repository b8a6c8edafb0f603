/**
 * @module tests/domain/formatters/validators-waf.test
 * The WAF/IPS and proxy targets checked by the real Debian tools: `apache2 -t` with
 * mod_security2 (libapache2-mod-security2), `fail2ban-client -t` on a throwaway config
 * directory, and `caddy validate` / `caddy adapt`. Besides "the tool accepts it", each test
 * counts what the tool loaded (ignoreip addresses, remote_ip ranges), so a comment that
 * swallowed an entry or an entry that escaped its rule fails. Missing tools skip locally
 * and fail when CI is set.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { claimedCount, get, useHarness } from './validators/harness.js'
import { itWithTools, ok, sh } from './validators/tools.js'

const { datasets, prepare, expectNoCanary } = useHarness('validators-waf')

describe('apache2 -t with mod_security2', () => {
  const f = get('modsecurity')
  const modules = '/usr/lib/apache2/modules'
  for (const [label, make] of datasets) {
    itWithTools(`apache2 -t loads the SecRules with ${label}`, { bins: ['apache2'] }, () => {
      const input = make(f.name.default)
      const { dir, out } = prepare(f, input, 'scanners.conf')
      const conf = [
        `ServerRoot ${dir}`,
        'ServerName localhost',
        `PidFile ${dir}/httpd.pid`,
        `ErrorLog ${dir}/error.log`,
        'Listen 127.0.0.1:18091',
        `LoadModule mpm_event_module ${modules}/mod_mpm_event.so`,
        `LoadModule unique_id_module ${modules}/mod_unique_id.so`,
        `LoadModule security2_module ${modules}/mod_security2.so`,
        'SecRuleEngine On',
        `Include ${dir}/scanners.conf`,
        // A CRS-like rule after ours: ids must not clash and the file must end cleanly.
        'SecRule REQUEST_URI "@contains attack" "id:100,phase:1,deny,status:403"',
        '',
      ].join('\n')
      writeFileSync(join(dir, 'test.conf'), conf)
      ok(sh(`apache2 -t -f ${dir}/test.conf`, { cwd: dir }), 'apache2 -t')
      const rules = (out.match(/^SecRule REMOTE_ADDR /gm) ?? []).length
      const size = 500
      expect(rules).toBe(Math.ceil(input.ipv4.length / size) + Math.ceil(input.ipv6.length / size))
    })
  }
})

describe('fail2ban-client -t', () => {
  const f = get('fail2ban')
  for (const [label, make] of datasets) {
    itWithTools(`fail2ban-client -t accepts ${label} and ignores exactly its addresses`, { bins: ['fail2ban-client'] }, () => {
      const input = make(f.name.default)
      const { dir } = prepare(f, input, 'scanners.local')
      const conf = join(dir, 'f2b')
      for (const sub of ['jail.d', 'filter.d', 'action.d']) mkdirSync(join(conf, sub), { recursive: true })
      cpSync('/etc/fail2ban/fail2ban.conf', join(conf, 'fail2ban.conf'))
      for (const filter of ['sshd.conf', 'common.conf']) {
        cpSync(`/etc/fail2ban/filter.d/${filter}`, join(conf, 'filter.d', filter))
      }
      writeFileSync(join(dir, 'auth.log'), '')
      writeFileSync(
        join(conf, 'jail.conf'),
        ['[DEFAULT]', 'bantime = 10m', '[sshd]', 'enabled = true', 'backend = auto', `logpath = ${dir}/auth.log`, ''].join('\n'),
      )
      cpSync(join(dir, 'scanners.local'), join(conf, 'jail.d', `${f.name.default}.local`))
      ok(sh(`fail2ban-client -c ${conf} -t`, { cwd: dir }), 'fail2ban-client -t')
      const dump = ok(sh(`fail2ban-client -c ${conf} -d`, { cwd: dir }), 'fail2ban-client -d')
      const line = dump.split('\n').find((l) => l.includes("'addignoreip'")) ?? ''
      const ignored = [...line.matchAll(/'([0-9a-f.:]+\/\d+|[0-9a-f.:]+)'/g)].map((m) => m[1])
      expect(ignored.slice(2)).toEqual([...input.ipv4, ...input.ipv6].map((e) => e.prefix))
      expectNoCanary()
    })
  }
})

describe('caddy validate', () => {
  const f = get('caddy')
  for (const [label, make] of datasets) {
    itWithTools(`caddy validate accepts ${label}; the matcher holds every range`, { bins: ['caddy'] }, () => {
      const input = make(f.name.default)
      const { dir, out } = prepare(f, input, 'scanners.caddy')
      const name = input.name
      if (claimedCount(f, input) === 0) {
        // No entries, no snippet: nothing is defined that a site could import by mistake.
        expect(out).not.toMatch(/^[^#]/m)
        return
      }
      writeFileSync(
        join(dir, 'Caddyfile'),
        ['{', '\tadmin off', '\tauto_https off', '}', `import ${dir}/scanners.caddy`, ':18093 {', `\timport ${name}`, `\trespond @${name} "scanner" 200`, '\trespond "other" 403', '}', ''].join('\n'),
      )
      const env = { HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir }
      ok(sh('caddy validate --config Caddyfile --adapter caddyfile', { cwd: dir, env }), 'caddy validate')
      const json = JSON.parse(ok(sh('caddy adapt --config Caddyfile --adapter caddyfile', { cwd: dir, env }), 'caddy adapt'))
      const ranges = [...JSON.stringify(json).matchAll(/"ranges":\[([^\]]*)\]/g)].flatMap((m) => JSON.parse(`[${m[1]}]`) as string[])
      expect(ranges).toEqual([...input.ipv4, ...input.ipv6].map((e) => e.prefix))
    })
  }
})
