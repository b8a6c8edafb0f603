/**
 * @module domain/formatters/checkpoint-gdc
 * A Check Point Generic Data Center feed (R81+, sk167210): JSON with one object per family
 * holding the scanner ranges. The gateway polls the URL (every 60 s by default) and applies
 * changes without a policy install. JSON has no comments, so the feed metadata is the
 * top-level description, on the first line. Object ids must be stable across versions so
 * rules keep pointing at them: they are derived from the object name.
 */
import { scopedFileName } from './scope.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { metaLine } from './meta-line.js'
import { wordName } from './names.js'
import { FAMILY_LABEL, FAMILY_TAG, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']

/** FNV-1a of the name, as 8 hex digits: a stable, UUID-shaped id per object name. */
function stableId(name: string, family: SnippetFamily): string {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0
  return `${h.toString(16).padStart(8, '0')}-5ca7-4000-8000-0000000000${family === 'ipv4' ? '04' : '06'}`
}

export const checkpointGdc: Formatter = {
  id: 'checkpoint-gdc',
  title: 'Check Point Generic Data Center (JSON feed)',
  extension: 'json',
  contentType: 'application/json',
  separateFamilies: true,
  validator: 'JSON schema (sk167210 format)',
  families,
  name: wordName('asv-scanners', 64, '-v4'),
  group: 'feed',
  refresh: { productDefault: '60 s (Generic Data Center default; minimum 10 s)', recommended: '300 s: the answer is cached for 5 min and carries an ETag' },
  limits: {
    commentChars: null,
    source: 'Check Point sk167210',
  },
  applyHint:
    'Rulebase order applies: use the Data Center objects as source of an accept rule above the rules that would drop the scanners.',
  headerPlacement: 'document',
  fileName: (input) => scopedFileName(input, families, 'json'),
  objectNames: (input, family) => [`${input.name}-${FAMILY_TAG[family]}`],
  render(input: SnippetInput): string {
    const objects = families
      .filter((f) => input[f].length > 0)
      .map((f, i, used) => {
        const name = `${input.name}-${FAMILY_TAG[f]}`
        const head =
          `{"name": ${JSON.stringify(name)}, "id": "${stableId(input.name, f)}", ` +
          `"description": "scangate ASV scanners, ${FAMILY_LABEL[f]}", "ranges": [`
        const ranges = input[f].map((e, j) => `  ${JSON.stringify(e.prefix)}${j < input[f].length - 1 ? ',' : ''}`)
        return [head, ...ranges, `]}${i < used.length - 1 ? ',' : ''}`]
      })
    return joinLines([
      `{"version": "1.0", "description": ${JSON.stringify(metaLine(input, families))}, "objects": [`,
      ...objects.flat(),
      ']}',
    ])
  },
}
