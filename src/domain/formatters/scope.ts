/**
 * @module domain/formatters/scope
 * Which objects a render may touch. Every target keeps one rule: a snippet creates,
 * flushes, swaps or deletes only the objects whose entries it carries. A family without
 * entries in the file (left out by the family filter, matched by no pool / region / status,
 * or absent from the version) is not mentioned at all, so a snippet never empties what
 * another snippet filled: the common setup of an IPv4 job and an IPv6 job stays safe.
 *
 * Targets that keep both families in one object (a pf table, a NetworkPolicy, an nginx
 * include file) cannot leave half of it alone, so under a family filter that object gets a
 * name of its own (`scopedName`): the IPv4 snippet writes `asv-scanners-v4`, next to, not
 * over, the IPv6 one.
 */
import type { SnippetFamily, SnippetFilter, SnippetInput } from './formatter.js'

export type FamilyTags = Readonly<Record<SnippetFamily, string>>

export const DASH_TAGS: FamilyTags = { ipv4: '-v4', ipv6: '-v6' }
export const UNDERSCORE_TAGS: FamilyTags = { ipv4: '_v4', ipv6: '_v6' }
export const UPPER_TAGS: FamilyTags = { ipv4: '-V4', ipv6: '-V6' }

/** The target's families this file has entries of, in the target's order. */
export function carriedFamilies(
  input: Pick<SnippetInput, 'ipv4' | 'ipv6'>,
  families: readonly SnippetFamily[],
): SnippetFamily[] {
  return families.filter((f) => input[f].length > 0)
}

/**
 * `<name>`, or `<name><tag>` when a family filter narrows a target that has both families.
 * The name of an object holding both families, and of every downloaded file.
 */
export function scopedName(
  input: { name: string; filter: SnippetFilter },
  families: readonly SnippetFamily[],
  tags: FamilyTags = DASH_TAGS,
): string {
  const only = input.filter.family
  return only !== null && families.length > 1 && families.includes(only)
    ? `${input.name}${tags[only]}`
    : input.name
}

/** `<scopedName>.<extension>`: the file name most targets download and apply. */
export function scopedFileName(
  input: { name: string; filter: SnippetFilter },
  families: readonly SnippetFamily[],
  extension: string,
  tags: FamilyTags = DASH_TAGS,
): string {
  return `${scopedName(input, families, tags)}.${extension}`
}
