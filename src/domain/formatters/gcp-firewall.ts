/**
 * @module domain/formatters/gcp-firewall
 * Google Cloud VPC firewall rules allowing ingress from the scanners: `gcloud compute
 * firewall-rules create`, one rule per family and chunk (a rule holds IPv4 or IPv6 ranges,
 * never both). The ranges are one shell word continued over lines, one prefix per line. The
 * default chunk keeps that word under Linux's 128 KiB limit for one argument.
 */
import { NOTHING_TO_APPLY } from './header.js'
import { scopedFileName } from './scope.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { chunkPlan, count, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Google Cloud VPC firewall rules (gcloud)'

export const gcpFirewall: Formatter = {
  id: 'gcp-firewall',
  title,
  extension: 'sh',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: null,
  families,
  // Resource names: RFC 1035 labels, lower case, at most 63 characters.
  name: {
    default: 'asv-scanners',
    maxLength: 63,
    pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    description: 'a–z 0–9 -, starting with a letter and not ending with -',
    suffix: '-v4',
  },
  maxEntries: { default: 2500, max: 5000, reason: 'a VPC firewall rule takes at most 5 000 source ranges' },
  group: 'cloud',
  refresh: { productDefault: null, recommended: 'daily, or on each new serial (re-run: it updates existing rules)' },
  limits: {
    commentChars: null,
    source: 'Google Cloud VPC firewall rules and quotas',
  },
  applyHint:
    'Lowest priority number wins among VPC rules: give these a smaller number than any deny rule that covers the same targets.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'sh'),
  objectNames: (input, family) => chunkPlan(gcpFirewall, input, [family]).map((p) => p.name),
  render(input: SnippetInput): string {
    const plan = chunkPlan(gcpFirewall, input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: plan.length === 0 ? NOTHING_TO_APPLY : [
        `Creates or updates ${plan.length} rule(s): NETWORK=... sh ${gcpFirewall.fileName(input)}`,
        'PRIORITY (default 900) must be below your deny rules; narrow the targets with',
        '  TARGET_TAGS=tag1,tag2 (default: every instance in the network).',
        'A rule that exists is updated in place with the new ranges.',
      ],
    })
    // The ranges go into a variable first (one word continued over lines), so create and
    // update share them without the list appearing twice.
    const body = plan.flatMap(({ part, name: rule }) => [
      '',
      `# ${rule}: ${count(part.length, 'range', 'ranges')}`,
      'ranges=\\',
      ...part.map((e, j) => (j < part.length - 1 ? `${e.prefix},\\` : e.prefix)),
      `if gcloud compute firewall-rules describe ${rule} >/dev/null 2>&1; then`,
      `  gcloud compute firewall-rules update ${rule} --source-ranges="$ranges" \\`,
      `    --priority="$priority" --description="$description" $targets`,
      'else',
      `  gcloud compute firewall-rules create ${rule} --network="$NETWORK" --direction=INGRESS \\`,
      `    --action=ALLOW --rules=all --source-ranges="$ranges" \\`,
      `    --priority="$priority" --description="$description" $targets`,
      'fi',
    ])
    const start =
      plan.length === 0
        ? []
        : [
            'set -eu',
            ': "${NETWORK:?set NETWORK to the VPC network name}"',
            'priority=${PRIORITY:-900}',
            `description="scangate ASV scanners, feed serial ${input.feed.serial}"`,
            'targets=${TARGET_TAGS:+--target-tags=$TARGET_TAGS}',
          ]
    return joinLines(['#!/bin/sh', ...header, ...start, ...body])
  },
}
