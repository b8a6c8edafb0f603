/**
 * @module http/pages/report-guard
 * Cheap bot traps on the report form, instead of a CAPTCHA vendor:
 * - a honeypot field people never see (hidden off-screen, out of the tab order, hidden
 *   from assistive technology) that form-filling bots fill in;
 * - a minimum fill time: the form carries the time it was rendered, signed with an
 *   HMAC key of this process, and a post sooner than `MIN_FILL_MS` after it is a bot.
 *
 * A tripped trap is answered exactly like a success (a receipt with a made-up reference
 * and token) and stores nothing, so a bot learns nothing. A stamp that is missing, forged,
 * signed by another process or older than a day is not treated as a bot: the form comes
 * back with the values and asks to send again, so no person's report is silently lost.
 */

export const HONEYPOT_FIELD = 'website'
export const STAMP_FIELD = 'formStarted'
export const MIN_FILL_MS = 3_000
export const MAX_FORM_AGE_MS = 24 * 3_600_000

export type GuardVerdict = 'ok' | 'bot' | 'stale'

function base64Url(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export class FormGuard {
  readonly #key: Promise<CryptoKey>

  constructor(key?: Promise<CryptoKey>) {
    this.#key = key ?? crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
  }

  async #mac(text: string): Promise<string> {
    const sig = await crypto.subtle.sign('HMAC', await this.#key, new TextEncoder().encode(`report-form:${text}`))
    return base64Url(new Uint8Array(sig))
  }

  /** The stamp a freshly rendered form carries: `<ms>.<hmac>`. */
  async stamp(now: Date): Promise<string> {
    const ms = String(now.getTime())
    return `${ms}.${await this.#mac(ms)}`
  }

  async check(fields: URLSearchParams, now: Date): Promise<GuardVerdict> {
    if ((fields.get(HONEYPOT_FIELD) ?? '') !== '') return 'bot'
    const m = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(fields.get(STAMP_FIELD) ?? '')
    if (!m) return 'stale'
    const expected = await this.#mac(m[1]!)
    let diff = expected.length ^ m[2]!.length
    for (let i = 0; i < Math.min(expected.length, m[2]!.length); i++) diff |= expected.charCodeAt(i) ^ m[2]!.charCodeAt(i)
    if (diff !== 0) return 'stale'
    const elapsed = now.getTime() - Number(m[1])
    if (elapsed < MIN_FILL_MS) return 'bot'
    if (elapsed > MAX_FORM_AGE_MS) return 'stale'
    return 'ok'
  }
}
