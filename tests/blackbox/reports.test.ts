/**
 * @module tests/blackbox/reports
 * Public abuse-report intake as a reporter uses it: submit, read the status with the
 * one-time token, retry safely with Idempotency-Key. Few submissions on purpose: the
 * public intake is rate-limited per client, and several targets share one database.
 */
import { describe, expect, it } from 'vitest'
import { api, expectProblem } from './support/target.js'

const REF = /^R-[0-9A-HJKMNP-TV-Z]{10}$/
const STATUS_TOKEN = /^rs_[A-Za-z0-9_-]{32}$/

interface Created {
  ref: string
  statusToken: string
  ours: boolean
  status: string
  links: { status: string }
}

function report(sourceIp: string) {
  return {
    sourceIps: [sourceIp],
    observedFrom: new Date(Date.now() - 3_600_000).toISOString(),
    target: '203.0.113.5',
    ports: [22, 443],
    protocol: 'tcp',
    description: 'Port scan seen by the black-box suite',
    contactEmail: 'reporter@example.org',
  }
}

describe('POST /v1/reports and GET /v1/reports/{ref}', () => {
  it('takes a report about one of our addresses and shows its status to the token holder only', async () => {
    const res = await api('/v1/reports', { method: 'POST', json: report('192.0.2.10') })
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const created = (await res.json()) as Created
    expect(created.ref).toMatch(REF)
    expect(created.statusToken).toMatch(STATUS_TOKEN)
    expect(created.ours).toBe(true)
    expect(created.links.status).toBe(`/v1/reports/${created.ref}`)
    expect(res.headers.get('location')).toBe(created.links.status)

    const status = await api(created.links.status, { token: created.statusToken })
    expect(status.status).toBe(200)
    expect(status.headers.get('cache-control')).toBe('no-store')
    const body = (await status.json()) as Record<string, unknown>
    // the target is kept as the CIDR block it names
    expect(body).toMatchObject({ ref: created.ref, ours: true, target: '203.0.113.5/32', sourceIps: ['192.0.2.10'] })
    expect(typeof body.statusText).toBe('string')
    // the reporter's own e-mail is not echoed back, and nothing internal is shown
    expect(JSON.stringify(body)).not.toContain('reporter@example.org')
    expect(body).not.toHaveProperty('caseId')

    await expectProblem(await api(created.links.status), 401, 'unauthorized')
    // a wrong token and an unknown reference look the same
    const wrong = await expectProblem(await api(created.links.status, { token: 'rs_' + 'x'.repeat(32) }), 404, 'not_found')
    const unknown = await expectProblem(await api('/v1/reports/R-0000000000', { token: created.statusToken }), 404, 'not_found')
    expect(wrong.detail).toBe(unknown.detail)
  })

  it('replays the first answer for a retried Idempotency-Key and says so', async () => {
    const key = `blackbox-${Date.now()}-${Math.random().toString(36).slice(2)}`
    const body = report('8.8.8.8')
    const first = await api('/v1/reports', { method: 'POST', json: body, headers: { 'idempotency-key': key } })
    expect(first.status).toBe(201)
    const a = (await first.json()) as Created
    expect(a.ours).toBe(false)
    const retry = await api('/v1/reports', { method: 'POST', json: body, headers: { 'idempotency-key': key } })
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(((await retry.json()) as Created).ref).toBe(a.ref)
  })

  it('refuses bad reports with problems that say what to fix', async () => {
    const bad = await expectProblem(await api('/v1/reports', { method: 'POST', json: { ...report('192.0.2.10'), sourceIps: [] } }), 400, 'validation_failed')
    expect(bad.errors?.some((e) => e.field === 'sourceIps')).toBe(true)
    const type = await api('/v1/reports', { method: 'POST', body: 'scan from 192.0.2.10', headers: { 'content-type': 'text/plain' } })
    await expectProblem(type, 415, 'unsupported_media_type')
  })
})
