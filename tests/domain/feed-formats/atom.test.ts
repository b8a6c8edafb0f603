/** @module tests/domain/feed-formats/atom */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { renderFeedAtom, xmlEscape } from '../../../src/domain/feed-formats/atom.js'
import type { VersionSummary } from '../../../src/domain/feed-formats/feed-meta.js'

// ---------------------------------------------------------------------------------------
// A small XML 1.0 well-formedness checker (Node has no DOMParser). It covers what the Atom
// renderer can produce: an XML declaration, elements with double- or single-quoted
// attributes, character data and the five predefined / numeric character references.
// Anything else (comments, CDATA, DOCTYPE, processing instructions) is reported as an
// error, so the checker can only be too strict, never too lenient.

const NAME = '[A-Za-z_:][A-Za-z0-9._:-]*'
const REFERENCE = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/
const ATTRIBUTE = new RegExp(`^\\s+(${NAME})\\s*=\\s*("[^"]*"|'[^']*')`)
const OPEN_START = new RegExp(`^<(${NAME})`)
const CLOSE_TAG = new RegExp(`^</(${NAME})\\s*>`)

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff)
}

/** Checks `&` is only used for references, and that no `<` appears. */
function checkCharData(text: string, where: string): string | null {
  if (text.includes('<')) return `raw "<" in ${where}`
  for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) {
    if (!REFERENCE.test(text.slice(i))) return `bare "&" in ${where}: ${JSON.stringify(text.slice(i, i + 12))}`
  }
  return null
}

/** Returns null when `xml` is well-formed, else a description of the first problem. */
function xmlProblem(xml: string): string | null {
  for (const ch of xml) {
    const cp = ch.codePointAt(0) ?? 0
    if (!isXmlChar(cp)) return `character U+${cp.toString(16).padStart(4, '0')} is not allowed in XML`
  }
  let rest = xml
  const decl = /^<\?xml\s+version="1\.0"(?:\s+encoding="[A-Za-z0-9._-]+")?\s*\?>/.exec(rest)
  if (decl) rest = rest.slice(decl[0].length)
  const stack: string[] = []
  let roots = 0
  while (rest.length > 0) {
    const lt = rest.indexOf('<')
    const text = lt === -1 ? rest : rest.slice(0, lt)
    if (text) {
      if (stack.length === 0 && text.trim() !== '') return `text outside the root element: ${JSON.stringify(text.slice(0, 20))}`
      const bad = checkCharData(text, 'character data')
      if (bad) return bad
      if (text.includes(']]>')) return '"]]>" in character data'
    }
    if (lt === -1) break
    rest = rest.slice(lt)
    const close = CLOSE_TAG.exec(rest)
    if (close) {
      const open = stack.pop()
      if (open !== close[1]) return `</${close[1]}> closes <${open ?? 'nothing'}>`
      rest = rest.slice(close[0].length)
      continue
    }
    const start = OPEN_START.exec(rest)
    if (!start) return `unexpected markup: ${JSON.stringify(rest.slice(0, 20))}`
    const name = start[1] ?? ''
    rest = rest.slice(start[0].length)
    const seen = new Set<string>()
    for (let attr = ATTRIBUTE.exec(rest); attr; attr = ATTRIBUTE.exec(rest)) {
      const [all, attrName = '', quoted = ''] = attr
      if (seen.has(attrName)) return `duplicate attribute ${attrName} on <${name}>`
      seen.add(attrName)
      const bad = checkCharData(quoted.slice(1, -1), `attribute ${attrName}`)
      if (bad) return bad
      rest = rest.slice(all.length)
    }
    const end = /^\s*(\/?)>/.exec(rest)
    if (!end) return `malformed start tag <${name}: ${JSON.stringify(rest.slice(0, 20))}`
    rest = rest.slice(end[0].length)
    if (stack.length === 0) roots++
    if (roots > 1) return `second root element <${name}>`
    if (end[1] !== '/') stack.push(name)
  }
  if (stack.length > 0) return `unclosed <${stack.join('> <')}>`
  if (roots !== 1) return 'no root element'
  return null
}

function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e] ?? '')
}

/** What a client receives: the renderer's text after UTF-8 encoding (see http/conditional). */
const onTheWire = (text: string) => new TextDecoder().decode(new TextEncoder().encode(text))

describe('the well-formedness checker itself', () => {
  it('accepts well-formed documents', () => {
    expect(xmlProblem('<?xml version="1.0" encoding="utf-8"?>\n<a x="1" y=\'&amp;\'><b/>t &lt; &#38; &#x26;<c></c></a>\n')).toBeNull()
  })

  it.each([
    ['<a><b></a></b>', /closes/],
    ['<a>', /unclosed/],
    ['<a/><b/>', /second root/],
    ['<a>x & y</a>', /bare "&"/],
    ['<a x="<"/>', /attribute/],
    ['<a x="1" x="2"/>', /duplicate/],
    ['<a x=1/>', /malformed/],
    ['<a>]]></a>', /]]>/],
    ['<a>\u0001</a>', /U\+0001/],
    ['<a>\ufffe</a>', /U\+fffe/],
    ['text<a/>', /outside/],
    ['<!-- c --><a/>', /unexpected/],
    ['', /no root/],
  ])('rejects %j', (xml, why) => {
    expect(xmlProblem(xml)).toMatch(why)
  })
})

// ---------------------------------------------------------------------------------------

const NO_CHANGES = { added: [], removed: [], changed: [] }

function version(serial: number, over: Partial<VersionSummary> = {}): VersionSummary {
  return {
    serial,
    createdAt: new Date(Date.UTC(2026, 10, serial)).toISOString(),
    sha256: String(serial).repeat(64).slice(0, 64),
    counts: { ipv4: 3, ipv6: 1 },
    changes: NO_CHANGES,
    ...over,
  }
}

const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom('<', '>', '&', '"', "'", ']]>', '<!--', '<![CDATA[', '&amp;', '</content>', '\u0000', '\u0008', '\u000b', '\u001f', '\ufffe', '\uffff', '\ud800', '\udc00', '\r', '\n', '\t', '→'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 30,
})

describe('xmlEscape', () => {
  it('escapes markup characters', () => {
    expect(xmlEscape(`<a href="x">&</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;')
  })

  it('escapes & first, so existing entities are not decoded', () => {
    expect(xmlEscape('&amp; &lt;')).toBe('&amp;amp; &amp;lt;')
  })

  it('drops characters XML cannot carry but keeps tab, LF and CR', () => {
    expect(xmlEscape('a\u0000b\u0008c\u000bd\u000ce\u001ff\ufffeg\uffffh')).toBe('abcdefgh')
    expect(xmlEscape('a\tb\nc\rd')).toBe('a\tb\nc\rd')
  })

  it('replaces lone surrogates before dropping controls, so two halves never join into a new character', () => {
    // found by the property test below: \ud800 \u001f \udc00 used to come out as U+10000
    expect(xmlEscape('\ud800\u001f\udc00')).toBe('\ufffd\ufffd')
    expect(xmlEscape('a\udc00b\ud800')).toBe('a\ufffdb\ufffd')
    expect(xmlEscape('\ud83d\ude00')).toBe('\ud83d\ude00')
  })

  it('gives well-formed text and attribute content that reads back as the input minus invalid characters (property)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const escaped = onTheWire(xmlEscape(s))
        expect(xmlProblem(`<a t="${escaped}">${escaped}</a>`)).toBeNull()
        const valid = [...onTheWire(s)].filter((c) => isXmlChar(c.codePointAt(0) ?? 0)).join('')
        expect(unescapeXml(escaped)).toBe(valid)
      }),
    )
  })
})

describe('renderFeedAtom', () => {
  it('renders a feed with one entry per version, newest first', () => {
    const xml = renderFeedAtom('https://ranges.example', [version(3), version(2), version(1)])
    expect(xmlProblem(xml)).toBeNull()
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">')).toBe(true)
    expect(xml.endsWith('</feed>\n')).toBe(true)
    expect(xml).toContain('<id>https://ranges.example/v1/feed.atom</id>')
    expect(xml).toContain('<link rel="self" href="https://ranges.example/v1/feed.atom"/>')
    const ids = [...xml.matchAll(/<entry>\s*<id>([^<]*)<\/id>/g)].map((m) => m[1])
    expect(ids).toEqual([3, 2, 1].map((n) => `https://ranges.example/v1/versions/${n}`))
  })

  it('uses the newest version as the feed updated time, and the epoch with no versions', () => {
    const updated = (xml: string) => /<feed[^>]*>[\s\S]*?<updated>([^<]*)<\/updated>/.exec(xml)?.[1]
    expect(updated(renderFeedAtom('https://x', [version(9), version(4)]))).toBe(version(9).createdAt)
    const empty = renderFeedAtom('https://x', [])
    expect(updated(empty)).toBe('1970-01-01T00:00:00.000Z')
    expect(empty).not.toContain('<entry>')
    expect(xmlProblem(empty)).toBeNull()
  })

  it('titles entries with the change counts and describes each change', () => {
    const v = version(5, {
      changes: {
        added: [{ prefix: '192.0.2.0/24', status: 'announced', activeFrom: '2026-12-01T00:00:00.000Z', retireAt: null }],
        removed: [{ prefix: '198.51.100.0/24', previousStatus: 'retiring', effective: '2026-11-01T00:00:00.000Z' }],
        changed: [
          { prefix: '2001:db8::/32', fields: { label: { from: 'a', to: 'b' }, retireAt: { from: null, to: '2027-01-01T00:00:00.000Z' } }, effective: '2027-01-01T00:00:00.000Z' },
        ],
      },
    })
    const xml = renderFeedAtom('https://x', [v])
    expect(xml).toContain('<title>Scanner ranges version 5: +1 −1 ~1</title>')
    const content = unescapeXml(/<content type="text">([\s\S]*?)<\/content>/.exec(xml)?.[1] ?? '')
    expect(content.split('\n')).toEqual([
      `Serial 5: 3 IPv4 and 1 IPv6 prefixes. SHA-256 ${v.sha256}.`,
      'Added 192.0.2.0/24 (announced, active from 2026-12-01T00:00:00.000Z).',
      'Changed 2001:db8::/32: label a → b, retireAt null → 2027-01-01T00:00:00.000Z (effective 2027-01-01T00:00:00.000Z).',
      'Removed 198.51.100.0/24 (effective 2026-11-01T00:00:00.000Z).',
    ])
  })

  it('stays well-formed with hostile labels and base URLs, and carries the labels intact (property)', () => {
    const changes = fc.array(fc.tuple(hostile, hostile), { maxLength: 3 }).map((pairs) => ({
      added: [],
      removed: [],
      changed: pairs.map(([from, to], i) => ({ prefix: `192.0.2.${i}/32`, fields: { label: { from, to } }, effective: '2026-11-01T00:00:00.000Z' })),
    }))
    const base = fc.tuple(fc.constantFrom('https://x.example', 'https://x.example/a?b=1&c=2'), hostile).map(([a, b]) => a + b)
    fc.assert(
      fc.property(base, fc.array(changes, { maxLength: 3 }), (baseUrl, perVersion) => {
        const versions = perVersion.map((c, i) => version(perVersion.length - i, { changes: c }))
        const xml = onTheWire(renderFeedAtom(baseUrl, versions))
        expect(xmlProblem(xml)).toBeNull()
        const contents = [...xml.matchAll(/<content type="text">([\s\S]*?)<\/content>/g)].map((m) => unescapeXml(m[1] ?? ''))
        expect(contents).toHaveLength(versions.length)
        const clean = (s: string) => [...onTheWire(s)].filter((c) => isXmlChar(c.codePointAt(0) ?? 0)).join('')
        versions.forEach((v, i) => {
          for (const ch of v.changes.changed) {
            const d = ch.fields.label
            expect(contents[i]).toContain(`label ${clean(String(d?.from))} → ${clean(String(d?.to))} (effective`)
          }
        })
      }),
    )
  })

  it('replaces a lone surrogate in a label with U+FFFD, in the string and on the wire', () => {
    const v = version(1, { changes: { added: [], removed: [], changed: [{ prefix: '192.0.2.0/24', fields: { label: { from: 'a\ud800', to: 'b' } }, effective: '2026-11-01T00:00:00.000Z' }] } })
    const xml = renderFeedAtom('https://x', [v])
    expect(xmlProblem(xml)).toBeNull()
    expect(xml).toContain('label a\ufffd → b')
    expect(xmlProblem(onTheWire(xml))).toBeNull()
    expect(onTheWire(xml)).toContain('label a\ufffd → b')
  })
})
