/**
 * `npm run build` output runs on plain Node, laid out as the Dockerfile lays it out
 * (dist/, migrations/, node_modules/, package.json — no src/, no tsx): migrations are
 * found from dist, and the launcher says it runs the build.
 */
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, REPO_ROOT } from '../helpers/node-server.js'

let app: string

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'sg-build-'))
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', join(app, 'dist'), '--incremental', 'false', '--tsBuildInfoFile', 'null'], { cwd: REPO_ROOT, stdio: 'pipe' })
  cpSync(join(REPO_ROOT, 'migrations'), join(app, 'migrations'), { recursive: true })
  cpSync(join(REPO_ROOT, 'package.json'), join(app, 'package.json'))
  mkdirSync(join(app, 'scripts'))
  cpSync(join(REPO_ROOT, 'scripts/run.mjs'), join(app, 'scripts/run.mjs'))
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(app, 'node_modules'))
}, 300_000)
afterAll(() => rmSync(app, { recursive: true, force: true }))

const env = (dataDir: string, extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', DATA_DIR: dataDir, ...extra })

describe('the build in dist/', () => {
  it('runs the CLI on plain Node and finds the migrations', () => {
    const out = execFileSync(process.execPath, ['scripts/run.mjs', 'cli', '--init', 'migrate'], { cwd: app, env: env(join(app, 'data')), encoding: 'utf8' })
    expect(out).toMatch(/^applied 0001_catalogue, 0002_intake, 0003_audit_and_limits, 0004_desk_sessions/)
  }, 120_000)

  it('npm start runs node dist/… and says so; SIGTERM stops it cleanly', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['scripts/run.mjs', 'node'], { cwd: app, env: env(join(app, 'data2'), { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }), stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    try {
      let ready = false
      for (const until = Date.now() + 90_000; !ready && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 200))
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)
      }
      expect(ready, stderr).toBe(true)
      expect(stderr).toContain('scangate: running the build (node dist/platform/node.js)')
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
  }, 150_000)
})
