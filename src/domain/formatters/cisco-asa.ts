/**
 * @module domain/formatters/cisco-asa
 * A Cisco ASA network object-group holding both families (ASA allows mixed groups except
 * for NAT), meant to be pasted in configuration mode. ASA network-objects take no comment,
 * so entry comments are omitted; the group description carries the feed serial. Re-pasting
 * adds missing objects but never removes stale ones, which the header explains. Under a
 * family filter the group is `<name>-V4` / `<name>-V6` (scope.ts), so the clean-up the
 * header suggests can never remove the other family's objects.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { UPPER_TAGS, scopedFileName, scopedName } from './scope.js'
import { allEntries, ipv4WithNetmask, joinLines } from './snippet-text.js'

/** A pasted '?' opens context help on Cisco CLIs instead of being typed. */
export const CISCO_FORBIDDEN = /[?"'`]/g
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Cisco ASA (object-group)'

export const ciscoAsa: Formatter = {
  id: 'cisco-asa',
  title,
  extension: 'cfg',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: null,
  families,
  // ASA object names are at most 64 characters and share one namespace.
  name: wordName('ASV-SCANNERS', 64, '-V4'),
  applyHint:
    'First match wins: reference the group from an ACL line inserted above your deny rules (line 1).',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'cfg', UPPER_TAGS),
  objectNames: (input) => [scopedName(input, families, UPPER_TAGS)],
  render(input: SnippetInput): string {
    const group = scopedName(input, families, UPPER_TAGS)
    const entries = allEntries(input, families)
    const header = headerLines(input, {
      marker: '!',
      title,
      families,
      forbidden: CISCO_FORBIDDEN,
      apply:
        entries.length === 0
          ? NOTHING_TO_APPLY
          : [
              `Paste ${ciscoAsa.fileName(input)} in configuration mode (configure terminal). Once, reference the group:`,
              `  access-list OUTSIDE_IN line 1 extended permit ip object-group ${group} any`,
              'Re-pasting adds new entries but does not remove old ones; compare with',
              `  show running-config object-group id ${group}   and remove extras with no network-object`,
            ],
    })
    if (entries.length === 0) return joinLines(header)
    const objects = entries.map((e) =>
      e.prefix.includes(':')
        ? ` network-object ${e.prefix}`
        : ` network-object ${ipv4WithNetmask(e.prefix)}`,
    )
    return joinLines([
      ...header,
      `object-group network ${group}`,
      ` description scangate ASV scanners, feed serial ${input.feed.serial}`,
      ...objects,
      'exit',
    ])
  },
}
