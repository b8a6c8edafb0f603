/**
 * @module domain/formatters/cisco-fmc-feed
 * A Cisco Secure Firewall (FMC / FDM) Security Intelligence network feed: one address or
 * CIDR block per line, `#` comment lines, both families. FMC and FDM can poll an MD5 URL
 * first and download the list only when it changed: that is `/v1/rules/cisco-fmc-feed.md5`
 * with the same query. Notes go on their own line above the entry, as the parser takes
 * comments only as whole lines.
 */
import { NOTHING_TO_APPLY } from './header.js'
import { scopedFileName, scopedName } from './scope.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { fetchUrlOf } from './meta-line.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { allEntries, joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 200, asciiOnly: true }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Cisco Secure Firewall Security Intelligence feed (FMC/FDM)'

export const ciscoFmcFeed: Formatter = {
  id: 'cisco-fmc-feed',
  title,
  extension: 'txt',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: null,
  families,
  name: wordName('asv-scanners', 64, '-v4'),
  group: 'feed',
  refresh: { productDefault: 'FMC: the feed update frequency you set (minimum 30 min); FDM: 5 min with a checksum URL', recommended: '30 min with the .md5 URL' },
  limits: {
    commentChars: 200,
    source: 'Cisco FMC guide: Security Intelligence feeds',
  },
  applyHint:
    'Security Intelligence runs before access control: put the feed on the Do Not Block list so the scanners are never blocked by SI.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'txt'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const url = fetchUrlOf(input, ciscoFmcFeed.id)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: input.ipv4.length + input.ipv6.length === 0 ? NOTHING_TO_APPLY : [
        `FMC: Objects > Security Intelligence > Network Lists and Feeds > Add feed, name ${scopedName(input, families)},`,
        `  (or save as ${ciscoFmcFeed.fileName(input)} for a file-based list), with`,
        `  Feed URL ${url}`,
        `  MD5 URL  ${url.replace(/(\?|$)/, '.md5$1')}`,
        '  and add it to the Do Not Block list of the access control policy.',
        'The file is replaced whole on each fetch: nothing to merge.',
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
