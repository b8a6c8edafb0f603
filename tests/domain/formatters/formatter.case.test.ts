/**
 * @module tests/domain/formatters/formatter.case.test
 * The one contract every registered formatter must meet. Not run on its own (vitest
 * excludes `*.case.test.ts`); `contract.test.ts` calls it once per formatter.
 */
import { describe, expect, it } from 'vitest'
import type {
  Formatter,
  SnippetFamily,
  SnippetInput,
} from '../../../src/domain/formatters/formatter.js'
import { maxNameLength, resolveSnippetOptions } from '../../../src/domain/formatters/index.js'
import { countEntryLines } from './entry-lines.js'
import {
  FEED,
  MARK,
  familyOnly,
  hostileInput,
  ipv4List,
  ipv6List,
  largeInput,
  makeInput,
  mixedInput,
  subsetOf,
} from './fixtures.js'

/** Prefixes of the families this formatter renders. */
function claimed(f: Formatter, input: SnippetInput) {
  return f.families.flatMap((fam) => input[fam])
}

function networkText(prefix: string): string {
  return prefix.slice(0, prefix.indexOf('/'))
}

/** A valid custom name for this target, different from its default. */
function customName(f: Formatter): string {
  const candidates = ['scan-gate-x', 'scan_gate_x', 'scangatex', 'SG']
  const max = maxNameLength(f)
  const name = candidates.find((c) => c.length <= max && f.name.pattern.test(c))
  if (!name) throw new Error(`no custom name fits ${f.id}`)
  return name
}

/** The first lines, where the feed metadata must be (after an optional shebang). */
function headerOf(out: string): string {
  return out.split('\n').slice(0, 10).join('\n')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The object names in `names` that `out` mentions as whole words (`a-v4` does not mention
 * `a`). The file's own name is not an object (`ASV-SCANNERS.cfg` holds the IPv6 ACL
 * `ASV-SCANNERS-V6` when filtered to IPv6); pass it as `file` to leave it out.
 */
function mentioned(out: string, names: Iterable<string>, file?: string): string[] {
  const text = file === undefined ? out : out.replaceAll(file, '')
  const word = '[A-Za-z0-9_-]'
  return [...new Set(names)].filter((n) =>
    new RegExp(`(?<!${word})${escapeRegExp(n)}(?!${word})`).test(text),
  )
}

const OTHER: Record<SnippetFamily, SnippetFamily> = { ipv4: 'ipv6', ipv6: 'ipv4' }

function expectBalanced(out: string): void {
  for (const [open, close] of [
    ['{', '}'],
    ['[', ']'],
    ['(', ')'],
  ] as const) {
    expect(out.split(open).length, `${open} vs ${close}`).toBe(out.split(close).length)
  }
}

/** Each `<<'X'` heredoc has exactly one terminator line, and nothing else equals it. */
function expectHeredocsIntact(out: string): void {
  const lines = out.split('\n')
  for (const delim of new Set([...out.matchAll(/<<'([A-Z]+)'/g)].map((m) => m[1] ?? ''))) {
    const openers = lines.filter((l) => l.includes(`<<'${delim}'`)).length
    expect(lines.filter((l) => l === delim).length).toBe(openers)
  }
}

function expectSane(f: Formatter, input: SnippetInput, out: string): void {
  expect(countEntryLines(f.id, out)).toBe(claimed(f, input).length)
  expect(out).not.toMatch(/undefined|NaN|\[object |\r|\u0000|\u2028|\u2029|\u0085/)
  if (out !== '') expect(out.endsWith('\n')).toBe(true)
  for (const line of out.split('\n')) expect(line.trimStart().startsWith(MARK)).toBe(false)
  expectHeredocsIntact(out)
}

export function runFormatterContract(f: Formatter): void {
  const name = f.name.default
  const render = (input: SnippetInput) => f.render(input)

  describe(`formatter ${f.id}`, () => {
    it('describes itself consistently', () => {
      expect(f.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
      expect(f.title.length).toBeGreaterThan(0)
      expect(f.extension).toMatch(/^[a-z0-9]+$/)
      expect(['text/plain; charset=utf-8', 'application/json', 'application/yaml']).toContain(
        f.contentType,
      )
      expect(f.families.length).toBeGreaterThan(0)
      expect(new Set(f.families).size).toBe(f.families.length)
      for (const fam of f.families) expect(['ipv4', 'ipv6']).toContain(fam)
      expect(f.applyHint).not.toMatch(/\n/)
      expect(f.name.default.length).toBeLessThanOrEqual(maxNameLength(f))
      expect(f.name.pattern.test(f.name.default)).toBe(true)
      // A global regex keeps lastIndex between test() calls and would pass every other name.
      expect(f.name.pattern.global || f.name.pattern.sticky).toBe(false)
      if (f.maxEntries) {
        expect(f.maxEntries.max).toBeGreaterThan(0)
        expect(f.maxEntries.default ?? f.maxEntries.max).toBeLessThanOrEqual(f.maxEntries.max)
      }
    })

    it('renders mixed input with every claimed entry and nothing else', () => {
      const input = mixedInput(name)
      const out = render(input)
      expectSane(f, input, out)
      expectBalanced(out)
      for (const e of claimed(f, input)) expect(out).toContain(networkText(e.prefix))
      if (!f.families.includes('ipv6')) expect(out).not.toContain('2001:db8')
      if (!f.families.includes('ipv4')) expect(out).not.toMatch(/\b10\.0\.\d+\.\d+/)
    })

    it('starts with the feed metadata', () => {
      const input = mixedInput(name)
      const out = render(input)
      const total = claimed(f, input).length
      const head = headerOf(out)
      expect(head).toContain(String(FEED.serial))
      expect(head).toContain(FEED.sha256)
      expect(head).toContain(FEED.createdAt)
      expect(head).toContain(FEED.url)
      if (f.headerPlacement === 'lines') {
        const version = input.ipv4.length + input.ipv6.length
        expect(head).toMatch(new RegExp(`Version: ${version} entries \\(`))
        expect(head).toMatch(new RegExp(`In file: ${total}\\b`))
        expect(out).toMatch(/\n. Apply:\n/)
      } else {
        expect(out.split('\n')[0]).toContain(`entries ${total}`)
      }
      if (f.headerPlacement === 'document') expect(() => JSON.parse(out)).not.toThrow()
    })

    it('names its download file in its own apply steps', () => {
      const input = mixedInput(name)
      const file = f.fileName(input)
      expect(file).toMatch(/^[A-Za-z0-9_.-]+$/)
      expect(file.endsWith(`.${f.extension}`)).toBe(true)
      if (f.headerPlacement === 'lines') expect(f.render(input)).toContain(file)
    })

    if (f.families.length === 2) {
      it('gives the full, IPv4-only and IPv6-only files different names', () => {
        const full = mixedInput(name)
        const files = [full, familyOnly(full, 'ipv4'), familyOnly(full, 'ipv6')].map((i) =>
          f.fileName(i),
        )
        expect(new Set(files).size).toBe(3)
      })

      for (const family of f.families) {
        const other = OTHER[family]
        it(`family=${family}: never mentions an object of ${other}`, () => {
          const full = mixedInput(name)
          const only = familyOnly(full, family)
          const out = render(only)
          expectSane(f, only, out)
          // The other family's objects, as the full and the other-family snippet name them.
          const theirs = [
            ...f.objectNames(full, other),
            ...f.objectNames(familyOnly(full, other), other),
          ]
          const forbidden = theirs.filter((n) => !f.objectNames(only, family).includes(n))
          expect(theirs.length).toBeGreaterThan(0)
          expect(mentioned(out, forbidden, f.fileName(only))).toEqual([])
          // The names a formatter declares must be the ones it writes.
          expect(mentioned(render(full), f.objectNames(full, other))).toEqual(
            [...new Set(f.objectNames(full, other))],
          )
          expect(mentioned(out, f.objectNames(only, family)).length).toBeGreaterThan(0)
          if (f.headerPlacement === 'lines') {
            expect(out).toContain(
              `No ${other === 'ipv4' ? 'IPv4' : 'IPv6'} here (family filter): this file creates, changes and removes no`,
            )
            expect(headerOf(out)).toContain('Version: 60 entries (40 IPv4, 20 IPv6)')
          }
        })

        it(`a pool filter that leaves only ${family} never mentions an object of ${other}`, () => {
          const full = mixedInput(name)
          const input = subsetOf(full, 'pool=edge', [], [])
          input[family] = full[family].slice(0, 5)
          const out = render(input)
          expectSane(f, input, out)
          const carried = f.objectNames(input, family)
          const forbidden = f.objectNames(input, other).filter((n) => !carried.includes(n))
          expect(mentioned(out, forbidden, f.fileName(input))).toEqual([])
          if (f.headerPlacement === 'lines') {
            expect(out).toMatch(/No IPv[46] here \(no IPv[46] entry matches the filter\)/)
            expect(out).toContain('Filter:  pool=edge')
          }
        })
      }
    }

    it('touches no object at all when it has no entries', () => {
      const full = mixedInput(name)
      const empty = makeInput(name, [], [])
      const out = render(empty)
      const objects = f.families.flatMap((fam) => f.objectNames(full, fam))
      expect(mentioned(out, objects)).toEqual([])
    })

    for (const [label, v4, v6] of [
      ['only IPv4', 6, 0],
      ['only IPv6', 0, 6],
      ['no entries at all', 0, 0],
    ] as const) {
      it(`renders valid output with ${label}`, () => {
        const input = makeInput(name, ipv4List(v4), ipv6List(v6))
        const out = render(input)
        expectSane(f, input, out)
        expectBalanced(out)
        if (f.headerPlacement === 'lines') {
          expect(out).toContain(FEED.sha256)
        } else if (f.headerPlacement === 'document') {
          // A document target stays a valid document, with its metadata, even when empty.
          expect(out).toContain(FEED.sha256)
          expect(() => JSON.parse(out)).not.toThrow()
        } else if (claimed(f, input).length === 0) {
          expect(out).toBe('')
        }
      })
    }

    it('renders 10 000 prefixes per family, or refuses naming the limit', () => {
      const input = largeInput(name)
      const cap = f.limits?.totalEntries?.max
      if (cap !== undefined && claimed(f, input).length > cap) {
        // Never truncated: a list over the product's total is a 400 that names the limit.
        expect(() => render(input)).toThrow(new RegExp(`more than ${cap}`))
        return
      }
      const started = performance.now()
      const out = render(input)
      expect(performance.now() - started).toBeLessThan(5000)
      expectSane(f, input, out)
    })

    it('is deterministic', () => {
      const a = render(hostileInput(name))
      const b = render(structuredClone(hostileInput(name)))
      expect(b).toBe(a)
    })

    it('keeps hostile comments inside their entry', () => {
      const input = hostileInput(name)
      const out = render(input)
      expectSane(f, input, out)
      // A comment ending in a backslash continues onto the next line in several syntaxes.
      for (const line of out.split('\n')) {
        if (line.endsWith('\\')) expect(line).not.toContain('#')
      }
    })

    it('uses the name option', () => {
      const custom = customName(f)
      const { name: resolved } = resolveSnippetOptions(f, { name: custom })
      const out = render(mixedInput(resolved))
      expect(out).toContain(custom)
      expect(out).not.toContain(f.name.default)
    })

    it('refuses names that could inject', () => {
      for (const bad of [
        'a b',
        'a;b',
        'a"b',
        "a'b",
        'a\nb',
        'a{b',
        'a/b',
        '-a',
        'é',
        'a'.repeat(300),
      ]) {
        expect(() => resolveSnippetOptions(f, { name: bad })).toThrow(/name must be/)
      }
    })

    if (f.maxEntries) {
      it('splits into numbered objects at max_entries', () => {
        const { maxEntries } = resolveSnippetOptions(f, { maxEntries: '10' })
        const input = makeInput(name, ipv4List(25), ipv6List(7), maxEntries)
        const out = render(input)
        expectSane(f, input, out)
        const object = (n: number) => new RegExp(`${name}(-[vV][46])?-${n}\\b`)
        for (const n of [1, 2, 3]) expect(out).toMatch(object(n))
        // Numbered objects, at most max_entries each: at least ⌈25 / 10⌉ for IPv4.
        const v4 = f.objectNames(input, 'ipv4').filter((n) => /-\d+$/.test(n))
        expect(v4.length).toBeGreaterThanOrEqual(3)
        expect(mentioned(out, v4)).toEqual(v4)
      })

      it('applies the default limit when max_entries is absent', () => {
        const { maxEntries } = resolveSnippetOptions(f, {})
        expect(maxEntries).toBe(f.maxEntries?.default ?? f.maxEntries?.max)
      })
    } else {
      it('rejects max_entries', () => {
        expect(() => resolveSnippetOptions(f, { maxEntries: '10' })).toThrow(/not supported/)
        expect(resolveSnippetOptions(f, {}).maxEntries).toBeUndefined()
      })
    }
  })
}
