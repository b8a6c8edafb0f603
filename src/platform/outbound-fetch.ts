/**
 * @module platform/outbound-fetch
 * The one guard for every request we send to an address someone else chose (webhooks,
 * subscription challenges, later opt-out checks). It resolves the name first, refuses if
 * ANY address is not public (so a name with one public and one internal record cannot
 * win a race), then pins the checked address for the connection through a custom
 * `lookup` — the TLS name (SNI, certificate check) and Host stay the URL's name, but the
 * socket can only go where we looked. No redirects are followed (node:http never does;
 * a 3xx is handed back), 10 s overall, at most 64 KiB sent and a small cap read.
 */
import { Resolver } from 'node:dns/promises'
import { lookup as systemLookup } from 'node:dns/promises'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import {
  checkOutboundRequest,
  OUTBOUND_MAX_BODY_BYTES,
  OUTBOUND_MAX_RESPONSE_BYTES,
  OUTBOUND_TIMEOUT_MS,
  OutboundRefused,
  type OutboundFetch,
  type OutboundResponse,
} from '../domain/notifications/outbound-request.js'
import { isIpLiteral, nonPublicReason } from '../domain/notifications/public-address.js'

export interface ResolvedAddress {
  address: string
  family: 4 | 6
}

export type ResolveFunction = (hostname: string) => Promise<ResolvedAddress[]>

export interface OutboundFetchOptions {
  /** `host` or `host:port` of the DNS server to ask (DNS_RESOLVER); default: the system resolver. */
  dnsResolver?: string
  /** Replaces DNS entirely (tests). */
  resolve?: ResolveFunction
  timeoutMs?: number
  maxBodyBytes?: number
  maxResponseBytes?: number
  /**
   * TEST ONLY: exact addresses allowed although not public (a receiver a test started on
   * 127.0.0.1). Production code never passes this, and it is never read from the environment.
   */
  testAllowAddresses?: readonly string[]
}

/** Resolves through a given DNS server (both families), or the system resolver. */
export function dnsResolve(server?: string): ResolveFunction {
  if (!server) {
    return async (host) => (await systemLookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }))
  }
  const resolver = new Resolver({ timeout: 3000, tries: 2 })
  resolver.setServers([server])
  return async (host) => {
    const settle = async (family: 4 | 6) => {
      try {
        const list = family === 4 ? await resolver.resolve4(host) : await resolver.resolve6(host)
        return list.map((address) => ({ address, family }))
      } catch (err) {
        const code = (err as { code?: string }).code
        if (code === 'ENODATA' || code === 'ENOTFOUND') return []
        throw err
      }
    }
    return [...(await settle(4)), ...(await settle(6))]
  }
}

/** The addresses `hostname` may be contacted at, all checked; throws if any is not public. */
async function checkedAddresses(hostname: string, resolve: ResolveFunction, allow: ReadonlySet<string>): Promise<ResolvedAddress[]> {
  const bare = hostname.replace(/^\[|\]$/g, '')
  let addresses: ResolvedAddress[]
  if (isIpLiteral(bare)) addresses = [{ address: bare, family: bare.includes(':') ? 6 : 4 }]
  else {
    try {
      addresses = await resolve(bare)
    } catch (err) {
      throw new OutboundRefused('dns', `could not resolve ${bare}: ${(err as { code?: string }).code ?? 'error'}`)
    }
  }
  if (addresses.length === 0) throw new OutboundRefused('dns', `${bare} has no address`)
  for (const a of addresses) {
    if (allow.has(a.address)) continue
    const reason = nonPublicReason(a.address)
    if (reason) throw new OutboundRefused('blocked_address', `${bare} resolves to ${a.address} (${reason}); only public addresses are allowed`)
  }
  return addresses
}

/** A `lookup` that answers only the checked address, whatever name the socket asks for. */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (options?.all) cb(null, [{ address: pinned.address, family: pinned.family }])
    else cb(null, pinned.address, pinned.family)
  }) as unknown as LookupFunction
}

async function readCapped(res: IncomingMessage, cap: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res as AsyncIterable<Buffer>) {
    const room = cap - size
    if (room <= 0) break
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk)
    size += Math.min(chunk.length, room)
    if (size >= cap) break
  }
  res.destroy()
  return Buffer.concat(chunks).toString('utf8')
}

export function createOutboundFetch(options: OutboundFetchOptions = {}): OutboundFetch {
  const resolve = options.resolve ?? dnsResolve(options.dnsResolver)
  const timeoutMs = options.timeoutMs ?? OUTBOUND_TIMEOUT_MS
  const maxResponse = options.maxResponseBytes ?? OUTBOUND_MAX_RESPONSE_BYTES
  const maxBody = options.maxBodyBytes ?? OUTBOUND_MAX_BODY_BYTES
  const allow = new Set(options.testAllowAddresses ?? [])

  return async (req) => {
    const url = checkOutboundRequest(req, maxBody)
    const deadline = AbortSignal.timeout(timeoutMs)
    const addresses = await checkedAddresses(url.hostname, resolve, allow)
    const pinned = addresses[0]!
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    return await new Promise<OutboundResponse>((resolvePromise, reject) => {
      const r = send(
        url,
        {
          method: req.method ?? 'POST',
          headers: { ...req.headers, ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}) },
          lookup: pinnedLookup(pinned),
          signal: deadline,
          agent: false,
        },
        (res) => {
          readCapped(res, maxResponse).then(
            (body) => {
              const headers: Record<string, string> = {}
              for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v
              resolvePromise({ status: res.statusCode ?? 0, headers, body, address: pinned.address })
            },
            (err) => reject(deadline.aborted ? new Error(`timed out after ${timeoutMs} ms`) : err),
          )
        },
      )
      r.on('error', (err) => reject(deadline.aborted ? new Error(`timed out after ${timeoutMs} ms`) : err))
      r.end(req.body)
    })
  }
}
