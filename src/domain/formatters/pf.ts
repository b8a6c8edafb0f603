/**
 * @module domain/formatters/pf
 * pf.conf lines: a persistent table holding both families and one `pass in quick` rule.
 * pf is last-match, so `quick` is what makes the pass win over a later `block`. Comments
 * run to the end of the line, and the table body may span lines inside its braces.
 * For updates without reloading pf.conf, the `pf-table` target gives a file for
 * `pfctl -T replace`.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { allEntries, joinLines } from './snippet-text.js'

export const PF_COMMENT_RULE = { maxBytes: 200, asciiOnly: true }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'pf (pf.conf table and rule)'

export const pf: Formatter = {
  id: 'pf',
  title,
  extension: 'conf',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: null,
  families,
  // PF_TABLE_NAME_SIZE is 32 including the terminating NUL.
  name: wordName('asv_scanners', 31),
  applyHint: 'Last match wins: the rule uses quick; put it before your block rules in pf.conf.',
  headerPlacement: 'lines',
  render(input: SnippetInput): string {
    const table = `<${input.name}>`
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: [
        'Paste into /etc/pf.conf before your first block rule, then:',
        'pfctl -nf /etc/pf.conf && pfctl -f /etc/pf.conf',
        `Later updates without a reload: pfctl -t ${input.name} -T replace -f FILE (pf-table format).`,
      ],
    })
    const entries = allEntries(input, families).map((e) => {
      const comment = sanitizeComment(e.comment, PF_COMMENT_RULE)
      return `\t${e.prefix}${comment === null ? '' : `\t# ${comment}`}`
    })
    // An empty brace list is not accepted everywhere; a bare persistent table is.
    const tableLines =
      entries.length === 0
        ? [`table ${table} persist`]
        : [`table ${table} persist {`, ...entries, '}']
    return joinLines([...header, ...tableLines, `pass in quick from ${table} to any keep state`])
  },
}
