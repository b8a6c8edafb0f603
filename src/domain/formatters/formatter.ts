/**
 * @module domain/formatters/formatter
 * The contract every firewall-snippet formatter implements. Formatters are pure:
 * they turn an already filtered (and maybe aggregated) prefix list into text.
 *
 * The one rule every target keeps (see scope.ts and docs/firewall-targets.md): a snippet
 * creates, flushes, swaps or deletes only the objects whose entries it carries. A family
 * with no entries in the file is not mentioned at all, so IPv4 and IPv6 snippets applied
 * as two jobs never undo each other.
 */

/** One prefix to render. `prefix` is canonical CIDR text; `comment` is untrusted free text. */
export interface SnippetEntry {
  prefix: string
  comment: string | null
}

/** Address family of a prefix; formatters declare which ones they render. */
export type SnippetFamily = 'ipv4' | 'ipv6'

/** The request's filters, as far as a snippet needs to know them. */
export interface SnippetFilter {
  /** The family filter; null when both families were asked for. */
  family: SnippetFamily | null
  /** The pool / region / status filters in words, e.g. 'pool=edge status=active'; null for none. */
  subset: string | null
  /** Entries were merged into the fewest covering prefixes (aggregate=true). */
  aggregated: boolean
}

export const NO_SNIPPET_FILTER: SnippetFilter = { family: null, subset: null, aggregated: false }

/** Everything a formatter needs; the HTTP layer builds it from a published version. */
export interface SnippetInput {
  feed: {
    url: string
    serial: number
    createdAt: string
    sha256: string
    /** Entries per family in the whole version, before any filter: the header shows both. */
    counts: Record<SnippetFamily, number>
    /** `<base>/v1/rules`, where single-family targets point for the other family. */
    rulesUrl: string
  }
  filter: SnippetFilter
  ipv4: SnippetEntry[]
  ipv6: SnippetEntry[]
  /** Validated object name (chain / set / list); already checked by `checkName`. */
  name: string
  /** Split objects into chunks of at most this many entries (only for targets with limits). */
  maxEntries: number | undefined
  /** The URL this very snippet is served at (with its filters), for targets that fetch it. */
  fetchUrl?: string
}

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
  /**
   * Single-family targets only: the target that serves each family this one lacks, e.g.
   * `{ ipv6: 'ip6tables' }`. A request for that family is a 400 pointing there.
   */
  readonly siblings?: Partial<Record<SnippetFamily, string>>
  /**
   * The download's file name (Content-Disposition), and the very name the snippet's own
   * apply steps use. Depends only on the name and the filter, never on the entries.
   */
  fileName(input: Pick<SnippetInput, 'name' | 'filter'>): string
  /**
   * The words by which the output names the objects holding `family`'s entries for this
   * input: sets, chains, lists, groups, rules, policies, files (RouterOS: the menu). A render
   * must not contain any of them for a family it carries no entries of; the contract test
   * checks exactly that for every registered target.
   */
  objectNames(input: SnippetInput, family: SnippetFamily): string[]
  render(input: SnippetInput): string
}
