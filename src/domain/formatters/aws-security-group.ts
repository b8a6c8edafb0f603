/**
 * @module domain/formatters/aws-security-group
 * AWS CLI script adding inbound rules (all protocols) to security groups. A group allows
 * 60 inbound rules per family by default (the quota can be raised to 1 000), so the list
 * is split: group `<name>-<n>` gets the n-th block of IPv4 and the n-th block of IPv6
 * prefixes, each at most max_entries long. Group ids come from SG_1, SG_2, … so the script
 * never guesses which group to change. A group holds both families, so under a family
 * filter the groups are `<name>-v4-<n>` / `<name>-v6-<n>` (scope.ts): revoking and
 * re-adding one family's rules never touches a group the other family's script filled.
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
import { scopedFileName, scopedName } from './scope.js'
import { chunkName, chunkSize, chunks, count, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'AWS security group (aws ec2 authorize-security-group-ingress)'

function ranges(name: string, entries: SnippetEntry[], key: 'CidrIp' | 'CidrIpv6'): unknown[] {
  const rule = { ...AWS_DESCRIPTION_RULE, maxBytes: 253 - name.length }
  return entries.map((e) => ({
    [key]: e.prefix,
    Description: describe(name, sanitizeComment(e.comment, rule)),
  }))
}

function body(name: string, v4: SnippetEntry[], v6: SnippetEntry[]): string[] {
  const permission: string[] = ['    {', '      "IpProtocol": "-1"']
  if (v4.length > 0) {
    permission[1] += ','
    permission.push(
      '      "IpRanges": [',
      ...jsonArrayLines(ranges(name, v4, 'CidrIp'), '        '),
      '      ]',
    )
  }
  if (v6.length > 0) {
    permission[permission.length - 1] += ','
    permission.push(
      '      "Ipv6Ranges": [',
      ...jsonArrayLines(ranges(name, v6, 'CidrIpv6'), '        '),
      '      ]',
    )
  }
  return ['{', '  "IpPermissions": [', ...permission, '    }', '  ]', '}']
}

/** `<name>-<n>` (`<name>-v4-<n>` under a family filter), one per chunk of either family. */
function groupNames(input: SnippetInput): string[] {
  const size = chunkSize(awsSecurityGroup, input)
  const n = Math.max(chunks(input.ipv4, size).length, chunks(input.ipv6, size).length)
  const base = scopedName(input, families)
  return Array.from({ length: n }, (_, i) => chunkName(base, i))
}

export const awsSecurityGroup: Formatter = {
  id: 'aws-security-group',
  title,
  extension: 'sh',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: 'botocore validate_parameters (ec2 AuthorizeSecurityGroupIngress)',
  families,
  name: wordName('asv-scanners', 255, '-v4'),
  maxEntries: {
    default: 60,
    max: 1000,
    reason:
      'a security group holds 60 inbound rules per family by default (adjustable up to 1 000)',
  },
  applyHint:
    'Security groups only allow, so order does not matter: attach the groups to the instances or load balancers being scanned.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'sh'),
  objectNames: (input) => groupNames(input),
  render(input: SnippetInput): string {
    const size = chunkSize(awsSecurityGroup, input)
    const v4 = chunks(input.ipv4, size)
    const v6 = chunks(input.ipv6, size)
    const groups = groupNames(input)
    const groupCount = groups.length
    const named = groupCount > 3 ? `${groups[0]} ... ${groups[groupCount - 1]}` : groups.join(', ')
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        groupCount === 0
          ? NOTHING_TO_APPLY
          : [
              `Needs ${groupCount} security group(s), ${named}, at most ${size} rules per family each.`,
              `Export their ids as SG_1, SG_2, ... then run: sh ${awsSecurityGroup.fileName(input)}`,
              'Re-running fails with InvalidPermission.Duplicate for rules that already exist;',
              '  to refresh a group, revoke its old rules first (aws ec2 revoke-security-group-ingress).',
            ],
    })
    if (groupCount === 0) return joinLines(['#!/bin/sh', ...header])
    const lines = ['#!/bin/sh', ...header, ...SCRIPT_START]
    for (let i = 0; i < groupCount; i++) {
      const group = groups[i] ?? ''
      const file = `${group}.json`
      const slice4 = v4[i] ?? []
      const slice6 = v6[i] ?? []
      lines.push(
        '',
        `# ${group}: ${count(slice4.length, 'IPv4 rule', 'IPv4 rules')}, ${count(slice6.length, 'IPv6 rule', 'IPv6 rules')}`,
        ...heredoc(file, body(input.name, slice4, slice6)),
        `aws ec2 authorize-security-group-ingress --group-id "\${SG_${i + 1}:?set SG_${i + 1} to the id of ${group}}" \\`,
        `  --cli-input-json "file://$tmp/${file}"`,
      )
    }
    return joinLines(lines)
  },
}
