/**
 * @module bench/render
 * Renders 10 000 prefixes (5 000 IPv4 + 5 000 IPv6, a third with comments) with every
 * formatter and prints the median time and output size per target. Machines are noisy,
 * so each time is also given as a ratio to a reference measured in the same process:
 * JSON.stringify of the same entry list, the cheapest possible serialisation of it.
 *
 * Targets whose product takes fewer entries in total (azure-nsg: 4 000) refuse 10 000; they
 * are measured at their limit, half per family, and marked with '*'.
 *
 *   npx tsx bench/render.ts [runs]
 */
import { formatIp } from '../src/domain/cidr.js'
import type { SnippetEntry, SnippetInput } from '../src/domain/formatters/formatter.js'
import {
  NO_SNIPPET_FILTER,
  formatters,
  resolveSnippetOptions,
} from '../src/domain/formatters/index.js'

const RUNS = Number(process.argv[2] ?? 21)
const PER_FAMILY = 5000

function comment(i: number): string | null {
  return i % 3 === 0 ? `scanner pool ${i % 17} "eu-west"; owner: ops #${i}` : null
}

function entries(family: 'ipv4' | 'ipv6'): SnippetEntry[] {
  return Array.from({ length: PER_FAMILY }, (_, i) => {
    const value =
      family === 'ipv4'
        ? 0x0a00_0000n + BigInt(i) * 512n
        : (0x2001_0db8n << 96n) + (BigInt(i) << 73n)
    return {
      prefix: `${formatIp(family, value)}/${family === 'ipv4' ? 24 : 56}`,
      comment: comment(i),
    }
  })
}

const base: SnippetInput = {
  feed: {
    url: 'https://scangate.example/v1/feed.json',
    serial: 1234,
    createdAt: '2024-05-01T12:00:00Z',
    sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    counts: { ipv4: PER_FAMILY, ipv6: PER_FAMILY },
    rulesUrl: 'https://scangate.example/v1/rules',
  },
  filter: NO_SNIPPET_FILTER,
  ipv4: entries('ipv4'),
  ipv6: entries('ipv6'),
  name: '',
  maxEntries: undefined,
}

function median(fn: () => string): { ms: number; bytes: number } {
  let bytes = 0
  for (let i = 0; i < 3; i++) bytes = Buffer.byteLength(fn()) // warm-up
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    fn()
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return { ms: times[Math.floor(times.length / 2)] ?? 0, bytes }
}

const reference = median(() => JSON.stringify([...base.ipv4, ...base.ipv6]))
const rows = formatters.map((f) => {
  const opts = resolveSnippetOptions(f, {})
  const cap = f.limits?.totalEntries?.max ?? Number.POSITIVE_INFINITY
  const per = Math.min(PER_FAMILY, Math.floor(cap / 2))
  const input = { ...base, ipv4: base.ipv4.slice(0, per), ipv6: base.ipv6.slice(0, per), name: opts.name, maxEntries: opts.maxEntries }
  return { id: per < PER_FAMILY ? `${f.id}*` : f.id, ...median(() => f.render(input)) }
})

const pad = (s: string, n: number) => s.padEnd(n)
console.log(
  `10 000 prefixes (5 000 IPv4 + 5 000 IPv6), median of ${RUNS} runs, Node ${process.version}`,
)
console.log(
  `${pad('target', 20)} ${'ms'.padStart(8)} ${'bytes'.padStart(10)} ${'× ref'.padStart(7)}`,
)
for (const r of rows) {
  const ratio = r.ms / reference.ms
  console.log(
    `${pad(r.id, 20)} ${r.ms.toFixed(2).padStart(8)} ${String(r.bytes).padStart(10)} ${ratio.toFixed(1).padStart(7)}`,
  )
}
console.log(
  `${pad('reference: JSON', 20)} ${reference.ms.toFixed(2).padStart(8)} ${String(reference.bytes).padStart(10)} ${'1.0'.padStart(7)}`,
)
const goal = rows.filter((r) => r.ms > 25)
console.log(goal.length === 0 ? 'goal (every target ≤ 25 ms): met' : `goal (every target ≤ 25 ms): NOT met by ${goal.map((r) => r.id).join(', ')}`)
const slowest = rows.reduce((a, b) => (b.ms > a.ms ? b : a))
const biggest = rows.reduce((a, b) => (b.bytes > a.bytes ? b : a))
console.log(
  `slowest: ${slowest.id} ${slowest.ms.toFixed(2)} ms (${(slowest.ms / reference.ms).toFixed(1)}× reference); ` +
    `biggest: ${biggest.id} ${biggest.bytes} bytes`,
)
