/**
 * @module domain/formatters/paloalto-edl
 * A Palo Alto Networks External Dynamic List (IP type), served over HTTPS and fetched by
 * the firewall. PAN-OS documents each line as `<IP, IP/mask or range> [space] [comment]`
 * and requires comments to share the line with an address, so this is the one target
 * without header lines: the feed metadata rides on the first entry's comment, and an empty
 * list is an empty document. The apply steps live in the docs instead. The EDL object is
 * fetched per URL, so a family filter already gives it a list of its own; the name in the
 * metadata follows scope.ts all the same.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { scopedFileName, scopedName } from './scope.js'
import { allEntries, joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 255, asciiOnly: true }
const HEADER_RULE = { maxBytes: 400, asciiOnly: true }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']

export const paloaltoEdl: Formatter = {
  id: 'paloalto-edl',
  title: 'Palo Alto Networks EDL (IP list)',
  extension: 'txt',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: null,
  families,
  // PAN-OS limits EDL object names to 32 characters.
  name: wordName('asv-scanners', 32, '-v4'),
  applyHint:
    'First match wins: point an EDL object of type IP List at this URL and use it as source in an allow rule above your deny rules.',
  headerPlacement: 'first-entry',
  fileName: (input) => scopedFileName(input, families, 'txt'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const { feed } = input
    const count = input.ipv4.length + input.ipv6.length
    const { counts } = feed
    const version = `${counts.ipv4 + counts.ipv6} (${counts.ipv4} IPv4, ${counts.ipv6} IPv6)`
    const meta = sanitizeComment(
      `${scopedName(input, families)} scangate serial ${feed.serial} created ${feed.createdAt} ` +
        `entries ${count} (${input.ipv4.length} IPv4, ${input.ipv6.length} IPv6) of version ${version} ` +
        `sha256 ${feed.sha256} feed ${feed.url}`,
      HEADER_RULE,
    )
    const lines = allEntries(input, families).map((e, i) => {
      const comment = sanitizeComment(e.comment, COMMENT_RULE)
      const text = i === 0 ? [meta, comment].filter((t) => t !== null).join(' | ') : comment
      return text ? `${e.prefix} ${text}` : e.prefix
    })
    return joinLines(lines)
  },
}
