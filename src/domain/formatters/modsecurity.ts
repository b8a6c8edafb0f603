/**
 * @module domain/formatters/modsecurity
 * ModSecurity (v2 on Apache, v3/libmodsecurity on nginx) rules that switch the rule engine
 * off for the scanners, so the OWASP CRS does not block or skew an ASV scan (the PCI ASV
 * programme asks that active protection not interfere). One SecRule per family and chunk,
 * `@ipMatch` with one prefix per physical line joined by Apache-style `\` continuations.
 * Continuation lines start with the prefix itself: @ipMatch splits on commas only, so an
 * indent would become part of an address. Entry comments cannot live inside a continued
 * directive (a `#` there is part of the directive), so they go in a comment block above it.
 */
import { NOTHING_TO_APPLY } from './header.js'
import { scopedFileName } from './scope.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { chunkPlan, count, joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 200, asciiOnly: true }

/**
 * ModSecurity 2.9's @ipMatch refuses a host written as /32 or /128 ("Could not add entry",
 * seen with Debian's 2.9.7), so hosts are written as bare addresses.
 */
function ipMatchEntry(prefix: string): string {
  return prefix.endsWith('/32') && !prefix.includes(':') ? prefix.slice(0, -3) : prefix.endsWith('/128') ? prefix.slice(0, -4) : prefix
}
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'ModSecurity / OWASP CRS (SecRule @ipMatch, ctl:ruleEngine=Off)'
/** First rule id: 1–99 999 is the range ModSecurity reserves for local rules. */
const FIRST_ID = 99001

export const modsecurity: Formatter = {
  id: 'modsecurity',
  title,
  extension: 'conf',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: 'apache2 -t with mod_security2 (libapache2-mod-security2)',
  families,
  name: wordName('asv-scanners', 64, '-v4'),
  maxEntries: {
    default: 500,
    max: 5000,
    reason: 'one @ipMatch list per SecRule, kept to a size every ModSecurity build parses quickly',
  },
  group: 'waf',
  refresh: { productDefault: null, recommended: 'daily, or on each new serial; reload the web server after replacing the file' },
  limits: {
    commentChars: 200,
    source: 'ModSecurity reference manual (@ipMatch, rule ids)',
  },
  applyHint:
    'Phase 1, before the CRS: include the file ahead of the OWASP CRS rules so the engine is off before any CRS rule runs.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'conf'),
  objectNames: (input, family) => chunkPlan(modsecurity, input, [family]).map((p) => p.name),
  render(input: SnippetInput): string {
    const plan = chunkPlan(modsecurity, input, families)
    const path = `/etc/modsecurity/${modsecurity.fileName(input)}`
    const last = FIRST_ID + Math.max(plan.length, 1) - 1
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: plan.length === 0 ? NOTHING_TO_APPLY : [
        `Save as ${path}; it must load before the OWASP CRS (Debian: /etc/modsecurity/ is`,
        '  read first; else include it from REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf).',
        'apache2ctl -t && systemctl reload apache2   (nginx -t && nginx -s reload)',
        `Rule ids ${FIRST_ID}-${last} (local range); change them if your rules use these ids.`,
        'Narrower: replace ctl:ruleEngine=Off with ctl:ruleRemoveById=<ids>.',
      ],
    })
    const body = plan.flatMap(({ part, name: tag }, i) => {
      const notes = part.flatMap((e) => {
        const comment = sanitizeComment(e.comment, COMMENT_RULE)
        return comment === null ? [] : [`# ${e.prefix}: ${comment}`]
      })
      const lines = part.map((e, j) => `${ipMatchEntry(e.prefix)}${j < part.length - 1 ? ',\\' : '" \\'}`)
      return [
        '',
        `# ${tag}: ${count(part.length, 'prefix', 'prefixes')}`,
        ...notes,
        'SecRule REMOTE_ADDR "@ipMatch \\',
        ...lines,
        `    "id:${FIRST_ID + i},phase:1,pass,nolog,t:none,ctl:ruleEngine=Off,tag:'${tag}',ver:'scangate/${input.feed.serial}'"`,
      ]
    })
    return joinLines([...header, ...body])
  },
}
