/**
 * @module platform/node-logger
 * The Node logger: pino writing JSON lines to stdout through an asynchronous, buffered
 * destination, so a request costs a formatted line in memory rather than a write(2).
 * Same contract as the Workers logger (src/platform/logger.ts): callers pass structured
 * fields and never bodies, headers, query strings, e-mails or tokens.
 */
import pino, { type DestinationStream } from 'pino'
import type { Logger } from '../http/app-env.js'

export interface NodeLogger extends Logger {
  /** Writes out what is buffered; call before the process exits. */
  flush(): Promise<void>
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

/** `destination` is for tests; by default stdout, written asynchronously (lines logged while a write is in flight go out together). */
export function createNodeLogger(level: LogLevel, destination?: DestinationStream): NodeLogger {
  const stream = destination ?? pino.destination({ dest: 1, sync: false })
  const p = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  )
  return {
    info: (msg, fields) => (fields ? p.info(fields, msg) : p.info(msg)),
    warn: (msg, fields) => (fields ? p.warn(fields, msg) : p.warn(msg)),
    error: (msg, fields) => (fields ? p.error(fields, msg) : p.error(msg)),
    flush: () => new Promise<void>((resolve) => p.flush(() => resolve())),
  }
}
