import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { lockDataDir } from '../../src/platform/data-dir-lock.js'
import { migrate, openEmbedded } from '../../src/platform/node-database.js'

const umask = process.umask()
const root = mkdtempSync(join(tmpdir(), 'scangate-perm-'))
afterAll(() => {
  process.umask(umask)
  rmSync(root, { recursive: true, force: true })
})

function modes(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = []
  const visit = (p: string) => {
    const st = lstatSync(p)
    out.push({ path: p, dir: st.isDirectory(), mode: st.mode & 0o777 })
    if (st.isDirectory()) for (const n of readdirSync(p)) visit(join(p, n))
  }
  visit(dir)
  return out
}

describe('the embedded database directory', () => {
  it('is 0700 with 0600 files, for a fresh cluster, for existing files and for files made later', async () => {
    const dataDir = join(root, 'data')
    // an install made before the fix: world-writable
    mkdirSync(join(dataDir, 'old'), { recursive: true })
    writeFileSync(join(dataDir, 'old', 'file'), 'x')
    chmodSync(join(dataDir, 'old'), 0o777)
    chmodSync(join(dataDir, 'old', 'file'), 0o666)
    chmodSync(dataDir, 0o777)

    const release = lockDataDir(dataDir, 'test')
    const opened = await openEmbedded(join(dataDir, 'pgdata'))
    await migrate(opened.db)
    await sql`create table later (x text)`.execute(opened.db)
    await sql`insert into later select repeat('y', 100) from generate_series(1, 2000)`.execute(opened.db)
    await sql`checkpoint`.execute(opened.db)
    await opened.close()
    release()

    const all = modes(dataDir)
    expect(all.filter((e) => !e.dir).length).toBeGreaterThan(500)
    const wrong = all.filter((e) => e.mode !== (e.dir ? 0o700 : 0o600)).map((e) => `${e.path} ${e.mode.toString(8)}`)
    expect(wrong).toEqual([])
  }, 120_000)
})
