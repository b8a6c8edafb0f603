/**
 * @module domain/intake/report-rules
 * Validation of an abuse report, whatever channel it came through (JSON, web form, XARF).
 * Every problem is collected with the field it belongs to; time rules are relative to the
 * injected `now`:
 * - `observedFrom` / `observedTo`: strict ISO-8601 with a time zone; not later than
 *   now + 5 minutes (clock skew); `observedFrom` not more than 90 days ago; from ≤ to;
 *   the window at most 31 days. `observedTo` defaults to `observedFrom` (one moment).
 * - `sourceIps`: 1–50 addresses in strict form (duplicates collapse).
 * - `target`: one address or a CIDR block without host bits.
 * - `ports` 1–65535, `category` from a fixed list, `description` ≤ 4 000 characters,
 *   `evidence` ≤ 64 KiB of text, `contactEmail` an e-mail address.
 */
import { parseCidr, parseHostIp, unmapCidr, type Cidr, type IpAddress } from '../cidr.js'
import { describeValue } from '../describe-value.js'
import { isEmail, MAX_EMAIL_LENGTH, normaliseEmail } from '../email.js'
import { FieldErrors } from './field-errors.js'
import { parseIsoDateTime } from './timestamps.js'

export const CATEGORIES = ['port-scan', 'vulnerability-scan', 'login-attempts', 'exploitation', 'dos', 'other'] as const
export type Category = (typeof CATEGORIES)[number]

export const REPORT_LIMITS = {
  maxSourceIps: 50,
  maxPorts: 1024,
  maxDescriptionChars: 4000,
  maxEvidenceBytes: 64 * 1024,
  maxAgeDays: 90,
  futureSkewMs: 5 * 60_000,
  maxWindowDays: 31,
  maxEmailLength: MAX_EMAIL_LENGTH,
} as const

const DAY_MS = 86_400_000

/** The fields a report may carry (JSON keys and form field names). */
export const REPORT_FIELDS = [
  'sourceIps',
  'observedFrom',
  'observedTo',
  'target',
  'ports',
  'protocol',
  'category',
  'description',
  'evidence',
  'contactEmail',
] as const
export type ReportField = (typeof REPORT_FIELDS)[number]

export type ReportInput = Partial<Record<ReportField, unknown>>

/** How to name our fields in messages when the input used other names (XARF). */
export type FieldNames = Partial<Record<ReportField, string>>

export interface ValidReport {
  /** Canonical, deduplicated, in the reporter's order. */
  sourceIps: IpAddress[]
  observedFrom: Date
  observedTo: Date
  target: Cidr
  ports: number[] | null
  protocol: string | null
  category: Category
  description: string | null
  evidence: string | null
  contactEmail: string | null
}

const PROTOCOL = /^[a-z][a-z0-9-]{0,15}$/
// free text may span lines; other control characters (NUL above all) have no place in it
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

export { isEmail }

function present(v: unknown): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '')
}

function optionalText(errs: FieldErrors, field: string, v: unknown): string | null {
  if (!present(v)) return null
  if (typeof v !== 'string') {
    errs.add(field, 'must be text')
    return null
  }
  return v
}

/**
 * Validates a report.
 * @param opts.names field names to use in messages (XARF documents name fields differently)
 * @param opts.unknownKeys keys the input carried that no channel knows; each is an error
 * @throws DomainError 400 `validation_failed` with `errors: [{field, message}]`
 */
export function validateReport(input: ReportInput, now: Date, opts: { names?: FieldNames; unknownKeys?: readonly string[] } = {}): ValidReport {
  const errs = new FieldErrors()
  const name = (f: ReportField) => opts.names?.[f] ?? f
  for (const k of opts.unknownKeys ?? []) {
    errs.add(k, `is not a report field; known fields: ${REPORT_FIELDS.join(', ')}`)
  }

  // sourceIps
  const sourceIps: IpAddress[] = []
  const rawIps = input.sourceIps
  if (!present(rawIps)) {
    errs.add(name('sourceIps'), 'is required: the address(es) the traffic came from')
  } else if (!Array.isArray(rawIps)) {
    errs.add(name('sourceIps'), 'must be a list of IP addresses')
  } else if (rawIps.length === 0) {
    errs.add(name('sourceIps'), 'must name at least one IP address')
  } else if (rawIps.length > REPORT_LIMITS.maxSourceIps) {
    errs.add(name('sourceIps'), `names ${rawIps.length} addresses; at most ${REPORT_LIMITS.maxSourceIps} per report (send several reports)`)
  } else {
    const seen = new Set<string>()
    rawIps.forEach((raw, i) => {
      const field = name('sourceIps') === 'sourceIps' ? `sourceIps.${i}` : name('sourceIps')
      if (typeof raw !== 'string') return errs.add(field, 'must be an IP address as text')
      try {
        const ip = parseHostIp(raw.trim())
        if (!seen.has(ip.text)) {
          seen.add(ip.text)
          sourceIps.push(ip)
        }
      } catch (e) {
        errs.addError(field, e)
      }
    })
  }

  // observed window
  const from = present(input.observedFrom) ? parseIsoDateTime(input.observedFrom) : 'is required: when the activity started (ISO-8601)'
  const to = present(input.observedTo) ? parseIsoDateTime(input.observedTo) : from
  if (typeof from === 'string') errs.add(name('observedFrom'), from)
  if (typeof to === 'string' && present(input.observedTo)) errs.add(name('observedTo'), to)
  if (from instanceof Date && to instanceof Date) {
    const latest = now.getTime() + REPORT_LIMITS.futureSkewMs
    const earliest = now.getTime() - REPORT_LIMITS.maxAgeDays * DAY_MS
    const toField = present(input.observedTo) ? name('observedTo') : name('observedFrom')
    if (from.getTime() > latest) {
      errs.add(name('observedFrom'), `${from.toISOString()} is in the future; check the time zone`)
    } else if (to.getTime() > latest) {
      errs.add(toField, `${to.toISOString()} is in the future; check the time zone`)
    }
    if (from.getTime() < earliest) {
      errs.add(name('observedFrom'), `${from.toISOString()} is more than ${REPORT_LIMITS.maxAgeDays} days ago; we accept reports of activity from the last ${REPORT_LIMITS.maxAgeDays} days`)
    }
    if (from.getTime() > to.getTime()) {
      errs.add(toField, `must not be earlier than ${name('observedFrom')} (${from.toISOString()})`)
    } else if (to.getTime() - from.getTime() > REPORT_LIMITS.maxWindowDays * DAY_MS) {
      errs.add(toField, `the window from ${from.toISOString()} is longer than ${REPORT_LIMITS.maxWindowDays} days; send one report per month of activity`)
    }
  }

  // target
  let target: Cidr | null = null
  if (!present(input.target)) {
    errs.add(name('target'), 'is required: the address or CIDR block that was scanned')
  } else if (typeof input.target !== 'string') {
    errs.add(name('target'), 'must be an IP address or CIDR block as text')
  } else {
    try {
      target = unmapCidr(parseCidr(input.target.trim(), { allowBareAddress: true }))
    } catch (e) {
      errs.addError(name('target'), e)
    }
  }

  // ports
  let ports: number[] | null = null
  if (present(input.ports)) {
    if (!Array.isArray(input.ports)) {
      errs.add(name('ports'), 'must be a list of port numbers')
    } else if (input.ports.length > REPORT_LIMITS.maxPorts) {
      errs.add(name('ports'), `lists ${input.ports.length} ports; at most ${REPORT_LIMITS.maxPorts}`)
    } else {
      const set = new Set<number>()
      input.ports.forEach((p, i) => {
        const field = name('ports') === 'ports' ? `ports.${i}` : name('ports')
        if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) {
          errs.add(field, `${describeValue(p)} is not a port number; ports are whole numbers from 1 to 65535`)
        } else {
          set.add(p)
        }
      })
      ports = set.size ? [...set].sort((a, b) => a - b) : null
    }
  }

  // protocol
  let protocol = optionalText(errs, name('protocol'), input.protocol)
  if (protocol !== null) {
    protocol = protocol.trim().toLowerCase()
    if (!PROTOCOL.test(protocol)) {
      errs.add(name('protocol'), 'must be a protocol name such as tcp, udp or icmp')
      protocol = null
    }
  }

  // category
  let category: Category = 'other'
  const rawCategory = optionalText(errs, name('category'), input.category)
  if (rawCategory !== null) {
    const c = rawCategory.trim().toLowerCase()
    if ((CATEGORIES as readonly string[]).includes(c)) category = c as Category
    else errs.add(name('category'), `must be one of ${CATEGORIES.join(', ')}`)
  }

  // description
  let description = optionalText(errs, name('description'), input.description)
  if (description !== null) {
    description = description.trim()
    const chars = [...description].length
    if (chars > REPORT_LIMITS.maxDescriptionChars) {
      errs.add(name('description'), `has ${chars} characters; at most ${REPORT_LIMITS.maxDescriptionChars} (put logs in evidence)`)
    } else if (CONTROL.test(description)) {
      errs.add(name('description'), 'must be plain text without control characters')
    }
    if (description === '') description = null
  }

  // evidence
  const evidence = optionalText(errs, name('evidence'), input.evidence)
  if (evidence !== null) {
    const bytes = new TextEncoder().encode(evidence).length
    if (bytes > REPORT_LIMITS.maxEvidenceBytes) {
      errs.add(name('evidence'), `is ${bytes} bytes; at most ${REPORT_LIMITS.maxEvidenceBytes} (64 KiB) of log lines`)
    }
  }

  // contactEmail
  let contactEmail = optionalText(errs, name('contactEmail'), input.contactEmail)
  if (contactEmail !== null) {
    contactEmail = normaliseEmail(contactEmail)
    if (contactEmail === null) errs.add(name('contactEmail'), 'must be an e-mail address such as abuse@example.net')
  }

  errs.throwIfAny()
  return {
    sourceIps,
    observedFrom: from as Date,
    observedTo: to as Date,
    target: target as Cidr,
    ports,
    protocol,
    category,
    description,
    evidence,
    contactEmail,
  }
}

/**
 * The web form's fields as report input. Lists (`sourceIps`, `ports`) may be repeated
 * fields or one field separated by commas, spaces or new lines; empty fields count as
 * absent; fields the form does not know (a submit button's name, say) are ignored.
 */
export function formToReportInput(form: URLSearchParams): ReportInput {
  const list = (key: string): string[] | undefined => {
    const values = form.getAll(key).flatMap((v) => v.split(/[\s,;]+/)).filter((v) => v !== '')
    return values.length ? values : undefined
  }
  const text = (key: string): string | undefined => {
    const v = form.get(key)
    return v === null || v.trim() === '' ? undefined : v
  }
  const ports = list('ports')?.map((p) => (/^\d{1,5}$/.test(p) ? Number(p) : p))
  return {
    sourceIps: list('sourceIps'),
    observedFrom: text('observedFrom'),
    observedTo: text('observedTo'),
    target: text('target'),
    ports,
    protocol: text('protocol'),
    category: text('category'),
    description: text('description'),
    evidence: text('evidence'),
    contactEmail: text('contactEmail'),
  }
}

/** Splits a JSON body into known report fields and the names of unknown ones. */
export function jsonToReportInput(body: Record<string, unknown>): { input: ReportInput; unknownKeys: string[] } {
  const input: ReportInput = {}
  const unknownKeys: string[] = []
  for (const [k, v] of Object.entries(body)) {
    if ((REPORT_FIELDS as readonly string[]).includes(k)) input[k as ReportField] = v
    else unknownKeys.push(k)
  }
  return { input, unknownKeys }
}
