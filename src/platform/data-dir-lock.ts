/**
 * @module platform/data-dir-lock
 * PGlite is single-process: two processes opening the same data directory would corrupt
 * it. A pid lock file makes the second one stop with an explanation instead.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { restrictDataDir } from './data-dir.js'

/** How the server names itself in the lock file; the CLI then uses its control channel. */
export const SERVER_LOCK_NAME = 'the scangate server'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Who holds the lock now (a live process other than this one), or null. */
export function lockHolder(dir: string): { pid: number; who: string } | null {
  let holder: { pid?: number; who?: string } = {}
  try {
    holder = JSON.parse(readFileSync(join(dir, 'scangate.lock'), 'utf8'))
  } catch {
    return null
  }
  return holder.pid && holder.pid !== process.pid && alive(holder.pid) ? { pid: holder.pid, who: holder.who ?? 'another process' } : null
}

/** Takes the lock or throws; returns the release function. Stale locks are taken over. */
export function lockDataDir(dir: string, who: string): () => void {
  // whoever opens the directory first brings it to 0700/0600 (see platform/data-dir)
  restrictDataDir(dir)
  const file = join(dir, 'scangate.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, who }), { flag: 'wx' })
      return () => rmSync(file, { force: true })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      let holder: { pid?: number; who?: string } = {}
      try {
        holder = JSON.parse(readFileSync(file, 'utf8'))
      } catch {
        /* unreadable lock: treat as stale */
      }
      if (holder.pid && holder.pid !== process.pid && alive(holder.pid)) {
        throw new Error(
          `the embedded database in ${dir} is in use by ${holder.who ?? 'another process'} (pid ${holder.pid}). ` +
            'Stop it first, or point DATABASE_URL at a Postgres server to share one database between processes.',
        )
      }
      rmSync(file, { force: true })
    }
  }
  throw new Error(`could not lock ${file}`)
}
