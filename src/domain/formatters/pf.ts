/**
 * @module domain/formatters/pf
 * pf.conf lines: a persistent table holding both families and one `pass in quick` rule.
 * pf is last-match, so `quick` is what makes the pass win over a later `block`. Comments
 * run to the end of the line, and the table body may span lines inside its braces.
 * For updates without reloading pf.conf, the `pf-table` target gives a file for
 * `pfctl -T replace`. The table holds both families, so under a family filter it is
 * `<name>_v4` / `<name>_v6` (scope.ts): the IPv4 and IPv6 snippets never share a table.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { UNDERSCORE_TAGS, scopedName } from './scope.js'
import { allEntries, joinLines } from './snippet-text.js'

export const PF_COMMENT_RULE = { maxBytes: 200, asciiOnly: true }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'pf (pf.conf table and rule)'

/** The table name, shared with the pf-table target so both address the same table. */
export function pfTableName(input: Pick<SnippetInput, 'name' | 'filter'>): string {
  return scopedName(input, families, UNDERSCORE_TAGS)
}

export const pf: Formatter = {
  id: 'pf',
  title,
  extension: 'conf',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: null,
  families,
  // PF_TABLE_NAME_SIZE is 32 including the terminating NUL.
  name: wordName('asv_scanners', 31, '_v4'),
  applyHint: 'Last match wins: the rule uses quick; put it before your block rules in pf.conf.',
  headerPlacement: 'lines',
  fileName: (input) => `${pfTableName(input)}.conf`,
  objectNames: (input) => [pfTableName(input)],
  render(input: SnippetInput): string {
    const name = pfTableName(input)
    const table = `<${name}>`
    const entries = allEntries(input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        entries.length === 0
          ? NOTHING_TO_APPLY
          : [
              `Paste ${name}.conf into /etc/pf.conf before your first block rule, then:`,
              'pfctl -nf /etc/pf.conf && pfctl -f /etc/pf.conf',
              `Later updates without a reload: pfctl -t ${name} -T replace -f FILE (pf-table format).`,
            ],
    })
    if (entries.length === 0) return joinLines(header)
    const lines = entries.map((e) => {
      const comment = sanitizeComment(e.comment, PF_COMMENT_RULE)
      return `\t${e.prefix}${comment === null ? '' : `\t# ${comment}`}`
    })
    return joinLines([
      ...header,
      `table ${table} persist {`,
      ...lines,
      '}',
      `pass in quick from ${table} to any keep state`,
    ])
  },
}
