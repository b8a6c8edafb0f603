/** @module tests/domain/range-import */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DomainError } from '../../src/domain/errors.js'
import { csvCell } from '../../src/domain/feed-formats/csv.js'
import { csvRecords, parseRangeFile } from '../../src/domain/range-import.js'

function caught(f: () => unknown): DomainError {
  try {
    f()
  } catch (e) {
    if (e instanceof DomainError) return e
    throw e
  }
  throw new Error('expected a DomainError')
}

const records = (text: string) => [...csvRecords(text)]

describe('csvRecords', () => {
  it('splits on LF, CRLF and lone CR, numbering lines from 1', () => {
    expect(records('a,b\nc,d\r\ne,f\rg,h')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
      { line: 3, fields: ['e', 'f'] },
      { line: 4, fields: ['g', 'h'] },
    ])
  })

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(records('"a,b","say ""hi""","x\r\ny\nz"\nnext,"",')).toEqual([
      { line: 1, fields: ['a,b', 'say "hi"', 'x\r\ny\nz'] },
      { line: 4, fields: ['next', '', ''] },
    ])
  })

  it('skips blank and whitespace-only lines but keeps counting them', () => {
    expect(records('\n\na\n  ,  \n\r\nb\n')).toEqual([
      { line: 3, fields: ['a'] },
      { line: 6, fields: ['b'] },
    ])
  })

  it('does not trim fields (the import does)', () => {
    expect(records(' a , b ')).toEqual([{ line: 1, fields: [' a ', ' b '] }])
  })

  it('yields nothing for empty input and handles a missing final newline', () => {
    expect(records('')).toEqual([])
    expect(records('a')).toEqual([{ line: 1, fields: ['a'] }])
  })

  it('reports an unclosed quote with the line the record starts on', () => {
    const e = caught(() => records('ok\n"never closed,\nmore\n'))
    expect(e.code).toBe('validation_failed')
    expect(e.message).toMatch(/^line 2: a quoted field is never closed/)
  })

  it('reads back any rows written with csvCell (property)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r', '\r\n', "'", 'é'), maxLength: 8 })
    const rows = fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { maxLength: 6 })
    fc.assert(
      fc.property(rows, fc.constantFrom('\n', '\r\n'), (rs, eol) => {
        // a leading marker column keeps rows non-blank (blank rows are skipped by design)
        const text = rs.map((r) => ['x', ...r].map((v) => csvCell(v)).join(',')).join(eol)
        // csvCell defuses formula starts (here: a leading CR) with an apostrophe
        const written = (v: string) => (v.startsWith('\r') ? `'${v}` : v)
        expect(records(text).map((r) => r.fields)).toEqual(rs.map((r) => ['x', ...r.map(written)]))
      }),
    )
  })

  it('line numbers point at the physical line each record starts on (property)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', '\n', ','), maxLength: 5 })
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 8 }), (cells) => {
        const lines = cells.map((c) => `r,${csvCell(c)}`)
        const text = lines.join('\n')
        let physical = 1
        const starts = lines.map((l) => {
          const at = physical
          physical += l.split('\n').length
          return at
        })
        expect(records(text).map((r) => r.line)).toEqual(starts)
      }),
    )
  })
})

describe('parseRangeFile: CSV', () => {
  it('maps header columns to range inputs, with the line of each row', () => {
    const text = 'prefix,pool,region,label,activeFrom,retireAt\n192.0.2.0/24,asv,eu,Frankfurt,2026-12-01T00:00:00Z,2027-06-01T00:00:00Z\n2001:db8::/32,asv,global,,,\n'
    expect(parseRangeFile('ranges.csv', text)).toEqual([
      {
        at: 2,
        input: { prefix: '192.0.2.0/24', pool: 'asv', region: 'eu', label: 'Frankfurt', activeFrom: '2026-12-01T00:00:00Z', retireAt: '2027-06-01T00:00:00Z' },
      },
      { at: 3, input: { prefix: '2001:db8::/32', pool: 'asv', region: 'global' } },
    ])
  })

  it('accepts header aliases in any case and order, with spaces around names and values', () => {
    const text = ' Region , CIDR ,POOL,Active_From,RETIRE_AT, label \r\n eu , 192.0.2.0/24 , asv ,2026-12-01,2027-01-01, x \r\n'
    expect(parseRangeFile('r.csv', text)).toEqual([
      { at: 2, input: { region: 'eu', prefix: '192.0.2.0/24', pool: 'asv', activeFrom: '2026-12-01', retireAt: '2027-01-01', label: 'x' } },
    ])
    const lower = parseRangeFile('r.csv', 'prefix,pool,region,activefrom,retireat\n10.0.0.0/8,a,b,2026-12-01,2027-01-01\n')
    expect(lower[0]?.input).toMatchObject({ activeFrom: '2026-12-01', retireAt: '2027-01-01' })
  })

  it('reads quoted fields with commas, quotes and newlines, and numbers rows by their first line', () => {
    const text = 'prefix,pool,region,label\n"192.0.2.0/24",asv,eu,"Frankfurt, DE; the ""new"" block\nsecond line"\n198.51.100.0/24,asv,us,plain\n'
    expect(parseRangeFile('r.csv', text)).toEqual([
      { at: 2, input: { prefix: '192.0.2.0/24', pool: 'asv', region: 'eu', label: 'Frankfurt, DE; the "new" block\nsecond line' } },
      { at: 4, input: { prefix: '198.51.100.0/24', pool: 'asv', region: 'us', label: 'plain' } },
    ])
  })

  it('ignores a UTF-8 byte order mark', () => {
    const rows = parseRangeFile('r.csv', '\uFEFFprefix,pool,region\n192.0.2.0/24,asv,eu\n')
    expect(rows).toEqual([{ at: 2, input: { prefix: '192.0.2.0/24', pool: 'asv', region: 'eu' } }])
  })

  it('refuses unknown columns, including names of Object.prototype members', () => {
    // once: keys "function Object() { [native code] }" and "[object Object]" leaked into the input
    expect(() => parseRangeFile('r.csv', 'prefix,pool,region,constructor,__proto__,toString\n192.0.2.0/24,asv,eu,d,e,f\n')).toThrow(
      /unknown columns 'constructor', '__proto__', 'toString'/,
    )
  })

  it('leaves out empty cells and missing trailing cells, and skips blank lines', () => {
    const rows = parseRangeFile('r.csv', 'prefix,pool,region,label\n\n192.0.2.0/24,asv\n\n198.51.100.0/24,asv,eu,  \n')
    expect(rows).toEqual([
      { at: 3, input: { prefix: '192.0.2.0/24', pool: 'asv' } },
      { at: 5, input: { prefix: '198.51.100.0/24', pool: 'asv', region: 'eu' } },
    ])
  })

  it('returns no rows for an empty file or a header alone', () => {
    expect(parseRangeFile('r.csv', '')).toEqual([])
    expect(parseRangeFile('r.csv', '\uFEFF\n\n')).toEqual([])
    expect(parseRangeFile('r.csv', 'prefix,pool,region\n')).toEqual([])
  })

  it.each([
    ['prefix,pool\n10.0.0.0/8,a\n'],
    ['cidr,region,label\n'],
    ['192.0.2.0/24,asv,eu\n'],
  ])('refuses a header without prefix, pool and region: %j', (text) => {
    const e = caught(() => parseRangeFile('r.csv', text))
    expect(e.code).toBe('validation_failed')
    expect(e.message).toMatch(/header must name the columns prefix, pool and region/)
    expect(e.message).toContain(text.split('\n')[0])
  })

  it('reports an unclosed quote in a data row with its line', () => {
    expect(caught(() => parseRangeFile('r.csv', 'prefix,pool,region\n10.0.0.0/8,a,b\n10.1.0.0/16,a,"b\n')).message).toMatch(/^line 3:/)
  })
})

describe('parseRangeFile: JSON', () => {
  const item = { prefix: '192.0.2.0/24', pool: 'asv', region: 'eu', label: 'x', activeFrom: '2026-12-01T00:00:00Z', retireAt: null }

  it('reads an array of ranges, numbering items from 1', () => {
    expect(parseRangeFile('r.json', JSON.stringify([item, { ...item, prefix: '10.0.0.0/8' }]))).toEqual([
      { at: 1, input: item },
      { at: 2, input: { ...item, prefix: '10.0.0.0/8' } },
    ])
  })

  it('reads { ranges: [...] }', () => {
    expect(parseRangeFile('r.json', JSON.stringify({ ranges: [item] }))).toEqual([{ at: 1, input: item }])
  })

  it('detects JSON from content when the name says nothing, and CSV otherwise', () => {
    expect(parseRangeFile('upload', `  \n[${JSON.stringify(item)}]`)).toEqual([{ at: 1, input: item }])
    expect(parseRangeFile('upload', `{"ranges":[]}`)).toEqual([])
    expect(parseRangeFile('UPLOAD.JSON', '[]')).toEqual([])
    expect(parseRangeFile('upload', 'prefix,pool,region\n10.0.0.0/8,a,b')).toHaveLength(1)
  })

  it('accepts a UTF-8 byte order mark before JSON', () => {
    // was: "the file is not valid JSON: Unexpected token '\uFEFF'"
    expect(parseRangeFile('r.json', '\uFEFF' + JSON.stringify([item]))).toEqual([{ at: 1, input: item }])
    expect(parseRangeFile('upload', '\uFEFF' + JSON.stringify({ ranges: [item] }))).toEqual([{ at: 1, input: item }])
  })

  it('refuses invalid JSON with the parser message', () => {
    const e = caught(() => parseRangeFile('r.json', '[{"prefix": }]'))
    expect(e.code).toBe('validation_failed')
    expect(e.message).toMatch(/^the file is not valid JSON: /)
  })

  it.each(['{}', '{"ranges": {}}', 'null', '"text"', '42', '{"items": []}'])('refuses a document that is not a list of ranges: %s', (text) => {
    expect(caught(() => parseRangeFile('r.json', text)).message).toMatch(/array of ranges or \{ "ranges": \[\.\.\.\] \}/)
  })

  it.each(['null', '1', '"10.0.0.0/8"', 'false'])('refuses a non-object item with its number: %s', (bad) => {
    const e = caught(() => parseRangeFile('r.json', `[${JSON.stringify(item)}, ${bad}]`))
    expect(e.message).toMatch(/^item 2: each range must be an object/)
  })

  it.each([
    ['prefix', 3232235520, 'number'],
    ['pool', 7, 'number'],
    ['region', ['eu'], 'array'],
    ['label', 5, 'number'],
    ['label', { text: 'x' }, 'object'],
    ['activeFrom', 0, 'number'],
    ['activeFrom', 1_800_000_000_000, 'number'],
    ['retireAt', true, 'boolean'],
  ])('refuses a non-string %s (%j) with the item number and field', (field, value, type) => {
    // was: label 5 crashed normaliseRange with a TypeError; activeFrom 0 silently meant "now"
    const e = caught(() => parseRangeFile('r.json', JSON.stringify([item, { ...item, [field]: value }])))
    expect(e.code).toBe('validation_failed')
    expect(e.field).toBe(field)
    expect(e.message).toBe(`item 2: ${field} must be a string, got ${type}`)
  })

  it('allows null or missing optional fields', () => {
    const rows = parseRangeFile('r.json', JSON.stringify([{ prefix: '10.0.0.0/8', pool: 'a', region: 'b', label: null, activeFrom: null }]))
    expect(rows).toHaveLength(1)
  })
})

describe('unknown CSV columns', () => {
  it('are refused with the column named, so a typo cannot silently drop dates', async () => {
    const { parseRangeFile } = await import('../../src/domain/range-import.js')
    expect(() => parseRangeFile('r.csv', 'prefix,pool,region,retire-at\n192.0.2.0/24,p,r,2027-01-01T00:00:00Z\n')).toThrow(/unknown column 'retire-at'/)
  })
})
