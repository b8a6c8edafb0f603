/**
 * @module domain/intake/mail/log-times
 * Timestamps as complaints carry them: ISO 8601 (RFC 5424 syslog, journald, XARF),
 * RFC 2822 (mail dates), BSD syslog (`Nov 29 23:14:02`, no year, no zone — which is what
 * iptables/UFW kernel lines start with), Apache/nginx access logs
 * (`[29/Nov/2026:23:14:02 +0100]`), and the day-first / year-first numeric forms people
 * type. A time without a zone is read in the zone the message gives as context (fail2ban's
 * "Local timezone is +0100", else the zone of the `Date` header); a syslog time without a
 * year gets the year that puts it at or before the message's date.
 */

export interface TimeContext {
  /** The message's `Date` (or when it arrived): syslog years are chosen relative to it. */
  reference: Date
  /** Offset from UTC, in minutes, for times that carry no zone. */
  offsetMinutes: number
}

export interface FoundTime {
  at: Date
  /** where in the line it was found, and the text, so evidence can point at it */
  index: number
  text: string
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
}

/** RFC 2822 obsolete zone names, plus the few others syslog lines and people write. */
const ZONE_NAMES: Readonly<Record<string, number>> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  CET: 60, CEST: 120, MET: 60, MEST: 120, EET: 120, EEST: 180, WET: 0, WEST: 60, BST: 60, MSK: 180, JST: 540, KST: 540,
  IST: 330, AEST: 600, AEDT: 660,
}

const MON = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)'
const NUM_ZONE = '([+-]\\d{2}:?\\d{2})'
const PATTERNS: { re: RegExp; read: (m: RegExpExecArray, ctx: TimeContext) => Date | null }[] = [
  // Apache / nginx access log
  {
    re: new RegExp(`\\[(\\d{1,2})/${MON}/(\\d{4}):(\\d{2}):(\\d{2}):(\\d{2})(?:\\s+${NUM_ZONE})?\\]`, 'gi'),
    read: (m, ctx) => build(+m[3]!, month(m[2]!), +m[1]!, +m[4]!, +m[5]!, +m[6]!, 0, zone(m[7], ctx)),
  },
  // RFC 2822: [Sun, ]29 Nov 2026 23:14:02 +0100
  {
    re: new RegExp(`\\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\\s+)?(\\d{1,2})\\s+${MON}\\s+(\\d{4})\\s+(\\d{2}):(\\d{2})(?::(\\d{2}))?(?:\\s+(${NUM_ZONE.slice(1, -1)}|[A-Z]{1,4})\\b)?`, 'gi'),
    read: (m, ctx) => build(+m[3]!, month(m[2]!), +m[1]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, 0, zone(m[7], ctx)),
  },
  // ISO 8601 / RFC 3339 (also with a space, and with a comma or dot fraction)
  {
    re: /\b(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s?(Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?(?![\d:])/g,
    read: (m, ctx) => build(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0, zone(m[8], ctx)),
  },
  // 2026/11/29 23:14:02
  {
    re: /\b(\d{4})\/(\d{2})\/(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\s?([+-]\d{2}:?\d{2}|UTC|GMT|Z))?(?![\d:])/g,
    read: (m, ctx) => build(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, 0, zone(m[7], ctx)),
  },
  // 29.11.2026 23:14[:02] (German, Russian and many others)
  {
    re: /\b(\d{1,2})\.(\d{1,2})\.(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s?([+-]\d{2}:?\d{2}|UTC|GMT|MEZ|MESZ|CET|CEST))?(?![\d:])/g,
    read: (m, ctx) => build(+m[3]!, +m[2]!, +m[1]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, 0, zone(m[7], ctx)),
  },
  // BSD syslog: Nov 29 23:14:02 (the kernel's iptables/UFW lines start with it)
  {
    re: new RegExp(`\\b${MON}\\s{1,2}(\\d{1,2})\\s+(\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)?\\b(?!\\s+\\d{4}\\b)`, 'gi'),
    read: (m, ctx) => syslog(month(m[1]!), +m[2]!, +m[3]!, +m[4]!, +m[5]!, ctx),
  },
]

function month(name: string): number {
  return MONTHS[name.slice(0, 3).toLowerCase()] ?? 0
}

/** Minutes east of UTC for a zone as written; the context's zone when there is none. */
function zone(text: string | undefined, ctx: TimeContext): number | null {
  if (!text) return ctx.offsetMinutes
  const named = ZONE_NAMES[text.toUpperCase()] ?? (text === 'MEZ' ? 60 : text === 'MESZ' ? 120 : undefined)
  if (named !== undefined) return named
  return parseOffset(text)
}

/** `+0100`, `-05:30` → minutes east of UTC; null when it is not a real offset. */
export function parseOffset(text: string): number | null {
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text.trim())
  if (!m) return null
  const h = Number(m[2])
  const mi = m[3] ? Number(m[3]) : 0
  if (h > 14 || mi > 59) return null
  return (m[1] === '-' ? -1 : 1) * (h * 60 + mi)
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offset: number | null): Date | null {
  if (offset === null || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60 || y < 1970 || y > 2200) return null
  const t = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms)
  const check = new Date(t)
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return null
  return new Date(t - offset * 60_000)
}

function syslog(mo: number, d: number, h: number, mi: number, s: number, ctx: TimeContext): Date | null {
  // the year as it was where the log was written, at the time the message was sent
  const localRef = new Date(ctx.reference.getTime() + ctx.offsetMinutes * 60_000)
  let year = localRef.getUTCFullYear()
  let at = build(year, mo, d, h, mi, s, 0, ctx.offsetMinutes)
  // a December line in a January complaint is from last year
  if (at && at.getTime() > ctx.reference.getTime() + 2 * 86_400_000) {
    year -= 1
    at = build(year, mo, d, h, mi, s, 0, ctx.offsetMinutes)
  }
  return at
}

/** Every timestamp in one line, left to right, without overlapping matches. */
export function findTimes(line: string, ctx: TimeContext): FoundTime[] {
  const found: FoundTime[] = []
  const taken: [number, number][] = []
  for (const p of PATTERNS) {
    p.re.lastIndex = 0
    let m: RegExpExecArray | null
    while ((m = p.re.exec(line))) {
      const start = m.index
      const end = start + m[0].length
      if (taken.some(([a, b]) => start < b && end > a)) continue
      const at = p.read(m, ctx)
      if (!at) continue
      taken.push([start, end])
      found.push({ at, index: start, text: m[0] })
    }
  }
  return found.sort((a, b) => a.index - b.index)
}

/** The zone a mail's `Date` header was written in (minutes east of UTC), if it says. */
export function dateHeaderOffset(value: string | undefined): number | null {
  if (!value) return null
  const m = /\s([+-]\d{4})(?:\s*\(.*\))?\s*$/.exec(value)
  if (m) return parseOffset(m[1]!)
  const n = /\s([A-Z]{1,5})(?:\s*\(.*\))?\s*$/.exec(value)
  return n ? (ZONE_NAMES[n[1]!] ?? null) : null
}

/** fail2ban's complain action appends `Note: Local timezone is +0100 (CET)`. */
export function statedLocalOffset(text: string): number | null {
  const m = /Local time ?zone is ([+-]\d{2}:?\d{2})/i.exec(text)
  return m ? parseOffset(m[1]!) : null
}
