/**
 * @module platform/data-dir
 * The embedded database directory holds every report, contact and token hash: only the
 * service's own user may read or write it. New files are created 0600 and directories
 * 0700 (process umask 077), and what is already there is brought to that at start —
 * PGlite lays its initial cluster out 0666 whatever the umask, and older installs were
 * created that way.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export const DIR_MODE = 0o700
export const FILE_MODE = 0o600

/** From now on this process creates files 0600 and directories 0700. */
export function restrictNewFiles(): void {
  process.umask(0o077)
}

/**
 * Creates `dir` if needed and sets every directory under it to 0700 and every file to
 * 0600 (symbolic links are left alone: their targets are not ours to change). Returns
 * how many entries had wider permissions.
 */
export function restrictDataDir(dir: string): number {
  restrictNewFiles()
  mkdirSync(dir, { recursive: true, mode: DIR_MODE })
  let fixed = 0
  const visit = (path: string) => {
    const st = lstatSync(path)
    if (st.isSymbolicLink()) return
    const want = st.isDirectory() ? DIR_MODE : FILE_MODE
    if ((st.mode & 0o777) !== want) {
      chmodSync(path, want)
      fixed++
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name))
  }
  visit(dir)
  return fixed
}
