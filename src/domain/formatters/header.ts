/**
 * @module domain/formatters/header
 * The comment block every snippet starts with: which feed version it came from (URL,
 * serial, creation time, sha256), what the version holds and what this file holds (they
 * differ under filters), which families the file leaves alone, and how to apply it without
 * locking anyone out. People paste these snippets months later; the header is how they
 * tell a stale copy from a current one, and a filtered copy from a complete one.
 */
import type { SnippetFamily, SnippetInput } from './formatter.js'
import { sanitizeComment } from './sanitize-comment.js'
import { carriedFamilies } from './scope.js'
import { FAMILY_LABEL, count } from './snippet-text.js'

export interface HeaderSpec {
  /** The target's line-comment marker, e.g. '#' or '!'. */
  marker: string
  title: string
  /** The target's families (Formatter.families). */
  families: readonly SnippetFamily[]
  /**
   * Safe-apply instructions, one per line; leading spaces are kept as indentation. Name
   * only the objects of families the file carries (see scope.ts).
   */
  apply: readonly string[]
  /** Characters the target's comment lines cannot carry (Cisco CLIs: '?' opens help). */
  forbidden?: RegExp
  /** Formatter.siblings of a single-family target: where the other family is served. */
  siblings?: Partial<Record<SnippetFamily, string>>
}

const BOTH: readonly SnippetFamily[] = ['ipv4', 'ipv6']

/** The whole apply section of a file without entries: such a file touches no object. */
export const NOTHING_TO_APPLY = ['Nothing to apply: this file has no entries and changes nothing.']

/** '3 entries (2 IPv4, 1 IPv6)', or '2 IPv4 entries' for one family. */
function countText(counts: Record<SnippetFamily, number>, families: readonly SnippetFamily[]) {
  const [only] = families
  if (families.length === 1 && only) {
    return count(counts[only], `${FAMILY_LABEL[only]} entry`, `${FAMILY_LABEL[only]} entries`)
  }
  const total = families.reduce((sum, f) => sum + counts[f], 0)
  const each = families.map((f) => `${counts[f]} ${FAMILY_LABEL[f]}`)
  return `${count(total, 'entry', 'entries')} (${each.join(', ')})`
}

function filterText(input: SnippetInput): string {
  const { family, subset, aggregated } = input.filter
  const parts = [
    ...(family ? [`family=${family}`] : []),
    ...(subset ? [subset] : []),
    ...(aggregated ? ['aggregate=true'] : []),
  ]
  return parts.length === 0 ? 'none' : parts.join(' ')
}

/** Why a family of the target has no entries in this file. */
function absence(input: SnippetInput, family: SnippetFamily): string {
  if (input.filter.family !== null && input.filter.family !== family) return 'family filter'
  if (input.feed.counts[family] === 0) return 'the version has none'
  return `no ${FAMILY_LABEL[family]} entry matches the filter`
}

/** The lines that say what this file holds and what it leaves alone. */
function scopeLines(
  input: SnippetInput,
  spec: HeaderSpec,
  clean: (text: string) => string,
): string[] {
  const { feed } = input
  const file = { ipv4: input.ipv4.length, ipv6: input.ipv6.length }
  const lines = [
    `Version: ${countText(feed.counts, BOTH)}`,
    `Filter:  ${clean(filterText(input))}`,
    `In file: ${countText(file, spec.families)}`,
  ]
  const carried = carriedFamilies(input, spec.families)
  for (const f of spec.families) {
    if (carried.includes(f)) continue
    const label = FAMILY_LABEL[f]
    lines.push(
      `No ${label} here (${absence(input, f)}): this file creates, changes and removes no ${label} object.`,
    )
    // Nothing removes them for you now: say so, since they may allow addresses we gave back.
    if (input.feed.counts[f] === 0 && input.filter.family === null) {
      lines.push(`If you still have ${label} objects from an older version, remove them by hand.`)
    }
  }
  for (const f of BOTH) {
    const sibling = spec.siblings?.[f]
    if (spec.families.includes(f) || !sibling) continue
    lines.push(
      `${FAMILY_LABEL[f]} (${feed.counts[f]} in this version) is served by the ${sibling} target: ${clean(`${feed.rulesUrl}/${sibling}`)}`,
    )
  }
  if (input.filter.subset !== null) {
    lines.push(
      'A snippet with another filter but the same name replaces these objects: give each filter its own name=.',
    )
  }
  return lines
}

/**
 * Header lines, each starting with the marker. All text, including our own, goes through
 * the sanitizer so that nothing (a crafted feed URL, say) can end the comment early.
 */
export function headerLines(input: SnippetInput, spec: HeaderSpec): string[] {
  const rule = {
    maxBytes: 400,
    asciiOnly: true,
    ...(spec.forbidden && { forbidden: spec.forbidden }),
  }
  const clean = (text: string): string => sanitizeComment(text, rule) ?? ''
  const { feed } = input
  const lines = [
    `scangate firewall snippet: ${spec.title}`,
    `Feed:    ${clean(feed.url)}`,
    `Serial:  ${feed.serial} (created ${clean(feed.createdAt)})`,
    `SHA-256: ${clean(feed.sha256)} (feed version, not this file)`,
    ...scopeLines(input, spec, clean),
    '',
    'Apply:',
  ]
  for (const step of spec.apply) {
    const indent = /^ */.exec(step)?.[0] ?? ''
    lines.push(`  ${indent}${clean(step)}`)
  }
  return lines.map((l) => (l === '' ? spec.marker : `${spec.marker} ${l}`.trimEnd()))
}
