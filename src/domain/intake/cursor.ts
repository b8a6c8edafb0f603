/**
 * @module domain/intake/cursor
 * Opaque pagination cursors: the position after the last item of a page (its creation
 * time and id), base64url-encoded so clients pass it back without building one.
 */
import { DomainError } from '../errors.js'

export interface CursorPosition {
  createdAt: Date
  id: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function toBase64Url(s: string): string {
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function encodeCursor(p: CursorPosition): string {
  return toBase64Url(JSON.stringify([p.createdAt.toISOString(), p.id]))
}

/** @throws DomainError 400 on `cursor` when it is not one we issued */
export function decodeCursor(cursor: string): CursorPosition {
  const bad = () => new DomainError('validation_failed', 'cursor was not issued by this API or is damaged; drop it to start from the first page', { field: 'cursor' })
  try {
    const padded = cursor.replace(/-/g, '+').replace(/_/g, '/')
    const parsed: unknown = JSON.parse(atob(padded + '='.repeat((4 - (padded.length % 4)) % 4)))
    if (!Array.isArray(parsed) || parsed.length !== 2) throw bad()
    const [at, id] = parsed as unknown[]
    const createdAt = new Date(typeof at === 'string' ? at : NaN)
    if (Number.isNaN(createdAt.getTime()) || typeof id !== 'string' || !UUID.test(id)) throw bad()
    return { createdAt, id }
  } catch {
    throw bad()
  }
}
