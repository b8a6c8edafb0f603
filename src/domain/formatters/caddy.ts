/**
 * @module domain/formatters/caddy
 * A Caddyfile snippet defining the named matcher `@<name>` with `remote_ip`, one prefix
 * per line (Caddy merges repeated remote_ip lines of one matcher into one list). Import it
 * in a site block and use the matcher to exempt the scanners, e.g. from a WAF handler.
 * `#` starts a comment only after whitespace, which is how entry notes are written. A file
 * without entries defines no snippet, so a site importing it fails to load rather than
 * silently matching nobody.
 */
import { NOTHING_TO_APPLY } from './header.js'
import { scopedFileName, scopedName } from './scope.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { allEntries, joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 200, asciiOnly: true }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Caddy (remote_ip named matcher snippet)'

export const caddy: Formatter = {
  id: 'caddy',
  title,
  extension: 'caddy',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: 'caddy validate',
  families,
  name: wordName('asv-scanners', 64, '-v4'),
  group: 'proxy',
  refresh: { productDefault: null, recommended: 'daily, or on each new serial (caddy reload)' },
  limits: { commentChars: 200, source: 'Caddy docs: request matchers, remote_ip <ranges...>' },
  applyHint:
    'Handlers run in directive order: put the handle/route that uses the matcher before the WAF or deny that it exempts.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'caddy'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const name = scopedName(input, families)
    const path = `/etc/caddy/${caddy.fileName(input)}`
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: input.ipv4.length + input.ipv6.length === 0 ? NOTHING_TO_APPLY : [
        `Save as ${path}; at the top of the Caddyfile: import ${path}`,
        `In a site block: import ${name}, then use @${name}, e.g.`,
        `  route @${name} { reverse_proxy backend:8080 }   before the WAF-protected route.`,
        'caddy validate --config /etc/caddy/Caddyfile && caddy reload --config /etc/caddy/Caddyfile',
        'Behind a proxy: client_ip with trusted_proxies (Caddy 2.7+).',
      ],
    })
    const lines = allEntries(input, families).map((e) => {
      const comment = sanitizeComment(e.comment, COMMENT_RULE)
      return `\t\tremote_ip ${e.prefix}${comment === null ? '' : ` # ${comment}`}`
    })
    // No entries, no snippet: an importing site fails loudly instead of matching nobody.
    if (lines.length === 0) return joinLines(header)
    return joinLines([...header, `(${name}) {`, `\t@${name} {`, ...lines, '\t}', '}'])
  },
}
