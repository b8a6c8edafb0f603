/**
 * @module domain/formatters/aws-prefix-list
 * AWS CLI script creating customer-managed prefix lists, one family and at most
 * max_entries (≤ 1 000, the AWS limit) prefixes per list, named `<name>-v4-<n>`. A single
 * API call takes at most 100 entries, so each list is created with the first 100 and
 * grown with modify-managed-prefix-list; both calls are asynchronous, hence the wait for
 * the list state between them. MaxEntries is the list's own size: a referencing security
 * group counts a prefix list as MaxEntries rules.
 */
import {
  AWS_DESCRIPTION_RULE,
  SCRIPT_START,
  describe,
  heredoc,
  jsonArrayLines,
} from './aws-script.js'
import type { Formatter, SnippetEntry, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { chunkPlan, chunkSize, chunks, count, joinLines } from './snippet-text.js'

/** AddPrefixListEntries accepts at most 100 items per request (botocore ec2 model). */
const ENTRIES_PER_CALL = 100
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'AWS managed prefix list (aws ec2 create-managed-prefix-list)'

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
        `"MaxEntries": ${part.length}, "Entries": [`
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
  render(input: SnippetInput): string {
    const size = chunkSize(awsPrefixList, input)
    const plan = chunkPlan(awsPrefixList, input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: [
        plan.length === 0
          ? 'Nothing to create: this version has no entries.'
          : `Creates ${plan.length} prefix list(s) of at most ${size} entries: sh ${input.name}.sh`,
        'A security group rule that references a list counts as its MaxEntries rules',
        '  (60 per group by default): use max_entries=60 for lists that fit a default group.',
        'This creates new lists; to update one, diff with get-managed-prefix-list-entries',
        '  and apply the change with modify-managed-prefix-list.',
      ],
    })
    const body = plan.flatMap((p) => listCommands(input, p.family, p.name, p.part))
    const wait = plan.length > 0 ? ['', ...WAIT_FUNCTION] : []
    return joinLines(['#!/bin/sh', ...header, ...SCRIPT_START, ...wait, ...body])
  },
}
