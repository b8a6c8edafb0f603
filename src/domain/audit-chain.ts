/**
 * @module domain/audit-chain
 * The audit trail is a hash chain: each event's hash covers its own fields and the
 * previous event's hash. Editing any stored field, deleting an event or reordering
 * events changes a hash the next event depends on.
 */
import { canonicalJson } from './canonical-json.js'
import { sha256Hex } from './sha256.js'

export const GENESIS_HASH = '0'.repeat(64)

export interface AuditEvent {
  seq: number
  at: string
  actor: string
  action: string
  objectType: string
  objectId: string | null
  diff: Record<string, unknown>
  prevHash: string
}

export interface HashedAuditEvent extends AuditEvent {
  hash: string
}

export function auditEventHash(e: AuditEvent): Promise<string> {
  return sha256Hex(
    canonicalJson({
      seq: e.seq,
      at: e.at,
      actor: e.actor,
      action: e.action,
      objectType: e.objectType,
      objectId: e.objectId,
      diff: e.diff,
      prevHash: e.prevHash,
    }),
  )
}

export type ChainCheck = { ok: true } | { ok: false; seq: number; reason: string }

/**
 * Checks one event against its predecessor (null for the first event).
 * Sequence numbers must run 1, 2, 3… without gaps, so a deleted event is a gap.
 */
export async function checkAuditLink(prev: HashedAuditEvent | null, e: HashedAuditEvent): Promise<ChainCheck> {
  const expectedSeq = (prev?.seq ?? 0) + 1
  if (e.seq !== expectedSeq) {
    return { ok: false, seq: e.seq, reason: `event ${expectedSeq}${e.seq > expectedSeq + 1 ? `–${e.seq - 1}` : ''} is missing (deleted?)` }
  }
  const expectedPrev = prev?.hash ?? GENESIS_HASH
  if (e.prevHash !== expectedPrev) {
    return { ok: false, seq: e.seq, reason: 'its prev_hash does not match the previous event (edited or reordered)' }
  }
  if ((await auditEventHash(e)) !== e.hash) {
    return { ok: false, seq: e.seq, reason: 'its content does not match its hash (edited)' }
  }
  return { ok: true }
}
