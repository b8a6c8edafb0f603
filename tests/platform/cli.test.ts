import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../../src/db/schema.js'
import { SCOPES, TOKEN_PATTERN } from '../../src/domain/tokens.js'
import { openEmbedded, openPostgres } from '../../src/platform/node-database.js'
import { openTestDb, testDatabaseUrl } from '../helpers/test-db.js'
import { buildApp, DAY, jsonBody, testClock, tokenWith } from '../helpers/test-app.js'

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
    const m = await cli('--init', 'migrate')
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
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID\s+PREFIX\s+NAME\s+SCOPES\s+STATE\s+EXPIRES\s+LAST USED$/)
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

  it('import-ranges takes the service’s own /v1/ranges.csv (round trip) and names overlaps by line', async () => {
    // another service's catalogue, exported as its feed CSV
    const source = await openTestDb()
    try {
      const clock = testClock(new Date().toISOString())
      const app = buildApp(source.db, clock)
      const admin = await tokenWith(source.db, 'ranges:write')
      const at = (days: number) => new Date(clock.now().getTime() + days * DAY).toISOString()
      for (const body of [
        { prefix: '198.18.0.0/24', pool: 'asv-external', region: 'eu-central', label: 'Frankfurt, "DE"', activeFrom: at(-10) },
        { prefix: '198.18.1.0/24', pool: 'web-app', region: 'us-east', label: '=cmd|calc', activeFrom: at(-10), retireAt: at(20) },
        { prefix: '198.18.2.0/25', pool: 'web-app', region: 'us-east', label: '', activeFrom: at(14) },
        { prefix: '2001:db9::/48', pool: 'asv-external', region: 'global', label: 'v6', activeFrom: at(-10) },
      ]) {
        expect((await app.request('/v1/admin/ranges', jsonBody('POST', body, admin))).status).toBe(201)
      }
      expect((await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))).status).toBe(201)
      const exported = await (await app.request('/v1/ranges.csv')).text()
      const original = await (await app.request('/v1/ranges')).json()
      const file = join(dir, 'exported.csv')
      writeFileSync(file, exported)

      const imported = await cli('import-ranges', file)
      expect(imported.code, imported.stderr).toBe(0)
      expect(imported.stdout).toMatch(/imported 4 ranges/)
      await withDatabase(async (db) => {
        const rows = await sql<{ prefix: string; pool: string; region: string; label: string; active_from: Date; retire_at: Date | null }>`
          select prefix::text as prefix, pool, region, label, active_from, retire_at from scanner_ranges
          where prefix <<= '198.18.0.0/15'::cidr or family = 6 and prefix <<= '2001:db9::/32'::cidr order by family, prefix`.execute(db)
        const entries = [...original.ipv4, ...original.ipv6]
        expect(rows.rows.map((r) => ({ prefix: r.prefix, pool: r.pool, region: r.region, label: r.label, activeFrom: new Date(r.active_from).toISOString(), retireAt: r.retire_at ? new Date(r.retire_at).toISOString() : null }))).toEqual(
          entries.map((e: Record<string, unknown>) => ({ prefix: e.prefix, pool: e.pool, region: e.region, label: e.label, activeFrom: e.activeFrom, retireAt: e.retireAt })),
        )
      })

      // the same file again: every line overlaps what is now in the catalogue
      const again = await cli('import-ranges', file)
      expect(again.code).toBe(1)
      expect(again.stderr).toMatch(/nothing imported; 4 overlaps/)
      expect(again.stderr).toContain('line 2: 198.18.0.0/24 overlaps 198.18.0.0/24 (already in the catalogue)')
      expect(again.stderr).toContain('line 5: 2001:db9::/48 overlaps 2001:db9::/48 (already in the catalogue)')
      // and overlaps inside one file name both lines
      const inner = join(dir, 'inner.csv')
      writeFileSync(inner, 'prefix,pool,region\n100.64.0.0/24,p,r\n203.0.113.0/24,p,r\n203.0.113.128/25,p,r\n')
      const clash = await cli('import-ranges', inner)
      expect(clash.code).toBe(1)
      expect(clash.stderr).toContain('line 4: 203.0.113.128/25 overlaps 203.0.113.0/24 (line 3)')
      // never published: remove them again so later tests see the catalogue as they left it
      const ids = await new Promise<string[]>((resolve) => {
        void withDatabase(async (db) => resolve((await sql<{ id: string }>`select id from scanner_ranges where prefix <<= '198.18.0.0/15'::cidr or (family = 6 and prefix <<= '2001:db9::/32'::cidr)`.execute(db)).rows.map((r) => r.id)))
      })
      for (const id of ids) expect((await cli('ranges', 'delete', id)).code).toBe(0)
    } finally {
      await source.close()
    }
  }, 180_000)

  it('refuses unknown scopes and commands with a clear message', async () => {
    const r = await cli('token', 'create', '--name', 'x', '--scopes', 'ranges:delete')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/unknown scope 'ranges:delete'/)
    const u = await cli('frobnicate')
    expect(u.code).toBe(1)
    expect(u.stderr).toMatch(/unknown command 'frobnicate'/)
  }, 60_000)

  it('names the database it uses, never with the password', async () => {
    const r = await cli('token', 'list')
    expect(r.code, r.stderr).toBe(0)
    if (env.DATABASE_URL) {
      const u = new URL(env.DATABASE_URL)
      expect(r.stderr).toContain(`database: postgres ${u.username ? u.username + '@' : ''}${u.hostname}:${u.port || '5432'}${u.pathname}`)
      if (u.password) expect(r.stderr).not.toContain(u.password)
    } else {
      expect(r.stderr).toContain(`database: embedded ${join(dir, 'pgdata')}`)
    }
  }, 60_000)

  it('lists every command and scope for --help, and exits 2 with the same text when given nothing', async () => {
    const help = await cli('--help')
    expect(help.code).toBe(0)
    for (const c of ['migrate', 'token create', 'token list', 'token revoke', 'import-ranges', 'ranges list', 'ranges retire', 'ranges delete', 'publish', 'keygen', 'audit verify', 'purge', 'backup', 'restore']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'))
    }
    for (const s of SCOPES) expect(help.stdout).toContain(s)
    expect(help.stdout).toContain('--dry-run')
    const bare = await cli()
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain(help.stdout.trim())
  }, 60_000)

  it('lists, retires and deletes ranges; publish --dry-run prints the diff and writes nothing', async () => {
    const csv = join(dir, 'more.csv')
    writeFileSync(csv, 'prefix,pool,region\n203.0.113.0/25,asv-external,eu-west\n198.51.100.0/24,asv-external,eu-west\n')
    expect((await cli('import-ranges', csv)).code).toBe(0)
    const listed = await cli('ranges', 'list')
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID\s+PREFIX\s+POOL\s+REGION\s+STATUS\s+ACTIVE FROM\s+RETIRE AT\s+LABEL$/)
    const idOf = (prefix: string) => new RegExp(`^([0-9a-f-]{36})\\s+${prefix.replace(/[./]/g, '\\$&')}\\s`, 'm').exec(listed.stdout)?.[1]
    const published = idOf('192.0.2.0/24')!
    const fresh = idOf('203.0.113.0/25')!
    expect(published).toBeTruthy()
    expect(fresh).toBeTruthy()

    const dry = await cli('publish', '--dry-run')
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/dry run against serial 1: 2 added, 0 removed, 0 changed/)
    expect(dry.stdout).toMatch(/^\+ 203\.0\.113\.0\/25 active/m)
    expect((await cli('publish', '--dry-run')).stdout).toMatch(/dry run against serial 1/)

    // a published range cannot be deleted, only retired
    const refused = await cli('ranges', 'delete', published)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/192\.0\.2\.0\/24 has been published; schedule its retirement/)
    const badDate = await cli('ranges', 'retire', published, '--at', 'next tuesday')
    expect(badDate.code).toBe(1)
    expect(badDate.stderr).toMatch(/--at takes an ISO 8601 date/)
    const retire = await cli('ranges', 'retire', published, '--at', '2031-01-01T00:00:00Z')
    expect(retire.code, retire.stderr).toBe(0)
    expect(retire.stdout).toMatch(/192\.0\.2\.0\/24 retires at 2031-01-01T00:00:00\.000Z/)

    const deleted = await cli('ranges', 'delete', fresh)
    expect(deleted.code, deleted.stderr).toBe(0)
    expect(deleted.stdout).toMatch(/deleted 203\.0\.113\.0\/25/)
    const after = await cli('ranges', 'list')
    expect(after.stdout).not.toContain('203.0.113.0/25')
    expect(after.stdout).toMatch(/192\.0\.2\.0\/24\s+\S+\s+\S+\s+retiring\s+\S+\s+2031-01-01T00:00:00\.000Z/)

    const dry2 = await cli('publish', '--dry-run')
    expect(dry2.stdout).toMatch(/1 added, 0 removed, 1 changed/)
    expect(dry2.stdout).toMatch(/^~ 192\.0\.2\.0\/24 .*retireAt: null → 2031-01-01T00:00:00\.000Z/m)
    await withDatabase(async (db) => {
      const versions = await db.selectFrom('feed_versions').select('serial').execute()
      expect(versions.map((v) => v.serial)).toEqual([1])
      const actions = await db.selectFrom('audit_events').select('action').orderBy('seq').execute()
      expect(actions.map((a) => a.action).slice(-2)).toEqual(['range.update', 'range.delete'])
    })
  }, 180_000)

  it.skipIf(testDatabaseUrl)('refuses to create an embedded database unless asked with --init', async () => {
    const elsewhere = join(dir, 'typo')
    const { stdout, stderr, code } = await run(process.execPath, ['--import', 'tsx', 'src/platform/cli.ts', 'token', 'create', '--name', 'x', '--scopes', 'reports:read'], { env: { ...env, DATA_DIR: elsewhere }, timeout: 60_000 }).then(
      (r) => ({ ...r, code: 0 }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    )
    expect(code).toBe(1)
    expect(stderr).toMatch(/there is no embedded database at .*typo\/pgdata.*--init/)
    expect(stdout).not.toMatch(/sg_/)
    expect(existsSync(elsewhere)).toBe(false)
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
