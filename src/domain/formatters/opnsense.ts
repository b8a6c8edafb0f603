/**
 * @module domain/formatters/opnsense
 * OPNsense "URL Table (IPs)" alias feed, which the firewall fetches itself on the alias's
 * refresh frequency. OPNsense can also read JSON through a jq path expression ("URL Table
 * in JSON format"), so the header gives that variant against /v1/ranges as well.
 */
import { scopedFileName, scopedName, UNDERSCORE_TAGS } from './scope.js'
import type { Formatter, SnippetInput } from './formatter.js'
import { fetchUrlOf } from './meta-line.js'
import { wordName } from './names.js'
import { renderUrlTable, URL_TABLE_FAMILIES } from './url-table.js'

const title = 'OPNsense URL Table alias (fetched by the firewall)'

export const opnsense: Formatter = {
  id: 'opnsense',
  title,
  extension: 'txt',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: null,
  families: URL_TABLE_FAMILIES,
  // Alias names: letters, digits and _, at most 32 characters.
  name: {
    ...wordName('ASV_SCANNERS', 32, '_v4'),
    pattern: /^[A-Za-z][A-Za-z0-9_]*$/,
    description: 'A–Z a–z 0–9 _, starting with a letter',
  },
  group: 'feed',
  refresh: { productDefault: 'the alias Refresh Frequency (days and hours)', recommended: '1 hour' },
  limits: { commentChars: 200, source: 'OPNsense docs: Aliases (opnsense/core #8277)' },
  applyHint:
    'Rules are first match: use the alias as source of a pass rule above your block rules (quick is the default).',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, URL_TABLE_FAMILIES, 'txt', UNDERSCORE_TAGS),
  objectNames: (input) => [scopedName(input, URL_TABLE_FAMILIES, UNDERSCORE_TAGS)],
  render(input: SnippetInput): string {
    const alias = scopedName(input, URL_TABLE_FAMILIES, UNDERSCORE_TAGS)
    const url = fetchUrlOf(input, 'opnsense')
    // /v1/ranges takes the same filters but not the snippet's own name option.
    const json = url.replace(/\/v1\/rules\/opnsense\b/, '/v1/ranges').replace(/([?&])name=[^&]*&?/, '$1').replace(/[?&]$/, '')
    return renderUrlTable(input, title, [
      `Firewall > Aliases > Add: Name ${alias}, Type URL Table (IPs),`,
      `  Content ${url}`,
      '  Refresh Frequency 0 days 1 hour. Then a pass rule with source',
      `  ${alias} above your block rules (file: ${opnsense.fileName(input)}).`,
      'JSON instead: Type URL Table in JSON format (IPs),',
      `  Content ${json}`,
      '  Path expression .ipv4[].prefix, .ipv6[].prefix',
    ])
  },
}
