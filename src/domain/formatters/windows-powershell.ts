/**
 * @module domain/formatters/windows-powershell
 * A PowerShell script for Windows Defender Firewall: one inbound allow rule whose
 * RemoteAddress is the whole list (CIDR works for both families). An existing rule is
 * updated in place with Set-NetFirewallRule, so re-running never duplicates it. An empty
 * RemoteAddress would mean "Any", so an empty list removes the rule instead.
 * Comments follow each address as `#` line comments, which end at the line break.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { allEntries, joinLines } from './snippet-text.js'

const COMMENT_RULE = { maxBytes: 200, asciiOnly: true }
const families: readonly SnippetFamily[] = ['ipv4', 'ipv6']
const title = 'Windows Defender Firewall (PowerShell)'

export const windowsPowershell: Formatter = {
  id: 'windows-powershell',
  title,
  extension: 'ps1',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: null,
  families,
  name: wordName('asv-scanners', 64),
  applyHint:
    'Block rules win over allow rules in Windows Firewall: this allow only helps where no block rule matches the scanners.',
  headerPlacement: 'lines',
  render(input: SnippetInput): string {
    const rule = input.name
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply: [
        `From an elevated prompt: powershell -ExecutionPolicy Bypass -File ${rule}.ps1`,
        'Windows evaluates block rules before allow rules; this allow cannot override a block.',
        'Re-running is safe: the rule is created once and then updated in place.',
      ],
    })
    const entries = allEntries(input, families)
    const body =
      entries.length === 0
        ? [
            '# No entries: an empty RemoteAddress would allow everyone, so remove the rule.',
            `Remove-NetFirewallRule -Name '${rule}' -ErrorAction SilentlyContinue`,
          ]
        : [
            '$ranges = @(',
            ...entries.map((e) => {
              const comment = sanitizeComment(e.comment, COMMENT_RULE)
              return `  '${e.prefix}'${comment === null ? '' : ` # ${comment}`}`
            }),
            ')',
            `if (Get-NetFirewallRule -Name '${rule}' -ErrorAction SilentlyContinue) {`,
            `  Set-NetFirewallRule -Name '${rule}' -Enabled True -RemoteAddress $ranges`,
            '} else {',
            `  New-NetFirewallRule -Name '${rule}' -DisplayName '${rule}' -Direction Inbound -Action Allow -RemoteAddress $ranges`,
            '}',
          ]
    return joinLines([...header, "$ErrorActionPreference = 'Stop'", ...body])
  },
}
