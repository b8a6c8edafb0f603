/**
 * @module bench/feed
 * GET /v1/ranges (200 and 304) from the Node server vs nginx serving the same bytes as a
 * static file, with the same load generator (wrk) in the same run; prints the ratios.
 * Goal: the Node server reaches ≥ 0.6× nginx. Loopback only, bounded duration.
 *
 * Run: npx tsx bench/feed.ts   (needs Debian's nginx and wrk: apt-get install nginx-light wrk)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const DURATION = process.env.BENCH_SECONDS ?? '8'
const CONNECTIONS = process.env.BENCH_CONNECTIONS ?? '32'
const NODE_PORT = 38181
const NGINX_PORT = 38182

function wrk(url: string, headers: string[] = []): number {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${DURATION}s`, '--latency', ...headers.flatMap((h) => ['-H', h]), url]
  const r = spawnSync('wrk', args, { encoding: 'utf8' })
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout)
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)
  if (!m) throw new Error(`wrk failed: ${r.stderr || r.stdout}`)
  if (non2xx) throw new Error(`wrk saw ${non2xx[1]} error responses from ${url}`)
  return Number(m[1])
}

async function waitFor(url: string, ms = 30_000): Promise<void> {
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
    const node = spawn(process.execPath, ['--import', 'tsx', 'src/platform/node.ts'], {
      env: { ...process.env, DATA_DIR: join(dir, 'data'), PORT: String(NODE_PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: '' },
      stdio: 'inherit',
    })
    children.push(node)
    const nodeUrl = `http://127.0.0.1:${NODE_PORT}/v1/ranges`
    await waitFor(nodeUrl)
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
http { access_log off; default_type application/json;
  server { listen 127.0.0.1:${NGINX_PORT}; root ${root}; location / { add_header Cache-Control "public, max-age=300"; } } }`,
    )
    const nginx = spawn('nginx', ['-c', conf, '-p', dir], { stdio: 'inherit' })
    children.push(nginx)
    const nginxUrl = `http://127.0.0.1:${NGINX_PORT}/v1/ranges`
    await waitFor(nginxUrl)
    const nginxEtag = (await fetch(nginxUrl)).headers.get('etag')!

    // warm up both (JIT, caches)
    wrk(nodeUrl)
    const results = {
      node200: wrk(nodeUrl),
      nginx200: wrk(nginxUrl),
      node304: wrk(nodeUrl, [`If-None-Match: ${etag}`]),
      nginx304: wrk(nginxUrl, [`If-None-Match: ${nginxEtag}`]),
    }
    const ratio200 = results.node200 / results.nginx200
    const ratio304 = results.node304 / results.nginx304
    console.log(`body ${body.length} bytes; wrk -t1 -c${CONNECTIONS} -d${DURATION}s on loopback`)
    console.log(`200: node ${results.node200.toFixed(0)} req/s, nginx ${results.nginx200.toFixed(0)} req/s → ratio ${ratio200.toFixed(2)}×`)
    console.log(`304: node ${results.node304.toFixed(0)} req/s, nginx ${results.nginx304.toFixed(0)} req/s → ratio ${ratio304.toFixed(2)}×`)
    console.log(`goal ≥ 0.60×: ${ratio200 >= 0.6 && ratio304 >= 0.6 ? 'met' : 'NOT met'}`)
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
