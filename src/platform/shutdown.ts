/**
 * @module platform/shutdown
 * The graceful-shutdown sequence on Node: named steps run in order, each bounded, so one
 * that hangs (a stuck connection, an unreachable mail server) cannot keep the process
 * alive past the supervisor's kill timeout — systemd and Docker send SIGKILL after it.
 */
import type { Server } from 'node:http'
import type { Logger } from '../http/app-env.js'

export interface ShutdownStep {
  name: string
  run: () => Promise<unknown> | unknown
  /** The longest this step may take before the sequence moves on. */
  timeoutMs: number
}

export async function runShutdown(steps: readonly ShutdownStep[], log: Logger): Promise<void> {
  for (const step of steps) {
    const started = performance.now()
    let timer: NodeJS.Timeout | undefined
    const outcome = await Promise.race([
      Promise.resolve()
        .then(step.run)
        .then(
          () => 'done',
          (err: unknown) => `failed: ${err instanceof Error ? err.message : String(err)}`,
        ),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timed out'), step.timeoutMs))),
    ])
    clearTimeout(timer)
    log.info('shutdown step', { step: step.name, outcome, ms: Math.round(performance.now() - started) })
  }
}

/**
 * Stops accepting connections and lets requests in flight finish, for at most `graceMs`;
 * keep-alive connections are closed as soon as they are idle, the rest at the deadline.
 * Resolves true when every request finished, false when some had to be cut at the deadline.
 */
export function drainHttpServer(server: Server, graceMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => {
      server.closeAllConnections()
      clearInterval(sweep)
      resolve(false)
    }, graceMs)
    // a connection becomes idle when its response is done; close it then, not at the deadline
    const sweep = setInterval(() => server.closeIdleConnections(), 25)
    server.close(() => {
      clearTimeout(deadline)
      clearInterval(sweep)
      resolve(true)
    })
  })
}
