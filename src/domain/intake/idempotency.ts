/**
 * @module domain/intake/idempotency
 * Idempotency-Key records of POST /v1/reports. A key belongs to the client that sent it
 * (its address, IPv6 per /64): the record is found under SHA-256(client, key), so another
 * client sending the same key starts its own record and can never replay someone else's
 * response. The stored replay holds no usable status token: the token is sealed with
 * AES-GCM under a key derived (HKDF-SHA-256) from the Idempotency-Key itself, which is
 * never stored, so only a retry carrying the same key (from the same client) can open it.
 * A guessable Idempotency-Key makes a guessable seal: clients should send a random UUID.
 * Web Crypto only, so it runs on Node and Workers alike.
 */
import { sha256Hex } from '../sha256.js'

const INFO = new TextEncoder().encode('scangate idempotent replay v1')
const IV_BYTES = 12

export function idempotencyRecordKey(clientScope: string, key: string): Promise<string> {
  return sha256Hex(`${clientScope}\n${key}`)
}

async function sealingKey(clientScope: string, key: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(key), 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new TextEncoder().encode(clientScope), info: INFO },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

function toBase64(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin)
}

function fromBase64(text: string): Uint8Array {
  const bin = atob(text)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** Seals `secret` so that only the same client with the same Idempotency-Key can open it. */
export async function sealForReplay(clientScope: string, key: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await sealingKey(clientScope, key), new TextEncoder().encode(secret)))
  const out = new Uint8Array(iv.length + sealed.length)
  out.set(iv)
  out.set(sealed, iv.length)
  return toBase64(out)
}

/** Opens what `sealForReplay` made; null when the key or client does not fit (or the text was altered). */
export async function openReplay(clientScope: string, key: string, sealed: string): Promise<string | null> {
  try {
    const bytes = fromBase64(sealed)
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, IV_BYTES) }, await sealingKey(clientScope, key), bytes.slice(IV_BYTES))
    return new TextDecoder().decode(plain)
  } catch {
    return null
  }
}
