/**
 * @module domain/formatters/cloudflare-list
 * A Cloudflare account IP list (Lists API) and the WAF skip rule that uses it. The script
 * PUTs every item at once ("replace all items"), so re-running it is the update: removed
 * prefixes disappear in the same asynchronous operation. Cloudflare IP lists take IPv4
 * /8–/32 and IPv6 /12–/64 or a single address; a single IPv6 address is written without
 * /128, and a /65–/127 is refused rather than widened, which would allow more than ours.
 */
import { SCRIPT_START, heredoc } from './aws-script.js'
import { NOTHING_TO_APPLY } from './header.js'
import { scopedFileName, scopedName, UNDERSCORE_TAGS } from './scope.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { refuseLimit } from './limits.js'
import { QUOTES, sanitizeComment } from './sanitize-comment.js'
import { allEntries, count, joinLines } from './snippet-text.js'

// Quotes go so that each item stays one plain JSON line for review.
const COMMENT_RULE = { maxBytes: 200, asciiOnly: true, forbidden: QUOTES }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Cloudflare IP list + WAF skip rule (Lists API)'
const SOURCE = 'developers.cloudflare.com/waf/tools/lists'

/**
 * One item as a JSON line, built by hand: the prefix is canonical CIDR text and needs no
 * escaping, and the sanitised comment goes through JSON.stringify (10 000 objects through
 * JSON.stringify cost twice the rest of the render).
 */
function item(prefix: string, comment: string | null): string {
  const ip = prefix.endsWith('/128') ? prefix.slice(0, -4) : prefix
  return comment === null ? `{"ip":"${ip}"}` : `{"ip":"${ip}","comment":${JSON.stringify(comment)}}`
}

export const cloudflareList: Formatter = {
  id: 'cloudflare-list',
  title,
  extension: 'sh',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: 'JSON schema (Lists API items)',
  families,
  name: {
    default: 'asv_scanners',
    maxLength: 50,
    pattern: /^[a-z][a-z0-9_]*$/,
    description: 'a–z 0–9 _, starting with a letter',
    suffix: '_v4',
  },
  group: 'waf',
  refresh: { productDefault: null, recommended: 'daily, or on each new serial (re-run the script)' },
  limits: {
    commentChars: 200,
    prefixLengths: { ipv4: [8, 32], ipv6: [12, 128], reason: 'Cloudflare IP lists take IPv4 /8–/32 and IPv6 /12–/64 prefixes or single addresses' },
    source: SOURCE,
  },
  applyHint:
    'Custom rules run in order: put the skip rule first so it skips the managed and rate-limiting rules for the scanners.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'sh', UNDERSCORE_TAGS),
  objectNames: (input) => [scopedName(input, families, UNDERSCORE_TAGS)],
  render(input: SnippetInput): string {
    const entries = allEntries(input, families)
    const odd = input.ipv6.find((e) => {
      const len = Number(e.prefix.slice(e.prefix.indexOf('/') + 1))
      return len > 64 && len < 128
    })
    if (odd) {
      refuseLimit(cloudflareList, `IPv6 prefix ${odd.prefix} is longer than /64 and not a single address`, 'Cloudflare IP lists take IPv6 /12–/64 or single addresses')
    }
    const list = scopedName(input, families, UNDERSCORE_TAGS)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: entries.length === 0 ? NOTHING_TO_APPLY : [
        `Once: create the list (Security > WAF > Tools > Lists, kind IP) named ${list},`,
        `  and a WAF custom rule: expression (ip.src in $${list}), action Skip, skipping all`,
        '  remaining custom rules, rate limiting and managed rules; place it first.',
        `CF_API_TOKEN=... CF_ACCOUNT_ID=... LIST_ID=... sh ${cloudflareList.fileName(input)}`,
        '  (token: Account Filter Lists Edit) replaces every item in one operation.',
        'The list then holds exactly this file: use one list per filter (family, pool, region).',
      ],
    })
    const items = entries.map((e) => item(e.prefix, sanitizeComment(e.comment, COMMENT_RULE)))
    // An empty PUT would empty the list and lock every scanner out: never send one.
    const body = items.length === 0 ? ['echo "this version has no entries: the list is left unchanged" >&2', 'exit 1'] : [
      ': "${CF_API_TOKEN:?set CF_API_TOKEN}" "${CF_ACCOUNT_ID:?set CF_ACCOUNT_ID}" "${LIST_ID:?set LIST_ID}"',
      '',
      `# list ${list}: ${count(items.length, 'item', 'items')}`,
      ...heredoc('items.json', ['[', ...items.map((x, i) => `  ${x}${i < items.length - 1 ? ',' : ''}`), ']']),
      'curl -fsS -X PUT "https://api.cloudflare.com/client/v4/accounts/$CF_ACCOUNT_ID/rules/lists/$LIST_ID/items" \\',
      '  -H "Authorization: Bearer $CF_API_TOKEN" -H "Content-Type: application/json" \\',
      '  --data-binary "@$tmp/items.json"',
      'echo',
    ]
    return joinLines(['#!/bin/sh', ...header, ...SCRIPT_START, ...body])
  },
}
