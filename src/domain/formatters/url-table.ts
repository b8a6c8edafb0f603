/**
 * @module domain/formatters/url-table
 * What the pfSense and OPNsense targets share: a plain list for a "URL Table (IPs)" alias,
 * one prefix per line, both families, whole-line `#` notes, and a header saying which URL
 * to enter and how often to refresh. Both products strip `#` comments from URL tables.
 */
import type { SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines, NOTHING_TO_APPLY } from './header.js'
import { sanitizeComment } from './sanitize-comment.js'
import { allEntries, joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 200, asciiOnly: true }
export const URL_TABLE_FAMILIES: readonly SnippetFamily[] = ['ipv4', 'ipv6']

export function renderUrlTable(input: SnippetInput, title: string, apply: readonly string[]): string {
  const empty = input.ipv4.length + input.ipv6.length === 0
  const header = headerLines(input, { marker: '#', title, families: URL_TABLE_FAMILIES, apply: empty ? NOTHING_TO_APPLY : apply })
  const lines: string[] = []
  for (const e of allEntries(input, URL_TABLE_FAMILIES)) {
    const comment = sanitizeComment(e.comment, COMMENT_RULE)
    if (comment !== null) lines.push(`# ${comment}`)
    lines.push(e.prefix)
  }
  return joinLines([...header, ...lines])
}
