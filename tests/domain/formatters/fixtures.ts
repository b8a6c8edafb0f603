/**
 * @module tests/domain/formatters/fixtures
 * Inputs shared by the formatter tests: the small golden list, generated large lists that
 * no tool merges (prefixes are neither overlapping nor adjacent, so auto-merge and
 * aggregation leave the count alone), and hostile comments.
 */
import { formatIp } from '../../../src/domain/cidr.js'
import {
  NO_SNIPPET_FILTER,
  type SnippetEntry,
  type SnippetFamily,
  type SnippetInput,
} from '../../../src/domain/formatters/formatter.js'

export const FEED = {
  url: 'https://scangate.example/v1/feed.json',
  serial: 42,
  createdAt: '2024-05-01T12:00:00Z',
  sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  rulesUrl: 'https://scangate.example/v1/rules',
}

/** FEED for a version holding exactly these entries (an unfiltered render). */
function feedOf(
  ipv4: readonly SnippetEntry[],
  ipv6: readonly SnippetEntry[],
): SnippetInput['feed'] {
  return { ...FEED, counts: { ipv4: ipv4.length, ipv6: ipv6.length } }
}

/** Every injected line starts with this marker, so a leak shows up as a line starting with it. */
export const MARK = 'INJECTED'
/** Replaced by the validator tests with a real path; a created file means shell injection. */
export const CANARY = '__CANARY__'

export const HOSTILE_COMMENTS: readonly string[] = [
  `"; touch ${CANARY}; echo "`,
  `'; touch ${CANARY}; echo '`,
  `line one\n${MARK} -A INPUT -j ACCEPT`,
  `carriage\r${MARK}\r\n${MARK} allow all;`,
  `} ${MARK} ] ) */ --> <!-- ;; # // -- '`,
  `\`touch ${CANARY}\` $(touch ${CANARY}) \${IFS} $HOME %s %n`,
  `ends in a continuation \\\n${MARK} Require all granted`,
  `nul\u0000${MARK}\u2028${MARK}\u2029${MARK}\u0085${MARK}\u000b${MARK}\u000c${MARK}`,
  'x'.repeat(10_240),
  'unicode: Zürich 日本 😀 \ud800 lone surrogate \u202e reversed',
  `\nEOF\n${MARK} heredoc end`,
  `\nJSON\n${MARK} heredoc end`,
  `]}\n{"${MARK}": 1}`,
  `? help end next exit quit ${MARK}`,
  `\\`,
]

export function hostileAt(i: number): string {
  return HOSTILE_COMMENTS[i % HOSTILE_COMMENTS.length] ?? ''
}

/** 192.0.2.0/24, 198.51.100.0/25 and 2001:db8:1000::/36, one entry with a hostile comment. */
export function goldenInput(name: string): SnippetInput {
  const ipv4 = [
    { prefix: '192.0.2.0/24', comment: 'primary scanners (EU)' },
    { prefix: '198.51.100.0/25', comment: `secondary "pool"; rm -rf / #\n${MARK} -j ACCEPT` },
  ]
  const ipv6 = [{ prefix: '2001:db8:1000::/36', comment: null }]
  return {
    feed: feedOf(ipv4, ipv6),
    filter: NO_SNIPPET_FILTER,
    ipv4,
    ipv6,
    name,
    maxEntries: undefined,
  }
}

/**
 * What the route renders for `family=<family>` out of `input`'s version: the other
 * family's entries are gone, the version's counts stay.
 */
export function familyOnly(input: SnippetInput, family: SnippetFamily): SnippetInput {
  return {
    ...input,
    filter: { ...input.filter, family },
    ipv4: family === 'ipv4' ? input.ipv4 : [],
    ipv6: family === 'ipv6' ? input.ipv6 : [],
  }
}

/** What the route renders for a pool filter that keeps `ipv4` and `ipv6` of `input`'s version. */
export function subsetOf(
  input: SnippetInput,
  subset: string,
  ipv4: SnippetEntry[],
  ipv6: SnippetEntry[],
): SnippetInput {
  return { ...input, filter: { ...input.filter, subset }, ipv4, ipv6 }
}

const V4_LENGTHS = [24, 25, 26, 32]
const V6_LENGTHS = [56, 60, 64, 128]

/** n IPv4 blocks inside 10.0.0.0/8, one per 512 addresses, so no two touch. */
export function ipv4List(
  n: number,
  comment: (i: number) => string | null = () => null,
): SnippetEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    prefix: `${formatIp('ipv4', 0x0a00_0000n + BigInt(i) * 512n)}/${V4_LENGTHS[i % 4]}`,
    comment: comment(i),
  }))
}

/** n IPv6 blocks inside 2001:db8::/32, one per 2^73 addresses, so no two touch. */
export function ipv6List(
  n: number,
  comment: (i: number) => string | null = () => null,
): SnippetEntry[] {
  const base = 0x2001_0db8n << 96n
  return Array.from({ length: n }, (_, i) => ({
    prefix: `${formatIp('ipv6', base + (BigInt(i) << 73n))}/${V6_LENGTHS[i % 4]}`,
    comment: comment(i),
  }))
}

export function makeInput(
  name: string,
  ipv4: SnippetEntry[],
  ipv6: SnippetEntry[],
  maxEntries?: number,
): SnippetInput {
  return { feed: feedOf(ipv4, ipv6), filter: NO_SNIPPET_FILTER, ipv4, ipv6, name, maxEntries }
}

/** Mixed data with ordinary comments on some entries. */
export function mixedInput(name: string, n = 40): SnippetInput {
  const note = (i: number) => (i % 3 === 0 ? `scanner pool ${i}` : null)
  return makeInput(name, ipv4List(n, note), ipv6List(Math.ceil(n / 2), note))
}

export function largeInput(name: string, perFamily = 10_000): SnippetInput {
  return makeInput(name, ipv4List(perFamily), ipv6List(perFamily))
}

export function hostileInput(name: string, n = HOSTILE_COMMENTS.length): SnippetInput {
  return makeInput(
    name,
    ipv4List(n, hostileAt),
    ipv6List(n, (i) => hostileAt(i + 3)),
  )
}
