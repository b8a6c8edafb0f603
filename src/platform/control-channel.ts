/**
 * @module platform/control-channel
 * Lets the CLI use the embedded database while the server holds it. The server listens on
 * a Unix socket in DATA_DIR, mode 0600: whoever can open it could open the database files
 * too, so file permissions are the authentication (as with Postgres's local socket).
 *
 * Protocol: one JSON line from the client, `{ command, input }`; then JSON lines from
 * the server, `{ say }` / `{ progress }` while the command runs, and a last
 * `{ ok: true, result }` or `{ ok: false, error }`.
 */
import { chmodSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Socket } from 'node:net'
import { join } from 'node:path'
import type { Logger } from '../http/app-env.js'
import type { Command, CommandContext, Json } from './cli/command.js'

export const SOCKET_NAME = 'scangate.sock'
export const socketPath = (dataDir: string) => join(dataDir, SOCKET_NAME)

/** A request line may carry a whole range import; beyond this it is refused. */
const MAX_REQUEST_BYTES = 64 * 1024 * 1024

type Reply = { say: string } | { progress: string } | { ok: true; result: Json | null } | { ok: false; error: string }

function onLines(socket: Socket, limit: number, handle: (line: string) => void, tooLong: () => void): void {
  let buffered = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffered += chunk
    let nl: number
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl)
      buffered = buffered.slice(nl + 1)
      handle(line)
    }
    if (buffered.length > limit) tooLong()
  })
}

export interface ControlServer {
  /** Stops accepting commands and waits (bounded) for running ones to finish. */
  close(waitMs: number): Promise<void>
}

/** Serves `commands` on the socket; `context` gives each run the server's database. */
export async function startControlServer(opts: {
  path: string
  commands: readonly Command[]
  context: Omit<CommandContext, 'say' | 'progress'>
  log: Logger
}): Promise<ControlServer> {
  rmSync(opts.path, { force: true })
  const running = new Set<Promise<void>>()
  const server = createServer((socket) => {
    const send = (r: Reply) => {
      if (!socket.destroyed) socket.write(JSON.stringify(r) + '\n')
    }
    let started = false
    onLines(socket, MAX_REQUEST_BYTES, (line) => {
      if (started) return
      started = true
      const job = handle(line, send).finally(() => {
        running.delete(job)
        socket.end()
      })
      running.add(job)
    }, () => {
      send({ ok: false, error: 'request too large' })
      socket.destroy()
    })
    socket.on('error', () => undefined)
  })

  async function handle(line: string, send: (r: Reply) => void): Promise<void> {
    let name = '(unreadable)'
    try {
      const req = JSON.parse(line) as { command?: unknown; input?: Json }
      name = String(req.command)
      const command = opts.commands.find((c) => c.name === req.command)
      if (!command) throw new Error(`the server does not know the command '${name}' (is it an older version than this CLI?)`)
      if (command.database === 'none') throw new Error(`'${name}' does not run inside the server`)
      const result = await command.run({ ...opts.context, say: (l) => send({ say: l }), progress: (l) => send({ progress: l }) }, req.input ?? null)
      send({ ok: true, result: result ?? null })
      opts.log.info('control command', { command: name, ok: true })
    } catch (err) {
      send({ ok: false, error: err instanceof Error ? err.message : String(err) })
      opts.log.info('control command', { command: name, ok: false })
    }
  }

  // the socket is created with no group/other bits at all, then made 0600 explicitly
  const umask = process.umask(0o177)
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(opts.path, () => resolve())
    })
  } finally {
    process.umask(umask)
  }
  chmodSync(opts.path, 0o600)

  return {
    async close(waitMs: number) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        // close() waits for open connections; the bounded wait below covers running commands
        setTimeout(resolve, waitMs).unref()
      })
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, waitMs).unref())])
      rmSync(opts.path, { force: true })
    },
  }
}

/** Runs `command` in the server behind `path`; say/progress lines arrive as they are written. */
export function runRemote(path: string, command: string, input: Json, io: { say(l: string): void; progress(l: string): void }): Promise<Json | null> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path)
    let settled = false
    const settle = (fn: () => void) => {
      if (!settled) {
        settled = true
        fn()
      }
    }
    socket.on('connect', () => socket.write(JSON.stringify({ command, input }) + '\n'))
    onLines(socket, Number.POSITIVE_INFINITY, (line) => {
      const r = JSON.parse(line) as Reply
      if ('say' in r) io.say(r.say)
      else if ('progress' in r) io.progress(r.progress)
      else if (r.ok) settle(() => resolve(r.result))
      else settle(() => reject(new Error(r.error)))
    }, () => undefined)
    socket.on('error', (e: NodeJS.ErrnoException) =>
      settle(() => reject(new Error(`cannot reach the running server through ${path}: ${e.code ?? e.message}`))),
    )
    socket.on('close', () => settle(() => reject(new Error('the server closed the control channel before answering (is it shutting down?)'))))
  })
}
