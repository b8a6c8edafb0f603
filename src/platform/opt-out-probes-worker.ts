/**
 * @module platform/opt-out-probes-worker
 * Opt-out checks on Workers, which have no DNS resolver API: DNS goes over DNS-over-HTTPS
 * (RFC 8484 JSON form, to DOH_URL, by default Cloudflare's resolver), HTTP through the
 * Workers outbound guard. Tested only in Node (tests/platform); workerd offline has no DoH.
 */
import type { OutboundFetch } from '../domain/notifications/outbound-request.js'
import type { OptOutProbes } from '../domain/opt-out/probes.js'

const DEFAULT_DOH = 'https://cloudflare-dns.com/dns-query'
const TYPES = { TXT: 16, A: 1, AAAA: 28 } as const

/** A TXT answer's data as DoH JSON gives it: one or more quoted character-strings. */
export function txtStrings(data: string): string[] {
  const out: string[] = []
  for (const m of data.matchAll(/"((?:[^"\\]|\\.)*)"/g)) out.push(m[1]!.replace(/\\(.)/g, '$1'))
  return out.length ? out : [data]
}

export function createDohOptOutProbes(opts: { fetch: OutboundFetch; dohUrl?: string; rdapBaseUrl?: string }): OptOutProbes {
  const doh = opts.dohUrl ?? DEFAULT_DOH
  const ask = async (name: string, type: keyof typeof TYPES): Promise<string[]> => {
    const res = await opts.fetch({ url: `${doh}?name=${encodeURIComponent(name)}&type=${type}`, method: 'GET', headers: { accept: 'application/dns-json' } })
    if (res.status !== 200) throw new Error(`DNS-over-HTTPS answered ${res.status}`)
    const body = JSON.parse(res.body) as { Status?: number; Answer?: { type: number; data: string }[] }
    if (body.Status === 3) return []
    return (body.Answer ?? []).filter((a) => a.type === TYPES[type]).map((a) => a.data)
  }
  const rdapBase = opts.rdapBaseUrl?.replace(/\/+$/, '')
  return {
    resolveTxt: async (name) => (await ask(name, 'TXT')).map(txtStrings),
    resolveAddresses: async (name) => [...(await ask(name, 'A')), ...(await ask(name, 'AAAA'))],
    async fetchText(url, accept) {
      const res = await opts.fetch({ url, method: 'GET', headers: { accept } })
      return { status: res.status, body: res.body }
    },
    rdapUrl: (prefix) => (rdapBase ? `${rdapBase}/ip/${prefix}` : null),
  }
}
