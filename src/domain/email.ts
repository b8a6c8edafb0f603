/**
 * @module domain/email
 * The one e-mail address rule, shared by report intake (JSON, form, XARF), the
 * data-subject requests (export, erase) and the check that keeps addresses out of
 * reporter-visible notes. An address one of them accepts, the others accept too.
 *
 * What is valid:
 * - `local@domain`, at most 254 characters, exactly one `@`;
 * - the local part is an RFC 5322 dot-atom of ASCII (letters, digits and
 *   ``!#$%&'*+/=?^_`{|}~-``, dots between them), at most 64 characters. Quoted local
 *   parts and non-ASCII local parts (SMTPUTF8) are refused: they are rare in abuse mail
 *   and hard to handle safely in links and logs;
 * - the domain has at least two labels of letters, digits and hyphens (no leading or
 *   trailing hyphen, at most 63 characters each). Internationalised domains are accepted
 *   in Unicode or in their `xn--` form; address literals (`[192.0.2.1]`) are refused.
 *
 * Normal form: the domain in lower-case ASCII (IDNA, via the WHATWG URL parser, which
 * Node and Workers both have); the local part as given. Addresses are compared with the
 * local part case-insensitively too, which is what every mail system we know does.
 */

export const MAX_EMAIL_LENGTH = 254

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/
// characters a domain may not hold before IDNA (URL parsing would otherwise swallow
// them: "a/b", "a?b", "a#b", userinfo, ports, percent escapes)
const DOMAIN_FORBIDDEN = /[\s/\\?#@:%[\]<>"'`(),;]/

/** The domain in lower-case ASCII (IDNA), or null when it is not a host name. */
export function normaliseDomain(domain: string): string | null {
  if (domain === '' || domain.length > 253 || DOMAIN_FORBIDDEN.test(domain)) return null
  let ascii: string
  try {
    ascii = new URL(`http://${domain}/`).hostname
  } catch {
    return null
  }
  if (ascii.endsWith('.')) ascii = ascii.slice(0, -1)
  const labels = ascii.split('.')
  if (labels.length < 2 || ascii.length > 253) return null
  // IPv4 literals come out of the URL parser as dotted numbers: an address, not a domain
  if (/^[0-9.]+$/.test(ascii)) return null
  return labels.every((l) => LABEL.test(l)) ? ascii : null
}

/** The address in normal form, or null when it is not a valid address (see module doc). */
export function normaliseEmail(input: string): string | null {
  if (typeof input !== 'string') return null
  const v = input.trim()
  if (v.length === 0 || v.length > MAX_EMAIL_LENGTH * 4) return null
  const at = v.lastIndexOf('@')
  if (at <= 0 || v.indexOf('@') !== at) return null
  const local = v.slice(0, at)
  if (local.length > 64 || !LOCAL.test(local)) return null
  const domain = normaliseDomain(v.slice(at + 1))
  if (domain === null) return null
  const out = `${local}@${domain}`
  return out.length <= MAX_EMAIL_LENGTH ? out : null
}

export function isEmail(input: string): boolean {
  return normaliseEmail(input) !== null
}

/** The key two addresses are compared by: the normal form, lower-cased. */
export function emailKey(normalised: string): string {
  return normalised.toLowerCase()
}

// Candidates in free text: a run of local-part characters, '@', a run of domain
// characters (Unicode letters included). Each candidate is then checked with the rule above.
const CANDIDATE = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}.-]+/gu

/** Whether free text contains something our rule would take for an e-mail address. */
export function containsEmail(text: string): boolean {
  for (const m of text.matchAll(CANDIDATE)) {
    const candidate = m[0].replace(/^[.]+/, '').replace(/[.-]+$/, '')
    if (normaliseEmail(candidate) !== null) return true
  }
  return false
}
