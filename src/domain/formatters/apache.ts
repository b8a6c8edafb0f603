/**
 * @module domain/formatters/apache
 * Apache httpd 2.4 authorization: `Require ip` lines inside `<RequireAny>`, so the block
 * grants access to any listed address and can sit next to the customer's own Require
 * lines. Apache only knows whole-line comments (a `#` after a directive is an argument),
 * so entry comments go on their own line above the entry.
 * The file holds both families, so under a family filter it is `<name>-v4.<ext>` (scope.ts):
 * the IPv4 and IPv6 files sit side by side instead of replacing each other. A file without
 * entries holds no directives (an empty
 * `<RequireAny>` would be a syntax error).
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { scopedFileName, scopedName } from './scope.js'
import { allEntries, joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 200, asciiOnly: true }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Apache httpd 2.4 (Require ip)'

export const apache: Formatter = {
  id: 'apache',
  title,
  extension: 'conf',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: 'apache2 -t',
  families,
  name: wordName('asv-scanners', 64, '-v4'),
  applyHint:
    'Any match grants: include the block inside the <Directory>, <Location> or <RequireAny> that grants access.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'conf'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const path = `/etc/apache2/conf-available/${apache.fileName(input)}`
    const entries = allEntries(input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        entries.length === 0
          ? NOTHING_TO_APPLY
          : [
              `Save as ${path} and, inside the section to open to the scanners:`,
              `  Include ${path}`,
              'apache2ctl configtest && apache2ctl graceful',
              'Needs mod_authz_core and mod_authz_host (enabled by default).',
            ],
    })
    if (entries.length === 0) return joinLines(header)
    const body: string[] = []
    for (const e of entries) {
      const comment = sanitizeComment(e.comment, COMMENT_RULE)
      if (comment !== null) body.push(`\t# ${comment}`)
      body.push(`\tRequire ip ${e.prefix}`)
    }
    return joinLines([...header, '<RequireAny>', ...body, '</RequireAny>'])
  },
}
