/**
 * @module domain/formatters/nginx
 * nginx `allow` directives for an `include` file (ngx_http_access_module; the stream
 * module takes the same syntax). Access rules are first-match, so the include goes before
 * the `deny all;` it should make exceptions to. `#` comments run to the end of the line.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
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
  name: wordName('asv-scanners', 64),
  applyHint: 'First match wins: include the file in the server or location block before deny all;.',
  headerPlacement: 'lines',
  render(input: SnippetInput): string {
    const path = `/etc/nginx/snippets/${input.name}.conf`
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: [
        `Save as ${path} and add, before deny all; in the server or location block:`,
        `  include ${path};`,
        'nginx -t && nginx -s reload   (replacing the file and reloading is atomic)',
      ],
    })
    const rules = allEntries(input, families).map((e) => {
      const comment = sanitizeComment(e.comment, COMMENT_RULE)
      return `allow ${e.prefix};${comment === null ? '' : ` # ${comment}`}`
    })
    return joinLines([...header, ...rules])
  },
}
