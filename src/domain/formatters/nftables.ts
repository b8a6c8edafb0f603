/**
 * @module domain/formatters/nftables
 * An `nft -f` file that declares one interval set per family in the customer's own
 * `inet filter` table, flushes them and adds the current elements. The file runs as one
 * transaction, so re-applying replaces the contents atomically. The sets live in the
 * customer's table on purpose: an `accept` in a separate table does not override a `drop`
 * in theirs on the same hook. The accept rule itself is inserted once, from the header.
 * Only the sets of families the file has entries of are declared, flushed and filled: a
 * flush of the other family's set would lock its scanners out (see scope.ts).
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { QUOTES, sanitizeComment } from './sanitize-comment.js'
import { UNDERSCORE_TAGS, carriedFamilies, scopedFileName } from './scope.js'
import { FAMILY_TAG, joinLines } from './snippet-text.js'

/** nft refuses element comments over 128 characters; strings have no escapes. */
const COMMENT_RULE = { maxBytes: 128, asciiOnly: true, forbidden: QUOTES }
const TABLE = 'inet filter'
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'nftables (nft -f)'

function setName(input: SnippetInput, family: SnippetFamily): string {
  return `${input.name}_${FAMILY_TAG[family]}`
}

function elements(input: SnippetInput, family: SnippetFamily): string[] {
  const entries = input[family]
  if (entries.length === 0) return []
  const lines = entries.map((e) => {
    const comment = sanitizeComment(e.comment, COMMENT_RULE)
    return `\t${e.prefix}${comment === null ? '' : ` comment "${comment}"`},`
  })
  return [`add element ${TABLE} ${setName(input, family)} {`, ...lines, '}']
}

export const nftables: Formatter = {
  id: 'nftables',
  title,
  extension: 'nft',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: 'nft -c -f',
  families,
  name: {
    default: 'asv_scanners',
    // Older kernels cap set names at 32 bytes; we append '_v4'.
    maxLength: 32,
    pattern: /^[A-Za-z][A-Za-z0-9_]*$/,
    description: 'A–Z a–z 0–9 _, starting with a letter',
    suffix: '_v4',
  },
  applyHint:
    'First match wins within a chain: the sets go into your own table, and one accept rule is inserted at the top of its input chain.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'nft', UNDERSCORE_TAGS),
  objectNames: (input, family) => [setName(input, family)],
  render(input: SnippetInput): string {
    const carried = carriedFamilies(input, families)
    const file = nftables.fileName(input)
    const insert = (family: SnippetFamily): string => {
      const set = setName(input, family)
      const match = family === 'ipv4' ? 'ip' : 'ip6'
      return `nft list chain ${TABLE} input | grep -q '@${set} ' || nft insert rule ${TABLE} input ${match} saddr @${set} accept`
    }
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        carried.length === 0
          ? NOTHING_TO_APPLY
          : [
              `nft -c -f ${file} && nft -f ${file}`,
              ...carried.map(insert),
              `Use the table that holds your input chain; replace "${TABLE}" if yours has another name.`,
              'An accept in a separate table would not override a drop in yours.',
              'Re-running is safe: the sets are flushed and refilled in one transaction.',
            ],
    })
    if (carried.length === 0) return joinLines(header)
    const decl = (family: SnippetFamily): string[] => [
      `\tset ${setName(input, family)} {`,
      `\t\ttype ${family === 'ipv4' ? 'ipv4_addr' : 'ipv6_addr'}`,
      '\t\tflags interval',
      '\t\tauto-merge',
      '\t}',
    ]
    return joinLines([
      ...header,
      `table ${TABLE} {`,
      ...carried.flatMap(decl),
      '}',
      ...carried.map((f) => `flush set ${TABLE} ${setName(input, f)}`),
      ...carried.flatMap((f) => elements(input, f)),
    ])
  },
}
