/**
 * @module platform/opt-out-probes
 * The outside-world checks an opt-out verification makes. DNS goes to the configured
 * resolver (DNS_RESOLVER, e.g. a local validating resolver; tests point it at a dnsmasq
 * they start); HTTP goes through the one outbound guard. RDAP answers often redirect
 * from a bootstrap service to the registry: each hop goes through the guard again, at
 * most two.
 */
import { Resolver } from 'node:dns/promises'
import type { OutboundFetch } from '../domain/notifications/outbound-request.js'
import type { OptOutProbes } from '../domain/opt-out/probes.js'

const NO_ANSWER = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME'])
const MAX_RDAP_HOPS = 2

function orEmpty<T>(p: Promise<T[]>): Promise<T[]> {
  return p.catch((err: { code?: string }) => {
    if (err.code && NO_ANSWER.has(err.code)) return []
    throw err
  })
}

/** `host` or `host:port` (IPv6 as `[::1]:53`), as DNS_RESOLVER gives it. */
function resolverFor(server: string | undefined): Resolver {
  const r = new Resolver({ timeout: 3000, tries: 2 })
  if (server) r.setServers([server])
  return r
}

export function createOptOutProbes(opts: { dnsResolver?: string; fetch: OutboundFetch; rdapBaseUrl?: string }): OptOutProbes {
  const dns = resolverFor(opts.dnsResolver)
  const rdapBase = opts.rdapBaseUrl?.replace(/\/+$/, '')
  return {
    resolveTxt: (name) => orEmpty(dns.resolveTxt(name)),
    resolveAddresses: async (name) => [...(await orEmpty(dns.resolve4(name))), ...(await orEmpty(dns.resolve6(name)))],
    async fetchText(url, accept) {
      let next = url
      for (let hop = 0; ; hop++) {
        const res = await opts.fetch({ url: next, method: 'GET', headers: { accept } })
        const location = res.headers['location']
        if (res.status >= 300 && res.status < 400 && location && accept.includes('rdap') && hop < MAX_RDAP_HOPS) {
          next = new URL(location, next).toString()
          continue
        }
        return { status: res.status, body: res.body }
      }
    },
    rdapUrl: (prefix) => (rdapBase ? `${rdapBase}/ip/${prefix}` : null),
  }
}
