/**
 * @module tests/helpers/test-app
 * Builds the app over a test database with a controllable clock, plus small request
 * helpers. No port is opened: requests go through `app.request()`.
 */
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import { createToken } from '../../src/db/token-repository.js'
import type { Database } from '../../src/db/schema.js'
import type { Scope } from '../../src/domain/tokens.js'
import { createApp } from '../../src/http/app.js'
import type { AppDeps } from '../../src/http/app-env.js'

export interface Clock {
  now: () => Date
  set(d: Date | string): void
  advance(ms: number): void
}

export function testClock(start = '2026-11-01T00:00:00.000Z'): Clock {
  let t = new Date(start).getTime()
  return {
    now: () => new Date(t),
    set: (d) => void (t = new Date(d).getTime()),
    advance: (ms) => void (t += ms),
  }
}

export function buildApp(db: Kysely<Database>, clock: Clock, extra: Partial<AppDeps> = {}) {
  return createApp({
    getDb: () => db,
    getClientIp: () => '127.0.0.1',
    now: clock.now,
    feedRefreshMs: 0,
    publicUrl: 'https://scanners.example.test',
    md5Hex: async (bytes) => createHash('md5').update(bytes).digest('hex'),
    ...extra,
  })
}

export async function tokenWith(db: Kysely<Database>, ...scopes: Scope[]): Promise<string> {
  const { token } = await createToken(db, { name: `test ${scopes.join(',')}`, scopes })
  return token
}

export function bearer(token: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } }
}

export function jsonBody(method: string, body: unknown, token?: string): RequestInit {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  return { method, headers, body: JSON.stringify(body) }
}

export const DAY = 86_400_000
