/**
 * @module tests/helpers/node-server
 * Runs the real Node server (`node --import tsx src/platform/node.ts`) and the CLI as
 * child processes on loopback, for tests that need a process to kill, restart or cut off
 * from its database. Every wait is bounded; `stop()` always ends the child.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Only what a child needs from our environment (not DATABASE_URL, PORT, NODE_OPTIONS …). */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[k]) env[k] = process.env[k]!
  return env
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `src/platform/cli.ts` with `args`; resolves when it exits (killed after `timeoutMs`). */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/platform/cli.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...baseEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** Makes an API token through the CLI, as an operator would; returns the secret (last stdout line). */
export async function createTokenWithCli(databaseUrl: string, scopes: string[]): Promise<string> {
  const r = await runCli(['token', 'create', '--name', 'reliability tests', '--scopes', scopes.join(',')], { DATABASE_URL: databaseUrl })
  if (r.code !== 0) throw new Error(`token create failed (${r.code}): ${r.stderr}`)
  const token = r.stdout.trim().split('\n').pop()!.trim()
  if (!/^sg_/.test(token)) throw new Error(`unexpected CLI output: ${r.stdout}`)
  return token
}

export interface NodeServer {
  url: string
  port: number
  pid: number
  /** Everything the process wrote, for failure messages. */
  output(): string
  alive(): boolean
  /** Sends a signal without waiting (e.g. SIGKILL for the crash test). */
  kill(signal: NodeJS.Signals): void
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<number | string | null>
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>
}

/**
 * Starts the server on 127.0.0.1:`port` with `env` (DATABASE_URL etc.) and waits until
 * /healthz answers (at most `readyTimeoutMs`).
 */
export async function startNodeServer(env: Record<string, string>, opts: { port?: number; readyTimeoutMs?: number } = {}): Promise<NodeServer> {
  const port = opts.port ?? (await freePort())
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/platform/node.ts'], {
    cwd: REPO_ROOT,
    env: { ...baseEnv(), LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)))
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)))
  let running = true
  const exited = new Promise<number | string | null>((resolve) => {
    child.on('exit', (code, signal) => {
      running = false
      resolve(signal ?? code)
    })
  })
  const url = `http://127.0.0.1:${port}`
  const server: NodeServer = {
    url,
    port,
    pid: child.pid!,
    output: () => output,
    alive: () => running,
    kill: (signal) => void child.kill(signal),
    exited,
    async stop(graceMs = 10_000) {
      if (!running) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000)
  while (Date.now() < deadline) {
    if (!running) throw new Error(`the server exited before it was ready:\n${output}`)
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })
      if (res.ok) return server
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  await server.stop(1000)
  throw new Error(`the server did not answer /healthz within ${opts.readyTimeoutMs ?? 60_000} ms:\n${output}`)
}
