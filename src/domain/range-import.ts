/**
 * @module domain/range-import
 * Parses a bulk range file (CSV with a header row, or JSON) into range inputs, keeping
 * the line / item number of each so errors can point at it.
 */
import type { RangeInput } from './catalogue-rules.js'
import { DomainError } from './errors.js'

export interface ImportRow {
  /** 1-based line (CSV) or item (JSON) number. */
  at: number
  input: RangeInput
}

const COLUMNS = ['prefix', 'pool', 'region', 'label', 'activeFrom', 'retireAt'] as const
/**
 * Columns of the feed's own CSV (/v1/ranges.csv) that follow from the others: `family`
 * from the prefix (checked), `status` from the dates (read and dropped). They make an
 * exported CSV importable as it is.
 */
const DERIVED = ['family', 'status'] as const
const COLUMN_ALIASES: Record<string, (typeof COLUMNS)[number] | (typeof DERIVED)[number]> = {
  family: 'family',
  status: 'status',
  prefix: 'prefix',
  cidr: 'prefix',
  pool: 'pool',
  region: 'region',
  label: 'label',
  activefrom: 'activeFrom',
  active_from: 'activeFrom',
  retireat: 'retireAt',
  retire_at: 'retireAt',
}

/** RFC 4180 record splitter: quoted fields may hold commas, quotes ("") and newlines. */
export function* csvRecords(text: string): Generator<{ line: number; fields: string[] }> {
  let fields: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let recordLine = 1
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else {
        if (ch === '\n') line++
        field += ch
      }
      continue
    }
    if (ch === '"' && field === '') quoted = true
    else if (ch === ',') {
      fields.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      fields.push(field)
      if (fields.some((f) => f.trim() !== '')) yield { line: recordLine, fields }
      fields = []
      field = ''
      line++
      recordLine = line
    } else field += ch
  }
  if (quoted) throw new DomainError('validation_failed', `line ${recordLine}: a quoted field is never closed`)
  fields.push(field)
  if (fields.some((f) => f.trim() !== '')) yield { line: recordLine, fields }
}

function parseCsv(text: string): ImportRow[] {
  const records = csvRecords(text)
  const header = records.next()
  if (header.done) return []
  // own keys only: a header such as "constructor" must not pick up Object.prototype members
  const columns = header.value.fields.map((h) => {
    const key = h.trim().toLowerCase()
    return Object.hasOwn(COLUMN_ALIASES, key) ? COLUMN_ALIASES[key] : undefined
  })
  for (const required of ['prefix', 'pool', 'region'] as const) {
    if (!columns.includes(required)) {
      throw new DomainError(
        'validation_failed',
        `the CSV header must name the columns prefix, pool and region (optional: label, activeFrom, retireAt); got: ${header.value.fields.join(',')}`,
      )
    }
  }
  // a misspelt column (say "retire-at") would silently drop its values: refuse it instead
  const unknown = header.value.fields.filter((h, i) => columns[i] === undefined && h.trim() !== '')
  if (unknown.length) {
    throw new DomainError(
      'validation_failed',
      `line 1: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u.trim().slice(0, 40)}'`).join(', ')}; known columns: prefix, pool, region, label, activeFrom (or active_from), retireAt (or retire_at), and family and status as /v1/ranges.csv writes them`,
    )
  }
  const rows: ImportRow[] = []
  for (const { line, fields } of records) {
    const input: Record<string, string> = {}
    let family: string | undefined
    columns.forEach((col, i) => {
      const v = fields[i]?.trim()
      if (!col || v === undefined || v === '' || col === 'status') return
      if (col === 'family') family = v
      // the feed's CSV puts an apostrophe before a label a spreadsheet would run as a formula
      else input[col] = col === 'label' ? v.replace(/^'(?=[=+\-@])/, '') : v
    })
    if (family !== undefined && input.prefix !== undefined) {
      const expected = input.prefix.includes(':') ? 'ipv6' : 'ipv4'
      if (family.toLowerCase() !== expected) {
        throw new DomainError('validation_failed', `line ${line}: family '${family.slice(0, 10)}' does not match the prefix ${input.prefix.slice(0, 50)} (${expected})`, { field: 'family' })
      }
    }
    rows.push({ at: line, input: input as unknown as RangeInput })
  }
  return rows
}

function parseJson(text: string): ImportRow[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    throw new DomainError('validation_failed', `the file is not valid JSON: ${(e as Error).message}`)
  }
  const items = Array.isArray(doc) ? doc : (doc as { ranges?: unknown })?.ranges
  if (!Array.isArray(items)) {
    throw new DomainError('validation_failed', 'a JSON import must be an array of ranges or { "ranges": [...] }')
  }
  return items.map((item, i) => {
    if (!item || typeof item !== 'object') {
      throw new DomainError('validation_failed', `item ${i + 1}: each range must be an object with prefix, pool and region`)
    }
    // JSON can hold numbers, booleans and objects where a RangeInput has strings; without
    // this check `label: 5` crashed normaliseRange and `activeFrom: 0` silently meant "now"
    for (const key of COLUMNS) {
      const v = (item as Record<string, unknown>)[key]
      if (v !== undefined && v !== null && typeof v !== 'string') {
        throw new DomainError('validation_failed', `item ${i + 1}: ${key} must be a string, got ${Array.isArray(v) ? 'array' : typeof v}`, { field: key })
      }
    }
    return { at: i + 1, input: item as RangeInput }
  })
}

/** Parses an import file; the format follows from the name, or from the first character. */
export function parseRangeFile(name: string, text: string): ImportRow[] {
  // Editors on Windows save UTF-8 with a BOM; JSON.parse refuses it, so strip it for both
  const body = text.replace(/^\uFEFF/, '')
  const json = /\.json$/i.test(name) || /^\s*[[{]/.test(body)
  return json ? parseJson(body) : parseCsv(body)
}
