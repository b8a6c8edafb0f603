/**
 * @module domain/formatters/iptables-restore-file
 * Shared body of the `iptables` and `ip6tables` targets: an iptables-restore file that owns
 * exactly one user chain. Built-in chains are never declared (with --noflush a
 * `:INPUT ACCEPT` line would reset the customer's DROP policy), and the jump from INPUT is
 * left to a guarded command in the header, because a jump inside the file would be added
 * again on every re-run. Declaring the chain flushes it, so re-running replaces our rules
 * and nothing else, in one atomic commit. A file without entries declares nothing, since
 * declaring the chain would empty it.
 */
import type { Formatter, SnippetFamily, SnippetInput } from './formatter.js'
import { NOTHING_TO_APPLY, headerLines } from './header.js'
import { IPTABLES_CHAIN } from './names.js'
import { QUOTES, sanitizeComment } from './sanitize-comment.js'
import { joinLines } from './snippet-text.js'

/** iptables silently truncates comments beyond 255 bytes; quotes would end the argument. */
const COMMENT_RULE = { maxBytes: 255, asciiOnly: true, forbidden: QUOTES }

export function iptablesRestoreFormatter(family: SnippetFamily): Formatter {
  const tool = family === 'ipv4' ? 'iptables' : 'ip6tables'
  const other: SnippetFamily = family === 'ipv4' ? 'ipv6' : 'ipv4'
  const siblings = { [other]: family === 'ipv4' ? 'ip6tables' : 'iptables' }
  const ext = family === 'ipv4' ? 'v4' : 'v6'
  const title = `${tool}-restore (${family === 'ipv4' ? 'IPv4' : 'IPv6'})`
  const families = [family]
  const fileName = (input: { name: string }): string => `${input.name.toLowerCase()}.${ext}`
  return {
    id: tool,
    title,
    extension: ext,
    contentType: 'text/plain; charset=utf-8',
    separateFamilies: true,
    validator: `${tool}-restore --test --noflush`,
    families,
    name: IPTABLES_CHAIN,
    applyHint: `First match wins: load with ${tool}-restore --noflush, then insert one jump at the top of INPUT.`,
    headerPlacement: 'lines',
    siblings,
    fileName,
    objectNames: (input, fam) => (fam === family ? [input.name] : []),
    render(input: SnippetInput): string {
      const chain = input.name
      const entries = input[family]
      const header = headerLines(input, {
        marker: '#',
        title,
        families,
        siblings,
        apply:
          entries.length === 0
            ? NOTHING_TO_APPLY
            : [
                `${tool}-restore --noflush < ${fileName(input)}`,
                `${tool} -C INPUT -j ${chain} 2>/dev/null || ${tool} -I INPUT 1 -j ${chain}`,
                'Never omit --noflush: without it the whole filter table is replaced.',
                'Re-running is safe: declaring the chain flushes it, and the guarded jump is added once.',
              ],
      })
      if (entries.length === 0) return joinLines(header)
      const rules = entries.map((e) => {
        const comment = sanitizeComment(e.comment, COMMENT_RULE)
        const tag = comment === null ? '' : ` -m comment --comment "${comment}"`
        return `-A ${chain} -s ${e.prefix}${tag} -j ACCEPT`
      })
      return joinLines([...header, '*filter', `:${chain} - [0:0]`, ...rules, 'COMMIT'])
    },
  }
}
