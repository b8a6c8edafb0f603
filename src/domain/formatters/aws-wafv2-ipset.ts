/**
 * @module domain/formatters/aws-wafv2-ipset
 * AWS CLI script creating WAFv2 IP sets, one per family and chunk of at most max_entries
 * (≤ 10 000, the per-IPSet limit) addresses, named `<name>-v4-<n>`. Scope defaults to
 * REGIONAL; WAF_SCOPE=CLOUDFRONT (in us-east-1) overrides it, because a value given on
 * the command line wins over the JSON input. IP sets hold no per-address comments. A
 * family without entries gets no set (scope.ts).
 */
import { SCRIPT_START, heredoc, jsonArrayLines } from './aws-script.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { scopedFileName } from './scope.js'
import { chunkPlan, count, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'AWS WAFv2 IP set (aws wafv2 create-ip-set)'

export const awsWafv2Ipset: Formatter = {
  id: 'aws-wafv2-ipset',
  title,
  extension: 'sh',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: 'botocore validate_parameters (wafv2 CreateIPSet)',
  families,
  // The botocore model allows ^[\w\-]+$, 1–128 characters.
  name: wordName('asv-scanners', 128, '-v4'),
  maxEntries: { max: 10000, reason: 'an AWS WAF IP set holds at most 10 000 addresses' },
  applyHint:
    'WAF rules run in priority order: reference the sets from an Allow rule with a lower priority number than your blocking rules.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'sh'),
  objectNames: (input, family) => chunkPlan(awsWafv2Ipset, input, [family]).map((p) => p.name),
  render(input: SnippetInput): string {
    const plan = chunkPlan(awsWafv2Ipset, input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        plan.length === 0
          ? NOTHING_TO_APPLY
          : [
              `Creates ${plan.length} IP set(s): sh ${awsWafv2Ipset.fileName(input)}   (WAF_SCOPE=CLOUDFRONT for CloudFront)`,
              'create-ip-set fails if the set exists; to update one, get-ip-set for its LockToken',
              '  and run update-ip-set with the same Addresses (it replaces the list atomically).',
            ],
    })
    const body = plan.flatMap(({ family, part, name: set }) => {
      const file = `${set}.json`
      const head =
        `{"Name": "${set}", "Scope": "REGIONAL", "IPAddressVersion": "${family === 'ipv4' ? 'IPV4' : 'IPV6'}", ` +
        `"Description": "scangate ASV scanners, feed serial ${input.feed.serial}", "Addresses": [`
      return [
        '',
        `# ${set}: ${count(part.length, 'address', 'addresses')}`,
        ...heredoc(file, [
          head,
          ...jsonArrayLines(
            part.map((e) => e.prefix),
            '  ',
          ),
          ']}',
        ]),
        `aws wafv2 create-ip-set --scope "\${WAF_SCOPE:-REGIONAL}" --cli-input-json "file://$tmp/${file}"`,
      ]
    })
    return joinLines(['#!/bin/sh', ...header, ...SCRIPT_START, ...body])
  },
}
