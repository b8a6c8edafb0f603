import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'
import { TOKEN_PATTERN } from '../../src/domain/tokens.js'
import { openEmbedded, openPostgres } from '../../src/platform/node-database.js'
import { testDatabaseUrl } from '../helpers/test-db.js'

const run = promisify(execFile)
let dir: string
let env: NodeJS.ProcessEnv
let dropDatabase = async () => {}

async function cli(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/platform/cli.ts', ...args], { env, timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string }
    return { code: err.code, stdout: err.stdout, stderr: err.stderr }
  }
}

/** Opens the CLI's database from the test (the CLI has exited, so the embedded lock is free). */
async function withDatabase(fn: (db: Kysely<Database>) => Promise<unknown>): Promise<void> {
  const opened = env.DATABASE_URL ? openPostgres(env.DATABASE_URL, { max: 1 }) : await openEmbedded(join(dir, 'pgdata'))
  try {
    await fn(opened.db)
  } finally {
    await opened.close()
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scangate-cli-'))
  env = { ...process.env, DATA_DIR: dir, DATABASE_URL: '' }
  if (testDatabaseUrl) {
    // a database of its own on the server, so parallel test files cannot interfere
    const { default: pg } = await import('pg')
    const name = `sg_cli_${Date.now().toString(36)}`
    const c = new pg.Client({ connectionString: testDatabaseUrl })
    await c.connect()
    await c.query(`create database ${name}`)
    await c.end()
    const url = new URL(testDatabaseUrl)
    url.pathname = `/${name}`
    env.DATABASE_URL = url.toString()
    dropDatabase = async () => {
      const d = new pg.Client({ connectionString: testDatabaseUrl })
      await d.connect()
      await d.query(`drop database if exists ${name} with (force)`)
      await d.end()
    }
  }
})
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropDatabase()
})

describe('cli', () => {
  it('migrates, creates a token printed as the last line, lists it by prefix only, imports and publishes', async () => {
    const m = await cli('migrate')
    expect(m.code, m.stderr).toBe(0)
    expect(m.stdout).toMatch(/applied 0001_catalogue|schema is current/)

    const created = await cli('token', 'create', '--name', 'ci robot', '--scopes', 'ranges:write,reports:read')
    expect(created.code, created.stderr).toBe(0)
    const lines = created.stdout.trim().split('\n')
    const token = lines[lines.length - 1]!
    expect(token).toMatch(TOKEN_PATTERN)

    const csv = join(dir, 'ranges.csv')
    writeFileSync(csv, 'prefix,pool,region,label\n192.0.2.0/24,asv-external,eu-central,"Frankfurt, DE"\n2001:db8::/32,asv-external,global,\n')
    const bad = join(dir, 'bad.csv')
    writeFileSync(bad, 'prefix,pool,region\n198.51.100.0/24,p,r\n198.51.100.1/24,p,r\n')
    const rejected = await cli('import-ranges', bad)
    expect(rejected.code).toBe(1)
    expect(rejected.stderr).toMatch(/line 3: .*host bits/)

    const imported = await cli('import-ranges', csv)
    expect(imported.code, imported.stderr).toBe(0)
    expect(imported.stdout).toMatch(/imported 2 ranges/)

    const listed = await cli('token', 'list')
    expect(listed.stdout).toContain(token.slice(0, 11) + '…')
    expect(listed.stdout).not.toContain(token)
    expect(listed.stdout).toContain('ranges:write,reports:read')

    const published = await cli('publish', '--note', 'first')
    expect(published.stdout).toMatch(/^published: serial 1, 1 IPv4 \+ 1 IPv6 prefixes/)

    // token.create, range.import, catalogue.publish
    const intact = await cli('audit', 'verify')
    expect(intact.code, intact.stderr).toBe(0)
    expect(intact.stdout).toMatch(/audit trail intact: 3 events, head [0-9a-f]{64}/)

    // tamper in the database itself, then the same command must fail
    await withDatabase((db) => sql`update audit_events set actor = 'someone-else' where seq = 2`.execute(db))
    const broken = await cli('audit', 'verify')
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(/audit trail BROKEN at event 2/)
    await withDatabase((db) => sql`delete from audit_events where seq = 2`.execute(db))
    expect((await cli('audit', 'verify')).stderr).toMatch(/BROKEN at event 3: event 2 is missing/)
  }, 180_000)

  it('refuses unknown scopes and commands with a clear message', async () => {
    const r = await cli('token', 'create', '--name', 'x', '--scopes', 'ranges:delete')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/unknown scope 'ranges:delete'/)
    const u = await cli('frobnicate')
    expect(u.code).toBe(1)
    expect(u.stderr).toMatch(/unknown command 'frobnicate'/)
  }, 60_000)

  it.skipIf(testDatabaseUrl)('will not open an embedded database another live process holds', async () => {
    writeFileSync(join(dir, 'scangate.lock'), JSON.stringify({ pid: process.pid, who: 'the test runner' }))
    try {
      const r = await cli('migrate')
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/in use by the test runner/)
    } finally {
      rmSync(join(dir, 'scangate.lock'))
    }
  }, 60_000)
})
