/**
 * @module domain/formatters/haproxy
 * An HAProxy pattern file for `acl <name> src -f <file>`: one prefix per line, both
 * families. HAProxy only accepts whole-line `#` comments here (a trailing comment is a
 * fatal parse error), so entry comments go on their own line above the entry.
 * The file holds both families, so under a family filter it is `<name>-v4.<ext>` (scope.ts):
 * the IPv4 and IPv6 files sit side by side instead of replacing each other. A file without
 * entries holds no patterns.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { scopedFileName, scopedName } from './scope.js'
import { allEntries, joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 200, asciiOnly: true }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'HAProxy (ACL pattern file)'

export const haproxy: Formatter = {
  id: 'haproxy',
  title,
  extension: 'lst',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: 'haproxy -c',
  families,
  // ACL names may also hold '.' and ':'; the common word subset is enough.
  name: wordName('asv-scanners', 64, '-v4'),
  applyHint: 'First match wins: put the allow rule that uses the ACL before your deny rules.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'lst'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const acl = scopedName(input, families)
    const path = `/etc/haproxy/${haproxy.fileName(input)}`
    const entries = allEntries(input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        entries.length === 0
          ? NOTHING_TO_APPLY
          : [
              `Save as ${path}; in the frontend, before any deny rule:`,
              `  acl ${acl} src -f ${path}`,
              `  http-request allow if ${acl}        (TCP: tcp-request connection accept if ${acl})`,
              'haproxy -c -f /etc/haproxy/haproxy.cfg && systemctl reload haproxy',
            ],
    })
    const lines: string[] = []
    for (const e of entries) {
      const comment = sanitizeComment(e.comment, COMMENT_RULE)
      if (comment !== null) lines.push(`# ${comment}`)
      lines.push(e.prefix)
    }
    return joinLines([...header, ...lines])
  },
}
