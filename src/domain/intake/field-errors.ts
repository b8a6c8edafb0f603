/**
 * @module domain/intake/field-errors
 * Collecting every input problem before answering, so a reporter fixes a form in one go:
 * the problem response lists them all in `errors` and puts the first one in `detail`.
 */
import { DomainError } from '../errors.js'

export interface FieldProblem {
  field: string
  message: string
}

/** At most this many problems are reported (enough to fix a form; bounded output). */
export const MAX_FIELD_PROBLEMS = 20

export class FieldErrors {
  readonly list: FieldProblem[] = []

  add(field: string, message: string): void {
    if (this.list.length < MAX_FIELD_PROBLEMS) this.list.push({ field, message })
  }

  /** Records a DomainError raised by a parser (cidr.ts etc.) against `field`. */
  addError(field: string, err: unknown): void {
    if (err instanceof DomainError) this.add(field, err.message)
    else throw err
  }

  get empty(): boolean {
    return this.list.length === 0
  }

  /** Throws the 400 `validation_failed` problem when anything was recorded. */
  throwIfAny(): void {
    if (!this.empty) throw fieldErrorsProblem(this.list)
  }
}

export function fieldErrorsProblem(errors: readonly FieldProblem[]): DomainError {
  const first = errors[0]
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''
  const detail = first ? `${first.field}: ${first.message}${more}` : 'The request is not valid.'
  return new DomainError('validation_failed', detail, { field: first?.field, extra: { errors: [...errors] } })
}
