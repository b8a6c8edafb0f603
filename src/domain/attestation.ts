/**
 * @module domain/attestation
 * A signed statement that one scan session was ours: which scanner addresses, when, and
 * against which targets the customer authorised. The customer hands it to a hosting
 * provider or an ASV dispute; anyone verifies it with our published feed key and openssl,
 * so it needs no account with us. The customer's own reference is left out: the document
 * travels to third parties.
 */
import { canonicalJson } from './canonical-json.js'
import { base64Encode, type FeedSigner } from './feed-signing.js'

export interface AttestedSession {
  externalId: string
  scanType: string | null
  startedAt: Date
  endedAt: Date | null
  scannerIps: readonly string[]
  authorizedTargets: readonly string[]
}

export interface SignedAttestation {
  attestation: Record<string, unknown>
  signature: { alg: 'ed25519'; keyId: string; value: string; signedBytes: 'canonical JSON of .attestation (keys sorted, no whitespace)' }
}

export function attestationDocument(s: AttestedSession, issuer: string, issuedAt: Date): Record<string, unknown> {
  return {
    type: 'scangate.scan-attestation.v1',
    issuer,
    issuedAt: issuedAt.toISOString(),
    session: s.externalId,
    scanType: s.scanType,
    window: { start: s.startedAt.toISOString(), end: s.endedAt ? s.endedAt.toISOString() : null },
    scannerAddresses: [...s.scannerIps].sort(),
    authorizedTargets: [...s.authorizedTargets].sort(),
    statement: 'These scanner addresses belong to the issuer and ran this session against the listed targets, which the customer attested it is authorised to have scanned.',
  }
}

export async function signAttestation(doc: Record<string, unknown>, signer: FeedSigner, keyId: string): Promise<SignedAttestation> {
  const bytes = new TextEncoder().encode(canonicalJson(doc))
  return {
    attestation: doc,
    signature: { alg: 'ed25519', keyId, value: base64Encode(await signer.sign(bytes)), signedBytes: 'canonical JSON of .attestation (keys sorted, no whitespace)' },
  }
}
