/**
 * @module domain/intake/session-rules
 * Validation of scan sessions sent by the scan platform. Addresses and targets are
 * parsed strictly and canonicalised (so the database compares like with like); whether
 * each scanner address lies in our catalogue is checked against the database afterwards.
 */
import { parseCidr, parseHostIp, unmapCidr } from '../cidr.js'
import { FieldErrors } from './field-errors.js'
import { parseIsoDateTime } from './timestamps.js'

export const SESSION_LIMITS = {
  maxBatch: 1000,
  maxScannerIps: 1000,
  maxAuthorizedTargets: 10_000,
  maxCustomerRefLength: 200,
} as const

export const EXTERNAL_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/
const SCAN_TYPE = /^[a-z0-9][a-z0-9._-]{0,63}$/
const CONTROL = /[\u0000-\u001f\u007f]/

export interface SessionInput {
  customerRef?: unknown
  scannerIps?: unknown
  startedAt?: unknown
  endedAt?: unknown
  authorizedTargets?: unknown
  scanType?: unknown
}

export interface ValidSession {
  externalId: string
  customerRef: string
  /** canonical text, deduplicated */
  scannerIps: string[]
  startedAt: Date
  endedAt: Date | null
  /** canonical CIDR text, deduplicated */
  authorizedTargets: string[]
  scanType: string | null
}

export function checkExternalId(errs: FieldErrors, field: string, v: unknown): string | null {
  if (typeof v !== 'string' || !EXTERNAL_ID.test(v)) {
    errs.add(field, "must be the scan platform's session id: 1–128 letters, digits or . _ : @ -, starting with a letter or digit")
    return null
  }
  return v
}

/**
 * Validates one session; problems go to `errs` under `prefix` (e.g. `sessions.3.`).
 * Returns null when anything was wrong.
 */
export function validateSession(errs: FieldErrors, externalId: string | null, input: SessionInput, prefix = ''): ValidSession | null {
  const before = errs.list.length
  const f = (name: string) => `${prefix}${name}`

  const customerRef = input.customerRef
  if (typeof customerRef !== 'string' || customerRef.trim() === '' || customerRef.length > SESSION_LIMITS.maxCustomerRefLength || CONTROL.test(customerRef)) {
    errs.add(f('customerRef'), `is required: the customer's reference, one line of at most ${SESSION_LIMITS.maxCustomerRefLength} characters`)
  }

  const scannerIps: string[] = []
  if (!Array.isArray(input.scannerIps) || input.scannerIps.length === 0) {
    errs.add(f('scannerIps'), 'must list the scanner addresses the session used (at least one)')
  } else if (input.scannerIps.length > SESSION_LIMITS.maxScannerIps) {
    errs.add(f('scannerIps'), `lists ${input.scannerIps.length} addresses; at most ${SESSION_LIMITS.maxScannerIps}`)
  } else {
    input.scannerIps.forEach((raw, i) => {
      try {
        const ip = parseHostIp(typeof raw === 'string' ? raw.trim() : (raw as string))
        if (!scannerIps.includes(ip.text)) scannerIps.push(ip.text)
      } catch (e) {
        errs.addError(f(`scannerIps.${i}`), e)
      }
    })
  }

  const targets: string[] = []
  if (!Array.isArray(input.authorizedTargets) || input.authorizedTargets.length === 0) {
    errs.add(f('authorizedTargets'), 'must list the addresses or CIDR blocks the customer attested it owns (at least one)')
  } else if (input.authorizedTargets.length > SESSION_LIMITS.maxAuthorizedTargets) {
    errs.add(f('authorizedTargets'), `lists ${input.authorizedTargets.length} targets; at most ${SESSION_LIMITS.maxAuthorizedTargets}`)
  } else {
    const seen = new Set<string>()
    input.authorizedTargets.forEach((raw, i) => {
      try {
        const c = unmapCidr(parseCidr(typeof raw === 'string' ? raw.trim() : (raw as string), { allowBareAddress: true }))
        if (!seen.has(c.text)) {
          seen.add(c.text)
          targets.push(c.text)
        }
      } catch (e) {
        errs.addError(f(`authorizedTargets.${i}`), e)
      }
    })
  }

  const startedAt = parseIsoDateTime(input.startedAt)
  if (typeof startedAt === 'string') errs.add(f('startedAt'), input.startedAt === undefined ? 'is required (ISO-8601)' : startedAt)
  let endedAt: Date | null = null
  if (input.endedAt !== undefined && input.endedAt !== null) {
    const e = parseIsoDateTime(input.endedAt)
    if (typeof e === 'string') errs.add(f('endedAt'), `${e}; or null while the session runs`)
    else endedAt = e
  }
  if (startedAt instanceof Date && endedAt && endedAt.getTime() < startedAt.getTime()) {
    errs.add(f('endedAt'), `must not be earlier than startedAt (${startedAt.toISOString()})`)
  }

  let scanType: string | null = null
  if (input.scanType !== undefined && input.scanType !== null) {
    if (typeof input.scanType !== 'string' || !SCAN_TYPE.test(input.scanType)) {
      errs.add(f('scanType'), 'must be a short lower-case name such as asv-quarterly or web-app')
    } else {
      scanType = input.scanType
    }
  }

  if (errs.list.length > before || externalId === null || !(startedAt instanceof Date)) return null
  return {
    externalId,
    customerRef: (customerRef as string).trim(),
    scannerIps,
    startedAt,
    endedAt,
    authorizedTargets: targets,
    scanType,
  }
}
