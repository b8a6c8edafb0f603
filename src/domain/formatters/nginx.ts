/**
 * @module domain/formatters/nginx
 * nginx `allow` directives for an `include` file (ngx_http_access_module; the stream
 * module takes the same syntax). Access rules are first-match, so the include goes before
 * the `deny all;` it should make exceptions to. `#` comments run to the end of the line.
 * The file holds both families, so under a family filter it is `<name>-v4.<ext>` (scope.ts):
 * the IPv4 and IPv6 files sit side by side instead of replacing each other. A file without
 * entries holds no directives.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { scopedFileName, scopedName } from './scope.js'
import { allEntries, joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 200, asciiOnly: true }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'nginx (allow directives)'

export const nginx: Formatter = {
  id: 'nginx',
  title,
  extension: 'conf',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: 'nginx -t',
  families,
  name: wordName('asv-scanners', 64, '-v4'),
  applyHint: 'First match wins: include the file in the server or location block before deny all;.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'conf'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const path = `/etc/nginx/snippets/${nginx.fileName(input)}`
    const entries = allEntries(input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        entries.length === 0
          ? NOTHING_TO_APPLY
          : [
              `Save as ${path} and add, before deny all; in the server or location block:`,
              `  include ${path};`,
              'nginx -t && nginx -s reload   (replacing the file and reloading is atomic)',
            ],
    })
    const rules = entries.map((e) => {
      const comment = sanitizeComment(e.comment, COMMENT_RULE)
      return `allow ${e.prefix};${comment === null ? '' : ` # ${comment}`}`
    })
    return joinLines([...header, ...rules])
  },
}
