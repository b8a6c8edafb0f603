/**
 * @module bench/linking
 * POST /v1/reports latency (through `app.request`, so validation, case grouping, linking
 * and verdicts are all in) against Postgres holding 1 000 scan sessions vs 1 000 000.
 * Sessions are bulk-loaded with generate_series SQL, not through the API. Prints p50 and
 * p95 of both and their ratio; the goal is ≤ 1.5×, i.e. linking stays an index lookup
 * however many sessions there are. Also prints the plan of the linking query.
 *
 * The two session counts live in two schemas of the same server, and the requests
 * alternate between them (in random order per pair), so load from other processes on a
 * shared machine hits both sides alike instead of skewing whichever ran second.
 *
 * Run: npx tsx bench/linking.ts [request pairs, default 400]
 * Database: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test; both
 * schemas are dropped at the end. BENCH_PROFILE=1 also prints the time per request of the
 * costliest queries of the intake, per side.
 */
import { Kysely, PostgresDialect, sql, type LogEvent } from 'kysely'
import pg from 'pg'
import { sessionMatchesQuery } from '../src/db/linking.js'
import { insertRanges } from '../src/db/range-repository.js'
import type { Database } from '../src/db/schema.js'
import { normaliseRange } from '../src/domain/catalogue-rules.js'
import { createApp } from '../src/http/app.js'
import { migrate } from '../src/platform/node-database.js'

const URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const PAIRS = Number(process.argv[2] ?? 400)
const WARMUP = 50
const SMALL = 1_000
const LARGE = 1_000_000
const CHUNK = 100_000
/** The scanner fleet: a /20 of the catalogue (4 096 addresses). */
const FLEET = '198.18.0.0/20'
const FLEET_SIZE = 4096
/** Sessions start within the 180 days before now and last 1–4 hours. */
const SPREAD_HOURS = 180 * 24
const PROFILE = process.env.BENCH_PROFILE === '1'

const now = new Date()

interface Side {
  label: string
  sessions: number
  schema: string
  db: Kysely<Database>
  app: ReturnType<typeof createApp>
  times: number[]
  /** query text → calls and total ms while measuring */
  profile: Map<string, { n: number; ms: number }>
  measuring: boolean
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

function seeded(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/** Sessions `from`..`to` (numbered), each with 1–2 fleet addresses and 1–3 customer /24s. */
async function loadSessions(db: Kysely<Database>, from: number, to: number): Promise<void> {
  for (let start = from; start <= to; start += CHUNK) {
    const end = Math.min(to, start + CHUNK - 1)
    await sql`
      with s as (
        insert into scan_sessions (external_id, customer_ref, scan_type, started_at, ended_at, created_at, updated_at)
        select 'bench-' || g, 'cust-' || (g % 5000), 'asv-quarterly',
          ${now}::timestamptz - ((g::bigint * 7919) % ${SPREAD_HOURS}) * interval '1 hour',
          ${now}::timestamptz - ((g::bigint * 7919) % ${SPREAD_HOURS}) * interval '1 hour' + (1 + g % 4) * interval '1 hour',
          ${now}::timestamptz, ${now}::timestamptz
        from generate_series(${start}::int, ${end}::int) g
        returning id, started_at, ended_at, substring(external_id from 7)::int as g
      ), ips as (
        insert into scan_session_ips (session_id, ip, during)
        select s.id, '198.18.0.0'::inet + ((s.g * 2654435761::bigint + k * 17) % ${FLEET_SIZE}), tstzrange(s.started_at, s.ended_at, '[]')
        from s cross join generate_series(0, s.g % 2) k
      )
      insert into scan_session_targets (session_id, target)
      select s.id, set_masklen('10.0.0.0'::inet + (((s.g + k * 7) % 60000)::bigint * 256), 24)::cidr
      from s cross join generate_series(0, s.g % 3) k`.execute(db)
    if (to - from >= CHUNK) process.stdout.write(`  loaded sessions up to ${end.toLocaleString('en')}\n`)
  }
  await sql`analyze scan_sessions`.execute(db)
  await sql`analyze scan_session_ips`.execute(db)
  await sql`analyze scan_session_targets`.execute(db)
}

/** A report from a random fleet address in a random hour of the last 80 days. */
function randomReport(rand: () => number): string {
  const ip = `198.18.${Math.floor(rand() * 16)}.${Math.floor(rand() * 256)}`
  const end = now.getTime() - Math.floor(rand() * 80 * 24) * 3_600_000
  const target = `10.${Math.floor(rand() * 234)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 250)}`
  return JSON.stringify({
    sourceIps: [ip],
    observedFrom: new Date(end - 3_600_000).toISOString(),
    observedTo: new Date(end).toISOString(),
    target,
    ports: [22, 443],
    protocol: 'tcp',
    category: 'port-scan',
    description: 'bench',
  })
}

async function openSide(admin: pg.Pool, label: string, sessions: number): Promise<Side> {
  const schema = `bench_linking_${label}_${Date.now().toString(36)}`
  await admin.query(`create schema ${schema}`)
  const pool = new pg.Pool({ connectionString: URL, max: 4, options: `-c search_path=${schema},public` })
  const side = { label, sessions, schema, times: [], profile: new Map(), measuring: false } as unknown as Side
  side.db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (e: LogEvent) => {
      if (!PROFILE || !side.measuring || e.level !== 'query') return
      const key = e.query.sql.replace(/\s+/g, ' ').trim().slice(0, 100)
      const s = side.profile.get(key) ?? { n: 0, ms: 0 }
      s.n++
      s.ms += e.queryDurationMillis
      side.profile.set(key, s)
    },
  })
  await migrate(side.db)
  await insertRanges(side.db, [normaliseRange({ prefix: FLEET, pool: 'bench', region: 'bench', activeFrom: new Date(now.getTime() - 400 * 86_400_000).toISOString() }, now)])
  side.app = createApp({
    getDb: () => side.db,
    getClientIp: () => '127.0.0.1',
    now: () => now,
    rateLimits: { reportsPerMinute: 1e9, reportsPerDay: 1e9, statusPerMinute: 1e9 },
  })
  const t0 = performance.now()
  await loadSessions(side.db, 1, sessions)
  console.log(`${label}: loaded ${sessions.toLocaleString('en')} sessions in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  return side
}

async function post(side: Side, body: string, record: boolean): Promise<void> {
  side.measuring = record
  const t0 = performance.now()
  const res = await side.app.request('/v1/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  await res.arrayBuffer()
  const ms = performance.now() - t0
  side.measuring = false
  if (res.status !== 201) throw new Error(`${side.label}: POST /v1/reports answered ${res.status}`)
  if (record) side.times.push(ms)
}

async function main() {
  const admin = new pg.Pool({ connectionString: URL, max: 1 })
  const sides: Side[] = []
  try {
    const version = (await admin.query<{ v: string }>('select version() as v')).rows[0]!.v.split(' on ')[0]
    console.log(`POST /v1/reports via app.request: ${PAIRS} request pairs (+${WARMUP} warm-up), alternating; Node ${process.version}, ${version}`)
    sides.push(await openSide(admin, 'small', SMALL))
    sides.push(await openSide(admin, 'large', LARGE))
    const [small, large] = sides as [Side, Side]
    const counts = await sql<{ s: number; i: number; t: number }>`
      select (select count(*) from scan_sessions)::int as s, (select count(*) from scan_session_ips)::int as i,
        (select count(*) from scan_session_targets)::int as t`.execute(large.db)
    const c = counts.rows[0]!
    console.log(`large: ${c.s.toLocaleString('en')} sessions, ${c.i.toLocaleString('en')} session addresses, ${c.t.toLocaleString('en')} authorized targets`)

    // both sides get the same reports, in the same order
    const rand = seeded(42)
    const order = seeded(7)
    for (let i = 0; i < WARMUP + PAIRS; i++) {
      const body = randomReport(rand)
      const pair = order() < 0.5 ? [small, large] : [large, small]
      for (const side of pair) await post(side, body, i >= WARMUP)
    }

    const stats = sides.map((s) => {
      const sorted = [...s.times].sort((a, b) => a - b)
      return { side: s, p50: percentile(sorted, 50), p95: percentile(sorted, 95) }
    })
    const [a, b] = stats as [(typeof stats)[0], (typeof stats)[0]]
    console.log('')
    console.log(`${'sessions'.padEnd(12)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}  verdicts`)
    for (const s of stats) {
      const v = await sql<{ verdict: string; n: number }>`select verdict, count(*)::int as n from reports group by 1 order by 1`.execute(s.side.db)
      const verdicts = v.rows.map((r) => `${r.verdict} ${r.n}`).join(', ')
      console.log(`${s.side.sessions.toLocaleString('en').padEnd(12)} ${s.p50.toFixed(2).padStart(8)} ${s.p95.toFixed(2).padStart(8)}  ${verdicts}`)
    }
    console.log(`ratio 1 000 000 / 1 000: p50 ${(b.p50 / a.p50).toFixed(2)}×, p95 ${(b.p95 / a.p95).toFixed(2)}× (goal ≤ 1.5×)`)

    if (PROFILE) {
      for (const s of sides) {
        const rows = [...s.profile].sort((x, y) => y[1].ms - x[1].ms)
        const total = rows.reduce((acc, [, q]) => acc + q.ms, 0)
        console.log(`\n${s.label}: ${(total / PAIRS).toFixed(2)} ms of queries per request; costliest:`)
        for (const [k, q] of rows.slice(0, 10)) console.log(`  ${(q.ms / PAIRS).toFixed(3).padStart(7)} ms  ${String(q.n).padStart(5)}×  ${k}`)
      }
    }

    const id = (await large.db.selectFrom('reports').select('id').limit(1).executeTakeFirstOrThrow()).id
    const compiled = sessionMatchesQuery([id]).compile(large.db)
    const plan = await sql.raw(`explain (analyze, costs off, timing off, summary off) ${compiled.sql.replace('$1', `'{${id}}'`)}`).execute(large.db)
    console.log('\nplan of the linking query with 1 000 000 sessions:')
    console.log((plan.rows as Record<string, string>[]).map((r) => '  ' + Object.values(r)[0]).join('\n'))
  } finally {
    for (const s of sides) {
      await s.db.destroy()
      await admin.query(`drop schema ${s.schema} cascade`)
    }
    await admin.end()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
