/**
 * @module domain/formatters/gcp-cloud-armor
 * Google Cloud Armor security policy rules allowing the scanners: `gcloud compute
 * security-policies rules create`, one rule per 10 ranges (the basic match condition's
 * limit), per family. The range list is one shell word continued over lines (`\` then
 * newline inside a word joins it), so each prefix sits on its own line for review. Rule
 * priorities count up from PRIORITY_BASE; Cloud Armor applies the first matching rule.
 */
import { NOTHING_TO_APPLY } from './header.js'
import { carriedFamilies, scopedFileName } from './scope.js'
import { FAMILY_TAG } from './snippet-text.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { chunkPlan, count, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Google Cloud Armor security policy rules (gcloud)'

export const gcpCloudArmor: Formatter = {
  id: 'gcp-cloud-armor',
  title,
  extension: 'sh',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: null,
  families,
  name: wordName('asv-scanners', 63, '-v4'),
  maxEntries: { max: 10, reason: 'a Cloud Armor rule with --src-ip-ranges matches at most 10 ranges' },
  group: 'waf',
  refresh: { productDefault: null, recommended: 'daily, or on each new serial (delete the old rules, re-run)' },
  limits: {
    commentChars: null,
    source: 'compute v1 SecurityPolicyRuleMatcherConfig',
  },
  applyHint:
    'Lowest priority number wins: give these rules smaller numbers than your deny and preconfigured WAF rules.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'sh'),
  objectNames: (input, family) => chunkPlan(gcpCloudArmor, input, [family]).map((p) => p.name),
  render(input: SnippetInput): string {
    const plan = chunkPlan(gcpCloudArmor, input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: plan.length === 0 ? NOTHING_TO_APPLY : [
        `Creates ${plan.length} rule(s), priorities PRIORITY_BASE..+${plan.length - 1}: POLICY=... sh ${gcpCloudArmor.fileName(input)}`,
        'PRIORITY_BASE (default 1000) must leave these numbers free and below your deny rules.',
        `To update, delete the rules whose description starts with ${descriptionPrefix(input)} and re-run.`,
      ],
    })
    const body = plan.flatMap(({ part, name: rule }, i) => [
      '',
      `# ${rule}: ${count(part.length, 'range', 'ranges')}`,
      `gcloud compute security-policies rules create "$((base + ${i}))" \\`,
      '  --security-policy="$POLICY" --action=allow \\',
      `  --description="${rule} scangate serial ${input.feed.serial}" \\`,
      '  --src-ip-ranges=\\',
      ...part.map((e, j) => (j < part.length - 1 ? `${e.prefix},\\` : e.prefix)),
    ])
    const start = plan.length === 0 ? [] : ['set -eu', ': "${POLICY:?set POLICY to the security policy name}"', 'base=${PRIORITY_BASE:-1000}']
    return joinLines(['#!/bin/sh', ...header, ...start, ...body])
  },
}

/** Rule descriptions start with the name, plus the family tag when the file carries one family only. */
function descriptionPrefix(input: SnippetInput): string {
  const carried = carriedFamilies(input, families)
  return carried.length === 1 ? `${input.name}-${FAMILY_TAG[carried[0]!]}-` : `${input.name}-`
}
