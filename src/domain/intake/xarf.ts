/**
 * @module domain/intake/xarf
 * XARF v4 (xarf/xarf-spec) `connection` reports mapped onto our report fields:
 *
 * | XARF                                   | report                              |
 * |----------------------------------------|-------------------------------------|
 * | `source_identifier`                    | `sourceIps` (one address)           |
 * | `destination_ip`                       | `target`                            |
 * | `first_seen` ?? `timestamp`            | `observedFrom`                      |
 * | `last_seen` ?? `timestamp`             | `observedTo` (never before from)    |
 * | `destination_port`, `destination_ports`, `ports_scanned`, `targeted_ports`, `ports` | `ports` |
 * | `protocol`                             | `protocol`                          |
 * | `type`                                 | `category` (see XARF_TYPE_CATEGORY) |
 * | `description`                          | `description`                       |
 * | `evidence[]` (base64 `payload`, `hash`)| evidence records, hash checked      |
 * | `reporter.contact` ?? `sender.contact` | `contactEmail`                      |
 * | `report_id`, `type`, `reporter.org`    | kept as report metadata             |
 *
 * Messages name the XARF fields, so the sender can fix the document they produced.
 */
import { FieldErrors, fieldErrorsProblem, type FieldProblem } from './field-errors.js'
import { decodeBase64, evidenceItem, type EvidenceItem } from './evidence.js'
import { validateReport, type Category, type FieldNames, type ReportInput, type ValidReport } from './report-rules.js'
import { DomainError } from '../errors.js'

/** XARF `connection` types and our categories; unknown types become `other`. */
export const XARF_TYPE_CATEGORY: Readonly<Record<string, Category>> = {
  port_scan: 'port-scan',
  vulnerability_scan: 'vulnerability-scan',
  reconnaissance: 'vulnerability-scan',
  login_attack: 'login-attempts',
  brute_force: 'login-attempts',
  exploit: 'exploitation',
  exploitation: 'exploitation',
  sql_injection: 'exploitation',
  ddos: 'dos',
  dos: 'dos',
}

const PORT_KEYS = ['destination_port', 'destination_ports', 'ports_scanned', 'targeted_ports', 'ports'] as const
export const XARF_MAX_EVIDENCE_ITEMS = 50
const TOKEN = /^[a-z0-9_]{1,64}$/
const CONTROL = /[\u0000-\u001f\u007f]/
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}(\s*;.{0,100})?$/

export interface XarfReport {
  report: ValidReport
  evidence: EvidenceItem[]
  reportId: string | null
  type: string
  reporterOrg: string | null
}

/** A JSON document is XARF when it says which XARF version it is. */
export function isXarf(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'xarf_version' in body
}

function obj(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null
}

function label(errs: FieldErrors, field: string, v: unknown, max = 200): string | null {
  if (v === undefined || v === null) return null
  if (typeof v !== 'string' || v.length > max || CONTROL.test(v)) {
    errs.add(field, `must be a single line of text of at most ${max} characters`)
    return null
  }
  return v.trim() || null
}

/**
 * Maps and validates an XARF v4 document.
 * @throws DomainError 400 `validation_failed` listing every problem under XARF field names
 */
export async function parseXarf(doc: Record<string, unknown>, now: Date): Promise<XarfReport> {
  const errs = new FieldErrors()
  const version = doc.xarf_version
  if (typeof version !== 'string' || !/^4(\.\d+){0,2}$/.test(version)) {
    errs.add('xarf_version', `must be a XARF 4 version such as "4.0.0"; got ${JSON.stringify(version)}`)
  }
  if (doc.category !== 'connection') {
    errs.add('category', `only XARF category "connection" (scanning, login attacks and similar) is accepted here; got ${JSON.stringify(doc.category)}`)
  }
  const type = typeof doc.type === 'string' && TOKEN.test(doc.type) ? doc.type : null
  if (!type) errs.add('type', 'is required: a XARF connection type such as port_scan or login_attack')
  const reportId = label(errs, 'report_id', doc.report_id)
  const reporter = obj(doc.reporter)
  const sender = obj(doc.sender)
  const reporterOrg = label(errs, 'reporter.org', reporter?.org)

  const names: FieldNames = {
    sourceIps: 'source_identifier',
    target: 'destination_ip',
    observedFrom: doc.first_seen !== undefined ? 'first_seen' : 'timestamp',
    observedTo: doc.last_seen !== undefined ? 'last_seen' : doc.first_seen !== undefined ? 'first_seen' : 'timestamp',
    protocol: 'protocol',
    description: 'description',
    contactEmail: reporter?.contact !== undefined ? 'reporter.contact' : 'sender.contact',
  }

  const input: ReportInput = {}
  if (doc.source_identifier !== undefined) {
    input.sourceIps = typeof doc.source_identifier === 'string' ? [doc.source_identifier] : doc.source_identifier
  }
  input.target = doc.destination_ip
  if (doc.timestamp === undefined && doc.first_seen === undefined) {
    errs.add('timestamp', 'is required: when the activity happened (ISO-8601)')
  }
  input.observedFrom = doc.first_seen ?? doc.timestamp
  input.observedTo = doc.last_seen ?? doc.timestamp
  // Without last_seen, `timestamp` is the upper bound, unless it is before first_seen
  // (then the report is about one moment).
  if (doc.last_seen === undefined && doc.first_seen !== undefined && typeof doc.first_seen === 'string' && typeof doc.timestamp === 'string') {
    if (Date.parse(doc.timestamp) < Date.parse(doc.first_seen)) input.observedTo = doc.first_seen
  }

  const portKeys = PORT_KEYS.filter((k) => doc[k] !== undefined)
  if (portKeys.length) {
    names.ports = portKeys[0]
    input.ports = portKeys.flatMap((k) => (Array.isArray(doc[k]) ? (doc[k] as unknown[]) : [doc[k]]))
  }
  if (doc.protocol !== undefined) input.protocol = doc.protocol
  if (doc.description !== undefined) input.description = doc.description
  const contact = reporter?.contact ?? sender?.contact
  if (contact !== undefined) input.contactEmail = contact
  input.category = type ? (XARF_TYPE_CATEGORY[type] ?? 'other') : 'other'

  const evidence: EvidenceItem[] = []
  if (doc.evidence !== undefined) {
    if (!Array.isArray(doc.evidence)) {
      errs.add('evidence', 'must be a list of evidence items')
    } else if (doc.evidence.length > XARF_MAX_EVIDENCE_ITEMS) {
      errs.add('evidence', `has ${doc.evidence.length} items; XARF allows at most ${XARF_MAX_EVIDENCE_ITEMS}`)
    } else {
      for (const [i, raw] of doc.evidence.entries()) {
        const item = obj(raw)
        const at = `evidence.${i}`
        if (!item) {
          errs.add(at, 'must be an object with content_type and payload')
          continue
        }
        const payload = typeof item.payload === 'string' ? decodeBase64(item.payload) : null
        if (!payload) {
          errs.add(`${at}.payload`, 'must be the evidence encoded as base64')
          continue
        }
        const contentType = item.content_type === undefined ? 'application/octet-stream' : item.content_type
        if (typeof contentType !== 'string' || !MEDIA_TYPE.test(contentType)) {
          errs.add(`${at}.content_type`, 'must be a media type such as text/plain')
          continue
        }
        const description = label(errs, `${at}.description`, item.description, 1000)
        const hash = label(errs, `${at}.hash`, item.hash, 200)
        evidence.push(await evidenceItem(payload, contentType, description, hash))
      }
    }
  }

  let report: ValidReport | null = null
  try {
    report = validateReport(input, now, { names })
  } catch (e) {
    if (!(e instanceof DomainError) || e.code !== 'validation_failed') throw e
    const more = (e.extra?.errors as FieldProblem[] | undefined) ?? []
    for (const p of more) errs.add(p.field, p.message)
  }
  errs.throwIfAny()
  if (!report || !type) throw fieldErrorsProblem(errs.list)
  return { report, evidence, reportId, type, reporterOrg }
}
