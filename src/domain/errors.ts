/**
 * @module domain/errors
 * Errors that pure domain code raises. They carry a stable machine-readable `code`
 * and a message written for the person who sent the input, so the HTTP layer can
 * turn them into RFC 9457 problems without knowing where they came from.
 */

/** Stable error codes shared by the domain and the HTTP problem responses. */
export type ErrorCode =
  | 'invalid_cidr'
  | 'invalid_ip'
  | 'invalid_name'
  | 'invalid_option'
  | 'validation_failed'
  | 'overlapping_range'
  | 'not_found'
  | 'conflict'
  | 'publish_refused'
  | 'unauthorized'
  | 'forbidden'
  | 'unknown_format'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'service_unavailable'
  | 'idempotency_conflict'
  | 'unsupported_xarf_version'
  | 'nested_too_deeply'
  | 'duplicate_report_id'
  | 'invalid_transition'
  | 'internal_error'

/**
 * An input problem found by domain code. `status` defaults to 400; `field` names the
 * offending input so forms can show the message next to it.
 */
export class DomainError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly field: string | undefined
  readonly extra: Record<string, unknown> | undefined

  constructor(
    code: ErrorCode,
    message: string,
    opts: { status?: number; field?: string; extra?: Record<string, unknown> } = {},
  ) {
    super(message)
    this.name = 'DomainError'
    this.code = code
    this.status = opts.status ?? 400
    this.field = opts.field
    this.extra = opts.extra
  }
}
