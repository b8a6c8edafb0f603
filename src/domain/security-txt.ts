/**
 * @module domain/security-txt
 * RFC 9116 security.txt: how SOCs and researchers reach the abuse desk and find the
 * opt-out. An expired file tells readers the contacts may be stale, so an expired one is a
 * configuration error rather than something to serve.
 */
import { DomainError } from './errors.js'

export interface SecurityTxtConfig {
  /** mailto: or https: URIs, most preferred first */
  contacts: readonly string[]
  expires: Date
  /** absolute origin the file is served from (Canonical and Policy need absolute URLs) */
  publicUrl: string
  preferredLanguages?: readonly string[]
  /** a signing-key URL for encrypted reports, if the desk has one */
  encryption?: string
}

export function parseSecurityContacts(raw: string): string[] {
  const contacts = raw.split(',').map((s) => s.trim()).filter(Boolean)
  for (const c of contacts) {
    if (!/^(mailto:[^\s@,]+@[^\s@,]+|https:\/\/[^\s,]+|tel:\+[0-9 -]+)$/.test(c)) {
      throw new DomainError('validation_failed', `security.txt contact '${c}' must be a mailto:, https: or tel: URI`, { field: 'SECURITY_TXT_CONTACT' })
    }
  }
  if (contacts.length === 0) throw new DomainError('validation_failed', 'security.txt needs at least one contact', { field: 'SECURITY_TXT_CONTACT' })
  return contacts
}

/** Throws when the file would be expired (or expire within a day) at `now`. */
export function checkSecurityTxtExpiry(expires: Date, now: Date): void {
  if (Number.isNaN(expires.getTime())) throw new DomainError('validation_failed', 'SECURITY_TXT_EXPIRES must be an ISO 8601 date-time', { field: 'SECURITY_TXT_EXPIRES' })
  if (expires.getTime() <= now.getTime() + 86_400_000) {
    throw new DomainError('validation_failed', `SECURITY_TXT_EXPIRES (${expires.toISOString()}) is in the past or within a day: set a date up to a year ahead`, { field: 'SECURITY_TXT_EXPIRES' })
  }
}

export function renderSecurityTxt(cfg: SecurityTxtConfig): string {
  const origin = cfg.publicUrl.replace(/\/+$/, '')
  const lines = [
    '# scangate: the scanner ranges and abuse desk of this PCI Approved Scanning Vendor.',
    `# Our scanner ranges: ${origin}/v1/ranges.json  Is an address ours? ${origin}/lookup`,
    ...cfg.contacts.map((c) => `Contact: ${c}`),
    `Contact: ${origin}/report`,
    `Expires: ${cfg.expires.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    `Policy: ${origin}/opt-out`,
    `Canonical: ${origin}/.well-known/security.txt`,
  ]
  if (cfg.preferredLanguages && cfg.preferredLanguages.length > 0) lines.push(`Preferred-Languages: ${cfg.preferredLanguages.join(', ')}`)
  if (cfg.encryption) lines.push(`Encryption: ${cfg.encryption}`)
  return lines.join('\n') + '\n'
}
