/**
 * @module bench/feed
 * GET /v1/ranges (200 and 304) from scangate vs a bare Node server vs nginx serving the
 * same bytes, with the same load generator (wrk) in the same run; prints the ratios.
 * Access logging is ON in all three, as in production: scangate at LOG_LEVEL=info (its
 * request log), bare Node logging one JSON line per request with pino (the same
 * asynchronous destination scangate uses), nginx with its access_log. A fourth server,
 * scangate at LOG_LEVEL=warn, measures what the request log costs.
 *
 * Goals: scangate ≥ 0.8× bare Node (stretch 0.9×); LOG_LEVEL=info ≥ 0.9× LOG_LEVEL=warn.
 * The bare Node server is the ceiling for any Node server on this machine (no routing,
 * no framework, no database); scangate's ratio to it is what the application costs.
 *
 * The Node servers run through tsx (compiled once at start; the hot path is the same
 * code `node dist/…` runs). The rounds alternate between the servers, and the median of
 * each is compared, because this VM is noisy. Logs go to files in a temporary directory.
 *
 * Run: npx tsx bench/feed.ts   (needs Debian's nginx and wrk: apt-get install nginx-light wrk)
 * BENCH_SECONDS (5), BENCH_ROUNDS (3), BENCH_CONNECTIONS (32) adjust the run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const DURATION = process.env.BENCH_SECONDS ?? '5'
const CONNECTIONS = process.env.BENCH_CONNECTIONS ?? '32'
const NODE_PORT = 38181
const NGINX_PORT = 38182
const RAW_PORT = 38183
const WARN_PORT = 38184
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function wrk(url: string, headers: string[] = []): number {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${DURATION}s`, '--latency', ...headers.flatMap((h) => ['-H', h]), url]
  const r = spawnSync('wrk', args, { encoding: 'utf8' })
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout)
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)
  if (!m) throw new Error(`wrk failed: ${r.stderr || r.stdout}`)
  if (non2xx) throw new Error(`wrk saw ${non2xx[1]} error responses from ${url}`)
  return Number(m[1])
}

async function waitFor(url: string, ms = 180_000): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${url} did not come up`)
}

async function main() {
  for (const tool of ['wrk', 'nginx']) {
    if (spawnSync('which', [tool]).status !== 0) throw new Error(`${tool} is missing: apt-get install nginx-light wrk`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'scangate-bench-'))
  // nginx workers drop privileges; they must be able to read the served file
  chmodSync(dir, 0o755)
  const children: ChildProcess[] = []
  try {
    // the same embedded database for both scangate servers: the first makes it, a copy serves the second
    const scangate = (port: number, level: string, data: string) =>
      spawn(process.execPath, ['--import', 'tsx', 'src/platform/node.ts'], {
        env: { ...process.env, DATA_DIR: join(dir, data), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: level, DATABASE_URL: '' },
        stdio: ['ignore', openSync(join(dir, `${data}.log`), 'a'), 'inherit'],
      })
    const node = scangate(NODE_PORT, 'info', 'data-info')
    children.push(node)
    const nodeUrl = `http://127.0.0.1:${NODE_PORT}/v1/ranges`
    await waitFor(nodeUrl)
    const warn = scangate(WARN_PORT, 'warn', 'data-warn')
    children.push(warn)
    const warnUrl = `http://127.0.0.1:${WARN_PORT}/v1/ranges`
    await waitFor(warnUrl)
    const warnEtag = (await fetch(warnUrl)).headers.get('etag')!
    const res = await fetch(nodeUrl)
    const body = await res.text()
    const etag = res.headers.get('etag')!

    // nginx: one worker (the Node server is one process too), the same bytes as a static file
    const root = join(dir, 'www')
    mkdirSync(join(root, 'v1'), { recursive: true })
    writeFileSync(join(root, 'v1', 'ranges'), body)
    const conf = join(dir, 'nginx.conf')
    writeFileSync(
      conf,
      `worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log; daemon off;
events { worker_connections 1024; }
http { access_log ${dir}/nginx-access.log; default_type application/json;
  server { listen 127.0.0.1:${NGINX_PORT}; root ${root}; location / { add_header Cache-Control "public, max-age=300"; } } }`,
    )
    const nginx = spawn('nginx', ['-c', conf, '-p', dir], { stdio: 'inherit' })
    children.push(nginx)
    const nginxUrl = `http://127.0.0.1:${NGINX_PORT}/v1/ranges`
    await waitFor(nginxUrl)
    const nginxEtag = (await fetch(nginxUrl)).headers.get('etag')!

    // bare Node: the same status, headers and body from constants
    const headers: Record<string, string> = {}
    res.headers.forEach((v, k) => {
      if (k !== 'date' && k !== 'connection' && k !== 'keep-alive') headers[k] = v
    })
    const rawScript = join(dir, 'raw-node.mjs')
    writeFileSync(
      rawScript,
      `import http from 'node:http'
import { createRequire } from 'node:module'
const pino = createRequire(${JSON.stringify(join(process.cwd(), 'package.json'))})('pino')
const log = pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } }, pino.destination({ dest: 1, sync: false }))
const body = Buffer.from(${JSON.stringify(body)})
const headers = ${JSON.stringify(headers)}
const notModified = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'content-type' && k !== 'content-length'))
http.createServer((req, res) => {
  const started = performance.now()
  const q = req.url.indexOf('?')
  if (req.headers['if-none-match'] === headers.etag) { res.writeHead(304, notModified); res.end() }
  else { res.writeHead(200, headers); res.end(body) }
  log.info({ method: req.method, path: q < 0 ? req.url : req.url.slice(0, q), status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 }, 'request')
}).listen(${RAW_PORT}, '127.0.0.1')
`,
    )
    const raw = spawn(process.execPath, ['--import', 'tsx', rawScript], { stdio: ['ignore', openSync(join(dir, 'raw.log'), 'a'), 'inherit'] })
    children.push(raw)
    const rawUrl = `http://127.0.0.1:${RAW_PORT}/v1/ranges`
    await waitFor(rawUrl)

    // warm up (JIT, caches)
    // warm up twice (JIT, caches; the first run after start is always slow)
    for (let i = 0; i < 2; i++) for (const url of [nodeUrl, warnUrl, rawUrl, nginxUrl]) wrk(url)
    const runs = {
      node200: [] as number[], warn200: [] as number[], raw200: [] as number[], nginx200: [] as number[],
      node304: [] as number[], warn304: [] as number[], raw304: [] as number[], nginx304: [] as number[],
    }
    for (let round = 0; round < ROUNDS; round++) {
      runs.node200.push(wrk(nodeUrl))
      runs.warn200.push(wrk(warnUrl))
      runs.raw200.push(wrk(rawUrl))
      runs.nginx200.push(wrk(nginxUrl))
      runs.node304.push(wrk(nodeUrl, [`If-None-Match: ${etag}`]))
      runs.warn304.push(wrk(warnUrl, [`If-None-Match: ${warnEtag}`]))
      runs.raw304.push(wrk(rawUrl, [`If-None-Match: ${etag}`]))
      runs.nginx304.push(wrk(nginxUrl, [`If-None-Match: ${nginxEtag}`]))
    }
    for (const [k, v] of Object.entries(runs)) console.log(`  ${k.padEnd(9)} ${v.map((x) => x.toFixed(0).padStart(6)).join(' ')} req/s`)
    const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)])) as Record<keyof typeof runs, number>
    const line = (what: string, node: number, rawNode: number, nginx: number) =>
      `${what}: scangate ${node.toFixed(0)} req/s, bare Node ${rawNode.toFixed(0)} req/s, nginx ${nginx.toFixed(0)} req/s → ` +
      `scangate/nginx ${(node / nginx).toFixed(2)}×, bare Node/nginx ${(rawNode / nginx).toFixed(2)}×, scangate/bare Node ${(node / rawNode).toFixed(2)}×`
    console.log(`body ${body.length} bytes; wrk -t1 -c${CONNECTIONS} -d${DURATION}s on loopback; median of ${ROUNDS} alternating rounds; access logging on in all three`)
    console.log(line('200', m.node200, m.raw200, m.nginx200))
    console.log(line('304', m.node304, m.raw304, m.nginx304))
    const logCost = (what: string, info: number, warnOnly: number) =>
      `${what}: scangate LOG_LEVEL=info ${info.toFixed(0)} req/s, LOG_LEVEL=warn ${warnOnly.toFixed(0)} req/s → info/warn ${(info / warnOnly).toFixed(2)}×`
    console.log(logCost('200', m.node200, m.warn200))
    console.log(logCost('304', m.node304, m.warn304))
    const vsNode = Math.min(m.node200 / m.raw200, m.node304 / m.raw304)
    const vsWarn = Math.min(m.node200 / m.warn200, m.node304 / m.warn304)
    console.log(`goal scangate ≥ 0.80× bare Node: ${vsNode >= 0.8 ? 'met' : 'NOT met'} (${vsNode.toFixed(2)}×; stretch 0.90× ${vsNode >= 0.9 ? 'met' : 'not met'})`)
    console.log(`goal LOG_LEVEL=info ≥ 0.90× LOG_LEVEL=warn: ${vsWarn >= 0.9 ? 'met' : 'NOT met'} (${vsWarn.toFixed(2)}×)`)
  } finally {
    for (const c of children) c.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 500))
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
