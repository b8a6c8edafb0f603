/**
 * @module db/desk-session-repository
 * Browser sessions of the abuse desk. A desk user signs in once with an API token; the
 * browser then holds a random session id and the table holds only its SHA-256, the id of
 * the token it stands for, a CSRF synchronizer token and its expiry. A session is valid
 * only while its token is: revoking or expiring the token ends it at the next request.
 */
import type { Kysely } from 'kysely'
import { sha256Hex } from '../domain/sha256.js'
import type { Database } from './schema.js'
import type { TokenInfo } from './token-repository.js'

/** Longest a session lives, however active it is. */
export const DESK_SESSION_TTL_MS = 8 * 3_600_000
/** A session nobody used for this long ends. */
export const DESK_SESSION_IDLE_MS = 2 * 3_600_000
/** last_seen_at is written at most this often (not on every page view). */
const TOUCH_EVERY_MS = 60_000

export const DESK_SESSION_PATTERN = /^ds_[A-Za-z0-9_-]{43}$/

function randomBase64Url(bytes: number): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes))
  let bin = ''
  for (const x of b) bin += String.fromCharCode(x)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export interface NewDeskSession {
  /** The secret the browser keeps (cookie value); never stored. */
  sessionId: string
  csrfToken: string
  expiresAt: Date
}

export interface DeskSession {
  idHash: string
  csrfToken: string
  expiresAt: Date
  token: TokenInfo
}

/** Opens a session for a token that was just checked; it ends no later than the token. */
export async function createDeskSession(db: Kysely<Database>, token: TokenInfo, now: Date): Promise<NewDeskSession> {
  const sessionId = `ds_${randomBase64Url(32)}`
  const csrfToken = randomBase64Url(32)
  let expiresAt = new Date(now.getTime() + DESK_SESSION_TTL_MS)
  if (token.expiresAt && token.expiresAt < expiresAt) expiresAt = token.expiresAt
  await db
    .insertInto('desk_sessions')
    .values({ id_hash: await sha256Hex(sessionId), token_id: token.id, csrf_token: csrfToken, created_at: now, last_seen_at: now, expires_at: expiresAt })
    .execute()
  return { sessionId, csrfToken, expiresAt }
}

/**
 * The live session for this browser secret, with its token as of now; null when the
 * session is unknown, expired or idle too long, or its token is revoked or expired.
 */
export async function findDeskSession(db: Kysely<Database>, sessionId: string, now: Date): Promise<DeskSession | null> {
  if (!DESK_SESSION_PATTERN.test(sessionId)) return null
  const idHash = await sha256Hex(sessionId)
  const row = await db
    .selectFrom('desk_sessions as s')
    .innerJoin('api_tokens as t', 't.id', 's.token_id')
    .select([
      's.id_hash',
      's.csrf_token',
      's.expires_at as session_expires_at',
      's.last_seen_at',
      't.id',
      't.name',
      't.token_prefix',
      't.scopes',
      't.created_at',
      't.expires_at',
      't.revoked_at',
      't.last_used_at',
    ])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst()
  if (!row) return null
  const t = now.getTime()
  const dead =
    row.session_expires_at.getTime() <= t ||
    row.last_seen_at.getTime() + DESK_SESSION_IDLE_MS <= t ||
    row.revoked_at !== null ||
    (row.expires_at !== null && row.expires_at.getTime() <= t)
  if (dead) {
    await db.deleteFrom('desk_sessions').where('id_hash', '=', idHash).execute()
    return null
  }
  if (t - row.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    await db.updateTable('desk_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute()
  }
  return {
    idHash,
    csrfToken: row.csrf_token,
    expiresAt: row.session_expires_at,
    token: {
      id: row.id,
      name: row.name,
      prefix: row.token_prefix,
      scopes: row.scopes,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
      lastUsedAt: row.last_used_at,
    },
  }
}

/** Signs out: the session row goes, so the cookie is worthless even if it was copied. */
export async function deleteDeskSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom('desk_sessions').where('id_hash', '=', idHash).execute()
}

/** Housekeeping: removes sessions past their expiry or idle limit; returns how many. */
export async function deleteExpiredDeskSessions(db: Kysely<Database>, now: Date): Promise<number> {
  const rows = await db
    .deleteFrom('desk_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', new Date(now.getTime() - DESK_SESSION_IDLE_MS))]))
    .returning('id_hash')
    .execute()
  return rows.length
}
