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
  /** The URL this very snippet is served at (with its filters), for targets that fetch it. */
  fetchUrl?: string
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

/** The page and /v1/rules group a target belongs to. */
export type TargetGroup = 'host' | 'network' | 'cloud' | 'waf' | 'proxy' | 'feed'

/**
 * Fetch intervals, as text people read ('60 s', 'every 5 min'). `productDefault` is null
 * when the product does not fetch a URL by itself (the snippet is pasted or run).
 */
export interface RefreshHint {
  productDefault: string | null
  recommended: string
}

/**
 * What a product refuses beyond entries per object and the name length. A render that
 * would break one of them is refused with a 400 naming it; nothing is ever dropped.
 */
export interface TargetLimits {
  /** Characters of an entry comment we keep (our cap within the product's); null: no comments. */
  commentChars: number | null
  /** Most entries the product takes in total (all objects together). */
  totalEntries?: { max: number; reason: string }
  /** Prefix lengths the product accepts, per family, inclusive. */
  prefixLengths?: { ipv4?: readonly [number, number]; ipv6?: readonly [number, number]; reason: string }
  /** Largest rendered size in bytes the product reads. */
  totalBytes?: { max: number; reason: string }
  /** The documentation the limits come from. */
  source: string
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
   * 'document': a JSON document without comments; the metadata is a field on its first
   * line, and an empty list is still a valid document.
   */
  readonly headerPlacement: 'lines' | 'first-entry' | 'document'
  /** Where the target sits on the page and in /v1/rules; see target-info.ts for the others. */
  readonly group?: TargetGroup
  /** How often the product fetches a URL by itself, and what we recommend. */
  readonly refresh?: RefreshHint
  /** Limits of the product beyond maxEntries and the name; checked before rendering. */
  readonly limits?: TargetLimits
  render(input: SnippetInput): string
}
