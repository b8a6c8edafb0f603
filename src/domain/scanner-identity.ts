/**
 * @module domain/scanner-identity
 * How our scanners identify themselves on the wire (reverse DNS, HTTP User-Agent, TLS/SSH
 * banners), so a SOC can match one log line to us. These describe the scanners, never
 * a customer: matching one says "this is our scanner", not whom it scanned for.
 */
import { DomainError } from './errors.js'

export interface PoolIdentity {
  pool: string
  description: string | null
  /** exact strings, or a prefix ending in `*` (the version part changes between releases) */
  userAgents: string[]
  tlsBanner: string | null
  sshBanner: string | null
}

export const MAX_USER_AGENT = 256
const LABEL = /^(?:[a-z0-9*](?:[a-z0-9*-]{0,61}[a-z0-9*])?)$/

/** A reverse-DNS pattern such as `scanner-*.asv.example`: `*` stands for part of one label. */
export function parseRdnsPattern(raw: string): string {
  const p = raw.trim().toLowerCase().replace(/\.$/, '')
  const labels = p.split('.')
  if (p.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || labels.slice(1).some((l) => l.includes('*'))) {
    throw new DomainError('validation_failed', 'rdns must be a host name pattern such as scanner-*.asv.example (a * only in the first label)', { field: 'rdns' })
  }
  return p
}

export function rdnsMatches(pattern: string, name: string): boolean {
  const n = name.trim().toLowerCase().replace(/\.$/, '')
  if (n.length > 253) return false
  const re = new RegExp('^' + pattern.split('*').map(escapeRegex).join('[a-z0-9-]*') + '$')
  return re.test(n)
}

export function parseUserAgent(raw: string): string {
  const ua = raw.trim().replace(/\s+/g, ' ')
  if (ua.length === 0 || ua.length > MAX_USER_AGENT || /[\u0000-\u001f\u007f]/.test(ua)) {
    throw new DomainError('validation_failed', `a User-Agent is 1–${MAX_USER_AGENT} printable characters`, { field: 'userAgents' })
  }
  return ua
}

export function userAgentMatches(pattern: string, ua: string): boolean {
  const u = ua.trim().replace(/\s+/g, ' ')
  return pattern.endsWith('*') ? u.startsWith(pattern.slice(0, -1)) : u === pattern
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
