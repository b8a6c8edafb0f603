/**
 * @module db/token-repository
 * API tokens, stored as SHA-256 hashes only.
 */
import type { Kysely } from 'kysely'
import { sha256Hex } from '../domain/sha256.js'
import { generateToken, tokenPrefix, type Scope } from '../domain/tokens.js'
import type { Database } from './schema.js'

export interface TokenInfo {
  id: string
  name: string
  prefix: string
  scopes: string[]
  createdAt: Date
  expiresAt: Date | null
  revokedAt: Date | null
  lastUsedAt: Date | null
}

export async function createToken(
  db: Kysely<Database>,
  input: { name: string; scopes: Scope[]; expiresAt?: Date | null },
): Promise<{ token: string; info: TokenInfo }> {
  const token = generateToken()
  const row = await db
    .insertInto('api_tokens')
    .values({
      name: input.name,
      token_prefix: tokenPrefix(token),
      token_hash: await sha256Hex(token),
      scopes: input.scopes,
      expires_at: input.expiresAt ?? null,
      revoked_at: null,
      last_used_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return { token, info: toInfo(row) }
}

function toInfo(row: {
  id: string
  name: string
  token_prefix: string
  scopes: string[]
  created_at: Date
  expires_at: Date | null
  revoked_at: Date | null
  last_used_at: Date | null
}): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.token_prefix,
    scopes: row.scopes,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  }
}

/** The token with this secret if it is usable at `now` (not revoked, not expired). */
export async function findActiveToken(db: Kysely<Database>, secret: string, now: Date): Promise<TokenInfo | null> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', await sha256Hex(secret))
    .executeTakeFirst()
  if (!row || row.revoked_at) return null
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) return null
  return toInfo(row)
}

export async function touchToken(db: Kysely<Database>, id: string, now: Date): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute()
}

export async function listTokens(db: Kysely<Database>): Promise<TokenInfo[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute()
  return rows.map(toInfo)
}

/** Revokes by id or by the public prefix; returns the revoked tokens. */
export async function revokeToken(db: Kysely<Database>, idOrPrefix: string, now: Date): Promise<TokenInfo[]> {
  const byId = /^[0-9a-f-]{36}$/i.test(idOrPrefix)
  const rows = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where(byId ? 'id' : 'token_prefix', '=', idOrPrefix)
    .where('revoked_at', 'is', null)
    .returningAll()
    .execute()
  return rows.map(toInfo)
}
