/**
 * @module tests/blackbox/operations
 * Liveness, readiness, the OpenAPI document and unknown paths.
 */
import { describe, expect, it } from 'vitest'
import { api, expectProblem } from './support/target.js'

describe('operations endpoints', () => {
  it('/healthz is alive and never cached', async () => {
    const res = await api('/healthz')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('/readyz reaches the database and finds the schema current', async () => {
    const res = await api('/readyz')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { status: string; schema: string }
    expect(body.status).toBe('ready')
    expect(body.schema).toMatch(/^\d{4}_[a-z0-9_]+$/)
  })

  it('/openapi.json describes the public and admin API', async () => {
    const res = await api('/openapi.json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown>; components: { securitySchemes: Record<string, unknown> } }
    expect(doc.openapi).toBe('3.1.0')
    for (const p of ['/v1/ranges', '/v1/ranges.txt', '/v1/versions/{serial}', '/v1/changes', '/v1/lookup/{ip}', '/v1/admin/ranges', '/v1/admin/publish']) {
      expect(Object.keys(doc.paths), p).toContain(p)
    }
    expect(doc.components.securitySchemes.bearerAuth).toBeDefined()
  })

  it('an unknown path is a 404 problem that points at the API description', async () => {
    const res = await api('/v1/nope')
    const p = await expectProblem(res, 404, 'not_found')
    expect(p.detail).toContain('/openapi.json')
    expect(p.instance).toBe('/v1/nope')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  })
})
