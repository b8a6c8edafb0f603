/**
 * @module domain/formatters/junos
 * Junos `set` commands for `load set terminal`: one policy-options prefix-list per family
 * (and per chunk of at most 85 325 prefixes, the documented prefix-list limit), each
 * deleted and re-created inside the same candidate configuration. The commit applies the
 * change atomically and drops prefixes that left the feed. Prefix-lists take no per-entry
 * comments, so entry comments are omitted. Only the lists of families the file has
 * entries of are deleted and re-created (scope.ts).
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { UPPER_TAGS, carriedFamilies, scopedFileName } from './scope.js'
import { chunkName, chunkSize, chunks, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Juniper Junos (prefix-list set commands)'

/** `[list name, prefixes]` per chunk; a family without entries has no list. */
function lists(
  input: SnippetInput,
  family: SnippetFamily,
  size: number,
): Array<[string, string[]]> {
  const base = `${input.name}${UPPER_TAGS[family]}`
  return chunks(input[family], size).map((part, i) => [
    chunkName(base, i),
    part.map((e) => e.prefix),
  ])
}

export const junos: Formatter = {
  id: 'junos',
  title,
  extension: 'set',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: null,
  families,
  name: wordName('ASV-SCANNERS', 64, '-V4'),
  maxEntries: { max: 85325, reason: 'a Junos prefix-list holds at most 85 325 prefixes' },
  applyHint:
    'First match wins: terms are evaluated in order, so insert the accept term before your first term.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'set', UPPER_TAGS),
  objectNames: (input, family) => lists(input, family, chunkSize(junos, input)).map(([n]) => n),
  render(input: SnippetInput): string {
    const size = chunkSize(junos, input)
    const carried = carriedFamilies(input, families)
    const term = (family: SnippetFamily): string[] => {
      const fam = family === 'ipv4' ? 'inet' : 'inet6'
      const filter = `set firewall family ${fam} filter FILTER term asv-scanners`
      return [
        ...lists(input, family, size).map(([n]) => `  ${filter} from source-prefix-list ${n}`),
        `  ${filter} then accept`,
        `  insert firewall family ${fam} filter FILTER term asv-scanners before term FIRST-TERM`,
      ]
    }
    const file = junos.fileName(input)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        carried.length === 0
          ? NOTHING_TO_APPLY
          : [
              `configure; load set /var/tmp/${file} (or load set terminal and paste ${file});`,
              '  show | compare; commit check; commit',
              'Once, reference the lists from your input filters (FILTER and FIRST-TERM are yours):',
              ...carried.flatMap(term),
              'Re-running is safe: each list is deleted and re-created in one commit.',
            ],
    })
    const body: string[] = []
    for (const family of carried) {
      for (const [name, prefixes] of lists(input, family, size)) {
        body.push(`delete policy-options prefix-list ${name}`)
        for (const p of prefixes) body.push(`set policy-options prefix-list ${name} ${p}`)
      }
    }
    return joinLines([...header, ...body])
  },
}
