/**
 * @module domain/catalogue-rules
 * Validation of catalogue ranges: input normalisation and overlap detection. Overlaps
 * are found with one sort and sweep, so importing thousands of ranges stays linear-ish.
 */
import { cidrLast, compareCidrs, parseCidr, type Cidr, type Family } from './cidr.js'
import { checkScannerAddressSpace } from './address-space.js'
import { DomainError } from './errors.js'
import { SLUG } from './feed-filter.js'

export const MAX_LABEL_LENGTH = 200

export interface RangeInput {
  prefix: string
  pool: string
  region: string
  label?: string | null
  activeFrom?: string | Date | null
  retireAt?: string | Date | null
}

export interface NormalisedRange {
  prefix: string
  family: Family
  pool: string
  region: string
  label: string
  activeFrom: Date
  retireAt: Date | null
}

/**
 * A date, or a date-time with an offset. A time without an offset is refused: `new Date`
 * reads it in the server's local zone, so the same input would mean different instants on
 * different hosts. The whole string must match: Date's fallback parser otherwise accepts
 * junk after the date ("2026-12-01junk 10:00" read as 12 June).
 */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2}))?$/

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

function toDate(v: string | Date, field: string): Date {
  const d = v instanceof Date ? v : new Date(v)
  const m = typeof v === 'string' ? ISO_DATE_TIME.exec(v) : null
  // Date rolls impossible days over ("2026-02-30" becomes 2 March), so check the calendar
  const badDay = m !== null && Number(m[3]) > daysInMonth(Number(m[1]), Number(m[2]))
  if (Number.isNaN(d.getTime()) || (typeof v === 'string' && m === null) || badDay) {
    throw new DomainError('validation_failed', `${field} must be an ISO-8601 date-time such as 2026-12-01T00:00:00Z (with Z or an offset such as +02:00), or a date such as 2026-12-01`, { field })
  }
  return d
}

export function checkSlug(value: string, field: string): string {
  if (!SLUG.test(value)) {
    throw new DomainError(
      'validation_failed',
      `${field} must be 1–63 characters of lower-case letters, digits, '.', '_' or '-', starting with a letter or digit`,
      { field },
    )
  }
  return value
}

export function checkLabel(label: string | null | undefined): string {
  const v = (label ?? '').trim()
  if (v.length > MAX_LABEL_LENGTH) {
    throw new DomainError('validation_failed', `label must be at most ${MAX_LABEL_LENGTH} characters`, { field: 'label' })
  }
  // free text is shown in feeds and snippets: control characters have no business there
  if (/[\u0000-\u001f\u007f]/.test(v)) {
    throw new DomainError('validation_failed', 'label must be a single line without control characters', { field: 'label' })
  }
  return v
}

export function checkDates(activeFrom: Date, retireAt: Date | null): void {
  if (retireAt && retireAt.getTime() <= activeFrom.getTime()) {
    throw new DomainError('validation_failed', 'retireAt must be later than activeFrom', { field: 'retireAt' })
  }
}

function parsePrefix(prefix: string): Cidr {
  try {
    return parseCidr(prefix)
  } catch (e) {
    // name the field like every other check here, so forms can show the message next to it
    if (!(e instanceof DomainError)) throw e
    throw new DomainError(e.code, e.message, { status: e.status, field: 'prefix', extra: e.extra })
  }
}

/** Validates and canonicalises one range; `now` is the default activeFrom. */
export function normaliseRange(input: RangeInput, now: Date): NormalisedRange {
  const cidr = parsePrefix(input.prefix)
  // throws for loopback, multicast …: no scanner can send from there
  checkScannerAddressSpace(cidr)
  const activeFrom = input.activeFrom ? toDate(input.activeFrom, 'activeFrom') : now
  const retireAt = input.retireAt ? toDate(input.retireAt, 'retireAt') : null
  checkDates(activeFrom, retireAt)
  return {
    prefix: cidr.text,
    family: cidr.family,
    pool: checkSlug(input.pool, 'pool'),
    region: checkSlug(input.region, 'region'),
    label: checkLabel(input.label),
    activeFrom,
    retireAt,
  }
}

export { toDate as parseDateField }

export interface Overlap {
  a: string
  b: string
}

/** One side of an overlap: an incoming prefix's index, or null for one already in the catalogue. */
export interface OverlapPair {
  a: { prefix: string; incoming: number | null }
  b: { prefix: string; incoming: number | null }
}

/**
 * Pairs of overlapping prefixes among `existing` ∪ `incoming` where at least one side is
 * incoming. Sorted sweep: after sorting by start, a block overlaps the previous one
 * exactly when it starts before the furthest end seen so far (CIDR blocks nest or are disjoint).
 */
export function findOverlapPairs(existing: readonly string[], incoming: readonly string[]): OverlapPair[] {
  type Item = { c: Cidr; incoming: number | null }
  const items: Item[] = [
    ...existing.map((p) => ({ c: parseCidr(p), incoming: null })),
    ...incoming.map((p, i) => ({ c: parseCidr(p), incoming: i })),
  ]
  items.sort((x, y) => compareCidrs(x.c, y.c) || (x.incoming ?? -1) - (y.incoming ?? -1))
  const found: OverlapPair[] = []
  let open: Item | null = null
  for (const it of items) {
    if (open && open.c.family === it.c.family && it.c.network <= cidrLast(open.c)) {
      if (open.incoming !== null || it.incoming !== null) {
        found.push({ a: { prefix: open.c.text, incoming: open.incoming }, b: { prefix: it.c.text, incoming: it.incoming } })
      }
      // keep the enclosing (larger) block open: later blocks inside it overlap it too
      continue
    }
    open = it
  }
  return found
}

/** {@link findOverlapPairs} as prefix pairs. */
export function findOverlaps(existing: readonly string[], incoming: readonly string[]): Overlap[] {
  return findOverlapPairs(existing, incoming).map((p) => ({ a: p.a.prefix, b: p.b.prefix }))
}

/** Ranges starting sooner than this after creation get a warning: firewalls need notice. */
export const ANNOUNCE_LEAD_DAYS = 7

/** Everything worth telling the admin about a range that is valid but unusual. */
export function rangeWarnings(r: NormalisedRange, now: Date): string[] {
  return [...checkScannerAddressSpace(parseCidr(r.prefix)), ...leadTimeWarnings(r, now)]
}

export function leadTimeWarnings(r: NormalisedRange, now: Date): string[] {
  const leadMs = r.activeFrom.getTime() - now.getTime()
  if (leadMs < ANNOUNCE_LEAD_DAYS * 86_400_000) {
    return [
      `activeFrom is less than ${ANNOUNCE_LEAD_DAYS} days away: customers who update their firewalls weekly may block this range at first. Prefer announcing ranges ahead of use.`,
    ]
  }
  return []
}
