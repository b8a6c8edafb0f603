/**
 * @module platform/backup
 * The embedded install's backup file: one header line, one JSON line (when, the signing
 * key, size and SHA-256 of the database archive), then PGlite's tar.gz of its data
 * directory. The signing key is inside, so the file is written mode 0600.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const MAGIC = 'SCANGATE-BACKUP 1\n'

export interface BackupHeader {
  createdAt: string
  /** The feed signing key kept in DATA_DIR; null when the key comes from FEED_SIGNING_KEY. */
  signingKey: string | null
  bytes: number
  sha256: string
}

export const SIGNING_KEY_FILE = 'feed-signing-key'

export function readSigningKeyFile(dataDir: string): string | null {
  const file = join(dataDir, SIGNING_KEY_FILE)
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null
}

export function encodeBackup(archive: Uint8Array, signingKey: string | null, now: Date): Buffer {
  const header: BackupHeader = {
    createdAt: now.toISOString(),
    signingKey,
    bytes: archive.length,
    sha256: createHash('sha256').update(archive).digest('hex'),
  }
  return Buffer.concat([Buffer.from(MAGIC + JSON.stringify(header) + '\n'), archive])
}

export function decodeBackup(file: Buffer): { header: BackupHeader; archive: Buffer } {
  if (!file.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC))) throw new Error('not a scangate backup file')
  const end = file.indexOf(0x0a, MAGIC.length)
  if (end < 0) throw new Error('backup file is truncated (no header)')
  const header = JSON.parse(file.subarray(MAGIC.length, end).toString('utf8')) as BackupHeader
  const archive = file.subarray(end + 1)
  if (archive.length !== header.bytes) throw new Error(`backup file is truncated: ${archive.length} of ${header.bytes} bytes`)
  if (createHash('sha256').update(archive).digest('hex') !== header.sha256) throw new Error('backup file is corrupt (SHA-256 mismatch)')
  return { header, archive }
}

/** Restores into `dataDir`, which must be missing or empty (never over a live database). */
export async function restoreBackup(file: Buffer, dataDir: string): Promise<BackupHeader> {
  const { header, archive } = decodeBackup(file)
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new Error(`${dataDir} is not empty; restore only into an empty DATA_DIR (move the old one aside first)`)
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const { PGlite } = await import('@electric-sql/pglite')
  const pglite = new PGlite(join(dataDir, 'pgdata'), { loadDataDir: new Blob([new Uint8Array(archive)]) })
  await pglite.waitReady
  await pglite.query('select 1')
  await pglite.close()
  if (header.signingKey) writeFileSync(join(dataDir, SIGNING_KEY_FILE), header.signingKey + '\n', { mode: 0o600 })
  return header
}
