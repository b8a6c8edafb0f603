/**
 * @module domain/formatters/cisco-ios
 * Cisco IOS / IOS XE named extended ACLs, one per family (`ip access-list extended` and
 * `ipv6 access-list`), pasted in configuration mode. Entry comments become `remark` lines
 * above the entry they describe; a remark runs to the end of its line, so a sanitized
 * comment cannot become a rule. Only the ACLs of families the file has entries of are
 * mentioned (scope.ts); an empty ACL would deny everything wherever it is applied.
 */
import { CISCO_FORBIDDEN } from './cisco-asa.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { UPPER_TAGS, carriedFamilies, scopedFileName } from './scope.js'
import { FAMILY_LABEL, ipv4WithWildcard, joinLines } from './snippet-text.js'

/** IOS keeps remarks up to 100 characters. */
const REMARK_RULE = { maxBytes: 100, asciiOnly: true, forbidden: CISCO_FORBIDDEN }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Cisco IOS (extended ACL)'

function aclName(input: SnippetInput, family: SnippetFamily): string {
  return family === 'ipv4' ? input.name : `${input.name}-V6`
}

function aclKind(family: SnippetFamily): string {
  return family === 'ipv4' ? 'ip access-list extended' : 'ipv6 access-list'
}

function acl(input: SnippetInput, family: SnippetFamily): string[] {
  const lines = [`${aclKind(family)} ${aclName(input, family)}`]
  for (const e of input[family]) {
    const remark = sanitizeComment(e.comment, REMARK_RULE)
    if (remark !== null) lines.push(` remark ${remark}`)
    lines.push(
      family === 'ipv4'
        ? ` permit ip ${ipv4WithWildcard(e.prefix)} any`
        : ` permit ipv6 ${e.prefix} any`,
    )
  }
  lines.push('exit')
  return lines
}

export const ciscoIos: Formatter = {
  id: 'cisco-ios',
  title,
  extension: 'cfg',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: true,
  validator: null,
  families,
  name: wordName('ASV-SCANNERS', 64, '-V6'),
  applyHint:
    'First match wins: paste in configuration mode, then merge the permits above the deny entries of your interface ACL.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'cfg', UPPER_TAGS),
  objectNames: (input, family) => [aclName(input, family)],
  render(input: SnippetInput): string {
    const carried = carriedFamilies(input, families)
    const names = carried.map((f) => `${FAMILY_LABEL[f]}: ${aclName(input, f)}`).join('; ')
    const header = headerLines(input, {
      marker: '!',
      title,
      families,
      forbidden: CISCO_FORBIDDEN,
      apply:
        carried.length === 0
          ? NOTHING_TO_APPLY
          : [
              `Paste ${ciscoIos.fileName(input)} in configuration mode (configure terminal).`,
              `${names}. Applied directly, an ACL denies all other traffic.`,
              'Re-pasting appends to an existing ACL; to replace one that is not applied anywhere,',
              `  first: ${carried.map((f) => `no ${aclKind(f)} ${aclName(input, f)}`).join('   and   ')}`,
            ],
    })
    return joinLines([...header, ...carried.flatMap((f) => acl(input, f))])
  },
}
