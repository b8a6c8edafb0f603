/**
 * @module domain/exclusion-rules
 * What an exclusion (a target the scan platform must skip) may be. An exclusion stops
 * scanning for every customer whose target lies inside it, so it must be narrow: at
 * most a /24 (IPv4) or /48 (IPv6) by default. Wider needs an explicit override with a
 * reason, which the audit chain records. The desk may propose targets from a case, but
 * only the ones actually reported and only within the maximum (`proposableTargets`).
 */
import { parseCidr, type Cidr, type Family } from './cidr.js'
import { DomainError } from './errors.js'

export interface ExclusionPolicy {
  /** The widest block an exclusion may cover without an override, per family. */
  maxPrefix: Record<Family, number>
}

export const DEFAULT_EXCLUSION_POLICY: ExclusionPolicy = { maxPrefix: { ipv4: 24, ipv6: 48 } }

export const MAX_EXCLUSION_REASON = 500
const CONTROL = /[\u0000-\u001f\u007f]/
const EMAIL_LIKE = /[^\s@<>(),;:]+@[^\s@<>(),;:]+\.[A-Za-z]{2,}/

export function isWiderThanPolicy(c: Cidr, policy: ExclusionPolicy): boolean {
  return c.prefixLength < policy.maxPrefix[c.family]
}

/** Parses the block to exclude (a bare address means that one address). */
export function parseExclusionPrefix(raw: unknown): Cidr {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new DomainError('validation_failed', 'prefix is required: the address or CIDR block to exclude, e.g. 203.0.113.7 or 203.0.113.0/28.', { field: 'prefix' })
  }
  try {
    return parseCidr(raw.trim(), { allowBareAddress: true })
  } catch (e) {
    if (e instanceof DomainError) throw new DomainError('validation_failed', e.message, { field: 'prefix', extra: e.extra })
    throw e
  }
}

/**
 * A reason a person wrote (why exclude, why remove, why override): one line, 1–500
 * characters, no e-mail addresses (it goes into the audit chain, which holds no
 * personal data).
 */
export function checkReason(raw: unknown, field: string, required: boolean): string | null {
  const text = typeof raw === 'string' ? raw.trim() : ''
  if (text === '') {
    if (required) throw new DomainError('validation_failed', `${field} is required: say why, in a few words.`, { field })
    return null
  }
  if ([...text].length > MAX_EXCLUSION_REASON || CONTROL.test(text)) {
    throw new DomainError('validation_failed', `${field} must be one line of at most ${MAX_EXCLUSION_REASON} characters.`, { field })
  }
  if (EMAIL_LIKE.test(text)) {
    throw new DomainError('validation_failed', `${field} is kept in the audit trail; leave out e-mail addresses.`, { field })
  }
  return text
}

/**
 * Refuses a block wider than the policy unless an override reason is given.
 * @returns the override reason to record (null when none was needed)
 */
export function checkWidth(c: Cidr, policy: ExclusionPolicy, overrideReason: string | null): string | null {
  if (!isWiderThanPolicy(c, policy)) return null
  const max = policy.maxPrefix[c.family]
  if (overrideReason === null) {
    throw new DomainError(
      'validation_failed',
      `${c.text} is wider than the /${max} an exclusion may cover; exclude the addresses that were reported, or give override.reason to exclude the whole block.`,
      { field: 'prefix', extra: { maxPrefixLength: max } },
    )
  }
  return overrideReason
}

/** An expiry must lie in the future. */
export function checkExpiry(raw: unknown, now: Date): Date | null {
  if (raw === undefined || raw === null || raw === '') return null
  const d = typeof raw === 'string' ? new Date(raw) : raw instanceof Date ? raw : null
  if (!d || Number.isNaN(d.getTime())) {
    throw new DomainError('validation_failed', 'expiresAt must be a date and time such as 2027-01-31T00:00:00Z.', { field: 'expiresAt' })
  }
  if (d.getTime() <= now.getTime()) throw new DomainError('validation_failed', 'expiresAt must be in the future.', { field: 'expiresAt' })
  return d
}

/**
 * The targets the desk may offer to exclude from a case: the distinct reported targets
 * that are no wider than the policy. Wider ones are "too wide to act on".
 */
export function proposableTargets(reported: readonly string[], policy: ExclusionPolicy): { proposed: string[]; tooWide: string[] } {
  const proposed = new Set<string>()
  const tooWide = new Set<string>()
  for (const t of reported) {
    let c: Cidr
    try {
      c = parseCidr(t, { allowBareAddress: true })
    } catch {
      continue
    }
    ;(isWiderThanPolicy(c, policy) ? tooWide : proposed).add(c.text)
  }
  return { proposed: [...proposed], tooWide: [...tooWide] }
}
