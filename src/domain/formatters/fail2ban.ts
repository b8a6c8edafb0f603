/**
 * @module domain/formatters/fail2ban
 * A fail2ban jail.d file that puts the scanners in `ignoreip` for every jail that inherits
 * [DEFAULT]. The list lives in its own option, `asv_scanners`, so other files can use it as
 * `%(asv_scanners)s`: `%(known/ignoreip)s` in [DEFAULT] ends in a recursion error (seen
 * with Debian's fail2ban 1.0.2). The value is a multi-line configparser value: continuation
 * lines are indented, and comment lines between them are skipped by the parser.
 */
import { NOTHING_TO_APPLY } from './header.js'
import { scopedFileName, scopedName } from './scope.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { allEntries, joinLines } from './snippet-text.js'

// ';' and '#' start comments and '%' starts an interpolation in fail2ban's config parser.
const COMMENT_RULE = { maxBytes: 200, asciiOnly: true, forbidden: /[%]/g }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'fail2ban (jail.d ignoreip)'

export const fail2ban: Formatter = {
  id: 'fail2ban',
  title,
  extension: 'local',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: 'fail2ban-client -t',
  families,
  name: wordName('asv-scanners', 64, '-v4'),
  group: 'waf',
  refresh: { productDefault: null, recommended: 'daily, or on each new serial (fail2ban-client reload)' },
  limits: {
    commentChars: 200,
    source: 'jail.conf(5)',
  },
  applyHint:
    'ignoreip is checked before any ban: the scanners are never banned by any jail that inherits [DEFAULT].',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'local'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const path = `/etc/fail2ban/jail.d/${fail2ban.fileName(input)}`
    const entries = allEntries(input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: entries.length === 0 ? NOTHING_TO_APPLY : [
        `Save as ${path}; then fail2ban-client -t && fail2ban-client reload`,
        'It sets [DEFAULT] ignoreip to loopback plus the scanners. To keep addresses of your',
        '  own, put them in /etc/fail2ban/jail.d/zz-ignoreip.local (read after this file):',
        '  [DEFAULT] ignoreip = 127.0.0.1/8 ::1 <yours> %(asv_scanners)s',
        '  A jail with its own ignoreip needs %(asv_scanners)s in it too.',
        'Replacing the file and reloading is the update.',
      ],
    })
    const lines: string[] = []
    if (entries.length === 0) return joinLines(header)
    for (const e of entries) {
      const comment = sanitizeComment(e.comment, COMMENT_RULE)
      if (comment !== null) lines.push(`# ${comment}`)
      lines.push(`    ${e.prefix}`)
    }
    return joinLines([...header, '', '[DEFAULT]', 'asv_scanners =', ...lines, 'ignoreip = 127.0.0.1/8 ::1 %(asv_scanners)s'])
  },
}
