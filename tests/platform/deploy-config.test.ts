/**
 * The deployment files in deploy/, Dockerfile and compose.yaml are checked by the tools
 * that will read them where Debian has them (nginx -t, systemd-analyze verify), and for
 * the promises docs/deploy-node.md makes about them.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { REPO_ROOT } from '../helpers/node-server.js'

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0
const read = (p: string) => readFileSync(join(REPO_ROOT, p), 'utf8')

describe('deployment files', () => {
  it.skipIf(!has('nginx') || !has('openssl'))('nginx -t accepts deploy/nginx.conf (needs nginx-light and openssl)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-nginx-'))
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=scanners.example.com', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'pipe' })
      const site = read('deploy/nginx.conf')
        .replace('/etc/letsencrypt/live/scanners.example.com/fullchain.pem', join(dir, 'cert.pem'))
        .replace('/etc/letsencrypt/live/scanners.example.com/privkey.pem', join(dir, 'key.pem'))
        .replace('/var/log/nginx/scangate.access.log', join(dir, 'access.log'))
      writeFileSync(join(dir, 'site.conf'), site)
      writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid; error_log ${dir}/error.log;\nevents {}\nhttp { include ${dir}/site.conf; }\n`)
      const r = spawnSync('nginx', ['-t', '-q', '-p', `${dir}/`, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' })
      expect(r.status, r.stderr).toBe(0)
      // what the doc promises: X-Forwarded-For replaced (one trusted hop), ETags kept (no gzip), no query strings logged
      expect(site).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/)
      expect(site).toMatch(/^\s*gzip off;/m)
      expect(site).toMatch(/log_format scangate [^;]*\$uri/)
      expect(site).not.toMatch(/log_format scangate [^;]*\$request_uri/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.skipIf(!has('systemd-analyze'))('systemd-analyze verify accepts deploy/scangate.service, hardened as documented', () => {
    const unit = read('deploy/scangate.service')
    const dir = mkdtempSync(join(tmpdir(), 'sg-unit-'))
    try {
      // verify checks that ExecStart's binary exists: point it at this machine's node
      writeFileSync(join(dir, 'scangate.service'), unit.replace(/ExecStart=\S+/, `ExecStart=${process.execPath}`))
      const r = spawnSync('systemd-analyze', ['verify', join(dir, 'scangate.service')], { encoding: 'utf8' })
      expect(r.status, r.stderr).toBe(0)
      expect(r.stderr.split('\n').filter((l) => /scangate\.service/.test(l))).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    for (const line of ['DynamicUser=yes', 'ProtectSystem=strict', 'StateDirectory=scangate', 'NoNewPrivileges=yes', 'KillSignal=SIGTERM']) expect(unit).toContain(line)
  })

  it('the Dockerfile is multi-stage, runs the build as a non-root user, and checks /readyz; every path it copies exists', () => {
    const file = read('Dockerfile')
    const stages = file.match(/^FROM /gm) ?? []
    expect(stages.length).toBeGreaterThanOrEqual(2)
    const final = file.slice(file.lastIndexOf('\nFROM '))
    expect(final).toMatch(/^USER (?!root|0\b)\S+/m)
    expect(final).toMatch(/^HEALTHCHECK [^\n]*\\\n[^\n]*\/readyz/m)
    expect(final).toMatch(/^CMD \["node", "dist\/platform\/node\.js"\]/m)
    for (const [, src] of file.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const p of src!.split(/\s+/)) expect(existsSync(join(REPO_ROOT, p)), `COPY ${p}`).toBe(true)
    }
    // dist/platform/node.js is where tsconfig.build.json puts src/platform/node.ts
    const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { outDir: string; rootDir: string } }
    expect(build.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: 'src' })
  })

  it('compose.yaml runs scangate read-only against its Postgres', () => {
    const compose = parse(read('compose.yaml')) as { services: Record<string, Record<string, unknown>> }
    const app = compose.services.scangate!
    expect(app.read_only).toBe(true)
    expect(app.cap_drop).toEqual(['ALL'])
    expect(String((app.environment as Record<string, string>).DATABASE_URL)).toMatch(/^postgres:\/\/scangate:\$\{POSTGRES_PASSWORD\}@db:5432\/scangate$/)
    expect(app.depends_on).toEqual({ db: { condition: 'service_healthy' } })
    expect(compose.services.db!.healthcheck).toBeDefined()
  })
})
