import { describe, expect, it } from 'vitest'
import type { OutboundRequest } from '../../src/domain/notifications/outbound-request.js'
import { createDohOptOutProbes, txtStrings } from '../../src/platform/opt-out-probes-worker.js'

describe('opt-out probes over DNS-over-HTTPS (Workers)', () => {
  it('reads TXT character-strings, A/AAAA answers and NXDOMAIN from DoH JSON', async () => {
    const asked: string[] = []
    const answers: Record<string, unknown> = {
      '_scangate-optout.69.2.81.in-addr.arpa TXT': { Status: 0, Answer: [{ type: 16, data: '"scangate-optout=oo_" "abc"' }, { type: 5, data: 'alias.' }] },
      'mail.example.net A': { Status: 0, Answer: [{ type: 1, data: '81.2.69.25' }] },
      'mail.example.net AAAA': { Status: 0, Answer: [] },
      'nothing.example.net TXT': { Status: 3 },
    }
    const probes = createDohOptOutProbes({
      fetch: async (req: OutboundRequest) => {
        const u = new URL(req.url)
        asked.push(`${u.origin}${u.pathname} ${req.headers?.accept}`)
        const key = `${u.searchParams.get('name')} ${u.searchParams.get('type')}`
        return { status: 200, headers: {}, body: JSON.stringify(answers[key] ?? { Status: 2 }), address: '192.0.2.1' }
      },
    })
    expect(await probes.resolveTxt('_scangate-optout.69.2.81.in-addr.arpa')).toEqual([['scangate-optout=oo_', 'abc']])
    expect(await probes.resolveAddresses('mail.example.net')).toEqual(['81.2.69.25'])
    expect(await probes.resolveTxt('nothing.example.net')).toEqual([])
    expect(asked[0]).toBe('https://cloudflare-dns.com/dns-query application/dns-json')
    expect(txtStrings('"a\\"b" "c"')).toEqual(['a"b', 'c'])
    expect(probes.rdapUrl('81.2.0.0/16')).toBeNull()
  })
})
