/**
 * @module domain/formatters/firewalld
 * A POSIX shell script that maintains one permanent firewalld ipset per family and binds
 * each to the `trusted` zone as a source. All edits go to the permanent configuration and
 * take effect together on `firewall-cmd --reload`, so the running firewall switches from
 * the old list to the new one in one step. Old entries are removed before new ones are
 * added because `--add-entries-from-file` refuses overlaps, which also makes re-runs safe.
 * firewalld ipsets cannot hold comments, so entry comments are omitted. Only the ipsets of
 * families the file has entries of are touched (scope.ts).
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { carriedFamilies, scopedFileName } from './scope.js'
import { FAMILY_TAG, count, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'firewalld (firewall-cmd script)'
const ZONE = 'trusted'
/** ipset's default; firewalld needs the option spelled out for anything bigger. */
const DEFAULT_MAXELEM = 65536

function setName(input: SnippetInput, family: SnippetFamily): string {
  return `${input.name}-${FAMILY_TAG[family]}`
}

function ipsetCommands(input: SnippetInput, family: SnippetFamily): string[] {
  const set = setName(input, family)
  const entries = input[family]
  const fc = 'firewall-cmd --permanent'
  const maxelem = entries.length > DEFAULT_MAXELEM ? ` --option=maxelem=${entries.length}` : ''
  const inet = family === 'ipv4' ? 'inet' : 'inet6'
  return [
    '',
    `# ${set}: ${count(entries.length, 'entry', 'entries')}`,
    `${fc} --info-ipset=${set} >/dev/null 2>&1 ||`,
    `  ${fc} --new-ipset=${set} --type=hash:net --option=family=${inet}${maxelem}`,
    `${fc} --ipset=${set} --get-entries > "$tmp/${set}.old"`,
    `${fc} --ipset=${set} --remove-entries-from-file="$tmp/${set}.old"`,
    `cat > "$tmp/${set}.new" <<'EOF'`,
    ...entries.map((e) => e.prefix),
    'EOF',
    `${fc} --ipset=${set} --add-entries-from-file="$tmp/${set}.new"`,
    `${fc} --zone=${ZONE} --query-source=ipset:${set} >/dev/null ||`,
    `  ${fc} --zone=${ZONE} --add-source=ipset:${set}`,
  ]
}

export const firewalld: Formatter = {
  id: 'firewalld',
  title,
  extension: 'sh',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: 'firewall-offline-cmd',
  families,
  // ipset names are at most 31 characters; we append '-v4'.
  name: wordName('asv-scanners', 31, '-v4'),
  applyHint: `Zones decide: the ipsets are sources of the ${ZONE} zone, which accepts everything from them before other zones apply.`,
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'sh'),
  objectNames: (input, family) => [setName(input, family)],
  render(input: SnippetInput): string {
    const carried = carriedFamilies(input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        carried.length === 0
          ? NOTHING_TO_APPLY
          : [
              `sudo sh ${firewalld.fileName(input)}`,
              'Edits the permanent configuration, then reloads once, so the switch is atomic.',
              `A source ipset can be bound to one zone only; this script uses "${ZONE}".`,
              'Re-running is safe: old entries are removed before the new ones are added.',
            ],
    })
    if (carried.length === 0) return joinLines(['#!/bin/sh', ...header])
    return joinLines([
      '#!/bin/sh',
      ...header,
      'set -eu',
      'tmp=$(mktemp -d)',
      `trap 'rm -rf "$tmp"' EXIT`,
      ...carried.flatMap((f) => ipsetCommands(input, f)),
      '',
      'firewall-cmd --reload',
    ])
  },
}
