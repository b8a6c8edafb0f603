/**
 * @module domain/formatters/haproxy
 * An HAProxy pattern file for `acl <name> src -f <file>`: one prefix per line, both
 * families. HAProxy only accepts whole-line `#` comments here (a trailing comment is a
 * fatal parse error), so entry comments go on their own line above the entry.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
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
  name: wordName('asv-scanners', 64),
  applyHint: 'First match wins: put the allow rule that uses the ACL before your deny rules.',
  headerPlacement: 'lines',
  render(input: SnippetInput): string {
    const acl = input.name
    const path = `/etc/haproxy/${acl}.lst`
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: [
        `Save as ${path}; in the frontend, before any deny rule:`,
        `  acl ${acl} src -f ${path}`,
        `  http-request allow if ${acl}        (TCP: tcp-request connection accept if ${acl})`,
        'haproxy -c -f /etc/haproxy/haproxy.cfg && systemctl reload haproxy',
      ],
    })
    const lines: string[] = []
    for (const e of allEntries(input, families)) {
      const comment = sanitizeComment(e.comment, COMMENT_RULE)
      if (comment !== null) lines.push(`# ${comment}`)
      lines.push(e.prefix)
    }
    return joinLines([...header, ...lines])
  },
}
