/**
 * @module tests/helpers/fuzz-inputs
 * fast-check arbitraries for hostile HTTP input: request bodies derived from an OpenAPI
 * request schema (near-valid objects with one thing wrong, wrong types, invalid IPs and
 * dates, huge strings, deep nesting, duplicate keys, invalid UTF-8, wrong content types)
 * and path/query values. Near-valid matters: a body that is wrong everywhere only
 * exercises the first check, one that is right but for one field reaches the database.
 */
import fc from 'fast-check'
import type { JsonSchema, OpenApiDocument } from '../../src/http/routes/openapi.js'

/** One generated request body with the headers that go with it. */
export interface FuzzBody {
  kind: string
  contentType: string | null
  body: string | Uint8Array
  headers?: Record<string, string>
}

export const INVALID_IPS = [
  '010.0.0.1', '1.2.3.04', '1.2.3', '1.2', '1', '1.2.3.4.5', '256.1.1.1', '1.2.3.-1', '0x7f.0.0.1', '0177.0.0.1',
  '1.2.3.4/33', '1.2.3.4/-1', '1.2.3.4/', '1.2.3.4/ 24', '1.2.3.4/024', '::/129', '2001:db8::/64/64',
  'fe80::1%eth0', 'fe80::1%25eth0', '1::2::3', ':::', '::ffff:1.2.3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1',
  '::1.2.3.04', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4\n', '1.2.3.4\u0000', '١٢٣.١.١.١', '１.２.３.４', '1.2.3.4:80',
  '[::1]', '[::1]:443', 'localhost', '', ' ', '*', '0/0', '0.0.0.0/0', '::/0', '192.0.2.1-192.0.2.9', '192.0.2.0/24,198.51.100.0/24',
]

export const VALID_IPS = ['192.0.2.10', '198.51.100.7', '203.0.113.5', '2001:db8::1', '2001:db8:1000::42', '10.1.2.3', '::ffff:192.0.2.1']
export const VALID_CIDRS = ['192.0.2.0/24', '203.0.113.0/25', '2001:db8::/48', '10.0.0.0/8', '203.0.113.77/32']

export const BAD_DATES = [
  '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-01T25:00:00Z', '2026-11-01T23:60:00Z', '2026-11-01T23:59:60Z',
  '2026-11-01', '2026-11-01T00:00:00', '2026-11-01T00:00:00+24:00', '2026-11-01T00:00:00+05:99', '0000-00-00T00:00:00Z',
  '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '-000001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999999Z',
  'yesterday', 'now', 'Sat, 01 Nov 2026 00:00:00 GMT', '1793577600', '2026-W44-7', '2026-305', '20261101T000000Z',
  '2026-11-01T00:00:00.Z', '2026-11-01T00:00:00ZZ', '2026-11-01T00:00:00+0100', '2026-11-01 00:00:00z', '',
]

export const GOOD_DATES = ['2026-10-31T23:00:00Z', '2026-10-31T22:15:00+01:00', '2026-10-30T08:00:00.123Z', '2026-11-01T00:00:00Z']

/** Strings that break naive code: control characters, odd Unicode, markup, SQL, paths, big numbers. */
const WEIRD_STRINGS = [
  '\u0000', 'a\u0000b', '\u0007\u001b[31m', '\r\n\r\n', '\ud800', '\udfff\ud800', '\ufeff', '\u202e', 'é', 'e\u0301',
  '🏴‍☠️', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', "'; drop table reports; --", '" or 1=1 --', '<script>alert(1)</script>', '${7*7}', '{{7*7}}',
  '../../etc/passwd', '%00', '%', '%zz', 'null', 'undefined', 'NaN', 'Infinity', '-0', '1e309', '0x10', '9'.repeat(400),
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', ' ', '\t', 'a'.repeat(256), 'tcp', 'port-scan', 'x@y.z',
  'not an email', 'a@b', 'a@b..c', 'ops@example.test',
]

const CONTENT_TYPES_WRONG = [
  null, '', 'text/plain', 'text/html', 'application/xml', 'multipart/form-data; boundary=zzz', 'application/octet-stream',
  'application/json; charset=utf-16', 'application/json; charset=latin1', 'APPLICATION/JSON', 'application/json;;;',
  'application/problem+json', 'application/merge-patch+json', 'application/x-www-form-urlencoded', 'json', '*/*',
  'application/json, text/plain', 'a/b/c', ';', 'text/plain; charset=utf-8',
]

export const hugeString = fc.constantFrom(256 * 1024 - 3, 256 * 1024 + 1, 1024 * 1024, 5 * 1024 * 1024 + 1).map((n) => 'A'.repeat(n))

function deepArray(depth: number): unknown {
  let v: unknown = []
  for (let i = 0; i < depth; i++) v = [v]
  return v
}

function deepObject(depth: number): unknown {
  let v: unknown = {}
  for (let i = 0; i < depth; i++) v = { a: v }
  return v
}

/**
 * Values of the wrong kind for whatever field they replace. Objects and arrays are fresh
 * copies on every draw: `mutated` may write into a value it placed earlier, and a shared
 * constant written into would carry that change (or a cycle) into every later body.
 */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53 + 1, -(2 ** 63), 1e308, '', [], {}, [null], { '': '' }).map((v) => (typeof v === 'object' && v !== null ? structuredClone(v) : v)),
  fc.constantFrom(8, 64, 500, 2000).map((d) => (d % 3 === 0 ? deepObject(d) : deepArray(d))),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(...WEIRD_STRINGS, ...INVALID_IPS, ...BAD_DATES),
)

function resolve(schema: JsonSchema | undefined, doc: OpenApiDocument): JsonSchema {
  let s = schema ?? {}
  for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) {
    s = doc.components?.schemas?.[s.$ref.slice(s.$ref.lastIndexOf('/') + 1)] ?? {}
  }
  return s
}

type Mode = 'valid' | 'hostile'

/** Field-name heuristics: plausible values for `valid`, the ones most likely to break code for `hostile`. */
function stringFor(name: string, s: JsonSchema, mode: Mode = 'hostile'): fc.Arbitrary<string> {
  const examples = [s.example, ...(Array.isArray(s.examples) ? s.examples : [])].filter((e): e is string => typeof e === 'string')
  const enums = Array.isArray(s.enum) ? s.enum.filter((e): e is string => typeof e === 'string') : []
  const lower = name.toLowerCase()
  const isIp = /ip|address/.test(lower)
  const isCidr = !isIp && /prefix|target|cidr/.test(lower)
  const isDate = /(at|from|to|date|day|time|since|until)$/.test(lower) || /date|time/.test(lower)
  if (mode === 'valid') {
    if (enums.length) return fc.constantFrom(...enums)
    if (isIp) return fc.constantFrom(...VALID_IPS)
    if (isCidr) return fc.constantFrom(...VALID_CIDRS, ...VALID_IPS)
    if (isDate) return fc.constantFrom(...GOOD_DATES)
    if (/email/.test(lower)) return fc.constantFrom('abuse@example.test', 'soc+scans@example.org')
    const slug = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/)
    return examples.length ? fc.oneof(fc.constantFrom(...examples), slug) : slug
  }
  const generic = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...WEIRD_STRINGS))
  if (isIp || isCidr) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...INVALID_IPS) }, { weight: 1, arbitrary: generic })
  if (isDate) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...BAD_DATES) }, { weight: 1, arbitrary: generic })
  return fc.oneof({ weight: 2, arbitrary: generic }, { weight: 1, arbitrary: fc.string({ minLength: 3990, maxLength: 4010 }) })
}

/**
 * A value for `schema`. `valid`: plausible everywhere (it may still break a rule the schema
 * cannot express); `hostile`: any field may be replaced by a wrong or nasty value.
 */
export function valueFor(schema: JsonSchema | undefined, doc: OpenApiDocument, name = '', depth = 0, mode: Mode = 'hostile'): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc)
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined
  if (Array.isArray(alternatives) && alternatives.length) {
    return fc.oneof(...alternatives.map((a) => valueFor(a, doc, name, depth + 1, mode)))
  }
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : []
  const hostile = mode === 'hostile'
  let right: fc.Arbitrary<unknown>
  if (depth > 4) right = fc.constant(null)
  else if (types.includes('object') || s.properties) {
    const props = Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : [])
    const fields = Object.fromEntries(props.map(([k, p]) => [k, valueFor(p, doc, k, depth + 1, mode)]))
    const record = fc.record(fields, { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) })
    // hostile objects sometimes drop required keys or carry unknown ones
    right = hostile
      ? fc.oneof(
          { weight: 6, arbitrary: record },
          { weight: 1, arbitrary: fc.record(fields, { requiredKeys: [] }) },
          { weight: 1, arbitrary: fc.tuple(record, fc.dictionary(fc.string({ maxLength: 12 }), wrongValue, { maxKeys: 3 })).map(([r, extra]) => ({ ...extra, ...(r as object) })) },
        )
      : record
  } else if (types.includes('array')) {
    const item = valueFor(s.items as JsonSchema | undefined, doc, name, depth + 1, mode)
    const normal = fc.array(item, { minLength: 1, maxLength: 4 })
    right = hostile ? fc.oneof({ weight: 6, arbitrary: normal }, { weight: 1, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(item, { minLength: 51, maxLength: 2000 }) }) : normal
  } else if (types.includes('integer') || types.includes('number')) {
    right = hostile ? fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 65536, 2 ** 31, 2 ** 53 + 1)) : fc.oneof(fc.constantFrom(22, 80, 443, 3389), fc.integer({ min: 1, max: 65535 }))
  } else if (types.includes('boolean')) {
    right = fc.boolean()
  } else if (types.includes('string') || Array.isArray(s.enum)) {
    right = stringFor(name, s, mode)
  } else {
    right = hostile ? fc.jsonValue({ maxDepth: 2 }) : fc.constant('x')
  }
  if (types.includes('null')) right = fc.oneof(right, fc.constant(null))
  return hostile ? fc.oneof({ weight: 5, arbitrary: right }, { weight: 1, arbitrary: wrongValue }) : right
}

/**
 * Plausible bodies with 0–2 top-level fields made wrong (or removed): close enough to
 * valid that the deeper checks, and the database, see them.
 */
export function nearValid(schema: JsonSchema | undefined, doc: OpenApiDocument): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc)
  const props = Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)
  const valid = valueFor(schema, doc, '', 0, 'valid')
  if (props.length === 0) return valid
  const change = fc.tuple(
    fc.constantFrom(...props.map(([k]) => k)),
    fc.oneof({ weight: 4, arbitrary: fc.constant('hostile' as const) }, { weight: 1, arbitrary: fc.constant('remove' as const) }),
  ).chain(([key, how]) => (how === 'remove' ? fc.constant({ key, remove: true, value: undefined as unknown }) : valueFor(props.find(([k]) => k === key)![1], doc, key, 1, 'hostile').map((value) => ({ key, remove: false, value }))))
  return fc.tuple(valid, fc.array(change, { maxLength: 2 })).map(([v, changes]) => {
    const out = { ...(v as Record<string, unknown>) }
    for (const c of changes) {
      if (c.remove) delete out[c.key]
      else out[c.key] = c.value
    }
    return out
  })
}

const encoder = new TextEncoder()

/** Splices bytes that are not UTF-8 into the middle of a JSON text. */
const INVALID_UTF8: number[][] = [[0xff], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc3], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xff]]

function withInvalidUtf8(json: string, bytes: number[], at: number): Uint8Array {
  // inside the first string value if there is one, so the JSON is otherwise valid
  const quote = json.indexOf('"', Math.floor(at * json.length))
  const cut = quote >= 0 ? quote + 1 : json.length
  const head = encoder.encode(json.slice(0, cut))
  const tail = encoder.encode(json.slice(cut))
  const out = new Uint8Array(head.length + bytes.length + tail.length)
  out.set(head)
  out.set(bytes, head.length)
  out.set(tail, head.length + bytes.length)
  return out
}

/** Breaks a JSON object text in the ways parsers disagree about. */
function mangleJson(json: string, how: number, extra: string): string {
  switch (how) {
    case 0: return json.slice(0, Math.max(1, Math.floor(json.length / 2))) // truncated
    case 1: return json.replace(/^\{/, `{"${extra}":1,"${extra}":"dup",`).replace(/,\}$/, '}') // duplicate keys
    case 2: return json.replace(/\}$/, ',}') // trailing comma
    case 3: return `\ufeff${json}` // byte order mark
    case 4: return `/* ${extra} */ ${json}` // comment
    case 5: return json.replace(/:(\s*)"/, ':$1NaN, "x":"') // NaN literal
    case 6: return `${json}${json}` // two documents
    case 7: return json.replace(/"([^"]*)":/, '"$1\u0000":') // NUL in a key
    case 8: return json.replace(/^\{/, '{"__proto__":{"polluted":true},') .replace(/,\}$/, '}')
    default: return `${json} trailing garbage`
  }
}

type Path = (string | number)[]

function allPaths(node: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (at.length) out.push(at)
  if (Array.isArray(node)) node.forEach((v, i) => allPaths(v, [...at, i], out))
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) allPaths(v, [...at, k], out)
  return out
}

const REMOVE = Symbol('remove')

/** `document` with 1–3 of its values (leaves or whole subtrees) replaced by wrong ones or removed. */
export function mutated(document: unknown): fc.Arbitrary<unknown> {
  const paths = allPaths(document)
  if (paths.length === 0) return fc.constant(document)
  const replacement = fc.oneof({ weight: 4, arbitrary: wrongValue }, { weight: 1, arbitrary: fc.constant(REMOVE) })
  return fc.array(fc.tuple(fc.constantFrom(...paths), replacement), { minLength: 1, maxLength: 3 }).map((changes) => {
    const copy = structuredClone(document) as Record<string | number, unknown>
    for (const [path, value] of changes) {
      let parent: Record<string | number, unknown> | undefined = copy
      for (const key of path.slice(0, -1)) parent = parent?.[key] as Record<string | number, unknown> | undefined
      if (!parent || typeof parent !== 'object') continue
      const last = path[path.length - 1]!
      if (value === REMOVE) {
        if (Array.isArray(parent)) parent.splice(Number(last), 1)
        else delete parent[last]
      } else {
        // a copy: a later change of this list may lead into the value placed here
        parent[last] = structuredClone(value)
      }
    }
    return copy
  })
}

/** An object as a form body: arrays as repeated fields, objects as JSON text. */
function toForm(v: unknown): string {
  const form = new URLSearchParams()
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) {
      for (const item of Array.isArray(x) ? x : [x]) form.append(k, typeof item === 'string' ? item : JSON.stringify(item) ?? '')
    }
  }
  return form.toString()
}

/**
 * Bodies for an HTML form post: mostly the form's fields (from `schema`, near-valid) plus
 * `extra` fields the page itself put in the form; otherwise any hostile body.
 */
export function formBodyFor(schema: JsonSchema | undefined, doc: OpenApiDocument, extra: fc.Arbitrary<Record<string, string>>): fc.Arbitrary<FuzzBody> {
  const form = fc.tuple(nearValid(schema, doc), extra).map(([v, more]): FuzzBody => {
    const text = toForm(v)
    const tail = new URLSearchParams(more).toString()
    return { kind: 'near-valid form', contentType: 'application/x-www-form-urlencoded', body: text && tail ? `${text}&${tail}` : text || tail }
  })
  return fc.oneof({ weight: 3, arbitrary: form }, { weight: 1, arbitrary: bodyFor(schema, doc) })
}

export interface BodyOptions {
  /** The route also takes application/x-www-form-urlencoded. */
  form?: boolean
  /** Valid documents of other shapes the route takes (e.g. XARF), to mutate. */
  seeds?: unknown[]
}

/**
 * Request bodies for an operation whose JSON request schema is `schema`. Most are sent as
 * application/json; some as other media types (the route must refuse them with 4xx).
 */
export function bodyFor(schema: JsonSchema | undefined, doc: OpenApiDocument, opts: BodyOptions = {}): fc.Arbitrary<FuzzBody> {
  const value = valueFor(schema, doc)
  const json = (kind: string, v: fc.Arbitrary<unknown>) => v.map((x): FuzzBody => ({ kind, contentType: 'application/json', body: JSON.stringify(x) ?? 'null' }))
  const optional: fc.WeightedArbitrary<FuzzBody>[] = []
  if (opts.form) {
    optional.push({ weight: 4, arbitrary: nearValid(schema, doc).map((v): FuzzBody => ({ kind: 'near-valid form', contentType: 'application/x-www-form-urlencoded', body: toForm(v) })) })
  }
  if (opts.seeds?.length) {
    optional.push({ weight: 2, arbitrary: json('seed document', fc.constantFrom(...opts.seeds)) })
    optional.push({ weight: 6, arbitrary: json('mutated seed document', fc.constantFrom(...opts.seeds).chain(mutated)) })
  }
  return fc.oneof(
    ...optional,
    { weight: 10, arbitrary: json('near-valid JSON', nearValid(schema, doc)) },
    { weight: 4, arbitrary: json('hostile JSON', value) },
    { weight: 2, arbitrary: json('wrong JSON type', fc.oneof(wrongValue, fc.jsonValue())) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(value, fc.integer({ min: 0, max: 9 }), fc.constantFrom('sourceIps', 'prefix', 'target', 'force', 'status', 'x'))
        .map(([v, how, extra]): FuzzBody => ({ kind: 'malformed JSON', contentType: 'application/json', body: mangleJson(JSON.stringify(v) ?? '{}', how, extra) })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(1_000, 10_000, 100_000).map((n): FuzzBody => ({ kind: 'deep nesting', contentType: 'application/json', body: '['.repeat(n) + ']'.repeat(n) })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(value, fc.constantFrom(500, 5000), fc.constantFrom('description', 'sourceIps', 'evidence', 'note', 'diff', 'x')).map(([v, n, key]): FuzzBody => {
        const o: Record<string, unknown> = typeof v === 'object' && v && !Array.isArray(v) ? { ...v } : {}
        delete o[key]
        const text = JSON.stringify(o)
        const nest = `"${key}":${'['.repeat(n)}${']'.repeat(n)}`
        return { kind: 'deep nesting in a field', contentType: 'application/json', body: text === '{}' ? `{${nest}}` : `${text.slice(0, -1)},${nest}}` }
      }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(value, hugeString).map(([v, big]): FuzzBody => {
        const o = typeof v === 'object' && v && !Array.isArray(v) ? { ...v } : {}
        const key = Object.keys(o)[0] ?? 'description'
        return { kind: 'huge string', contentType: 'application/json', body: JSON.stringify({ ...o, [key]: big }) }
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(value, fc.constantFrom(...INVALID_UTF8), fc.double({ min: 0, max: 1, noNaN: true }))
        .map(([v, bytes, at]): FuzzBody => ({ kind: 'invalid UTF-8', contentType: 'application/json', body: withInvalidUtf8(JSON.stringify(v) ?? '{}', bytes, at) })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(value, fc.constantFrom(...CONTENT_TYPES_WRONG)).map(([v, ct]): FuzzBody => ({ kind: 'wrong content type', contentType: ct, body: JSON.stringify(v) ?? '' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...INVALID_IPS, ...BAD_DATES, '%E0%A4%A', '%%', '%zz', '%C0%AF')), { maxKeys: 8 }), fc.boolean())
        .map(([fields, raw]): FuzzBody => ({
          kind: 'form body',
          contentType: 'application/x-www-form-urlencoded',
          body: raw ? Object.entries(fields).map(([k, v]) => `${k}=${v}`).join('&') : new URLSearchParams(fields).toString(),
        })),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s): FuzzBody => ({ kind: 'random text', contentType: 'application/json', body: s })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b): FuzzBody => ({ kind: 'random bytes', contentType: 'application/json', body: b })) },
    { weight: 1, arbitrary: fc.constant<FuzzBody>({ kind: 'empty body', contentType: 'application/json', body: '' }) },
  )
}

/** Percent-encodes the UTF-8 of `s` (lone surrogates become U+FFFD, as a browser would send). */
export function percentEncode(s: string): string {
  let out = ''
  for (const b of encoder.encode(s)) {
    const ch = String.fromCharCode(b)
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** A path-parameter or query value: plausible, hostile, or badly percent-encoded. */
export function paramValue(name: string, schema: JsonSchema | undefined): fc.Arbitrary<{ raw: string; encode: boolean }> {
  const plain = fc.oneof(
    { weight: 3, arbitrary: stringFor(name, schema ?? {}) },
    { weight: 1, arbitrary: fc.constantFrom('0', '1', '01', '-1', '1e3', '1.5', '99999999999', '2147483648', '1.sig', 'ipv4', 'ipv6', '4', '6', 'true', 'false', 'TRUE', 'yes', 'announced,active', ',,,', 'a'.repeat(5000)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  )
  return fc.oneof(
    { weight: 4, arbitrary: plain.map((raw) => ({ raw, encode: true })) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', '%00', '%2e%2e', '..', '%2F', 'a%20b', '%25', '%u0041').map((raw) => ({ raw, encode: false })) },
  )
}
