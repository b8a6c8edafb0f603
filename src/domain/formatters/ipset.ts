/**
 * @module domain/formatters/ipset
 * An `ipset restore` file with one hash:net set per family, replaced atomically: the new
 * contents go into `<set>-new`, which is swapped with the live set and destroyed, so an
 * iptables rule that references the set never sees it half-filled and re-runs are safe.
 * `-exist` on the creates makes the first run and a run after an interrupted one work too.
 * A family without entries in the file gets no lines at all: swapping in an empty set
 * would lock that family's scanners out (see scope.ts).
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { QUOTES, sanitizeComment } from './sanitize-comment.js'
import { carriedFamilies, scopedFileName } from './scope.js'
import { FAMILY_TAG, joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 255, asciiOnly: true, forbidden: QUOTES }
/** The kernel default; bigger lists need an explicit maxelem or the restore fails halfway. */
const DEFAULT_MAXELEM = 65536
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'ipset (ipset restore)'

function setName(input: SnippetInput, family: SnippetFamily): string {
  return `${input.name}-${FAMILY_TAG[family]}`
}

function setBlock(input: SnippetInput, family: SnippetFamily): string[] {
  const live = setName(input, family)
  const next = `${live}-new`
  const entries = input[family]
  const maxelem = entries.length > DEFAULT_MAXELEM ? ` maxelem ${entries.length}` : ''
  const spec = `hash:net family ${family === 'ipv4' ? 'inet' : 'inet6'} comment${maxelem}`
  const adds = entries.map((e) => {
    const comment = sanitizeComment(e.comment, COMMENT_RULE)
    return `add ${next} ${e.prefix}${comment === null ? '' : ` comment "${comment}"`}`
  })
  return [
    `create ${live} ${spec} -exist`,
    `create ${next} ${spec} -exist`,
    `flush ${next}`,
    ...adds,
    `swap ${next} ${live}`,
    `destroy ${next}`,
  ]
}

export const ipset: Formatter = {
  id: 'ipset',
  title,
  extension: 'ipset',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: 'ipset restore',
  families,
  // Kernel limit 31; we append '-v4-new' to the temporary set.
  name: wordName('asv-scanners', 31, '-v4-new'),
  applyHint:
    'First match wins: restore the sets, then match them with one iptables/ip6tables rule inserted at the top of INPUT.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'ipset'),
  objectNames: (input, family) => [setName(input, family), `${setName(input, family)}-new`],
  render(input: SnippetInput): string {
    const carried = carriedFamilies(input, families)
    const rule = (family: SnippetFamily): string => {
      const tool = family === 'ipv4' ? 'iptables' : 'ip6tables'
      const match = `INPUT -m set --match-set ${setName(input, family)} src -j ACCEPT`
      return `${tool} -C ${match} 2>/dev/null || ${tool} -I ${match.replace('INPUT', 'INPUT 1')}`
    }
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        carried.length === 0
          ? NOTHING_TO_APPLY
          : [
              `ipset restore -file ${ipset.fileName(input)}`,
              ...carried.map(rule),
              'Re-running is safe: each set is rebuilt as <set>-new and swapped in atomically.',
            ],
    })
    return joinLines([...header, ...carried.flatMap((f) => setBlock(input, f))])
  },
}
