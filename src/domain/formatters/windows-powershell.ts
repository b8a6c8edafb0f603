/**
 * @module domain/formatters/windows-powershell
 * A PowerShell script for Windows Defender Firewall: one inbound allow rule whose
 * RemoteAddress is the whole list (CIDR works for both families). An existing rule is
 * updated in place with Set-NetFirewallRule, so re-running never duplicates it. The rule
 * holds both families, so under a family filter it is `<name>-v4` / `<name>-v6` (scope.ts):
 * the IPv4 script never replaces the IPv6 addresses. An empty RemoteAddress would mean
 * "Any", so a file without entries touches no rule at all.
 * Comments follow each address as `#` line comments, which end at the line break.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { wordName } from './names.js'
import { sanitizeComment } from './sanitize-comment.js'
import { scopedFileName, scopedName } from './scope.js'
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
  name: wordName('asv-scanners', 64, '-v4'),
  applyHint:
    'Block rules win over allow rules in Windows Firewall: this allow only helps where no block rule matches the scanners.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, families, 'ps1'),
  objectNames: (input) => [scopedName(input, families)],
  render(input: SnippetInput): string {
    const rule = scopedName(input, families)
    const entries = allEntries(input, families)
    const header = headerLines(input, {
      marker: '#',
      title,
      families,
      apply:
        entries.length === 0
          ? NOTHING_TO_APPLY
          : [
              `From an elevated prompt: powershell -ExecutionPolicy Bypass -File ${windowsPowershell.fileName(input)}`,
              'Windows evaluates block rules before allow rules; this allow cannot override a block.',
              'Re-running is safe: the rule is created once and then updated in place.',
            ],
    })
    if (entries.length === 0) return joinLines(header)
    const body = [
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
