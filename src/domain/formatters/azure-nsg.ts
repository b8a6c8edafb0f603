/**
 * @module domain/formatters/azure-nsg
 * Azure network security group rules allowing inbound traffic from the scanners: one
 * `az network nsg rule create` per family, with every prefix as its own argument of
 * --source-address-prefixes, one per line. `create` on an existing rule name replaces the
 * rule, so re-running the script is the update. An NSG holds at most 4 000 source and
 * destination addresses and ranges across its rules; a larger list is refused.
 */
import { NOTHING_TO_APPLY } from './header.js'
import { scopedFileName } from './scope.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { count, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Azure network security group rules (az network nsg rule create)'
const TAG = { ipv4: 'v4', ipv6: 'v6' } as const

export const azureNsg: Formatter = {
  id: 'azure-nsg',
  title,
  extension: 'sh',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: null,
  families,
  // Rule names: up to 80 word characters, '.', '-' and '_'.
  name: wordName('asv-scanners', 80, '-v4'),
  group: 'cloud',
  refresh: { productDefault: null, recommended: 'daily, or on each new serial (re-run: create replaces the rule)' },
  limits: {
    commentChars: null,
    totalEntries: {
      max: 4000,
      reason: 'an Azure network security group holds at most 4 000 source/destination addresses and ranges',
    },
    source: 'Azure virtual network limits (azure-docs)',
  },
  applyHint:
    'Lowest priority number wins (100–4096): give these rules a smaller number than any deny rule.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'sh'),
  objectNames: (input, family) => [`${input.name}-${TAG[family]}`],
  render(input: SnippetInput): string {
    const used = families.filter((f) => input[f].length > 0)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: used.length === 0 ? NOTHING_TO_APPLY : [
        `RESOURCE_GROUP=... NSG=... sh ${azureNsg.fileName(input)}   (creates or replaces ${used.length} rule(s))`,
        'PRIORITY (default 100) and PRIORITY+1 must be free and below your deny rules.',
        'An NSG on both a subnet and a NIC needs the rules in both.',
      ],
    })
    const body = used.flatMap((family, i) => {
      const part = input[family]
      return [
        '',
        `# ${input.name}-${TAG[family]}: ${count(part.length, 'prefix', 'prefixes')}`,
        'az network nsg rule create --resource-group "$RESOURCE_GROUP" --nsg-name "$NSG" \\',
        `  --name ${input.name}-${TAG[family]} --priority "$((priority + ${i}))" \\`,
        "  --direction Inbound --access Allow --protocol '*' \\",
        "  --destination-address-prefixes '*' --destination-port-ranges '*' \\",
        `  --description "scangate ASV scanners, feed serial ${input.feed.serial}" \\`,
        '  --output none --source-address-prefixes \\',
        ...part.map((e, j) => (j < part.length - 1 ? `${e.prefix} \\` : e.prefix)),
      ]
    })
    const start =
      used.length === 0
        ? []
        : ['set -eu', ': "${RESOURCE_GROUP:?set RESOURCE_GROUP}" "${NSG:?set NSG to the network security group name}"', 'priority=${PRIORITY:-100}']
    return joinLines(['#!/bin/sh', ...header, ...start, ...body])
  },
}
