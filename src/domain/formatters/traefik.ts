/**
 * @module domain/formatters/traefik
 * A Traefik (v3) dynamic-configuration file for the file provider: an `ipAllowList`
 * middleware holding the scanner ranges. Values are double-quoted JSON strings, notes are
 * YAML `#` comments after them. Traefik v2 calls the middleware ipWhiteList; the header
 * says so. An empty list renders `sourceRange: []`, which Traefik refuses to load rather
 * than allowing everyone.
 */
import { NOTHING_TO_APPLY } from './header.js'
import { scopedFileName, scopedName } from './scope.js'

const ranges0 = (input: { ipv4: unknown[]; ipv6: unknown[] }) => input.ipv4.length + input.ipv6.length === 0
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { allEntries, joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 200, asciiOnly: true }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Traefik ipAllowList middleware (file provider, YAML)'

export const traefik: Formatter = {
  id: 'traefik',
  title,
  extension: 'yaml',
  contentType: 'application/yaml',
  separateFamilies: false,
  validator: 'YAML parse',
  families,
  name: wordName('asv-scanners', 64, '-v4'),
  group: 'proxy',
  refresh: { productDefault: 'on file change (file provider watch)', recommended: 'daily, or on each new serial' },
  limits: { commentChars: 200, source: 'Traefik v3 docs: HTTP middlewares, IPAllowList sourceRange (file provider)' },
  applyHint:
    'Middlewares act per router: attach it to a router dedicated to the scanners, or chain it where only they may pass.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'yaml'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: ranges0(input) ? NOTHING_TO_APPLY : [
        `Save in the file provider directory as ${traefik.fileName(input)}; the watch picks it up.`,
        `Use it on a router: middlewares: [${scopedName(input, families)}@file]. Traefik v2: rename ipAllowList`,
        '  to ipWhiteList. Behind a load balancer, set ipStrategy.depth or excludedIPs.',
        'Writing a new file over the old one is the update.',
      ],
    })
    const ranges = allEntries(input, families).map((e) => {
      const comment = sanitizeComment(e.comment, COMMENT_RULE)
      return `          - "${e.prefix}"${comment === null ? '' : ` # ${comment}`}`
    })
    if (ranges.length === 0) return joinLines([...header, 'http: {}'])
    return joinLines([
      ...header,
      'http:',
      '  middlewares:',
      `    ${scopedName(input, families)}:`,
      '      ipAllowList:',
      ...(ranges.length === 0 ? ['        sourceRange: []'] : ['        sourceRange:', ...ranges]),
    ])
  },
}
