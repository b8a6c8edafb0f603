/**
 * @module scripts/blackbox
 * Helpers for scripts/blackbox.sh, one sub-command each (run with tsx):
 *
 *   create-db ADMIN_URL            create a fresh database, print its name
 *   drop-db ADMIN_URL NAME         drop it (disconnecting whatever is left)
 *   db-url ADMIN_URL NAME [--password]  the URL of that database (with a placeholder
 *                                  password if it has none: Miniflare's Hyperdrive needs one)
 *   free-port                      a free TCP port on 127.0.0.1
 *   wait-ready BASE_URL SECONDS PID  poll BASE_URL/readyz until 200, the deadline, or PID exits
 *   seed BASE_URL ADMIN_TOKEN      load tests/blackbox/support/seed.ts through the admin API
 *   get-ok URL                     one GET that must answer 200
 *   compare NAME=REPORT.json ...   per-target counts; fails unless every target ran the same
 *                                  tests with the same results
 *   bundle-budget WRANGLER_LOG KIB  fail when `wrangler deploy --dry-run` reported a larger gzip
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import pg from 'pg'
import { seedCatalogue } from '../tests/blackbox/support/seed.js'

const say = (line: string): void => void process.stdout.write(line + '\n')

function dbUrl(adminUrl: string, name: string, withPassword = false): string {
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  if (withPassword && !u.password) u.password = 'postgres'
  return u.toString()
}

async function onAdmin<T>(adminUrl: string, run: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 })
  await client.connect()
  try {
    return await run(client)
  } finally {
    await client.end()
  }
}

const SAFE_NAME = /^scangate_bb_[a-z0-9_]+$/

async function createDb(adminUrl: string): Promise<void> {
  const name = `scangate_bb_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  await onAdmin(adminUrl, (c) => c.query(`create database "${name}"`))
  say(name)
}

async function dropDb(adminUrl: string, name: string): Promise<void> {
  // only ever drop what create-db made
  if (!SAFE_NAME.test(name)) throw new Error(`refusing to drop ${name}: not a black-box database`)
  await onAdmin(adminUrl, (c) => c.query(`drop database if exists "${name}" with (force)`))
}

function freePort(): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address()
      server.close(() => {
        if (addr && typeof addr === 'object') say(String(addr.port))
        resolve()
      })
    })
  })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function waitReady(base: string, seconds: number, pid: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000
  let last = 'no answer'
  while (Date.now() < deadline) {
    if (!alive(pid)) throw new Error(`the server (pid ${pid}) exited before it was ready`)
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3000) })
      if (res.status === 200) return
      last = `${res.status} ${(await res.text()).slice(0, 200)}`
    } catch (err) {
      last = err instanceof Error ? err.message : String(err)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${base}/readyz not ready after ${seconds}s (last: ${last})`)
}

async function getOk(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) })
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`)
}

interface VitestReport {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[]
}

function compare(args: string[]): void {
  const runs = args.map((a) => {
    const [name, file] = a.split('=') as [string, string]
    const report = JSON.parse(readFileSync(file, 'utf8')) as VitestReport
    const results = new Map<string, string>()
    for (const f of report.testResults) {
      const rel = f.name.replace(/^.*\/tests\/blackbox\//, '')
      for (const t of f.assertionResults) results.set(`${rel} > ${t.fullName}`, t.status)
    }
    return { name, report, results }
  })
  for (const r of runs) {
    say(`black-box ${r.name}: ${r.report.numPassedTests} passed, ${r.report.numFailedTests} failed, ${r.report.numPendingTests} skipped`)
  }
  const [first, ...rest] = runs
  const differences: string[] = []
  for (const other of rest) {
    for (const key of new Set([...first!.results.keys(), ...other.results.keys()])) {
      const a = first!.results.get(key) ?? 'absent'
      const b = other.results.get(key) ?? 'absent'
      if (a !== b) differences.push(`${key}: ${first!.name} ${a}, ${other.name} ${b}`)
    }
  }
  if (differences.length) {
    say(`targets disagree on ${differences.length} test(s):\n  ${differences.join('\n  ')}`)
    process.exitCode = 1
  } else if (rest.length) {
    say(`same tests, same results on ${runs.map((r) => r.name).join(' and ')}`)
  }
  if (runs.some((r) => r.report.numFailedTests > 0 || r.report.numPassedTests === 0)) process.exitCode = 1
}

function bundleBudget(logFile: string, budgetKiB: number): void {
  const m = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(readFileSync(logFile, 'utf8'))
  if (!m) throw new Error(`no "Total Upload" line in ${logFile}: did the dry-run build fail?`)
  const gzip = Number(m[2])
  say(`Workers bundle: ${m[1]} KiB, ${gzip} KiB gzip (budget ${budgetKiB} KiB gzip)`)
  if (gzip > budgetKiB) {
    say('over budget: see docs/benchmarks.md ("Workers bundle") for what takes the space')
    process.exitCode = 1
  }
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...a] = argv
  if (cmd === 'create-db') return createDb(a[0]!)
  if (cmd === 'drop-db') return dropDb(a[0]!, a[1]!)
  if (cmd === 'db-url') return say(dbUrl(a[0]!, a[1]!, a[2] === '--password'))
  if (cmd === 'free-port') return freePort()
  if (cmd === 'wait-ready') return waitReady(a[0]!, Number(a[1]), Number(a[2]))
  if (cmd === 'seed') return say(`seeded and published serial ${await seedCatalogue(a[0]!, a[1]!)}`)
  if (cmd === 'get-ok') return getOk(a[0]!)
  if (cmd === 'compare') return compare(a)
  if (cmd === 'bundle-budget') return bundleBudget(a[0]!, Number(a[1]))
  throw new Error(`unknown command ${cmd ?? '(none)'}; see the comment atop scripts/blackbox.ts`)
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`blackbox: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
