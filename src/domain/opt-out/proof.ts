/**
 * @module domain/opt-out/proof
 * The three ways a network owner proves control, and how wide a prefix each may prove.
 * A reverse-zone record or the RIR's abuse mailbox speaks for the whole registered block;
 * a forward name or a file on one web server speaks for one host, so those prove only a
 * narrow block around it (the same width the desk may exclude without an override).
 */
import { cidrContainsCidr, cidrContainsIp, cidrLast, parseCidr, tryParseIp, type Cidr } from '../cidr.js'
import { DomainError } from '../errors.js'
import { SELF_SERVICE_MAX } from './prefixes.js'

export const PROOF_METHODS = ['dns', 'dns_domain', 'http', 'rdap_email'] as const
export type ProofMethod = (typeof PROOF_METHODS)[number]

const HOST_PROOF_MAX = { ipv4: 24, ipv6: 48 } as const

/** The widest prefix (smallest length) a method can prove on its own. */
export function maxPrefixFor(method: ProofMethod, family: Cidr['family']): number {
  return method === 'dns' || method === 'rdap_email' ? SELF_SERVICE_MAX[family] : HOST_PROOF_MAX[family]
}

/** Refuses a method that cannot prove one of the prefixes, naming the width it can prove. */
export function checkMethodFits(method: ProofMethod, prefixes: readonly Cidr[]): void {
  for (const p of prefixes) {
    const max = maxPrefixFor(method, p.family)
    if (p.prefixLength < max) {
      throw new DomainError(
        'validation_failed',
        `the ${method} proof covers at most a /${max} (${p.family}); ${p.text} needs the reverse-DNS or RDAP e-mail proof, or the abuse desk`,
        { field: 'method' },
      )
    }
  }
}

/** The address that serves the proof file must be inside one of the requested prefixes. */
export function checkProofAddress(raw: string, prefixes: readonly Cidr[]): string {
  const ip = tryParseIp(raw)
  if (!ip) throw new DomainError('validation_failed', 'proofAddress must be an IP address inside the requested prefix', { field: 'proofAddress' })
  if (!prefixes.every((p) => cidrContainsIp(p, ip))) {
    throw new DomainError('validation_failed', `${ip.text} is not inside every requested prefix; the file proof needs one request per prefix`, { field: 'proofAddress' })
  }
  return ip.text
}

/** The URL the file proof is fetched from (plain HTTP: the address has no certificate). */
export function proofFileUrl(address: string): string {
  const host = address.includes(':') ? `[${address}]` : address
  return `http://${host}/.well-known/scangate-optout.txt`
}

/** The proof file holds the token on a line of its own (other lines are ignored). */
export function fileHoldsToken(body: string, token: string): boolean {
  return body.split(/\r?\n/).some((line) => line.trim() === token)
}

/** Forward-name proof: every A/AAAA answer must lie inside the prefix (no pointing at someone else's host). */
export function addressesInside(addresses: readonly string[], prefix: Cidr): boolean {
  return addresses.length > 0 && addresses.every((a) => {
    const ip = tryParseIp(a)
    return ip !== null && cidrContainsIp(prefix, ip)
  })
}

// --- RDAP (RFC 9083) -----------------------------------------------------------------

interface RdapEntity {
  roles?: unknown
  vcardArray?: unknown
  entities?: unknown
}

/**
 * The abuse e-mail addresses of an RDAP ip network object, provided the object covers
 * the whole prefix (a response for a smaller or different block proves nothing).
 */
export function rdapAbuseEmails(doc: unknown, prefix: Cidr): string[] {
  if (!doc || typeof doc !== 'object') return []
  const net = doc as { objectClassName?: unknown; startAddress?: unknown; endAddress?: unknown; cidr0_cidrs?: unknown; entities?: unknown }
  if (net.objectClassName !== 'ip network' || !rdapCovers(net, prefix)) return []
  const found = new Set<string>()
  const visit = (entities: unknown, depth: number) => {
    if (!Array.isArray(entities) || depth > 4) return
    for (const e of entities.slice(0, 50) as RdapEntity[]) {
      if (Array.isArray(e.roles) && e.roles.includes('abuse')) for (const m of vcardEmails(e.vcardArray)) found.add(m.toLowerCase())
      visit(e.entities, depth + 1)
    }
  }
  visit(net.entities, 0)
  return [...found].sort()
}

function rdapCovers(net: { startAddress?: unknown; endAddress?: unknown; cidr0_cidrs?: unknown }, prefix: Cidr): boolean {
  if (Array.isArray(net.cidr0_cidrs)) {
    for (const c of net.cidr0_cidrs as { v4prefix?: string; v6prefix?: string; length?: number }[]) {
      const base = c.v4prefix ?? c.v6prefix
      if (typeof base !== 'string' || typeof c.length !== 'number') continue
      try {
        if (cidrContainsCidr(parseCidr(`${base}/${c.length}`), prefix)) return true
      } catch {
        // a malformed entry proves nothing; the next may
      }
    }
  }
  if (typeof net.startAddress === 'string' && typeof net.endAddress === 'string') {
    const start = tryParseIp(net.startAddress)
    const end = tryParseIp(net.endAddress)
    if (!start || !end || start.family !== prefix.family) return false
    return start.value <= prefix.network && end.value >= cidrLast(prefix)
  }
  return false
}

function vcardEmails(vcard: unknown): string[] {
  if (!Array.isArray(vcard) || !Array.isArray(vcard[1])) return []
  return (vcard[1] as unknown[])
    .filter((p): p is unknown[] => Array.isArray(p) && p[0] === 'email' && typeof p[3] === 'string')
    .map((p) => String(p[3]).trim())
    .filter((m) => /^[^\s@]{1,64}@[^\s@]{1,255}$/.test(m))
}

