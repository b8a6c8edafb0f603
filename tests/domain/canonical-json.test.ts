/** @module tests/domain/canonical-json */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/domain/canonical-json.js'

/**
 * The key lists of every object in `text`, in the order the text writes them. JSON.parse
 * cannot tell: the objects it builds put integer-like keys first whatever the text says.
 * Strings are skipped with a regex; everything else only needs brace/bracket tracking.
 */
function keyOrders(text: string): string[][] {
  const token = /"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^{}[\]:,"]+/g
  const stack: (string[] | null)[] = []
  const out: string[][] = []
  let last = ''
  for (const [t] of text.matchAll(token)) {
    if (t === '{') stack.push([])
    else if (t === '[') stack.push(null)
    else if (t === '}') out.push(stack.pop() ?? [])
    else if (t === ']') stack.pop()
    else if (t === ':') stack[stack.length - 1]?.push(JSON.parse(last) as string)
    last = t
  }
  return out
}

/** The implementation the first published versions were hashed with (kept as a reference). */
function sortKeysAsBefore(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysAsBefore)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) out[key] = sortKeysAsBefore((value as Record<string, unknown>)[key])
    return out
  }
  return value
}

describe('keyOrders (test helper)', () => {
  it('reads keys in text order, including integer-like ones and keys inside strings', () => {
    expect(keyOrders('{"b":{"9":1,"10":[{"x:":"}"}]},"a":"{\\"q\\":1}"}')).toEqual([['x:'], ['9', '10'], ['b', 'a']])
  })
})

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves out whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}')
  })

  it('keeps array order', () => {
    expect(canonicalJson([3, 1, 2, { b: 0, a: 0 }])).toBe('[3,1,2,{"a":0,"b":0}]')
  })

  it('writes scalars like JSON.stringify', () => {
    for (const v of [null, true, false, 0, -1.5, 'text "quoted" \n ü 😀', '']) expect(canonicalJson(v)).toBe(JSON.stringify(v))
  })

  it('sorts keys by UTF-16 code unit, upper case before lower case', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, _: 4 })).toBe('{"B":2,"_":4,"a":3,"b":1}')
  })

  it('sorts integer-like keys as text too', () => {
    // was: '{"9":6,"10":5,…}' and '{"0":null,"":false}': objects enumerate integer-like
    // keys first, in numeric order, whatever order they were inserted in
    expect(canonicalJson({ b: 1, '10': 5, '9': 6, a: 0 })).toBe('{"10":5,"9":6,"a":0,"b":1}')
    expect(canonicalJson({ '0': null, '': false })).toBe('{"":false,"0":null}')
  })

  it('keeps a "__proto__" key from parsed JSON', () => {
    // was: '{"b":2}' (assigning __proto__ set the prototype of the copy instead)
    expect(canonicalJson(JSON.parse('{"b":2,"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1},"b":2}')
  })

  it('honours toJSON like JSON.stringify (a Date is its ISO string)', () => {
    // was: '{"at":{}}'
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}')
  })

  it('turns undefined and functions into null inside arrays, like JSON.stringify', () => {
    expect(canonicalJson([undefined, () => 1, 1])).toBe('[null,null,1]')
    expect(canonicalJson(undefined)).toBe(JSON.stringify(undefined))
  })

  it('drops undefined properties like JSON.stringify does', () => {
    expect(canonicalJson({ b: undefined, a: 1 })).toBe('{"a":1}')
  })

  it('does not change its input', () => {
    const v = { b: { d: 1, c: 2 }, a: [{ y: 1, x: 2 }] }
    const copy = structuredClone(v)
    canonicalJson(v)
    expect(v).toEqual(copy)
    expect(Object.keys(v)).toEqual(['b', 'a'])
  })

  it('parses back to an equal value with sorted keys everywhere (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v)
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)))
        for (const keys of keyOrders(text)) expect(keys).toEqual([...keys].sort())
        expect(text).not.toMatch(/^\s|\s$/)
      }),
    )
  })

  it('is unchanged from the first implementation for feed-like data, so published hashes stay valid (property)', () => {
    const first = (value: unknown): string => JSON.stringify(sortKeysAsBefore(value))
    const entry = fc.record({
      prefix: fc.string(),
      pool: fc.string(),
      region: fc.string(),
      label: fc.string({ unit: 'binary', maxLength: 40 }),
      status: fc.constantFrom('announced', 'active', 'retiring'),
      activeFrom: fc.string(),
      retireAt: fc.option(fc.string()),
    })
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), fc.array(entry, { maxLength: 5 }), (ipv4, ipv6) => {
        expect(canonicalJson({ ipv4, ipv6 })).toBe(first({ ipv4, ipv6 }))
      }),
    )
  })

  it('is the same whatever the key insertion order (property)', () => {
    const entries = fc.uniqueArray(fc.tuple(fc.string(), fc.jsonValue()), { selector: ([k]) => k, maxLength: 8 })
    fc.assert(
      fc.property(entries, (es) => {
        const forward = Object.fromEntries(es)
        const backward = Object.fromEntries([...es].reverse())
        expect(canonicalJson(backward)).toBe(canonicalJson(forward))
      }),
    )
  })
})
