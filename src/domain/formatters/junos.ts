/**
 * @module domain/formatters/junos
 * Junos `set` commands for `load set terminal`: one policy-options prefix-list per family
 * (and per chunk of at most 85 325 prefixes, the documented prefix-list limit), each
 * deleted and re-created inside the same candidate configuration. The commit applies the
 * change atomically and drops prefixes that left the feed. Prefix-lists take no per-entry
 * comments, so entry comments are omitted.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { chunkName, chunkSize, chunks, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Juniper Junos (prefix-list set commands)'

function lists(
  input: SnippetInput,
  family: SnippetFamily,
  size: number,
): Array<[string, string[]]> {
  const base = `${input.name}-${family === 'ipv4' ? 'V4' : 'V6'}`
  const parts = chunks(input[family], size)
  // An empty prefix-list is valid and matches nothing, so a filter that references it
  // still commits when a family has no entries.
  if (parts.length === 0) return [[chunkName(base, 0), []]]
  return parts.map((part, i) => [chunkName(base, i), part.map((e) => e.prefix)])
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
  render(input: SnippetInput): string {
    const size = chunkSize(junos, input)
    const v4 = lists(input, 'ipv4', size)
    const v6 = lists(input, 'ipv6', size)
    const term = (fam: 'inet' | 'inet6', names: Array<[string, string[]]>): string[] => [
      ...names.map(
        ([n]) =>
          `  set firewall family ${fam} filter FILTER term asv-scanners from source-prefix-list ${n}`,
      ),
      `  set firewall family ${fam} filter FILTER term asv-scanners then accept`,
      `  insert firewall family ${fam} filter FILTER term asv-scanners before term FIRST-TERM`,
    ]
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: [
        'configure; load set terminal (paste); show | compare; commit check; commit',
        'Once, reference the lists from your input filters (FILTER and FIRST-TERM are yours):',
        ...term('inet', v4),
        ...term('inet6', v6),
        'Re-running is safe: each list is deleted and re-created in one commit.',
      ],
    })
    const body: string[] = []
    for (const [name, prefixes] of [...v4, ...v6]) {
      body.push(`delete policy-options prefix-list ${name}`)
      if (prefixes.length === 0) body.push(`set policy-options prefix-list ${name}`)
      for (const p of prefixes) body.push(`set policy-options prefix-list ${name} ${p}`)
    }
    return joinLines([...header, ...body])
  },
}
