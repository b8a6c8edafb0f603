/**
 * `npm run cli -- ingest-mail` as an MTA pipe runs it: a real process, the message on
 * stdin, sysexits exit codes (0 taken, 65 refused, 75 try again), and `reparse-mail`
 * after the catalogue learned an address.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openEmbedded, openPostgres } from '../../src/platform/node-database.js'
import { testDatabaseUrl } from '../helpers/test-db.js'

let dir: string
let env: NodeJS.ProcessEnv
let dropDatabase = async () => {}

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the CLI with `input` on stdin (written in chunks; the CLI may stop reading early). */
function cli(args: string[], input: Uint8Array | string = '', extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/platform/cli.ts', ...args], { env: { ...env, ...extraEnv } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.stdin.on('error', () => undefined)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(typeof input === 'string' ? Buffer.from(input) : Buffer.from(input))
  })
}

/** A complaint about activity an hour ago (the CLI uses the real clock). */
function complaint(id: string, scanner: string, target: string): string {
  const at = new Date(Date.now() - 3_600_000)
  return [
    'From: Reporter <reporter@isp.example>',
    'To: abuse@scangate.example',
    `Subject: scan from ${scanner}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${id}@isp.example>`,
    '',
    `${at.toISOString()} DROP SRC=${scanner} DST=${target} PROTO=TCP DPT=22`,
    '',
  ].join('\r\n')
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scangate-mail-cli-'))
  env = { ...process.env, DATA_DIR: dir, DATABASE_URL: '', PUBLIC_URL: 'https://scanners.example.test', MAIL_FROM: 'abuse@scangate.example' }
  if (testDatabaseUrl) {
    const { default: pg } = await import('pg')
    const name = `sg_mailcli_${Date.now().toString(36)}`
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
  const csv = join(dir, 'ranges.csv')
  writeFileSync(csv, 'prefix,pool,region,activeFrom\n192.0.2.0/24,asv,eu,2025-01-01T00:00:00Z\n')
  expect((await cli(['--init', 'migrate'])).code).toBe(0)
  expect((await cli(['import-ranges', csv])).code).toBe(0)
}, 120_000)
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropDatabase()
})

async function query<T>(text: string): Promise<T[]> {
  const opened = env.DATABASE_URL ? openPostgres(env.DATABASE_URL, { max: 1 }) : await openEmbedded(join(dir, 'pgdata'))
  try {
    const { sql } = await import('kysely')
    return (await sql.raw<T>(text).execute(opened.db)).rows
  } finally {
    await opened.close()
  }
}

describe('ingest-mail (MTA pipe)', () => {
  it('files the report and queues the acknowledgement (exit 0); the same message again is a duplicate (exit 0)', async () => {
    const msg = complaint('pipe-1', '192.0.2.44', '203.0.113.9')
    const r = await cli(['ingest-mail'], msg)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^accepted: R-\w{10} \(1 acknowledgement\(s\) queued\)/)
    const again = await cli(['ingest-mail'], msg)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^duplicate of a message already received \(R-\w{10}\)/)
    const rows = await query<{ channel: string; n: number }>("select channel, count(*)::int as n from reports group by channel")
    expect(rows).toEqual([{ channel: 'email', n: 1 }])
    const acks = await query<{ kind: string; personal_email: string }>('select kind, personal_email from outbox')
    expect(acks).toEqual([{ kind: 'mail', personal_email: 'reporter@isp.example' }])
  }, 180_000)

  it('refuses bytes that are not a mail message with EX_DATAERR (65)', async () => {
    const r = await cli(['ingest-mail'], new Uint8Array([0, 1, 2, 3, 255, 254]))
    expect(r.code).toBe(65)
    expect(r.stderr).toMatch(/message refused: the message does not start with a header block/)
  }, 90_000)

  it('refuses a 50 MiB message with EX_DATAERR (65) and a clear message', async () => {
    const big = new Uint8Array(50 * 1024 * 1024).fill(0x61)
    big.set(new TextEncoder().encode('From: big@example.net\r\nSubject: big\r\n\r\n'))
    const r = await cli(['ingest-mail'], big)
    expect(r.code).toBe(65)
    expect(r.stderr).toMatch(/larger than 26214400 bytes \(MAIL_MAX_BYTES\)/)
  }, 120_000)

  it('answers EX_TEMPFAIL (75) when the database is down, so the MTA keeps the message', async () => {
    const r = await cli(['ingest-mail'], complaint('pipe-down', '192.0.2.45', '203.0.113.10'), { DATABASE_URL: 'postgres://scangate@127.0.0.1:1/none' })
    expect(r.code).toBe(75)
    expect(r.stderr).toMatch(/temporary failure, try again later/)
  }, 90_000)

  it('reparse-mail turns an unparsed message into a report once the catalogue knows the address', async () => {
    const r = await cli(['ingest-mail'], complaint('pipe-2', '198.51.100.7', '203.0.113.11'))
    expect(r.stdout).toMatch(/^unparsed, filed for the desk: names none of our scanner addresses/)
    const csv = join(dir, 'more.csv')
    writeFileSync(csv, 'prefix,pool,region,activeFrom\n198.51.100.0/24,asv,us,2025-01-01T00:00:00Z\n')
    expect((await cli(['import-ranges', csv])).code).toBe(0)
    const since = new Date(Date.now() - 86_400_000).toISOString()
    const re = await cli(['reparse-mail', '--since', since])
    expect(re.code, re.stderr).toBe(0)
    expect(re.stdout).toMatch(/: accepted as R-\w{10}\n/)
    expect(re.stdout).toMatch(/1 now accepted \(1 reports\), 0 still unparsed, 1 already had reports/)
    const rows = await query<{ status: string; n: number }>("select status, count(*)::int as n from mail_messages group by status order by status")
    expect(rows).toEqual([{ status: 'accepted', n: 2 }])
    // a second run changes nothing
    expect((await cli(['reparse-mail', '--since', since])).stdout).toMatch(/0 now accepted/)
  }, 240_000)
})
