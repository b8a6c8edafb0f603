/**
 * @module domain/formatters/pfsense
 * pfSense "URL Table (IPs)" alias feed: the firewall downloads this list itself on the
 * refresh interval of the alias (whole days) and loads it into a pf table.
 */
import { scopedFileName, scopedName, UNDERSCORE_TAGS } from './scope.js'
import type { Formatter, SnippetInput } from './formatter.js'
import { fetchUrlOf } from './meta-line.js'
import { renderUrlTable, URL_TABLE_FAMILIES } from './url-table.js'

const title = 'pfSense URL Table alias (fetched by the firewall)'

export const pfsense: Formatter = {
  id: 'pfsense',
  title,
  extension: 'txt',
  contentType: 'text/plain; charset=utf-8',
  separateFamilies: false,
  validator: null,
  families: URL_TABLE_FAMILIES,
  // Alias names: letters, digits and _, at most 31 characters (pf table names).
  name: {
    default: 'ASV_SCANNERS',
    maxLength: 31,
    pattern: /^[A-Za-z][A-Za-z0-9_]*$/,
    description: 'A–Z a–z 0–9 _, starting with a letter',
    suffix: '_v4',
  },
  group: 'feed',
  refresh: { productDefault: 'the alias Update Freq. in days (set when creating it)', recommended: '1 day' },
  limits: { commentChars: 200, source: 'pfSense docs: Firewall Aliases' },
  applyHint:
    'First match wins on pfSense interfaces: use the alias as source of a pass rule above your block rules.',
  headerPlacement: 'lines',
  fileName: (input) => scopedFileName(input, URL_TABLE_FAMILIES, 'txt', UNDERSCORE_TAGS),
  objectNames: (input) => [scopedName(input, URL_TABLE_FAMILIES, UNDERSCORE_TAGS)],
  render(input: SnippetInput): string {
    const alias = scopedName(input, URL_TABLE_FAMILIES, UNDERSCORE_TAGS)
    return renderUrlTable(input, title, [
      `Firewall > Aliases > URLs > Add: Name ${alias}, Type URL Table (IPs),`,
      `  URL ${fetchUrlOf(input, 'pfsense')}`,
      '  Update Freq. 1 (days). pfSense keeps the last good copy if a fetch fails.',
      `Firewall > Rules (WAN): pass, source ${alias}, above any block rule (file: ${pfsense.fileName(input)}).`,
      'Diagnostics > Tables shows what was loaded.',
    ])
  },
}
