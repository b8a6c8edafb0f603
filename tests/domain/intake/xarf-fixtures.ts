/**
 * @module tests/domain/intake/xarf-fixtures
 * The four XARF v4 `connection` samples of the XARF specification (copied unchanged from
 * xarf/xarf-spec samples/v4, see fixtures/xarf/README.md), and a helper that moves one
 * into our world: its source to one of our scanner addresses, its destination to a
 * customer address, its dates into the last days before `now` (keeping their spacing).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const XARF_SAMPLES = ['connection-port-scan', 'connection-login-attack', 'connection-vulnerability-scan', 'connection-reconnaissance'] as const
export type XarfSample = (typeof XARF_SAMPLES)[number]

export function xarfSampleText(name: XarfSample): string {
  return readFileSync(fileURLToPath(new URL(`./fixtures/xarf/${name}.json`, import.meta.url)), 'utf8')
}

export function xarfSample(name: XarfSample): Record<string, unknown> {
  return JSON.parse(xarfSampleText(name)) as Record<string, unknown>
}

const DATE_FIELDS = ['timestamp', 'first_seen', 'last_seen', 'threshold_exceeded'] as const

/** A sample with its IPs replaced and its dates shifted so its `timestamp` is `now` − 1 day. */
export function adjustedSample(name: XarfSample, opts: { now: Date; source: string; destination: string }): Record<string, unknown> {
  const doc = xarfSample(name)
  const shift = opts.now.getTime() - 86_400_000 - Date.parse(doc.timestamp as string)
  for (const f of DATE_FIELDS) {
    if (typeof doc[f] === 'string') doc[f] = new Date(Date.parse(doc[f] as string) + shift).toISOString()
  }
  doc.source_identifier = opts.source
  doc.destination_ip = opts.destination
  return doc
}

/** What each sample must map to (fields that do not depend on the adjustment). */
export const XARF_EXPECTED: Record<XarfSample, { category: string; type: string; ports: number[] | null; protocol: string | null; contact: string; org: string; hashStatus: string; evidenceText: string; windowMs: number }> = {
  'connection-port-scan': {
    category: 'port-scan',
    type: 'port_scan',
    ports: [21, 22, 23, 25, 53, 80, 110, 143, 443, 993, 995],
    protocol: 'tcp',
    contact: 'alerts@netsec-mon.com',
    org: 'Network Security Monitoring',
    hashStatus: 'match',
    evidenceText: '2024-01-15 07:22:18 Port scan detected: SYN scan from 198.51.100.150',
    windowMs: 0,
  },
  'connection-login-attack': {
    category: 'login-attempts',
    type: 'login_attack',
    ports: [22],
    protocol: 'tcp',
    contact: 'honeypot@sshsecurity.org',
    org: 'SSH Honeypot Network',
    hashStatus: 'match',
    evidenceText: 'SSH brute force attack detected: 2847 attempts in 3 hours',
    windowMs: 0,
  },
  'connection-vulnerability-scan': {
    category: 'vulnerability-scan',
    type: 'vulnerability_scan',
    ports: [80, 443, 8080, 8443],
    protocol: 'tcp',
    contact: 'noc@example.net',
    org: 'Network Security Monitor',
    hashStatus: 'mismatch',
    evidenceText: 'IDS alert',
    windowMs: 13 * 60_000,
  },
  'connection-reconnaissance': {
    category: 'vulnerability-scan',
    type: 'reconnaissance',
    ports: [443],
    protocol: 'tcp',
    contact: 'security@webhost.example',
    org: 'Web Security Service',
    hashStatus: 'mismatch',
    evidenceText: 'Access log entries',
    windowMs: 14 * 60_000,
  },
}
