/**
 * @module tests/domain/formatters/validators/harness
 * What the validator test files share: the four data sets every tool must accept, a
 * scratch directory with a canary path for shell-injection checks, and rendering helpers.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, expect } from 'vitest'
import type { Formatter, SnippetInput } from '../../../../src/domain/formatters/formatter.js'
import { findFormatter } from '../../../../src/domain/formatters/index.js'
import { countEntryLines } from '../entry-lines.js'
import { CANARY, hostileInput, largeInput, makeInput, mixedInput } from '../fixtures.js'
import { tempDir } from './tools.js'

export type Dataset = [label: string, make: (name: string) => SnippetInput]

export interface Harness {
  datasets: Dataset[]
  /** Renders into a fresh directory and checks the entry count before any tool runs. */
  prepare(f: Formatter, input: SnippetInput, file: string): { dir: string; out: string }
  /** Fails if a hostile comment managed to run `touch <canary>`. */
  expectNoCanary(): void
  scratch: string
}

/**
 * Call once at the top of a test file. The scratch dir is created on first use, so a file
 * whose tests are all filtered out leaves nothing behind, and removed after the file.
 */
export function useHarness(label: string): Harness {
  let made: ReturnType<typeof tempDir> | undefined
  const root = (): string => (made ??= tempDir(label)).dir
  afterAll(() => made?.cleanup())
  const canary = (): string => join(root(), 'canary')
  const withCanary = (input: SnippetInput): SnippetInput => {
    const fix = (e: { prefix: string; comment: string | null }) => ({
      prefix: e.prefix,
      comment: e.comment?.replaceAll(CANARY, canary()) ?? null,
    })
    return { ...input, ipv4: input.ipv4.map(fix), ipv6: input.ipv6.map(fix) }
  }
  let n = 0
  return {
    get scratch() {
      return root()
    },
    datasets: [
      ['mixed data', (name) => mixedInput(name)],
      ['10 000 prefixes per family', (name) => largeInput(name)],
      ['hostile comments', (name) => withCanary(hostileInput(name))],
      ['no entries', (name) => makeInput(name, [], [])],
    ],
    prepare(f, input, file) {
      const dir = join(root(), `${f.id}-${++n}`)
      mkdirSync(dir)
      const out = f.render(input)
      writeFileSync(join(dir, file), out)
      expect(countEntryLines(f.id, out)).toBe(claimedCount(f, input))
      return { dir, out }
    },
    expectNoCanary() {
      expect(existsSync(canary()), 'a hostile comment reached a shell').toBe(false)
    },
  }
}

export function get(id: string): Formatter {
  const f = findFormatter(id)
  if (!f) throw new Error(`missing formatter ${id}`)
  return f
}

export function claimedCount(f: Formatter, input: SnippetInput): number {
  return f.families.reduce((n, fam) => n + input[fam].length, 0)
}

/** The shell commands the header tells people to run, for the given tools. */
export function applyCommands(out: string, tools: string[]): string[] {
  const lines = out.split('\n')
  const cmds: string[] = []
  for (const line of lines.slice(lines.indexOf('# Apply:') + 1)) {
    if (!line.startsWith('#')) break
    const text = line.replace(/^#\s*/, '')
    if (tools.some((t) => text.startsWith(`${t} `))) cmds.push(text)
  }
  return cmds
}

export function countMatches(text: string, re: RegExp): number {
  const flags = re.flags.includes('g') ? re.flags : `${re.flags}g`
  return [...text.matchAll(new RegExp(re.source, flags))].length
}

/** Shell function that appends its argv to $CALLS (fields 0x1f, records 0x1e). */
export const RECORDER = `record() { for a in "$@"; do printf '%s\\037' "$a"; done >> "$CALLS"; printf '\\036' >> "$CALLS"; }`

export function records(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split('\x1e')
    .filter(Boolean)
    .map((r) => r.split('\x1f').slice(0, -1))
}

/** Absolute path of a helper script next to this file. */
export function helper(file: string): string {
  return fileURLToPath(new URL(`./${file}`, import.meta.url))
}
