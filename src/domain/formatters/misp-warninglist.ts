/**
 * @module domain/formatters/misp-warninglist
 * A MISP warninglist (type `cidr`) of the scanner ranges, so analysts see "known ASV
 * scanner" on attributes that match instead of chasing them. Its integer `version` is the
 * feed serial, which only grows. JSON has no comments: the metadata is the description.
 */
import { scopedFileName, scopedName } from './scope.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { metaLine } from './meta-line.js'
import { wordName } from './names.js'
import { allEntries, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const MATCHING = ['ip-src', 'ip-dst', 'ip-src|port', 'ip-dst|port', 'domain|ip']

export const mispWarninglist: Formatter = {
  id: 'misp-warninglist',
  title: 'MISP warninglist (type cidr)',
  extension: 'json',
  contentType: 'application/json',
  separateFamilies: false,
  validator: 'JSON schema (misp-warninglists format)',
  families,
  name: wordName('asv-scanners', 64, '-v4'),
  group: 'feed',
  refresh: { productDefault: null, recommended: 'daily (replace lists/<name>/list.json and update the warninglists)' },
  limits: { commentChars: null, source: 'github.com/MISP/misp-warninglists (format)' },
  applyHint:
    'Warninglists only annotate: matching attributes are flagged as known scanners, nothing is blocked or allowed.',
  headerPlacement: 'document',
  fileName: (input) => scopedFileName(input, families, 'json'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const list = allEntries(input, families)
    // An empty list names no object (the contract: no entries, no object touched).
    const tag = list.length === 0 ? '' : ` (${scopedName(input, families)})`
    return joinLines([
      `{"description": ${JSON.stringify(`Known ASV scanner ranges${tag}: ${metaLine(input, families)}`)},`,
      `"name": ${JSON.stringify(`scangate ASV scanners${tag}`)},`,
      `"version": ${input.feed.serial},`,
      '"type": "cidr",',
      `"matching_attributes": ${JSON.stringify(MATCHING)},`,
      '"list": [',
      ...list.map((e, i) => `  ${JSON.stringify(e.prefix)}${i < list.length - 1 ? ',' : ''}`),
      ']}',
    ])
  },
}
