/**
 * @module domain/opt-out/probes
 * What verifying an opt-out needs from the outside world, passed in by the platform: DNS
 * through the configured resolver, and HTTP through the one outbound-request guard
 * (public addresses only, no redirects, small, short timeout).
 */
export interface OptOutProbes {
  /** TXT records at `name`, each as its character-strings; [] when the name has none. */
  resolveTxt(name: string): Promise<string[][]>
  /** A and AAAA addresses of `name`; [] when it has none. */
  resolveAddresses(name: string): Promise<string[]>
  /** GET through the outbound guard; the body is capped small. */
  fetchText(url: string, accept: string): Promise<{ status: number; body: string }>
  /** The RDAP URL for a prefix (e.g. https://rdap.example/ip/198.51.100.0/24), or null when RDAP is not configured. */
  rdapUrl(prefix: string): string | null
}

/** Probes that always fail, for runtimes or tests without outbound access. */
export const NO_PROBES: OptOutProbes = {
  resolveTxt: async () => {
    throw new Error('DNS lookups are not available here')
  },
  resolveAddresses: async () => {
    throw new Error('DNS lookups are not available here')
  },
  fetchText: async () => {
    throw new Error('outbound HTTP is not available here')
  },
  rdapUrl: () => null,
}
