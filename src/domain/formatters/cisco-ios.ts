/**
 * @module domain/formatters/cisco-ios
 * Cisco IOS / IOS XE named extended ACLs, one per family (`ip access-list extended` and
 * `ipv6 access-list`), pasted in configuration mode. Entry comments become `remark` lines
 * above the entry they describe; a remark runs to the end of its line, so a sanitized
 * comment cannot become a rule.
 */
import { CISCO_FORBIDDEN } from './cisco-asa.js'
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { ipv4WithWildcard, joinLines } from './snippet-text.js'

/** IOS keeps remarks up to 100 characters. */
const REMARK_RULE = { maxBytes: 100, asciiOnly: true, forbidden: CISCO_FORBIDDEN }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Cisco IOS (extended ACL)'

function acl(input: SnippetInput, family: SnippetFamily): string[] {
  const name = family === 'ipv4' ? input.name : `${input.name}-V6`
  const entries = input[family]
  const kind = family === 'ipv4' ? 'ip access-list extended' : 'ipv6 access-list'
  // An empty ACL would deny everything wherever it is applied; keep the device's copy.
  if (entries.length === 0)
    return [`! No ${family === 'ipv4' ? 'IPv4' : 'IPv6'} entries: leave ${name} unchanged.`]
  const lines = [`${kind} ${name}`]
  for (const e of entries) {
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
  render(input: SnippetInput): string {
    const header = headerLines(input, {
      marker: '!',
      title,
      families,
      forbidden: CISCO_FORBIDDEN,
      apply: [
        'Paste in configuration mode (configure terminal).',
        `IPv4: ${input.name}; IPv6: ${input.name}-V6. Applied directly they deny all other traffic.`,
        'Re-pasting appends to an existing ACL; to replace one that is not applied anywhere,',
        `  first: no ip access-list extended ${input.name}   and   no ipv6 access-list ${input.name}-V6`,
      ],
    })
    return joinLines([...header, ...acl(input, 'ipv4'), ...acl(input, 'ipv6')])
  },
}
