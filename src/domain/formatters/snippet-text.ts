/**
 * @module domain/formatters/snippet-text
 * Small text helpers every formatter shares: line joining, family labels, chunking and the
 * IPv4 mask forms some device syntaxes want.
 */
import { ipv4Netmask, ipv4Wildcard, parseCidr } from '../cidr.js'
import type { Formatter, SnippetEntry, SnippetFamily, SnippetInput } from './formatter.js'

export const FAMILY_LABEL: Record<SnippetFamily, string> = { ipv4: 'IPv4', ipv6: 'IPv6' }

/** Short family tag used in object names, e.g. `asv-scanners-v4`. */
export const FAMILY_TAG: Record<SnippetFamily, string> = { ipv4: 'v4', ipv6: 'v6' }

/** Lines joined with LF and a final newline: every target reads that, and diffs stay clean. */
export function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}

/** The address part of a canonical CIDR, e.g. '192.0.2.0' for '192.0.2.0/24'. */
export function networkOf(prefix: string): string {
  const slash = prefix.indexOf('/')
  return slash === -1 ? prefix : prefix.slice(0, slash)
}

/** '192.0.2.0 255.255.255.0' for '192.0.2.0/24' (ASA, FortiOS). */
export function ipv4WithNetmask(prefix: string): string {
  return `${networkOf(prefix)} ${ipv4Netmask(parseCidr(prefix))}`
}

/** '192.0.2.0 0.0.0.255' for '192.0.2.0/24' (IOS ACLs). */
export function ipv4WithWildcard(prefix: string): string {
  return `${networkOf(prefix)} ${ipv4Wildcard(parseCidr(prefix))}`
}

/** Entry-limit chunk size for this render: the caller's, else the target's default. */
export function chunkSize(f: Formatter, input: SnippetInput): number {
  const limit = f.maxEntries
  if (!limit) return Number.POSITIVE_INFINITY
  const given = input.maxEntries
  const wanted =
    given !== undefined && Number.isFinite(given) ? given : (limit.default ?? limit.max)
  // Clamp rather than trust: render must never emit an object the target refuses, nor lose
  // entries to a nonsense chunk size.
  return Math.min(Math.max(1, Math.floor(wanted)), limit.max)
}

/** Consecutive slices of at most `size`; an empty list gives no chunks. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  const step = Number.isFinite(size) ? size : Math.max(items.length, 1)
  for (let i = 0; i < items.length; i += step) out.push(items.slice(i, i + step))
  return out
}

/** Numbered object name for chunk `index` (0-based): `<base>-1`, `<base>-2`, … */
export function chunkName(base: string, index: number): string {
  return `${base}-${index + 1}`
}

/** One object to create: `name` is `<base>-v4-<n>` / `<base>-v6-<n>`. */
export interface ChunkPlan {
  family: SnippetFamily
  part: SnippetEntry[]
  name: string
}

/**
 * The objects a target with a size limit needs: per family, consecutive chunks of at most
 * `size` (the formatter's chunk size unless given). A family without entries gets no object.
 */
export function chunkPlan(
  f: Formatter,
  input: SnippetInput,
  families: readonly SnippetFamily[],
  size: number = chunkSize(f, input),
): ChunkPlan[] {
  return families.flatMap((family) =>
    chunks(input[family], size).map((part, i) => ({
      family,
      part,
      name: chunkName(`${input.name}-${FAMILY_TAG[family]}`, i),
    })),
  )
}

/** Both families in feed order, IPv4 first, for targets that mix them. */
export function allEntries(
  input: SnippetInput,
  families: readonly SnippetFamily[],
): SnippetEntry[] {
  return families.flatMap((f) => input[f])
}

/** '1 entry', '2 entries': headers are read by people. */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}
