/**
 * @module tests/http/verify-recipe
 * Runs exactly the shell recipe of docs/verify-signatures.md (extracted from the doc) with
 * bash, curl and openssl against a server this test starts on 127.0.0.1 (the app behind the
 * Node response cache, as src/platform/node.ts serves it), for every kind of feed and snippet
 * body; and shows that the same recipe fails for a tampered body, with or without a
 * recomputed Content-Digest.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getRequestListener } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFeedSigner, generateFeedKey } from '../../src/domain/feed-signing.js'
import { ResponseCache } from '../../src/platform/node-response-cache.js'
import { REPO_ROOT } from '../helpers/node-server.js'
import { buildApp, jsonBody, testClock, tokenWith } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

const tools = ['bash', 'curl', 'openssl'].filter((t) => spawnSync('which', [t]).status === 0)
const missing = ['bash', 'curl', 'openssl'].filter((t) => !tools.includes(t))
// CI has all three (.ci/apt-packages.txt); locally the test says what it lacks
const skip = missing.length > 0 && !process.env.CI

/** The fenced block right after the recipe marker in the doc, byte for byte. */
function recipeFromDoc(): string {
  const doc = readFileSync(join(REPO_ROOT, 'docs/verify-signatures.md'), 'utf8')
  const m = /<!-- recipe: verify\.sh[^>]*-->\n```sh\n([\s\S]*?)\n```/.exec(doc)
  if (!m) throw new Error('docs/verify-signatures.md has no recipe block after its marker')
  return m[1]! + '\n'
}

let t: TestDb
let dir: string
let server: Server
let tamperer: Server
let base: string
let tamperBase: string
let recipe: string

function listen(s: Server): Promise<string> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)))
}

function run(url: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(dir, 'verify.sh'), url], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

beforeAll(async () => {
  if (skip) return
  t = await openTestDb()
  dir = mkdtempSync(join(tmpdir(), 'scangate-recipe-'))
  recipe = recipeFromDoc()
  writeFileSync(join(dir, 'verify.sh'), recipe)
  const signer = await createFeedSigner((await generateFeedKey()).privateKey)
  const clock = testClock()
  const app = buildApp(t.db, clock, { feedSigner: signer, publicUrl: undefined })
  const admin = await tokenWith(t.db, 'ranges:write')
  for (const body of [
    { prefix: '192.0.2.0/24', pool: 'asv-external', region: 'eu', label: 'Frankfurt, "DE"' },
    { prefix: '198.51.100.0/24', pool: 'web-app', region: 'us', label: '' },
    { prefix: '2001:db8::/32', pool: 'asv-external', region: 'global', label: 'v6' },
  ]) {
    expect((await app.request('/v1/admin/ranges', jsonBody('POST', body, admin))).status).toBe(201)
  }
  expect((await app.request('/v1/admin/publish', jsonBody('POST', {}, admin))).status).toBe(201)
  writeFileSync(join(dir, 'pinned.pem'), signer.publicKeyPem)

  // served like src/platform/node.ts does: the response cache in front of the app
  const cache = new ResponseCache({ ttlMs: 60_000 })
  const listener = getRequestListener(cache.wrap(app.fetch))
  server = createServer((req, res) => {
    if (!cache.serve(req, res)) void listener(req, res)
  })
  base = await listen(server)

  // a man in the middle: same headers, one changed body byte; ?redigest=1 also fixes Content-Digest
  tamperer = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base)
    const redigest = url.searchParams.get('redigest') === '1'
    url.searchParams.delete('redigest')
    const up = await fetch(new URL(url.pathname + url.search, base))
    const body = Buffer.from(await up.arrayBuffer())
    const headers: Record<string, string> = {}
    up.headers.forEach((v, k) => (headers[k] = v))
    if (!url.pathname.startsWith('/.well-known/')) {
      const i = body.indexOf('192.0.2.0')
      body[i] = '3'.charCodeAt(0)
      if (redigest) headers['content-digest'] = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`
    }
    headers['content-length'] = String(body.length)
    res.writeHead(up.status, headers)
    res.end(body)
  })
  tamperBase = await listen(tamperer)
}, 120_000)

afterAll(async () => {
  if (skip) return
  await new Promise((r) => server?.close(r))
  await new Promise((r) => tamperer?.close(r))
  rmSync(dir, { recursive: true, force: true })
  await t?.close()
})

describe.skipIf(skip)(`docs/verify-signatures.md recipe${skip ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`, () => {
  it('is about ten lines of shell', () => {
    expect(recipe.trim().split('\n').length).toBeLessThanOrEqual(12)
    expect(recipe).toContain('openssl pkeyutl -verify -pubin')
    expect(recipe).toContain('-rawin')
  })

  const paths = [
    '/v1/ranges',
    '/v1/ranges',
    '/v1/ranges.txt',
    '/v1/ranges.csv',
    '/v1/ranges?family=ipv4&pool=asv-external',
    '/v1/ranges.txt?family=IPv6',
    '/v1/ranges.csv?aggregate=true',
    '/v1/rules/nftables?family=ipv4',
    '/v1/rules/iptables',
    '/v1/rules/kubernetes',
    '/v1/rules/aws-prefix-list',
    '/v1/versions',
    '/v1/versions/1',
    '/v1/changes?since=0',
    '/v1/feed.atom',
  ]
  for (const [i, path] of paths.entries()) {
    it(`verifies ${path}${i === 1 ? ' (again, now from the Node response cache)' : ''}`, async () => {
      const r = await run(base + path)
      expect(r.code, r.stderr + r.stdout).toBe(0)
      expect(r.stdout + r.stderr).toMatch(/Signature Verified Successfully/)
    })
  }

  it('verifies with a pinned key (KEY=…)', async () => {
    const r = await run(`${base}/v1/rules/pf?region=us`, { KEY: join(dir, 'pinned.pem') })
    expect(r.code, r.stderr).toBe(0)
  })

  it('fails for a tampered body: first at the digest, and at the signature when the digest was recomputed', async () => {
    for (const path of ['/v1/ranges.txt', '/v1/rules/nftables']) {
      const changed = await run(tamperBase + path)
      expect(changed.code, changed.stdout).not.toBe(0)
      expect(changed.stderr).toMatch(/FAIL: the body does not match its Content-Digest/)
      const redigested = await run(`${tamperBase}${path}?redigest=1`)
      expect(redigested.code, redigested.stdout).not.toBe(0)
      expect(redigested.stdout + redigested.stderr).toMatch(/Signature Verification Failure/)
    }
  })
})
