/**
 * The real Node server with its embedded database, as an operator meets it:
 * - the CLI works while the server runs, through the control socket (mode 0600);
 * - `backup` under write load, `restore` into an empty DATA_DIR: every report and every
 *   version acknowledged before the backup is there, nothing else, and the audit chain
 *   verifies;
 * - SIGTERM: a request in flight is finished, new connections are refused, the shutdown
 *   steps run in order, and the lock and socket are gone when the process exits 0.
 * Skipped (visibly) with TEST_DATABASE_URL: the control channel and PGlite backups exist
 * for the embedded database only (with Postgres the CLI opens the database itself).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEmbedded } from '../../src/platform/node-database.js'
import { runCli, startNodeServer, type NodeServer } from '../helpers/node-server.js'
import { testDatabaseUrl } from '../helpers/test-db.js'

if (testDatabaseUrl) console.warn('[server-ops] skipped: the control channel and backups are for the embedded database (unset TEST_DATABASE_URL)')

function report(i: number): string {
  return JSON.stringify({
    sourceIps: [`192.0.2.${(i % 200) + 1}`],
    observedFrom: new Date(Date.now() - 3_600_000).toISOString(),
    target: `203.0.113.${i % 256}`,
    ports: [22],
    protocol: 'tcp',
    category: 'port-scan',
    description: `load ${i}`,
  })
}

describe.skipIf(testDatabaseUrl)('the embedded database while the server runs', () => {
  let dir: string
  let server: NodeServer
  let token: string
  const cli = (args: string[], dataDir = dir) => runCli(args, { DATA_DIR: dataDir }, 120_000)
  const admin = (path: string, body: unknown) =>
    fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sg-ops-'))
    server = await startNodeServer(
      { DATA_DIR: dir, LOG_LEVEL: 'info', RATE_LIMIT_REPORTS_PER_MINUTE: '1000000', RATE_LIMIT_REPORTS_PER_DAY: '1000000', SHUTDOWN_GRACE_MS: '8000' },
      { readyTimeoutMs: 120_000 },
    )
  }, 150_000)

  afterAll(async () => {
    await server?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs CLI commands inside the server through a 0600 socket in DATA_DIR', async () => {
    expect(statSync(join(dir, 'scangate.sock')).mode & 0o777).toBe(0o600)
    const created = await cli(['token', 'create', '--name', 'ops', '--scopes', 'ranges:write'])
    expect(created.code, created.stderr).toBe(0)
    expect(created.stderr).toContain(`database: embedded ${join(dir, 'pgdata')} (through the running server, pid ${server.pid})`)
    token = created.stdout.trim().split('\n').pop()!
    // the token lives in the server's database: the API accepts it at once
    const ranges = await fetch(`${server.url}/v1/admin/ranges`, { headers: { authorization: `Bearer ${token}` } })
    expect(ranges.status).toBe(200)

    const csv = join(dir, 'new.csv')
    writeFileSync(csv, 'prefix,pool,region\n100.64.10.0/24,asv-external,eu-west\n')
    const imported = await cli(['import-ranges', csv])
    expect(imported.code, imported.stderr).toBe(0)
    const before = Number((await fetch(`${server.url}/v1/ranges`)).headers.get('x-feed-serial'))
    // active at once, so short of the notice period: forced, with the reason the policy asks for
    const published = await cli(['publish', '--force', '--reason', 'test range, active at once', '--note', 'through the socket'])
    expect(published.code, published.stderr).toBe(0)
    expect(published.stdout).toMatch(new RegExp(`^published: serial ${before + 1}`))
    // no restart, no waiting for a refresh: the server's caches know about the publish
    const feed = await fetch(`${server.url}/v1/ranges`)
    expect(feed.headers.get('x-feed-serial')).toBe(String(before + 1))
    expect(await feed.text()).toContain('100.64.10.0/24')

    const failed = await cli(['ranges', 'delete', '00000000-0000-0000-0000-000000000000'])
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/No range with id 00000000/)
  }, 240_000)

  it('backs up under write load and restores every acknowledged report and version', async () => {
    const acked: { ref: string; at: number }[] = []
    const serials: { serial: number; at: number }[] = []
    let stop = false
    let n = 0
    const reporter = async () => {
      while (!stop) {
        const i = n++
        const res = await fetch(`${server.url}/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: report(i) })
        const body = (await res.json()) as { ref?: string }
        if (res.status === 201 && body.ref) acked.push({ ref: body.ref, at: Date.now() })
      }
    }
    const publisher = async () => {
      for (let i = 0; !stop; i++) {
        const r = await admin('/v1/admin/ranges', { prefix: `100.${65 + Math.floor(i / 256)}.${i % 256}.0/24`, pool: 'asv-external', region: 'eu-west' })
        expect(r.status).toBe(201)
        const p = await admin('/v1/admin/publish', { force: true, reason: 'load test: ranges active at once' })
        if (p.status === 201) serials.push({ serial: ((await p.json()) as { version: { serial: number } }).version.serial, at: Date.now() })
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    const load = [reporter(), reporter(), reporter(), publisher()]
    // the backup starts once the load is under way (bounded: this machine may be busy)
    for (const until = Date.now() + 90_000; (acked.length < 20 || serials.length < 2) && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 100))
    }
    const backupStarted = Date.now()
    const file = join(dir, 'scangate.backup')
    const backup = await cli(['backup', file])
    stop = true
    await Promise.all(load)
    expect(backup.code, backup.stderr).toBe(0)
    expect(backup.stdout).toMatch(/backup written to .* signing key included/)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const ackedBefore = acked.filter((a) => a.at < backupStarted).map((a) => a.ref)
    const serialsBefore = serials.filter((s) => s.at < backupStarted).map((s) => s.serial)
    expect(ackedBefore.length).toBeGreaterThanOrEqual(20)
    expect(serialsBefore.length).toBeGreaterThanOrEqual(2)

    const target = join(mkdtempSync(join(tmpdir(), 'sg-restore-')), 'data')
    try {
      const restored = await cli(['restore', file], target)
      expect(restored.code, restored.stderr).toBe(0)
      expect(readFileSync(join(target, 'feed-signing-key'), 'utf8')).toBe(readFileSync(join(dir, 'feed-signing-key'), 'utf8'))
      expect(statSync(join(target, 'feed-signing-key')).mode & 0o777).toBe(0o600)
      const verified = await cli(['audit', 'verify'], target)
      expect(verified.code, verified.stderr).toBe(0)
      expect(verified.stdout).toMatch(/audit trail intact/)

      const opened = await openEmbedded(join(target, 'pgdata'))
      try {
        const refs = new Set((await opened.db.selectFrom('reports').select('ref').execute()).map((r) => r.ref))
        for (const ref of ackedBefore) expect(refs.has(ref), `report ${ref} acknowledged before the backup`).toBe(true)
        // a consistent snapshot holds nothing that was never acknowledged
        const everAcked = new Set(acked.map((a) => a.ref))
        for (const ref of refs) expect(everAcked.has(ref), `report ${ref} in the backup`).toBe(true)
        const versions = (await opened.db.selectFrom('feed_versions').select('serial').orderBy('serial').execute()).map((v) => v.serial)
        expect(versions).toEqual(versions.map((_, i) => i + 1))
        for (const s of serialsBefore) expect(versions).toContain(s)
      } finally {
        await opened.close()
      }
      // a second restore over it is refused: restore never overwrites a database
      const again = await cli(['restore', file], target)
      expect(again.code).toBe(1)
      expect(again.stderr).toMatch(/is not empty/)
    } finally {
      rmSync(join(target, '..'), { recursive: true, force: true })
    }
  }, 300_000)

  it('finishes a request in flight on SIGTERM, refuses new ones, and exits 0 with the lock released', async () => {
    const body = report(99_999)
    const half = Math.floor(body.length / 2)
    const socket = connect(server.port, '127.0.0.1')
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => (answer += d))
    const closed = new Promise((r) => socket.on('close', r))
    await new Promise((r) => socket.on('connect', r))
    socket.write(`POST /v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`)
    await new Promise((r) => setTimeout(r, 300))
    server.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 500))
    await expect(fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow()
    socket.write(body.slice(half))
    await closed
    expect(answer).toMatch(/^HTTP\/1\.1 201 /)
    expect(answer).toMatch(/"ref":"R-/)
    expect(await server.exited).toBe(0)
    const steps = [...server.output().matchAll(/"step":"([^"]+)","outcome":"([^"]+)"/g)].map((m) => `${m[1]}: ${m[2]}`)
    expect(steps).toEqual([
      'stop accepting; finish requests in flight: done',
      'close the metrics listener: done',
      'finish control-channel commands: done',
      'stop the SMTP listener; send mail already due: done',
      'flush outbox: done',
      'close redis: done',
      'close the database: done',
    ])
    expect(server.output()).toMatch(/"msg":"stopped"/)
    expect(existsSync(join(dir, 'scangate.lock'))).toBe(false)
    expect(existsSync(join(dir, 'scangate.sock'))).toBe(false)
  }, 120_000)
})
