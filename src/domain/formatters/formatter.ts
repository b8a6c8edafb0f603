/**
 * @module domain/formatters/formatter
 * The contract every firewall-snippet formatter implements. Formatters are pure:
 * they turn an already filtered (and maybe aggregated) prefix list into text.
 */

/** One prefix to render. `prefix` is canonical CIDR text; `comment` is untrusted free text. */
export interface SnippetEntry {
  prefix: string
  comment: string | null
}

/** Everything a formatter needs; the HTTP layer builds it from a published version. */
export interface SnippetInput {
  feed: { url: string; serial: number; createdAt: string; sha256: string }
  ipv4: SnippetEntry[]
  ipv6: SnippetEntry[]
  /** Validated object name (chain / set / list); already checked by `checkName`. */
  name: string
  /** Split objects into chunks of at most this many entries (only for targets with limits). */
  maxEntries: number | undefined
}

/** Address family of a prefix; formatters declare which ones they render. */
export type SnippetFamily = 'ipv4' | 'ipv6'

/**
 * What a target accepts as an object name (chain, set, list, group). Names are written into
 * the output verbatim, so the pattern is what keeps them inert: it must never admit quotes,
 * whitespace or the target's comment and separator characters.
 */
export interface NameRule {
  default: string
  /** Longest full object name the target accepts, including every suffix we append. */
  maxLength: number
  pattern: RegExp
  /** The accepted characters in words, for error messages, e.g. 'A–Z a–z 0–9 _ -'. */
  description: string
  /**
   * Longest suffix the formatter itself appends (family tag, temporary set name), as an
   * example text; its length is kept free. Room for `-<n>` chunk numbers is added on top
   * for targets with `maxEntries`.
   */
  suffix: string
}

/** A hard per-object entry limit of the target; larger lists are split into numbered objects. */
export interface EntryLimit {
  /** Chunk size when the caller gives none; defaults to `max`. */
  default?: number
  max: number
  /** Where the limit comes from, for messages and docs. */
  reason: string
}

/** One firewall target. Formatters are pure and deterministic: same input, same bytes. */
export interface Formatter {
  /** Kebab-case id used in URLs, e.g. 'nftables'. */
  readonly id: string
  readonly title: string
  /** File extension for downloads, without the dot. */
  readonly extension: string
  readonly contentType: string
  /** Whether the target keeps IPv4 and IPv6 in separate objects. */
  readonly separateFamilies: boolean
  /** The offline command that checks the output, or null when none exists on Linux. */
  readonly validator: string | null
  readonly families: readonly SnippetFamily[]
  readonly name: NameRule
  readonly maxEntries?: EntryLimit
  /** One line: evaluation order (first/last match) and where the snippet goes. */
  readonly applyHint: string
  /**
   * 'lines': the output starts with comment lines holding the feed metadata.
   * 'first-entry': the format has no comment lines, so the metadata rides on the first
   * entry's trailing comment and an empty list renders as an empty document.
   */
  readonly headerPlacement: 'lines' | 'first-entry'
  render(input: SnippetInput): string
}
