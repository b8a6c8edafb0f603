/**
 * @module domain/formatters/header
 * The comment block every snippet starts with: which feed version it came from (URL,
 * serial, creation time, entry count, sha256) and how to apply it without locking anyone
 * out. People paste these snippets months later; the header is how they tell a stale copy
 * from a current one and how they re-apply it safely.
 */
import type { SnippetFamily, SnippetInput } from './formatter.js'
import { sanitizeComment } from './sanitize-comment.js'
import { FAMILY_LABEL } from './snippet-text.js'

export interface HeaderSpec {
  /** The target's line-comment marker, e.g. '#' or '!'. */
  marker: string
  title: string
  families: readonly SnippetFamily[]
  /** Safe-apply instructions, one per line; leading spaces are kept as indentation. */
  apply: readonly string[]
  /** Characters the target's comment lines cannot carry (Cisco CLIs: '?' opens help). */
  forbidden?: RegExp
}

function countLine(input: SnippetInput, families: readonly SnippetFamily[]): string {
  const parts = families.map((f) => `${input[f].length} ${FAMILY_LABEL[f]}`)
  if (families.length === 1) return parts[0] ?? ''
  const total = families.reduce((sum, f) => sum + input[f].length, 0)
  return `${total} (${parts.join(', ')})`
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
    `Entries: ${countLine(input, spec.families)}`,
    `SHA-256: ${clean(feed.sha256)} (feed version, not this file)`,
  ]
  for (const f of spec.families) {
    if (input[f].length === 0) lines.push(`This version has no ${FAMILY_LABEL[f]} entries.`)
  }
  lines.push('', 'Apply:')
  for (const step of spec.apply) {
    const indent = /^ */.exec(step)?.[0] ?? ''
    lines.push(`  ${indent}${clean(step)}`)
  }
  return lines.map((l) => (l === '' ? spec.marker : `${spec.marker} ${l}`.trimEnd()))
}
