/**
 * @module platform/logger
 * JSON-lines logger for Node. Callers pass structured fields; nothing here formats
 * request bodies or headers, which is how personal data stays out of logs.
 */
import type { Logger } from '../http/app-env.js'

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const

export function createLogger(
  level: keyof typeof LEVELS,
  write: (line: string) => void = (l) => process.stdout.write(l + '\n'),
): Logger {
  const min = LEVELS[level]
  const emit = (lvl: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[lvl] < min) return
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }))
  }
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  }
}
