/**
 * @module tests/domain/intake/mail/corpus
 * The mail corpus (tests/fixtures/mail/*.eml) and the catalogue its golden files assume:
 * our scanners are 192.0.2.0/24, 198.51.100.0/24 and 2001:db8:5ca::/48; every message
 * is read at 2026-11-30T00:00:00Z.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { cidrContainsIp, parseCidr, type IpAddress } from '../../../../src/domain/cidr.js'
import { MailUnreadable } from '../../../../src/domain/intake/mail/message.js'
import { parseMail, type MailContext } from '../../../../src/domain/intake/mail/pipeline.js'

export const CORPUS_DIR = join(import.meta.dirname, '../../../fixtures/mail')
export const CORPUS_NOW = new Date('2026-11-30T00:00:00Z')
export const OUR_RANGES = ['192.0.2.0/24', '198.51.100.0/24', '2001:db8:5ca::/48'].map((c) => parseCidr(c))

export const corpusContext: MailContext = {
  now: CORPUS_NOW,
  isOurs: (ip: IpAddress) => OUR_RANGES.some((r) => cidrContainsIp(r, ip)),
  ownAddresses: ['abuse@scangate.example', 'noreply@scangate.example'],
}

export function corpusFiles(): string[] {
  return readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.eml')).sort()
}

export function readCorpus(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS_DIR, file)))
}

/** What a golden file records: the outcome, without evidence bytes. */
export async function outcomeOf(raw: Uint8Array, ctx: MailContext = corpusContext): Promise<unknown> {
  try {
    const p = await parseMail(raw, ctx)
    return {
      format: p.format,
      unparsed: p.unparsed,
      noReply: p.summary.noReply,
      replyAddress: p.summary.replyAddress,
      messageId: p.summary.messageId,
      reports: p.drafts.map((d) => ({
        sourceIps: d.report.sourceIps.map((i) => i.text),
        target: d.report.target.text,
        observedFrom: d.report.observedFrom.toISOString(),
        observedTo: d.report.observedTo.toISOString(),
        ports: d.report.ports,
        protocol: d.report.protocol,
        category: d.report.category,
        contactEmail: d.report.contactEmail,
        xarfReportId: d.xarf?.reportId ?? null,
        evidence: d.evidence.map((e) => ({ contentType: e.contentType, description: e.description, bytes: e.content.length })),
        notes: d.notes,
      })),
    }
  } catch (e) {
    if (e instanceof MailUnreadable) return { unreadable: e.message }
    throw e
  }
}
