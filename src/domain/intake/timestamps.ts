/**
 * @module domain/intake/timestamps
 * Strict ISO-8601 date-times for report windows. `Date.parse` accepts far more than
 * ISO-8601 (and rolls 2026-02-30 over into March), and a time without an offset is
 * ambiguous by hours, so both are refused with a message saying what to write instead.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/

const EXAMPLE = 'such as 2026-11-01T14:30:00Z'

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** The instant, or a reason phrased to follow "<field> ". */
export function parseIsoDateTime(value: unknown): Date | string {
  if (typeof value !== 'string') return `must be an ISO-8601 date-time ${EXAMPLE}`
  const m = ISO.exec(value.trim())
  if (!m) return `must be an ISO-8601 date-time ${EXAMPLE}; got ${JSON.stringify(value.slice(0, 40))}`
  const [, y, mo, d, h, mi, s, frac, zone] = m
  if (!zone) return `must say its time zone: add Z for UTC or an offset like +02:00 (${EXAMPLE})`
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = s ? Number(s) : 0
  if (month < 1 || month > 12) return `has month ${mo}, which does not exist`
  if (day < 1 || day > daysInMonth(year, month)) return `has day ${d}, which ${y}-${mo} does not have`
  if (hour > 23 || minute > 59 || second > 59) return `has time ${h}:${mi}${s ? ':' + s : ''}, which does not exist`
  let offsetMinutes = 0
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2))
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0
    if (oh > 23 || om > 59) return `has offset ${zone}, which is not a valid UTC offset`
    offsetMinutes = sign * (oh * 60 + om)
  }
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000)
}
