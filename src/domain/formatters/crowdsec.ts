/**
 * @module domain/formatters/crowdsec
 * A CrowdSec centralized allowlist (LAPI, cscli ≥ 1.6.8): the script creates the list if
 * needed and imports the CSV (`value,expiration,comment`) that `cscli allowlists import`
 * reads. Allowlisted sources are never banned and skip AppSec (the CrowdSec WAF). Import
 * only adds, so the script first removes the entries the list holds that this version no
 * longer has.
 */
import { NOTHING_TO_APPLY } from './header.js'
import { scopedFileName, scopedName } from './scope.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { allEntries, count, joinLines } from './snippet-text.js'

// CSV fields are written unquoted, so quotes and commas go.
const COMMENT_RULE = { maxBytes: 200, asciiOnly: true, forbidden: /[",']/g }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'CrowdSec allowlist (cscli allowlists import)'

/** grep arguments selecting the old entries of the families carried here ('.' for both). */
function familyFilter(input: SnippetInput): string {
  const v4 = input.ipv4.length > 0
  const v6 = input.ipv6.length > 0
  return v4 && v6 ? "-e '.'" : v6 ? "-F -e ':'" : "-v -F -e ':'"
}

export const crowdsec: Formatter = {
  id: 'crowdsec',
  title,
  extension: 'sh',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: null,
  families,
  name: wordName('asv-scanners', 64, '-v4'),
  group: 'waf',
  refresh: { productDefault: null, recommended: 'daily, or on each new serial (re-run on the LAPI host)' },
  limits: {
    commentChars: 200,
    source: 'docs.crowdsec.net: cscli allowlists import',
  },
  applyHint:
    'Allowlists apply before any decision: listed sources are neither banned nor inspected by AppSec.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'sh'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const list = scopedName(input, families)
    const entries = allEntries(input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: entries.length === 0 ? NOTHING_TO_APPLY : [
        `Run on the LAPI host: sh ${crowdsec.fileName(input)}   (needs jq)`,
        'It creates the allowlist if missing, removes entries of the families in this file',
        '  that this version no longer has, and imports the rest; re-running it is the update.',
        '  Use one allowlist name per pool or region filter.',
      ],
    })
    if (entries.length === 0) {
      return joinLines(['#!/bin/sh', ...header, 'echo "this version has no entries: the allowlist is left unchanged" >&2', 'exit 1'])
    }
    const csv = entries.map((e) => `${e.prefix},,${sanitizeComment(e.comment, COMMENT_RULE) ?? ''}`)
    return joinLines([
      '#!/bin/sh',
      ...header,
      'set -eu',
      'tmp=$(mktemp -d)',
      `trap 'rm -rf "$tmp"' EXIT`,
      '',
      `# ${list}: ${count(entries.length, 'entry', 'entries')}`,
      `cat > "$tmp/${list}.csv" <<'CSV'`,
      'value,expiration,comment',
      ...csv,
      'CSV',
      `cscli allowlists inspect ${list} >/dev/null 2>&1 || cscli allowlists create ${list} --description "scangate ASV scanners"`,
      `cut -d, -f1 "$tmp/${list}.csv" | tail -n +2 | sort > "$tmp/new"`,
      // Only entries of the families this file carries are candidates for removal.
      `cscli allowlists inspect ${list} -o json | jq -r '.items[]?.value' | grep ${familyFilter(input)} | sort > "$tmp/old" || true`,
      `comm -23 "$tmp/old" "$tmp/new" | xargs -r cscli allowlists remove ${list}`,
      `comm -13 "$tmp/old" "$tmp/new" > "$tmp/add"`,
      `if [ -s "$tmp/add" ]; then`,
      `  awk -F, 'NR == FNR { add[$1] = 1; next } FNR == 1 || ($1 in add)' "$tmp/add" "$tmp/${list}.csv" | cscli allowlists import ${list} -i -`,
      'fi',
    ])
  },
}
