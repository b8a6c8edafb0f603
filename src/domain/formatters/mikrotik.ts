/**
 * @module domain/formatters/mikrotik
 * A RouterOS script (`/import file-name=…`) that rebuilds one firewall address-list per
 * family: remove every entry of the list, then add the current ones. Entries without a
 * timeout are permanent. Comments are double-quoted, where RouterOS expands `$variables`
 * and `\` escapes, so those characters (and brackets) are removed from comments. Both
 * families use the same list name in different menus (`/ip`, `/ipv6`); only the menus of
 * families the file has entries of are mentioned, since `remove [find list=…]` in the
 * other menu would empty that family's list (scope.ts).
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { carriedFamilies, scopedFileName } from './scope.js'
import { joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 200, asciiOnly: true, forbidden: /[?"'`$[\]{};]/g }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'MikroTik RouterOS (address-list script)'

/** The RouterOS menu of a family: how the script tells the two same-named lists apart. */
const MENU: Record<SnippetFamily, string> = { ipv4: '/ip firewall', ipv6: '/ipv6 firewall' }

function listSection(input: SnippetInput, family: SnippetFamily): string[] {
  const menu = `${MENU[family]} address-list`
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
  fileName: (input) => scopedFileName(input, families, 'rsc'),
  objectNames: (_input, family) => [MENU[family]],
  render(input: SnippetInput): string {
    const list = input.name
    const carried = carriedFamilies(input, families)
    const rule = (family: SnippetFamily): string =>
      `  ${MENU[family]} filter add chain=input src-address-list=${list} action=accept place-before=0 comment=${list}`
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        carried.length === 0
          ? NOTHING_TO_APPLY
          : [
              `/import file-name=${mikrotik.fileName(input)}`,
              'Once, accept the lists before your drop rules (place-before=0 needs an existing rule):',
              ...carried.map(rule),
              'Re-running is safe: each list is emptied and refilled; the gap lasts one script run.',
            ],
    })
    return joinLines([...header, ...carried.flatMap((f) => listSection(input, f))])
  },
}
