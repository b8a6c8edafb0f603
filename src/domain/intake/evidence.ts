/**
 * @module domain/intake/evidence
 * Evidence records: the bytes, their SHA-256, and — for XARF items — what checking the
 * sender's declared hash found. A mismatch does not reject the report (senders get this
 * wrong, see the XARF samples); it is recorded on the evidence for the desk to weigh.
 */
import { sha256Hex } from '../sha256.js'

export type EvidenceHashStatus = 'not_declared' | 'match' | 'mismatch' | 'unsupported'

export interface EvidenceItem {
  contentType: string
  description: string | null
  content: Uint8Array
  sha256: string
  declaredHash: string | null
  hashStatus: EvidenceHashStatus
}

const DECLARED = /^(sha-?256|sha-?1|sha-?384|sha-?512|md5):([0-9a-f]+)$/i
const BARE_SHA256 = /^[0-9a-f]{64}$/i

/** Compares a declared `alg:hex` hash with the content's SHA-256. */
export function checkDeclaredHash(declared: string | null, actualSha256: string): EvidenceHashStatus {
  if (declared === null) return 'not_declared'
  const trimmed = declared.trim()
  if (BARE_SHA256.test(trimmed)) return trimmed.toLowerCase() === actualSha256 ? 'match' : 'mismatch'
  const m = DECLARED.exec(trimmed)
  if (!m || !/^sha-?256$/i.test(m[1] ?? '')) return 'unsupported'
  return (m[2] ?? '').toLowerCase() === actualSha256 ? 'match' : 'mismatch'
}

export async function evidenceItem(
  content: Uint8Array,
  contentType: string,
  description: string | null,
  declaredHash: string | null,
): Promise<EvidenceItem> {
  const sha256 = await sha256Hex(content)
  return { contentType, description, content, sha256, declaredHash, hashStatus: checkDeclaredHash(declaredHash, sha256) }
}

/** The free-text evidence of a JSON or form report. */
export function textEvidence(text: string): Promise<EvidenceItem> {
  return evidenceItem(new TextEncoder().encode(text), 'text/plain; charset=utf-8', null, null)
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Strict base64 (line breaks allowed, as MIME writes them); null when it is not base64. */
export function decodeBase64(text: string): Uint8Array | null {
  const compact = text.replace(/[\r\n\t ]+/g, '')
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) return null
  const bin = atob(compact)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}
