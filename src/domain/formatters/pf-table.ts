/**
 * @module domain/formatters/pf-table
 * A pf table file for `pfctl -t <table> -T replace -f FILE`: one prefix per line, both
 * families mixed (pf tables hold both). pfctl skips whitespace and treats `#` as a comment
 * to the end of the line, so the header and per-entry comments are plain `#` text.
 * Replacing a table is atomic and needs no pf.conf reload. Under a family filter the
 * table is `<name>_v4` / `<name>_v6`, like the pf target's (scope.ts).
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { PF_COMMENT_RULE, pfTableName } from './pf.js'
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
  name: wordName('asv_scanners', 31, '_v4'),
  applyHint:
    'Last match wins: reference the table from a pass in quick rule placed before your block rules.',
  headerPlacement: 'lines',
  fileName: (input) => `${pfTableName(input)}.txt`,
  objectNames: (input) => [pfTableName(input)],
  render(input: SnippetInput): string {
    const table = pfTableName(input)
    const path = `/etc/${pfTable.fileName(input)}`
    const entries = allEntries(input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      // pfctl -T replace with an empty file would empty the table.
      apply:
        entries.length === 0
          ? NOTHING_TO_APPLY
          : [
              `pfctl -t ${table} -T replace -f ${path}`,
              'pf.conf needs, once:',
              `  table <${table}> persist file "${path}"`,
              `  pass in quick from <${table}> to any keep state`,
              'Replacing the table is atomic; re-running is safe.',
            ],
    })
    const lines = entries.map((e) => {
      const comment = sanitizeComment(e.comment, PF_COMMENT_RULE)
      return `${e.prefix}${comment === null ? '' : `\t# ${comment}`}`
    })
    return joinLines([...header, ...lines])
  },
}
