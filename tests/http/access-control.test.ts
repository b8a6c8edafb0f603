/**
 * Every protected route × every way of not being allowed, generated from the app's own
 * route table and OpenAPI security requirements: a new admin route cannot be forgotten.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken, revokeToken } from '../../src/db/token-repository.js'
import { SCOPES, type Scope } from '../../src/domain/tokens.js'
import { buildApp, testClock } from '../helpers/test-app.js'
import { openTestDb, type TestDb } from '../helpers/test-db.js'

let t: TestDb
let app: ReturnType<typeof buildApp>
const clock = testClock()

interface Protected {
  method: string
  path: string
  scope: Scope
}
let routes: Protected[]
const credentials: Record<string, (scope: Scope) => Promise<string | null>> = {}

beforeAll(async () => {
  t = await openTestDb()
  app = buildApp(t.db, clock)
  const doc = await (await app.request('/openapi.json')).json()
  routes = []
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { security?: { bearerAuth?: string[] }[] }>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const scope = op.security?.[0]?.bearerAuth?.[0]
      if (scope) routes.push({ method: method.toUpperCase(), path, scope: scope as Scope })
    }
  }
  const revoked = await createToken(t.db, { name: 'revoked', scopes: [...SCOPES] })
  await revokeToken(t.db, revoked.info.id, clock.now())
  const expired = await createToken(t.db, { name: 'expired', scopes: [...SCOPES], expiresAt: new Date(clock.now().getTime() - 1000) })
  credentials['no token'] = async () => null
  credentials['malformed'] = async () => 'not a token at all'
  credentials['unknown'] = async () => `sg_${'x'.repeat(32)}`
  credentials['revoked'] = async () => revoked.token
  credentials['expired'] = async () => expired.token
  credentials['wrong scope'] = async (scope) =>
    (await createToken(t.db, { name: `all but ${scope}`, scopes: SCOPES.filter((s) => s !== scope) })).token
})
afterAll(async () => {
  await t.close()
})

function concrete(path: string): string {
  return path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000')
}

describe('access control', () => {
  it('every /v1/admin route in the app is documented with a security requirement', () => {
    const documented = new Set(routes.map((r) => `${r.method} ${r.path}`))
    const inApp = app.routes
      .filter((r) => r.path.startsWith('/v1/admin') && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path.replace(/\/:([A-Za-z_]+)(\{[^}]*\})?/g, '/{$1}')}`)
    expect(inApp.length).toBeGreaterThan(10)
    for (const r of new Set(inApp)) expect(documented, r).toContain(r)
  })

  it('every protected route answers 401 (or 403 for the wrong scope) with problem+json', async () => {
    expect(routes.length).toBeGreaterThan(10)
    let checked = 0
    for (const route of routes) {
      for (const [name, make] of Object.entries(credentials)) {
        const token = await make(route.scope)
        const headers: Record<string, string> = { 'content-type': 'application/json' }
        if (token) headers.authorization = `Bearer ${token}`
        const res = await app.request(concrete(route.path), {
          method: route.method,
          headers,
          ...(route.method === 'GET' ? {} : { body: '{}' }),
        })
        const expected = name === 'wrong scope' ? 403 : 401
        expect(res.status, `${route.method} ${route.path} with ${name}`).toBe(expected)
        expect(res.headers.get('content-type')).toBe('application/problem+json')
        expect((await res.json()).code).toBe(expected === 401 ? 'unauthorized' : 'forbidden')
        checked++
      }
    }
    expect(checked).toBe(routes.length * 6)
  })
})
