/**
 * @module domain/formatters/aws-prefix-list
 * AWS CLI script creating customer-managed prefix lists, one family per list, named
 * `<name>-v4-<n>`; a family without entries gets no list. A single API call takes at most
 * 100 entries, so each list is created with the first 100 and grown with
 * modify-managed-prefix-list; both calls are asynchronous, hence the wait for the list
 * state between them.
 *
 * Sizing: a security group that references a list counts it as MaxEntries rules, so
 * max_entries (default 1 000, the AWS quota) caps MaxEntries. Each list holds at most
 * ⌊max_entries × 0.8⌋ entries and gets MaxEntries = min(⌈entries × 1.25⌉, max_entries):
 * room for a quarter more ranges before the next refresh, without resizing the list.
 */
import {
  AWS_DESCRIPTION_RULE,
  SCRIPT_START,
  describe,
  heredoc,
  jsonArrayLines,
} from './aws-script.js'
import type { Formatter, SnippetEntry, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { scopedFileName } from './scope.js'
import { chunkPlan, chunkSize, chunks, count, joinLines } from './snippet-text.js'

/** AddPrefixListEntries accepts at most 100 items per request (botocore ec2 model). */
const ENTRIES_PER_CALL = 100
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'AWS managed prefix list (aws ec2 create-managed-prefix-list)'

/** Entries per list: four fifths of max_entries, so MaxEntries can leave a quarter more. */
export function prefixListFill(maxEntries: number): number {
  return Math.max(1, Math.floor((maxEntries * 4) / 5))
}

/** MaxEntries of a list with `entries` entries: a quarter more, never above max_entries. */
export function prefixListMaxEntries(entries: number, maxEntries: number): number {
  return Math.min(maxEntries, Math.ceil((entries * 5) / 4))
}

const WAIT_FUNCTION = [
  '# Creating and modifying a prefix list is asynchronous; wait until the change is done.',
  'pl_wait() {',
  '  while :; do',
  `    state=$(aws ec2 describe-managed-prefix-lists --prefix-list-ids "$1" --query 'PrefixLists[0].State' --output text)`,
  '    case "$state" in',
  '      (*-complete) return 0 ;;',
  `      (*-failed) echo "prefix list $1: $state" >&2; return 1 ;;`,
  '    esac',
  '    sleep 2',
  '  done',
  '}',
]

function entries(name: string, list: SnippetEntry[]): unknown[] {
  const rule = { ...AWS_DESCRIPTION_RULE, maxBytes: 253 - name.length }
  return list.map((e) => ({
    Cidr: e.prefix,
    Description: describe(name, sanitizeComment(e.comment, rule)),
  }))
}

function listCommands(
  input: SnippetInput,
  family: SnippetFamily,
  list: string,
  part: SnippetEntry[],
  maxEntries: number,
): string[] {
  const calls = chunks(part, ENTRIES_PER_CALL)
  const lines = [
    '',
    `# ${list}: ${count(part.length, 'entry', 'entries')} (${family === 'ipv4' ? 'IPv4' : 'IPv6'})`,
  ]
  calls.forEach((call, i) => {
    const file = `${list}-${i}.json`
    const items = jsonArrayLines(entries(input.name, call), '  ')
    if (i === 0) {
      const head =
        `{"PrefixListName": "${list}", "AddressFamily": "${family === 'ipv4' ? 'IPv4' : 'IPv6'}", ` +
        `"MaxEntries": ${prefixListMaxEntries(part.length, maxEntries)}, "Entries": [`
      lines.push(
        ...heredoc(file, [head, ...items, ']}']),
        'pl=$(aws ec2 create-managed-prefix-list --query PrefixList.PrefixListId --output text \\',
        `  --cli-input-json "file://$tmp/${file}")`,
      )
    } else {
      lines.push(
        ...heredoc(file, ['{"AddEntries": [', ...items, ']}']),
        `aws ec2 modify-managed-prefix-list --prefix-list-id "$pl" --current-version ${i} \\`,
        `  --cli-input-json "file://$tmp/${file}" >/dev/null`,
      )
    }
    lines.push('pl_wait "$pl"')
  })
  lines.push(`echo "${list}: $pl"`)
  return lines
}

export const awsPrefixList: Formatter = {
  id: 'aws-prefix-list',
  title,
  extension: 'sh',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: 'botocore validate_parameters (ec2 CreateManagedPrefixList)',
  families,
  name: wordName('asv-scanners', 255, '-v4'),
  maxEntries: { max: 1000, reason: 'an AWS managed prefix list holds at most 1 000 entries' },
  applyHint:
    'Prefix lists only allow where referenced: use them as the source of security group or network ACL rules.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'sh'),
  objectNames: (input, family) =>
    chunkPlan(awsPrefixList, input, [family], prefixListFill(chunkSize(awsPrefixList, input))).map(
      (p) => p.name,
    ),
  render(input: SnippetInput): string {
    const max = chunkSize(awsPrefixList, input)
    const fill = prefixListFill(max)
    const plan = chunkPlan(awsPrefixList, input, families, fill)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        plan.length === 0
          ? NOTHING_TO_APPLY
          : [
              `sh ${awsPrefixList.fileName(input)} creates ${count(plan.length, 'prefix list', 'prefix lists')} of at most ${fill} entries,`,
              `  each with MaxEntries = entries x 1.25 rounded up, at most max_entries (${max}).`,
              'A security group rule that references a list counts as its MaxEntries rules',
              '  (60 per group by default): use max_entries=60 for lists that fit a default group.',
              'This creates new lists; to update one, diff with get-managed-prefix-list-entries',
              '  and apply the change with modify-managed-prefix-list.',
            ],
    })
    const body = plan.flatMap((p) => listCommands(input, p.family, p.name, p.part, max))
    const wait = plan.length > 0 ? ['', ...WAIT_FUNCTION] : []
    return joinLines(['#!/bin/sh', ...header, ...SCRIPT_START, ...wait, ...body])
  },
}
