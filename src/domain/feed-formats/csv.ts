/**
 * @module domain/feed-formats/csv
 * RFC 4180 CSV with a header row and the prefix in the first column. Cells are quoted
 * when needed, and a cell that a spreadsheet would treat as a formula (= + - @, tab, CR)
 * is prefixed with an apostrophe: labels are admin free text and must not execute.
 */
import type { FilteredLists } from '../feed-filter.js'

const FORMULA_START = /^[=+\-@\t\r]/

export function csvCell(value: string | null | undefined): string {
  let v = value ?? ''
  if (FORMULA_START.test(v)) v = `'${v}`
  return /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v
}

export function renderFeedCsv(lists: FilteredLists): string {
  const entries = [...lists.ipv4, ...lists.ipv6]
  const rows: string[] = []
  if (lists.aggregated) {
    rows.push('prefix,family')
    for (const e of entries) rows.push([csvCell(e.prefix), e.prefix.includes(':') ? 'ipv6' : 'ipv4'].join(','))
  } else {
    rows.push('prefix,family,pool,region,label,status,active_from,retire_at')
    const tagged = [
      ...lists.ipv4.map((x) => ({ family: 'ipv4', x })),
      ...lists.ipv6.map((x) => ({ family: 'ipv6', x })),
    ]
    for (const { family, x } of tagged) {
      rows.push(
        [x.prefix, family, x.pool, x.region, x.label, x.status, x.activeFrom, x.retireAt ?? '']
          .map(csvCell)
          .join(','),
      )
    }
  }
  return rows.join('\r\n') + '\r\n'
}
