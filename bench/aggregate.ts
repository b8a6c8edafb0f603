/**
 * @module bench/aggregate
 * Benchmarks CIDR aggregation against Python's `ipaddress.collapse_addresses` on the same
 * 100 000 random IPv4 + IPv6 prefixes, and fails if the two disagree on the result.
 *
 * Run: `npx tsx bench/aggregate.ts` (needs `python3` on PATH).
 *
 * What is timed, on both sides alike: from the list of prefix strings already in memory
 * to the list of canonical output strings, i.e. parse every prefix, aggregate, format.
 * Reading the input file is not timed. Python cannot collapse mixed families, so its
 * timed region runs IPv4 and IPv6 one after the other; ours takes the mixed list at once.
 * The two sides alternate, one run each per round for ROUNDS rounds, so a noisy neighbour
 * on a shared machine slows both rather than whichever happened to run second. We report
 * medians; the first scangate run includes JIT warm-up, which the median keeps out of the
 * headline without hiding it (min and max are printed too). Python starts a fresh process
 * per round (it has no JIT to warm), and its start-up is not timed.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  aggregateCidrs,
  cidrFromBigint,
  familyBits,
  parseCidr,
  type Cidr,
  type Family,
} from '../src/domain/cidr.js'

const PREFIX_COUNT = 100_000
const IPV4_SHARE = 0.6
const ROUNDS = 7
const SEED = 0x5ca9_9a7e
const GOAL = 5

/** xorshift32: tiny, deterministic across runs and machines; quality is irrelevant here. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state / 2 ** 32
  }
}

/**
 * Prefixes clustered in pools, the way a scanning vendor's ranges are, so the input has
 * duplicates, nesting and mergeable neighbours (about half of it survives aggregation)
 * rather than 100 000 disjoint blocks or a handful of covering ones.
 */
function generatePrefixes(count: number, seed: number): string[] {
  const random = randomSource(seed)
  const int = (below: number): number => Math.floor(random() * below)
  const bits32 = (): bigint => BigInt(int(2 ** 32))
  // P(result ≥ k) = 2^-k: unscaled, each prefix length one shorter is half as likely.
  const exponential = (): number => -Math.log2(1 - random())
  const network = (family: Family, value: bigint, prefixLength: number): string => {
    const hostBits = BigInt(familyBits(family) - prefixLength)
    return cidrFromBigint(family, (value >> hostBits) << hostBits, prefixLength).text
  }
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    if (random() < IPV4_SHARE) {
      // 64 pools 10.N.0.0/16; lengths /20../32, mostly long
      const value = BigInt(0x0a00_0000 + int(64) * 2 ** 16 + int(2 ** 16))
      const prefixLength = 32 - Math.min(12, Math.floor(exponential() * 1.5))
      out.push(network('ipv4', value, prefixLength))
    } else {
      // 64 pools 2001:db8:N::/52 of 4096 /64s; lengths /48../64, mostly /64, 10 % /128
      const pool = (0x2001_0db8n << 96n) | (BigInt(int(64)) << 80n)
      const value = pool | (BigInt(int(2 ** 12)) << 64n) | (bits32() << 32n) | bits32()
      const prefixLength = random() < 0.1 ? 128 : 64 - Math.min(16, Math.floor(exponential()))
      out.push(network('ipv6', value, prefixLength))
    }
  }
  return out
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const at = (i: number): number => sorted[i] ?? Number.NaN
  return sorted.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2
}

interface Timing {
  ms: number
  output: string[]
}

function timeScangate(lines: readonly string[]): Timing & { parseMs: number } {
  const started = performance.now()
  const parsed: Cidr[] = lines.map((line) => parseCidr(line))
  const parsedAt = performance.now()
  const output = aggregateCidrs(parsed).map((c) => c.text)
  return { ms: performance.now() - started, parseMs: parsedAt - started, output }
}

// The timed region mirrors timeScangate: strings in memory → canonical output strings.
const PYTHON = `
import ipaddress, json, sys, time
with open(sys.argv[1]) as f:
    lines = f.read().split()
v4 = [s for s in lines if ':' not in s]
v6 = [s for s in lines if ':' in s]
started = time.perf_counter()
out = [str(n) for n in ipaddress.collapse_addresses(ipaddress.IPv4Network(s) for s in v4)]
out += [str(n) for n in ipaddress.collapse_addresses(ipaddress.IPv6Network(s) for s in v6)]
ms = (time.perf_counter() - started) * 1000
json.dump({'ms': ms, 'output': out, 'version': sys.version.split()[0]}, sys.stdout)
`

function timePython(path: string): Timing & { version: string } {
  const stdout = execFileSync('python3', ['-c', PYTHON, path], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  return JSON.parse(stdout) as Timing & { version: string }
}

/**
 * Python ≥ 3.13 writes IPv4-mapped IPv6 in mixed notation (::ffff:192.0.2.0/120); we
 * write hex. Only those strings are re-spelled, so any other formatting difference still
 * shows up as a mismatch.
 */
function normalisePython(text: string): string {
  return text.includes(':') && text.includes('.') ? parseCidr(text).text : text
}

function differences(ours: readonly string[], theirs: readonly string[]): string[] {
  const a = new Set(ours)
  const b = new Set(theirs)
  const onlyOurs = [...a].filter((s) => !b.has(s)).slice(0, 5)
  const onlyTheirs = [...b].filter((s) => !a.has(s)).slice(0, 5)
  return [
    ...onlyOurs.map((s) => `only scangate: ${s}`),
    ...onlyTheirs.map((s) => `only Python: ${s}`),
  ]
}

function formatMs(ms: number): string {
  return `${ms.toFixed(1)} ms`
}

function main(): number {
  const dir = mkdtempSync(join(tmpdir(), 'scangate-bench-'))
  try {
    const path = join(dir, 'prefixes.txt')
    writeFileSync(path, `${generatePrefixes(PREFIX_COUNT, SEED).join('\n')}\n`)
    const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line !== '')
    const ipv4Count = lines.filter((line) => !line.includes(':')).length

    const ours: ReturnType<typeof timeScangate>[] = []
    const pythons: ReturnType<typeof timePython>[] = []
    for (let round = 0; round < ROUNDS; round++) {
      ours.push(timeScangate(lines))
      pythons.push(timePython(path))
    }
    const ourOutput = ours[ours.length - 1]?.output ?? []
    const python = pythons[pythons.length - 1]
    const theirs = (python?.output ?? []).map(normalisePython)

    const ourTimes = ours.map((run) => run.ms)
    const pythonTimes = pythons.map((run) => run.ms)
    const ratio = median(pythonTimes) / median(ourTimes)
    const spread = (t: number[]): string => {
      const [low, high] = [formatMs(Math.min(...t)), formatMs(Math.max(...t))]
      return `median ${formatMs(median(t))} (min ${low}, max ${high})`
    }
    const report = [
      `machine:  ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}`,
      `runtimes: node ${process.version}, python ${python?.version ?? '?'}`,
      `input:    ${lines.length} prefixes (${ipv4Count} IPv4, ${lines.length - ipv4Count} IPv6)`,
      `output:   scangate ${ourOutput.length} prefixes, Python ${theirs.length} prefixes`,
      `scangate parse+aggregate: ${spread(ourTimes)} over ${ROUNDS} rounds`,
      `         of which parse:  ${spread(ours.map((run) => run.parseMs))}`,
      `Python   parse+collapse:  ${spread(pythonTimes)} over ${ROUNDS} rounds`,
      `scangate is ${ratio.toFixed(1)}× faster than Python`,
    ]
    for (const line of report) console.log(line)

    const same =
      ourOutput.length === theirs.length &&
      [...ourOutput].sort().join('\n') === [...theirs].sort().join('\n')
    if (!same) {
      console.error('OUTPUTS DIFFER')
      for (const line of differences(ourOutput, theirs)) console.error(`  ${line}`)
      return 1
    }
    console.log('outputs: identical sets of canonical prefixes')
    if (ratio < GOAL) console.warn(`warning: below the ${GOAL}× goal`)
    return 0
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

process.exitCode = main()
