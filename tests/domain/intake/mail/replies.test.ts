import { describe, expect, it } from 'vitest'
import { acknowledgement, oneLine, safeMessageId } from '../../../../src/domain/intake/mail/replies.js'
import { checkOutgoingMail } from '../../../../src/platform/mail-sender.js'

const base = {
  to: 'reporter@example.net',
  ref: 'R-7K3M9Q2XTV',
  statusToken: 'rs_' + 'a'.repeat(32),
  publicUrl: 'https://scanners.example.test',
  references: [] as string[],
  scannerIp: '192.0.2.10',
  target: '203.0.113.5/32',
  observedFrom: new Date('2026-11-29T10:00:00Z'),
  observedTo: new Date('2026-11-29T10:05:00Z'),
  receivedAt: new Date('2026-11-29T11:00:00Z'),
}

describe('acknowledgements', () => {
  it('carry the reference, the token, the status link, RFC 3834 marking and threading', () => {
    const m = acknowledgement({ ...base, subject: 'Port scan', messageId: 'abc@example.net' })
    expect(m.subject).toBe('[R-7K3M9Q2XTV] Received: Port scan')
    expect(m.text).toContain('rs_' + 'a'.repeat(32))
    expect(m.text).toContain('https://scanners.example.test/report/status?ref=R-7K3M9Q2XTV')
    expect(m.headers).toEqual({ 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' })
    expect(m.inReplyTo).toBe('<abc@example.net>')
    expect(m.references).toEqual(['<abc@example.net>'])
    expect(checkOutgoingMail(m)).toEqual(m)
  })

  it('cannot be made to carry another header: line breaks in the subject become spaces, a bad Message-ID is dropped', () => {
    const m = acknowledgement({ ...base, subject: 'x\r\nBcc: victim@example.org\u2028X-A: 1', messageId: 'a>\r\nBcc: v@e.org <b@c' })
    expect(m.subject).toBe('[R-7K3M9Q2XTV] Received: x Bcc: victim@example.org X-A: 1')
    expect(m.inReplyTo).toBeUndefined()
    expect(oneLine('\u0000a\tb\nc', 10)).toBe('a b c')
    expect(safeMessageId('ok@host')).toBe('ok@host')
    expect(safeMessageId('no space@host')).toBeNull()
  })

  it('the sender refuses a queued mail that would add recipients or headers', () => {
    const good = acknowledgement({ ...base, subject: 's', messageId: null })
    expect(() => checkOutgoingMail({ ...good, to: 'a@example.net, b@example.net' })).toThrow(/one e-mail address/)
    expect(() => checkOutgoingMail({ ...good, subject: 'a\r\nBcc: b@example.net' })).toThrow(/one line/)
    expect(() => checkOutgoingMail({ ...good, headers: { Bcc: 'b@example.net' } })).toThrow(/may not be set/)
    expect(() => checkOutgoingMail({ ...good, headers: { 'X-Ok': 'a\nb' } })).toThrow(/one line/)
    expect(() => checkOutgoingMail({ ...good, inReplyTo: '<a@b>\r\nBcc: c@d' })).toThrow(/message-id/)
  })
})
