/**
 * @module domain/formatters/names
 * Name rules shared by several targets. Every pattern starts with a letter and admits only
 * letters, digits and at most `_` and `-`: such a name is inert in every syntax we emit
 * (no quotes, spaces, comment or separator characters), so formatters can write it
 * verbatim, and it is also a valid identifier in each target's grammar.
 */
import type { NameRule } from './formatter.js'

/** Letters, digits, `_` and `-`, starting with a letter. */
export const WORD_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/
export const WORD_NAME_TEXT = 'A–Z a–z 0–9 _ -, starting with a letter'

export function wordName(defaultName: string, maxLength: number, suffix = ''): NameRule {
  return {
    default: defaultName,
    maxLength,
    pattern: WORD_NAME,
    description: WORD_NAME_TEXT,
    suffix,
  }
}

/**
 * iptables user chains: at most 28 characters, and never a built-in chain or target name.
 * `:INPUT - [0:0]` in a --noflush restore file would reset the customer's INPUT policy.
 */
export const IPTABLES_CHAIN: NameRule = {
  default: 'ASV-SCANNERS',
  maxLength: 28,
  pattern:
    /^(?!(?:INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING|ACCEPT|DROP|RETURN|QUEUE|REJECT|LOG)$)[A-Za-z][A-Za-z0-9_-]*$/i,
  description: `${WORD_NAME_TEXT}, not a built-in chain or target such as INPUT or ACCEPT`,
  suffix: '',
}
