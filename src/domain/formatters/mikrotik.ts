/**
 * @module domain/formatters/mikrotik
 * A RouterOS script (`/import file-name=…`) that rebuilds one firewall address-list per
 * family: remove every entry of the list, then add the current ones. Entries without a
 * timeout are permanent. Comments are double-quoted, where RouterOS expands `$variables`
 * and `\` escapes, so those characters (and brackets) are removed from comments.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 200, asciiOnly: true, forbidden: /[?"'`$[\]{};]/g }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'MikroTik RouterOS (address-list script)'

function listSection(input: SnippetInput, family: SnippetFamily): string[] {
  const menu = family === 'ipv4' ? '/ip firewall address-list' : '/ipv6 firewall address-list'
  const list = input.name
  const adds = input[family].map((e) => {
    const comment = sanitizeComment(e.comment, COMMENT_RULE)
    return `add list=${list} address=${e.prefix}${comment === null ? '' : ` comment="${comment}"`}`
  })
  return [menu, `remove [find list="${list}"]`, ...adds]
}

export const mikrotik: Formatter = {
  id: 'mikrotik',
  title,
  extension: 'rsc',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: null,
  families,
  name: wordName('asv-scanners', 63),
  applyHint:
    'First match wins: one accept rule per family matching the address-list, placed before your drop rules.',
  headerPlacement: 'lines',
  render(input: SnippetInput): string {
    const list = input.name
    const rule = (menu: string): string =>
      `  ${menu} firewall filter add chain=input src-address-list=${list} action=accept place-before=0 comment=${list}`
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: [
        `/import file-name=${list}.rsc`,
        'Once, accept the lists before your drop rules (place-before=0 needs an existing rule):',
        rule('/ip'),
        rule('/ipv6'),
        'Re-running is safe: each list is emptied and refilled; the gap lasts one script run.',
      ],
    })
    return joinLines([...header, ...listSection(input, 'ipv4'), ...listSection(input, 'ipv6')])
  },
}
