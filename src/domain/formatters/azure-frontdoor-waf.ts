/**
 * @module domain/formatters/azure-frontdoor-waf
 * Azure Front Door WAF policy custom rules (the ARM `customRules.rules` shape) allowing
 * the scanners, split at 600 addresses per rule. Custom rules are a property of the policy,
 * not child resources, so the script reads the policy, swaps in our rules (dropping the
 * previous copies by name) and writes it back: the customer's other rules, managed rule
 * sets and settings stay as they are. An Allow custom rule ends WAF evaluation, managed
 * rules included, which is what an ASV scan needs.
 */
import { SCRIPT_START, heredoc, jsonArrayLines } from './aws-script.js'
import { NOTHING_TO_APPLY } from './header.js'
import { scopedFileName, UPPER_TAGS } from './scope.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { chunkPlan, chunkSize, count, joinLines } from './snippet-text.js'

const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Azure Front Door WAF policy custom rules (ARM JSON via az rest)'
const API = '2022-05-01'
const MAX_RULES = 100
const PER_RULE = 600

/** Rule names allow letters and digits only: 'AsvScanners' + 'V4Part1'. */
function ruleName(base: string, family: SnippetFamily, n: number): string {
  return `${base}${family === 'ipv4' ? 'V4' : 'V6'}Part${n}`
}

export const azureFrontdoorWaf: Formatter = {
  id: 'azure-frontdoor-waf',
  title,
  extension: 'sh',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: 'JSON schema (ARM customRules)',
  families,
  name: {
    default: 'AsvScanners',
    maxLength: 128,
    pattern: /^[A-Za-z][A-Za-z0-9]*$/,
    description: 'A–Z a–z 0–9, starting with a letter',
    suffix: 'V6Part',
  },
  maxEntries: { max: PER_RULE, reason: 'a Front Door WAF custom rule matches at most 600 IP address ranges' },
  group: 'waf',
  refresh: { productDefault: null, recommended: 'daily, or on each new serial (re-run the script)' },
  limits: {
    commentChars: null,
    totalEntries: {
      max: MAX_RULES * PER_RULE,
      reason: 'a Front Door WAF policy holds at most 100 custom rules of 600 ranges each',
    },
    source: 'Azure Front Door limits (azure-docs)',
  },
  applyHint:
    'Custom rules run in priority order before managed rules; Allow ends evaluation, so give these the lowest priority numbers.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'sh', UPPER_TAGS),
  objectNames: (input, family) => chunkPlan(azureFrontdoorWaf, input, [family]).flatMap((p) => [p.name, ruleName(input.name, family, Number(p.name.slice(p.name.lastIndexOf('-') + 1)))]),
  render(input: SnippetInput): string {
    const plan = chunkPlan(azureFrontdoorWaf, input, families)
    const size = chunkSize(azureFrontdoorWaf, input)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: plan.length === 0 ? NOTHING_TO_APPLY : [
        `Writes ${plan.length} custom rule(s) of at most ${size} ranges: RESOURCE_GROUP=... POLICY=... sh ${azureFrontdoorWaf.fileName(input)}`,
        'Needs az (logged in) and jq. Our earlier rules of the families in this file',
        '  (same name, V4Part<n> / V6Part<n>) are replaced; all others are kept. Priorities start at PRIORITY_BASE',
        '  (default 1): the numbers must not be used by your other rules.',
        'Behind a proxy of yours, use SocketAddr instead of RemoteAddr.',
      ],
    })
    const body = plan.flatMap(({ family, part, name: chunk }, i) => {
      const n = Number(chunk.slice(chunk.lastIndexOf('-') + 1))
      const rule = ruleName(input.name, family, n)
      const head =
        `{"name": "${rule}", "priority": ${i + 1}, "enabledState": "Enabled", "ruleType": "MatchRule", "action": "Allow", ` +
        `"matchConditions": [{"matchVariable": "RemoteAddr", "operator": "IPMatch", "negateCondition": false, "matchValue": [`
      return [
        `# ${chunk}: rule ${rule}, ${count(part.length, 'range', 'ranges')}`,
        head,
        ...jsonArrayLines(part.map((e) => e.prefix), '  '),
        `]}]}${i < plan.length - 1 ? ',' : ''}`,
      ]
    })
    if (plan.length === 0) return joinLines(['#!/bin/sh', ...header, 'exit 0'])
    // Only our rules of the families this render carries are replaced: a family-filtered
    // snippet leaves the other family's rules alone.
    const tags = families.filter((f) => input[f].length > 0).map((f) => (f === 'ipv4' ? '4' : '6')).join('')
    // The rule JSON lines carry their own '#' comment lines: strip them before jq reads it.
    const rules = heredoc('rules.txt', ['[', ...body, ']'])
    return joinLines([
      '#!/bin/sh',
      ...header,
      ...SCRIPT_START,
      ': "${RESOURCE_GROUP:?set RESOURCE_GROUP}" "${POLICY:?set POLICY to the WAF policy name}"',
      '',
      ...rules,
      `grep -v '^#' "$tmp/rules.txt" > "$tmp/rules.json"`,
      `id=$(az network front-door waf-policy show -g "$RESOURCE_GROUP" -n "$POLICY" --query id -o tsv)`,
      `az rest --method get --url "https://management.azure.com$id?api-version=${API}" > "$tmp/policy.json"`,
      `jq --slurpfile ours "$tmp/rules.json" --argjson base "\${PRIORITY_BASE:-1}" --arg ours_re "^${input.name}V[${tags}]Part[0-9]+$" '`,
      '  .properties.customRules.rules = ([(.properties.customRules.rules // [])[] | select(.name | test($ours_re) | not)]',
      '    + ($ours[0] | to_entries | map(.value + {priority: ($base + .key)})))',
      `' "$tmp/policy.json" > "$tmp/new.json"`,
      `az rest --method put --url "https://management.azure.com$id?api-version=${API}" --body "@$tmp/new.json" >/dev/null`,
      `echo "$POLICY: ${plan.length} scanner rule(s) written"`,
    ])
  },
}
