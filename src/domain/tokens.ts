/**
 * @module domain/tokens
 * API token format and scopes. A token is `sg_` + 32 random base64url characters;
 * only its SHA-256 is stored, and its first 11 characters serve as a public prefix
 * for listing and revoking.
 */
import { DomainError } from './errors.js'

export const SCOPES = [
  'ranges:write',
  'sessions:write',
  'reports:read',
  'reports:triage',
  'exclusions:write',
  'privacy:admin',
  'audit:read',
  'webhooks:write',
] as const
export type Scope = (typeof SCOPES)[number]

export const TOKEN_PATTERN = /^sg_[A-Za-z0-9_-]{32}$/
export const TOKEN_PREFIX_LENGTH = 11

/** Makes a new random token secret (Web Crypto: works on Node and Workers). */
export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return 'sg_' + btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function tokenPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX_LENGTH)
}

/** Parses a comma-separated scope list; unknown scopes are an error, not silently dropped. */
export function parseScopes(raw: string | readonly string[]): Scope[] {
  const values = (typeof raw === 'string' ? raw.split(',') : [...raw]).map((s) => s.trim()).filter(Boolean)
  if (values.length === 0) {
    throw new DomainError('validation_failed', `give at least one scope: ${SCOPES.join(', ')}`, { field: 'scopes' })
  }
  for (const v of values) {
    if (!(SCOPES as readonly string[]).includes(v)) {
      throw new DomainError('validation_failed', `unknown scope '${v}'; valid scopes: ${SCOPES.join(', ')}`, { field: 'scopes' })
    }
  }
  return [...new Set(values)] as Scope[]
}
