/**
 * @module tests/reliability/migration-upgrade
 * Upgrading a database that holds data keeps the data. The migrations are applied one
 * at a time (a provider limited to the first N files); after each step, rows written in
 * the shape of that step's schema are added, and every row written before must come
 * through every later step unchanged (compared column by column, so a migration may add
 * columns but not rewrite values). At the end, today's app serves the old data: the
 * version published under the first schema, the token made then, the case filed then.
 *
 * The rows are written with plain SQL frozen in time, not with today's repository code,
 * which may already need tables from later migrations.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { latestAppliedMigration, migrateToLatest } from '../../src/db/migrate.js'
import { LATEST_MIGRATION } from '../../src/db/schema-version.js'
import { SqlFileMigrationProvider } from '../../src/db/sql-file-migration-provider.js'
import { feedSha256, type FeedLists } from '../../src/domain/feed-version.js'
import { sha256Hex } from '../../src/domain/sha256.js'
import { MIGRATIONS_DIR } from '../../src/platform/node-database.js'
import { openEmptyDb, type EmptyDb } from '../helpers/empty-db.js'
import { bearer, buildApp, testClock } from '../helpers/test-app.js'

const FILE = /^\d{4}_[a-z0-9_]+\.sql$/
const files = (await readdir(MIGRATIONS_DIR)).filter((f) => FILE.test(f)).sort()

/** The migrations in migrations/, limited to the first `n`. */
function firstMigrations(n: number): SqlFileMigrationProvider {
  return new SqlFileMigrationProvider({
    list: async () => files.slice(0, n),
    read: (name) => readFile(join(MIGRATIONS_DIR, name), 'utf8'),
  })
}

// what the data written under the old schemas holds, checked against today's app at the end
const ADMIN_TOKEN = `sg_${'UpgradeTestToken'.repeat(2)}`
const RANGE_V4 = '192.0.2.0/24'
const RANGE_V6 = '2001:db8:1000::/36'
const CASE_ID = '0c6f2a57-5d7e-4b57-9a4e-0f4a1c2b3d4e'
const REPORT_ID = '7d1e0c8a-3b2f-4c5d-8e9f-a0b1c2d3e4f5'
const SESSION_ID = '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d'
const REPORT_REF = 'R-7K3M9Q2XTV'
const LISTS: FeedLists = {
  ipv4: [{ prefix: RANGE_V4, pool: 'asv-external', region: 'eu-central', label: 'Frankfurt', status: 'active', activeFrom: '2026-10-01T00:00:00.000Z', retireAt: null }],
  ipv6: [{ prefix: RANGE_V6, pool: 'asv-external', region: 'global', label: '', status: 'active', activeFrom: '2026-10-01T00:00:00.000Z', retireAt: null }],
}

/** Rows in the shape of each migration's schema, written right after it is applied. */
const SEEDS: Record<string, (db: Kysely<any>) => Promise<void>> = {
  '0001_catalogue': async (db) => {
    await sql`insert into scanner_ranges (prefix, family, pool, region, label, active_from) values
      (${RANGE_V4}, 4, 'asv-external', 'eu-central', 'Frankfurt', '2026-10-01T00:00:00Z'),
      (${RANGE_V6}, 6, 'asv-external', 'global', '', '2026-10-01T00:00:00Z')`.execute(db)
    const changes = { added: [...LISTS.ipv4, ...LISTS.ipv6].map((e) => ({ prefix: e.prefix, status: e.status, activeFrom: e.activeFrom, retireAt: null })), removed: [], changed: [] }
    await sql`insert into feed_versions (serial, created_at, sha256, ipv4_count, ipv6_count, entries, changes, note, published_by)
      values (1, '2026-10-01T00:00:00Z', ${await feedSha256(LISTS)}, 1, 1, ${JSON.stringify(LISTS)}::jsonb, ${JSON.stringify(changes)}::jsonb, 'before the upgrade', 'cli')`.execute(db)
    await sql`insert into api_tokens (name, token_prefix, token_hash, scopes)
      values ('made before the upgrade', ${ADMIN_TOKEN.slice(0, 11)}, ${await sha256Hex(ADMIN_TOKEN)}, ${sql`array['ranges:write', 'reports:read']::text[]`})`.execute(db)
  },
  '0002_intake': async (db) => {
    await sql`insert into scan_sessions (id, external_id, customer_ref, scan_type, started_at, ended_at)
      values (${SESSION_ID}, 'sess-old-1', 'cust-4711', 'external', '2026-10-31T20:00:00Z', '2026-10-31T23:00:00Z')`.execute(db)
    await sql`insert into scan_session_ips (session_id, ip, during)
      values (${SESSION_ID}, '192.0.2.10', tstzrange('2026-10-31T20:00:00Z', '2026-10-31T23:00:00Z', '[]'))`.execute(db)
    await sql`insert into scan_session_targets (session_id, target) values (${SESSION_ID}, '203.0.113.0/24')`.execute(db)
    await sql`insert into cases (id, scanner_ip, target_prefix, day, status, suggested_verdict, report_count, first_report_at, last_report_at, created_at, updated_at)
      values (${CASE_ID}, '192.0.2.10', '203.0.113.0/24', '2026-10-31', 'open', 'authorized_scan', 1,
        '2026-10-31T22:00:00Z', '2026-10-31T22:00:00Z', '2026-10-31T22:00:00Z', '2026-10-31T22:00:00Z')`.execute(db)
    await sql`insert into reports (id, ref, status_token_hash, channel, category, protocol, ports, target, observed_from, observed_to,
        description, ours, primary_source_ip, verdict, case_id, received_at)
      values (${REPORT_ID}, ${REPORT_REF}, ${await sha256Hex('rs_statustokenstatustokenstatustok')}, 'json', 'port-scan', 'tcp', '{22,443}',
        '203.0.113.5/32', '2026-10-31T21:00:00Z', '2026-10-31T21:30:00Z', 'SYN scan from your range', true, '192.0.2.10',
        'authorized_scan', ${CASE_ID}, '2026-10-31T22:00:00Z')`.execute(db)
    await sql`insert into report_sources (report_id, ip, position, ours, observed, verdict)
      values (${REPORT_ID}, '192.0.2.10', 0, true, tstzrange('2026-10-31T21:00:00Z', '2026-10-31T21:30:00Z', '[]'), 'authorized_scan')`.execute(db)
    await sql`insert into report_session_links (report_id, session_id, source_ip, in_scope) values (${REPORT_ID}, ${SESSION_ID}, '192.0.2.10', true)`.execute(db)
    await sql`insert into report_contacts (report_id, email, created_at) values (${REPORT_ID}, 'soc@example.test', '2026-10-31T22:00:00Z')`.execute(db)
    await sql`insert into report_evidence (report_id, position, content_type, description, content, size_bytes, sha256, hash_status, created_at)
      values (${REPORT_ID}, 0, 'text/plain', 'firewall log', ${new TextEncoder().encode('SYN 192.0.2.10 -> 203.0.113.5:22')}, 32,
        ${await sha256Hex('SYN 192.0.2.10 -> 203.0.113.5:22')}, 'not_declared', '2026-10-31T22:00:00Z')`.execute(db)
    await sql`insert into case_notes (case_id, author, visibility, body, created_at)
      values (${CASE_ID}, 'desk', 'internal', 'customer confirmed the window', '2026-10-31T22:10:00Z')`.execute(db)
    await sql`insert into case_history (case_id, at, actor, action, detail)
      values (${CASE_ID}, '2026-10-31T22:00:00Z', 'system', 'created', '{"reports":1}'::jsonb)`.execute(db)
    await sql`insert into exclusions (target, reason, case_id, created_by, created_at)
      values ('198.51.100.64/26', 'customer asked us to stop', ${CASE_ID}, 'desk', '2026-10-31T22:20:00Z')`.execute(db)
  },
  '0003_audit_and_limits': async (db) => {
    await sql`insert into rate_limit_counters (bucket, window_start, hits) values ('report-day:198.51.100.9', '2026-10-31T00:00:00Z', 3)`.execute(db)
  },
}

interface TableSnapshot {
  columns: string[]
  rows: string[]
}

/** Every table of the schema: its columns and its rows as JSON (sorted, so order does not matter). */
async function snapshot(db: Kysely<any>, only?: Map<string, TableSnapshot>): Promise<Map<string, TableSnapshot>> {
  const tables = await sql<{ name: string }>`
    select tablename as name from pg_tables
    where schemaname = current_schema() and tablename not like 'schema_migrations%' order by tablename`.execute(db)
  const out = new Map<string, TableSnapshot>()
  for (const { name } of tables.rows) {
    const columns = only?.get(name)?.columns ?? (await sql<{ c: string }>`
      select column_name as c from information_schema.columns
      where table_schema = current_schema() and table_name = ${name} order by ordinal_position`.execute(db)).rows.map((r) => r.c)
    if (only && !only.has(name)) continue
    const rows = await sql<{ j: string }>`
      select to_jsonb(x)::text as j from (select ${sql.join(columns.map((c) => sql.id(c)))} from ${sql.table(name)}) x`.execute(db)
    out.set(name, { columns, rows: rows.rows.map((r) => r.j).sort() })
  }
  return out
}

let t: EmptyDb
const stepLog: string[] = []

beforeAll(async () => {
  t = await openEmptyDb()
})
afterAll(async () => {
  console.log(`[migrations] ${t?.kind}: ${stepLog.join('; ')}`)
  await t?.close()
})

describe('upgrading a database with data, one migration at a time', () => {
  it('finds the migrations, the last of which is the one the code expects', () => {
    expect(files.length).toBeGreaterThanOrEqual(2)
    expect(files[files.length - 1]!.replace(/\.sql$/, '')).toBe(LATEST_MIGRATION)
  })

  it('keeps every row through every later migration', async () => {
    let before: Map<string, TableSnapshot> | null = null
    for (let n = 1; n <= files.length; n++) {
      const name = files[n - 1]!.replace(/\.sql$/, '')
      const { applied } = await migrateToLatest(t.db, firstMigrations(n))
      expect(applied).toEqual([name])
      expect(await latestAppliedMigration(t.db)).toBe(name)
      if (before) {
        // the rows from before this migration, read with the columns they had then
        const after = await snapshot(t.db, before)
        for (const [table, old] of before) {
          expect(after.get(table)?.rows, `${name} changed or lost rows of ${table}`).toEqual(old.rows)
        }
      }
      await SEEDS[name]?.(t.db)
      before = await snapshot(t.db)
      const rows = [...before.values()].reduce((sum, s) => sum + s.rows.length, 0)
      stepLog.push(`${name} → ${before.size} tables, ${rows} rows`)
    }
    // the seeds ran: each seeded table holds data
    for (const table of ['scanner_ranges', 'feed_versions', 'api_tokens', 'reports', 'cases', 'report_evidence']) {
      if (before!.has(table)) expect(before!.get(table)!.rows.length, table).toBeGreaterThan(0)
    }
  })

  it("today's app serves the data written under the old schemas", async () => {
    const app = buildApp(t.db as never, testClock('2026-11-01T00:00:00.000Z'))
    const ready = await app.request('/readyz')
    expect(ready.status, await ready.clone().text()).toBe(200)

    const feed = await app.request('/v1/ranges')
    expect(feed.status).toBe(200)
    const doc = (await feed.json()) as { serial: number; sha256: string; ipv4: unknown[]; ipv6: unknown[] }
    expect(doc.serial).toBe(1)
    expect(doc.ipv4).toEqual(LISTS.ipv4)
    expect(doc.ipv6).toEqual(LISTS.ipv6)
    expect(doc.sha256).toBe(await feedSha256(LISTS))

    const lookup = (await (await app.request('/v1/lookup/192.0.2.10')).json()) as { ours: boolean; prefix: string }
    expect(lookup).toMatchObject({ ours: true, prefix: RANGE_V4 })

    // the token made under the first schema still works, with the scopes it had
    const ranges = await app.request('/v1/admin/ranges', bearer(ADMIN_TOKEN))
    expect(ranges.status).toBe(200)
    expect(((await ranges.json()) as { ranges: { prefix: string }[] }).ranges.map((r) => r.prefix).sort()).toEqual([RANGE_V4, RANGE_V6])

    const one = await app.request(`/v1/admin/cases/${CASE_ID}`, bearer(ADMIN_TOKEN))
    expect(one.status, await one.clone().text()).toBe(200)
    expect(JSON.stringify(await one.json())).toContain(REPORT_REF)

    // and the catalogue can still be published on top of the old versions
    const publish = await app.request('/v1/admin/publish', { ...bearer(ADMIN_TOKEN), method: 'POST' })
    expect([200, 201], await publish.clone().text()).toContain(publish.status)
  })
})
