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
import { canonicalJson } from '../canonical-json.js'
import { describeValue } from '../describe-value.js'
import { normaliseDomain, normaliseEmail } from '../email.js'
import { DomainError } from '../errors.js'
import { sha256Hex } from '../sha256.js'

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
/**
 * Decoded evidence per item and per document. Native reports take 64 KiB of log text;
 * XARF evidence may be binary (a pcap, a screenshot), so it gets more, but bounded like
 * native evidence, whatever the 5 MiB document limit would let through.
 */
export const XARF_EVIDENCE_LIMITS = { maxItemBytes: 1024 * 1024, maxTotalBytes: 2 * 1024 * 1024 } as const
const TOKEN = /^[a-z0-9_]{1,64}$/
const CONTROL = /[\u0000-\u001f\u007f]/
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}(\s*;.{0,100})?$/

export interface XarfReport {
  report: ValidReport
  evidence: EvidenceItem[]
  reportId: string | null
  type: string
  reporterOrg: string | null
  /**
   * SHA-256 of `report_id` + the reporter's domain: the same report sent twice has the same
   * identity (null without a report_id). `fingerprint` is the SHA-256 of the canonical
   * document, telling a retry from a different report that reuses the id.
   */
  identity: string | null
  fingerprint: string
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

const XARF4 = /^4(\.\d+){0,2}$/
const OLDER = /^[0-3](\.\d+){0,2}$/

/**
 * XARF 1–3 (and the 4.0 drafts, which still had `class` where 4.0 has `category`) are
 * different formats, not XARF 4 with mistakes: they get one clear answer instead of a
 * list of missing fields.
 */
function checkVersion(doc: Record<string, unknown>, errs: FieldErrors): void {
  const v = doc.xarf_version
  const text = typeof v === 'number' ? String(v) : v
  const older = typeof text === 'string' && OLDER.test(text.trim())
  const draft = typeof text === 'string' && XARF4.test(text.trim()) && 'class' in doc && !('category' in doc)
  if (older || draft) {
    throw new DomainError(
      'unsupported_xarf_version',
      `XARF < 4 is not supported: this document is ${draft ? 'a XARF 4.0 draft (it has "class", not "category")' : `XARF ${text!.trim()}`}. ` +
        'Send XARF 4 ("xarf_version": "4.0.0" with "category": "connection"), or our own JSON report fields (see /openapi.json).',
      { field: draft ? 'class' : 'xarf_version' },
    )
  }
  if (typeof v !== 'string' || !XARF4.test(v)) errs.add('xarf_version', `must be a XARF 4 version such as "4.0.0"; got ${describeValue(v)}`)
}

/** The reporter's domain: `reporter.domain`, else the domain of its contact address, else the sender's. */
function reporterDomain(reporter: Record<string, unknown> | null, sender: Record<string, unknown> | null): string {
  for (const party of [reporter, sender]) {
    if (typeof party?.domain === 'string') {
      const d = normaliseDomain(party.domain.trim())
      if (d) return d
    }
    if (typeof party?.contact === 'string') {
      const e = normaliseEmail(party.contact)
      if (e) return e.slice(e.lastIndexOf('@') + 1)
    }
  }
  return ''
}

/**
 * Maps and validates an XARF v4 document.
 * @throws DomainError 400 `unsupported_xarf_version` for XARF 1–3 and 4.0 drafts
 * @throws DomainError 400 `validation_failed` listing every problem under XARF field names
 */
export async function parseXarf(doc: Record<string, unknown>, now: Date): Promise<XarfReport> {
  const errs = new FieldErrors()
  checkVersion(doc, errs)
  if (doc.category !== 'connection') {
    errs.add('category', `only XARF category "connection" (scanning, login attacks and similar) is accepted here; got ${describeValue(doc.category)}`)
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
  let totalBytes = 0
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
        // the size is known from the base64 length: nothing too large is decoded
        const encoded = typeof item.payload === 'string' ? item.payload.replace(/[\r\n\t ]+/g, '') : null
        const estimate = encoded === null ? 0 : Math.floor((encoded.length * 3) / 4)
        if (estimate > XARF_EVIDENCE_LIMITS.maxItemBytes + 2) {
          errs.add(`${at}.payload`, `is about ${estimate} bytes; an evidence item may be at most ${XARF_EVIDENCE_LIMITS.maxItemBytes} bytes (1 MiB)`)
          continue
        }
        const payload = encoded === null ? null : decodeBase64(encoded)
        if (!payload) {
          errs.add(`${at}.payload`, 'must be the evidence encoded as base64')
          continue
        }
        if (payload.length > XARF_EVIDENCE_LIMITS.maxItemBytes) {
          errs.add(`${at}.payload`, `is ${payload.length} bytes; an evidence item may be at most ${XARF_EVIDENCE_LIMITS.maxItemBytes} bytes (1 MiB)`)
          continue
        }
        totalBytes += payload.length
        if (totalBytes > XARF_EVIDENCE_LIMITS.maxTotalBytes) {
          errs.add('evidence', `holds more than ${XARF_EVIDENCE_LIMITS.maxTotalBytes} bytes (2 MiB) of evidence in all; send the rest separately or link to it`)
          break
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
  const identity = reportId === null ? null : await sha256Hex(`xarf-report\n${reporterDomain(reporter, sender)}\n${reportId}`)
  const fingerprint = await sha256Hex(canonicalJson(doc) ?? '')
  return { report, evidence, reportId, type, reporterOrg, identity, fingerprint }
}
