/**
 * @module domain/feed-filter
 * The filters every feed rendering accepts (`family`, `pool`, `region`, `status`,
 * `aggregate`), their parsing from query strings, and their application to a version.
 */
import { aggregateCidrs, parseCidr, type Family } from './cidr.js'
import { DomainError } from './errors.js'
import type { FeedEntry, FeedLists } from './feed-version.js'
import type { SnippetFilter } from './formatters/formatter.js'
import { PUBLISHED_STATUSES, type PublishedStatus } from './range-lifecycle.js'

export interface FeedFilter {
  family: Family | null
  pools: string[] | null
  regions: string[] | null
  statuses: PublishedStatus[] | null
  aggregate: boolean
}

/** An aggregated entry: metadata cannot survive merging, so only the prefix remains. */
export interface AggregatedEntry {
  prefix: string
}

export type FilteredLists =
  | { aggregated: false; ipv4: FeedEntry[]; ipv6: FeedEntry[] }
  | { aggregated: true; ipv4: AggregatedEntry[]; ipv6: AggregatedEntry[] }

export const NO_FILTER: FeedFilter = {
  family: null,
  pools: null,
  regions: null,
  statuses: null,
  aggregate: false,
}

/** Slug rule shared by pools and regions (and by the catalogue when they are created). */
export const SLUG = /^[a-z0-9][a-z0-9._-]{0,62}$/

function list(raw: string | undefined, field: string, check: (v: string) => boolean, hint: string) {
  if (raw === undefined || raw === '') return null
  const values = [...new Set(raw.split(',').map((v) => v.trim()).filter(Boolean))].sort()
  for (const v of values) {
    if (!check(v)) {
      throw new DomainError('invalid_option', `${field}: '${v.slice(0, 64)}' is not valid; ${hint}`, { field })
    }
  }
  return values.length ? values : null
}

/** Parses the query-string form of the filters; unknown values are 400s, not silently ignored. */
export function parseFeedFilter(query: Record<string, string | undefined>): FeedFilter {
  const family = query.family
  let fam: Family | null = null
  if (family !== undefined && family !== '') {
    // people write IPv4 / IPV6 as often as ipv4
    const f = family.toLowerCase()
    if (f === 'ipv4' || f === '4') fam = 'ipv4'
    else if (f === 'ipv6' || f === '6') fam = 'ipv6'
    else throw new DomainError('invalid_option', `family must be ipv4 or ipv6, got '${family.slice(0, 32)}'`, { field: 'family' })
  }
  const agg = query.aggregate
  let aggregate = false
  if (agg !== undefined && agg !== '') {
    if (agg === 'true' || agg === '1') aggregate = true
    else if (agg !== 'false' && agg !== '0') {
      throw new DomainError('invalid_option', `aggregate must be true or false, got '${agg.slice(0, 32)}'`, { field: 'aggregate' })
    }
  }
  const slugHint = 'use lower-case letters, digits, dot, dash or underscore (comma-separate several)'
  return {
    family: fam,
    pools: list(query.pool, 'pool', (v) => SLUG.test(v), slugHint),
    regions: list(query.region, 'region', (v) => SLUG.test(v), slugHint),
    statuses: list(
      query.status,
      'status',
      (v) => (PUBLISHED_STATUSES as readonly string[]).includes(v),
      `use ${PUBLISHED_STATUSES.join(', ')} (retired ranges are not published)`,
    ) as PublishedStatus[] | null,
    aggregate,
  }
}

/** A stable cache key for a filter: equal filters give equal keys whatever the query order. */
export function feedFilterKey(f: FeedFilter): string {
  return [
    f.family ?? '*',
    f.pools?.join(',') ?? '*',
    f.regions?.join(',') ?? '*',
    f.statuses?.join(',') ?? '*',
    f.aggregate ? 'agg' : 'all',
  ].join('|')
}

export function isUnfiltered(f: FeedFilter): boolean {
  return feedFilterKey(f) === feedFilterKey(NO_FILTER)
}

/** Applies a filter to a version's lists; with `aggregate`, merges per family after filtering. */
export function applyFeedFilter(lists: FeedLists, f: FeedFilter): FilteredLists {
  const keep = (e: FeedEntry) =>
    (!f.pools || f.pools.includes(e.pool)) &&
    (!f.regions || f.regions.includes(e.region)) &&
    (!f.statuses || f.statuses.includes(e.status))
  const ipv4 = f.family === 'ipv6' ? [] : lists.ipv4.filter(keep)
  const ipv6 = f.family === 'ipv4' ? [] : lists.ipv6.filter(keep)
  if (!f.aggregate) return { aggregated: false, ipv4, ipv6 }
  const merge = (entries: FeedEntry[]) =>
    aggregateCidrs(entries.map((e) => parseCidr(e.prefix))).map((c) => ({ prefix: c.text }))
  return { aggregated: true, ipv4: merge(ipv4), ipv6: merge(ipv6) }
}

/**
 * The pool / region / status part of a filter in query words, e.g. 'pool=a,b status=active',
 * or null when none is set. Snippet headers show it: those filters pick a subset of both
 * families, unlike `family`, which picks one.
 */
function describeSubset(f: FeedFilter): string | null {
  const parts: string[] = []
  if (f.pools) parts.push(`pool=${f.pools.join(',')}`)
  if (f.regions) parts.push(`region=${f.regions.join(',')}`)
  if (f.statuses) parts.push(`status=${f.statuses.join(',')}`)
  return parts.length === 0 ? null : parts.join(' ')
}

/** What a snippet formatter needs to know of the filter (names, header lines). */
export function snippetFilterOf(f: FeedFilter): SnippetFilter {
  return { family: f.family, subset: describeSubset(f), aggregated: f.aggregate }
}

/** One-line description for comments in snippets (pool, region, label). */
export function entryComment(e: FeedEntry | AggregatedEntry): string | null {
  if (!('pool' in e)) return null
  return [e.pool, e.region, e.label].filter(Boolean).join(' ')
}
