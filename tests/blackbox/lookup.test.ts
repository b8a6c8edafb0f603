/**
 * @module tests/blackbox/lookup
 * "Is this address one of your scanners?" for the public.
 */
import { describe, expect, it } from 'vitest'
import { api, expectProblem } from './support/target.js'

describe('GET /v1/lookup/{ip}', () => {
  it('an address inside a seeded range is ours, with the range and its status', async () => {
    const res = await api('/v1/lookup/192.0.2.77')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=60')
    expect(await res.json()).toEqual({
      ip: '192.0.2.77',
      ours: true,
      prefix: '192.0.2.0/24',
      pool: 'asv-external',
      region: 'eu-central',
      status: 'active',
      activeFrom: expect.any(String),
      retireAt: null,
      // how the range's scanners identify themselves; the seed sets none of it
      identity: { asn: null, rirHandle: null, rdns: null, userAgents: [], tlsBanner: null, sshBanner: null },
    })
  })

  it('IPv6 addresses are normalised and matched too; announced ranges count', async () => {
    const v6 = (await (await api('/v1/lookup/2001:DB8:1:0::1')).json()) as Record<string, unknown>
    expect(v6).toMatchObject({ ip: '2001:db8:1::1', ours: true, prefix: '2001:db8:1::/48', status: 'active' })
    const announced = (await (await api('/v1/lookup/203.0.113.9')).json()) as Record<string, unknown>
    expect(announced).toMatchObject({ ours: true, status: 'announced', pool: 'web-app' })
  })

  it('an address outside the catalogue is not ours and says nothing more', async () => {
    const res = await api('/v1/lookup/8.8.8.8')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ip: '8.8.8.8', ours: false })
  })

  it('something that is not an IP address is a 400 problem', async () => {
    const p = await expectProblem(await api('/v1/lookup/not-an-ip'), 400)
    expect(p.detail.length).toBeGreaterThan(10)
    await expectProblem(await api('/v1/lookup/192.0.2.0%2F24'), 400)
  })
})
