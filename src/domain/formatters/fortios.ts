/**
 * @module domain/formatters/fortios
 * FortiOS CLI: one firewall address object per prefix (`address` / `address6`) and one
 * address group per family (`addrgrp` / `addrgrp6`). `set member` replaces the group's
 * member list, so prefixes that left the feed drop out of the group on re-run (their
 * address objects stay, unused). Members are set in batches: the first line replaces the
 * list, the rest `append`, which keeps every CLI line short. Only the objects of families
 * the file has entries of are mentioned (scope.ts); FortiOS refuses an empty group anyway.
 */
import type { Formatter, SnippetEntry, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { carriedFamilies, scopedFileName } from './scope.js'
import { FAMILY_TAG, chunks, ipv4WithNetmask, joinLines } from './snippet-text.js'

/** FortiOS 7.2 keeps comments up to 255 characters; '?' opens help when pasted. */
const COMMENT_RULE = { maxBytes: 255, asciiOnly: true, forbidden: /[?"'`]/g }
const MEMBERS_PER_LINE = 16
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'FortiOS (CLI)'

/** `<name>-192.0.2.0_24`; ':' becomes '-' for IPv6, which keeps names unique (v6 text has no '-'). */
function addressName(base: string, prefix: string): string {
  return `${base}-${prefix.replaceAll(':', '-').replace('/', '_')}`
}

function addresses(input: SnippetInput, family: SnippetFamily, entries: SnippetEntry[]): string[] {
  const lines = [`config firewall ${family === 'ipv4' ? 'address' : 'address6'}`]
  for (const e of entries) {
    lines.push(`    edit "${addressName(input.name, e.prefix)}"`)
    lines.push(
      family === 'ipv4'
        ? `        set subnet ${ipv4WithNetmask(e.prefix)}`
        : `        set ip6 ${e.prefix}`,
    )
    const comment = sanitizeComment(e.comment, COMMENT_RULE)
    if (comment !== null) lines.push(`        set comment "${comment}"`)
    lines.push('    next')
  }
  lines.push('end')
  return lines
}

function groupName(input: SnippetInput, family: SnippetFamily): string {
  return `${input.name}-${FAMILY_TAG[family]}`
}

function group(input: SnippetInput, family: SnippetFamily, entries: SnippetEntry[]): string[] {
  const name = groupName(input, family)
  const batches = chunks(entries, MEMBERS_PER_LINE).map((batch, i) => {
    const members = batch.map((e) => `"${addressName(input.name, e.prefix)}"`).join(' ')
    return `        ${i === 0 ? 'set' : 'append'} member ${members}`
  })
  return [
    `config firewall ${family === 'ipv4' ? 'addrgrp' : 'addrgrp6'}`,
    `    edit "${name}"`,
    ...batches,
    '    next',
    'end',
  ]
}

function familySection(input: SnippetInput, family: SnippetFamily): string[] {
  const entries = input[family]
  return [...addresses(input, family, entries), ...group(input, family, entries)]
}

export const fortios: Formatter = {
  id: 'fortios',
  title,
  extension: 'conf',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: null,
  families,
  // Address names are at most 79 characters; we append '-' and the prefix (up to 44).
  name: wordName('asv-scanners', 79, '-ffff-ffff-ffff-ffff-ffff-ffff-ffff-ffff_128'),
  applyHint:
    'First match wins: use the groups as source in an accept policy moved above your deny policies.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'conf'),
  objectNames: (input, family) => [
    groupName(input, family),
    ...input[family].map((e) => addressName(input.name, e.prefix)),
  ],
  render(input: SnippetInput): string {
    const carried = carriedFamilies(input, families)
    const uses = carried.map(
      (f) => `${groupName(input, f)} as ${f === 'ipv4' ? 'srcaddr' : 'srcaddr6'}`,
    )
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      forbidden: /[?]/g,
      apply:
        carried.length === 0
          ? NOTHING_TO_APPLY
          : [
              `Paste ${fortios.fileName(input)} into the CLI (or run it as a CLI script). Once, use`,
              `  ${uses.join(' and ')} of an accept policy`,
              '  and move that policy above your deny policies.',
              'Re-running is safe: set member replaces each group member list.',
            ],
    })
    return joinLines([...header, ...carried.flatMap((f) => familySection(input, f))])
  },
}
