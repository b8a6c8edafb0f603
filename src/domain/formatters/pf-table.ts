/**
 * @module domain/formatters/pf-table
 * A pf table file for `pfctl -t <table> -T replace -f FILE`: one prefix per line, both
 * families mixed (pf tables hold both). pfctl skips whitespace and treats `#` as a comment
 * to the end of the line, so the header and per-entry comments are plain `#` text.
 * Replacing a table is atomic and needs no pf.conf reload.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { PF_COMMENT_RULE } from './pf.js'
import { sanitizeComment } from './sanitize-comment.js'
import { allEntries, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'pf table file (pfctl -T replace)'

export const pfTable: Formatter = {
  id: 'pf-table',
  title,
  extension: 'txt',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: null,
  families,
  name: wordName('asv_scanners', 31),
  applyHint:
    'Last match wins: reference the table from a pass in quick rule placed before your block rules.',
  headerPlacement: 'lines',
  render(input: SnippetInput): string {
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: [
        `pfctl -t ${input.name} -T replace -f /etc/pf.${input.name}`,
        'pf.conf needs, once:',
        `  table <${input.name}> persist file "/etc/pf.${input.name}"`,
        `  pass in quick from <${input.name}> to any keep state`,
        'Replacing the table is atomic; re-running is safe.',
      ],
    })
    const lines = allEntries(input, families).map((e) => {
      const comment = sanitizeComment(e.comment, PF_COMMENT_RULE)
      return `${e.prefix}${comment === null ? '' : `\t# ${comment}`}`
    })
    return joinLines([...header, ...lines])
  },
}
