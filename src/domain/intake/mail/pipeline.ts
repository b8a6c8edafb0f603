/**
 * @module domain/intake/mail/pipeline
 * One raw e-mail → zero or more validated reports plus their evidence, or the reason the
 * message cannot be used. Pure: the caller passes the catalogue test (`isOurs`), the
 * clock and our own addresses; storing, linking and acknowledging happen elsewhere.
 *
 * Formats, tried in this order and combined where they complement each other:
 * 1. XARF v4 JSON (body or attachment) → exactly the report(s) it describes;
 * 2. legacy X-ARF (flat YAML part) and ARF (`message/feedback-report`) → the source,
 *    date, port and type they state, the target from their text or evidence;
 * 3. free text (body, forwarded messages, text attachments) → our addresses, the
 *    reporter's targets, times and ports, line by line.
 *
 * Each (our address, target, UTC day) becomes one report, so a message naming two of
 * our scanners or two targets lands in the right cases. Without any time in the text the
 * `Date` header is used and the draft says so.
 */
import type { IpAddress } from '../../cidr.js'
import { DomainError } from '../../errors.js'
import { textEvidence, evidenceItem, type EvidenceItem } from '../evidence.js'
import { isEmail, validateReport, REPORT_LIMITS, type Category, type ValidReport } from '../report-rules.js'
import { isXarf, parseXarf } from '../xarf.js'
import { readFeedbackReport } from './arf.js'
import { loopReason, noReplyReason } from './auto-reply.js'
import { dateHeaderOffset, findTimes, statedLocalOffset, type TimeContext } from './log-times.js'
import { header, readMail, type MailMessage } from './message.js'
import { guessCategory, readTextClues, type LineClue } from './text-clues.js'
import { findXArfBlock, xArfCategory } from './x-arf.js'
import { tryParseIp } from '../../cidr.js'

export type MailFormat = 'xarf' | 'x-arf' | 'arf' | 'text'

export interface MailContext {
  now: Date
  /** whether an address is in our published catalogue */
  isOurs(ip: IpAddress): boolean
  /** our own mailbox addresses (MAIL_FROM, the accepted recipients): loop detection */
  ownAddresses: readonly string[]
}

export interface MailReportDraft {
  format: MailFormat
  report: ValidReport
  evidence: EvidenceItem[]
  xarf: { document: string; reportId: string | null; type: string; reporterOrg: string | null } | null
  /** things the desk should know about how the report was read */
  notes: string[]
}

export interface MailSummary {
  messageId: string | null
  from: string | null
  /** where an acknowledgement would go (Reply-To, else From) */
  replyAddress: string | null
  subject: string
  date: Date | null
  references: string[]
  /** why no acknowledgement may be sent (RFC 3834), or null */
  noReply: string | null
}

export interface MailParse {
  summary: MailSummary
  format: MailFormat | null
  drafts: MailReportDraft[]
  /** why nothing usable came out of the message; set exactly when `drafts` is empty */
  unparsed: string | null
}

/** More (scanner, target, day) combinations than this are left to a person. */
export const MAX_REPORTS_PER_MAIL = 50
const MAX_ATTACHMENT_EVIDENCE = 1024 * 1024
const MAX_EVIDENCE_ITEMS = 20
const TEXT_ATTACHMENT = /^(text\/plain|text\/csv|text\/x-log|application\/x-log)$|\.(txt|log|csv)$/i
const JSON_ATTACHMENT = /^application\/(json|xarf\+json)$|\.json$/i
const ARCHIVE = /zip|gzip|x-tar|x-7z|x-rar|compressed|\.(zip|gz|tgz|7z|rar|bz2|xz)$/i

const decoder = new TextDecoder('utf-8')

function cleanText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ')
}

function timeContext(msg: MailMessage, texts: string[], now: Date): TimeContext {
  const stated = texts.map(statedLocalOffset).find((o) => o !== null)
  return { reference: msg.date ?? now, offsetMinutes: stated ?? dateHeaderOffset(msg.dateHeader) ?? 0 }
}

function summarise(msg: MailMessage, ctx: MailContext): MailSummary {
  const reply = msg.replyTo ?? msg.from
  return {
    messageId: msg.messageId,
    from: msg.from,
    replyAddress: reply && isEmail(reply) ? reply : null,
    subject: msg.subject.slice(0, 500),
    date: msg.date,
    references: msg.references.slice(-10),
    noReply: noReplyReason(msg, ctx.ownAddresses),
  }
}

/** The evidence every report of the message shares: HTML as text, attachments as sent. */
async function sharedEvidence(msg: MailMessage): Promise<EvidenceItem[]> {
  const out: EvidenceItem[] = []
  for (const html of msg.htmls) {
    out.push(await evidenceItem(new TextEncoder().encode(html.slice(0, REPORT_LIMITS.maxEvidenceBytes)), 'text/plain; charset=utf-8', 'HTML part of the e-mail, as source text (never rendered)', null))
  }
  for (const a of msg.attachments) {
    if (out.length >= MAX_EVIDENCE_ITEMS) break
    if (a.mimeType === 'message/feedback-report') continue
    const name = a.filename ? a.filename.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200) : null
    if (a.content.length > MAX_ATTACHMENT_EVIDENCE) {
      out.push(await textEvidence(`Attachment ${name ?? '(unnamed)'} (${a.mimeType}, ${a.content.length} bytes) is kept in the raw message only.`))
      continue
    }
    const archive = ARCHIVE.test(a.mimeType) || (name !== null && ARCHIVE.test(name))
    const desc = `E-mail attachment ${name ?? '(unnamed)'}${archive ? ' (archive: stored as sent, never unpacked)' : ''}`
    const type = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/.test(a.mimeType) ? a.mimeType : 'application/octet-stream'
    out.push(await evidenceItem(a.content, archive ? 'application/octet-stream' : type, desc, null))
  }
  return out
}

/** XARF v4 documents in the body or in JSON attachments. */
function xarfDocuments(msg: MailMessage): string[] {
  const docs: string[] = []
  for (const a of msg.attachments) {
    if (JSON_ATTACHMENT.test(a.mimeType) || (a.filename && JSON_ATTACHMENT.test(a.filename))) docs.push(decoder.decode(a.content))
  }
  for (const t of msg.texts) {
    const trimmed = t.trim()
    if (trimmed.startsWith('{') && trimmed.includes('xarf_version')) docs.push(trimmed)
  }
  return docs.filter((d) => d.includes('xarf_version'))
}

interface Structured {
  format: 'x-arf' | 'arf'
  ours: IpAddress[]
  sources: IpAddress[]
  targets: IpAddress[]
  times: Date[]
  ports: number[]
  category: Category | null
  reportId: string | null
  type: string | null
  reporterOrg: string | null
  block: string
}

function structuredFromXArf(msg: MailMessage, texts: string[], ctx: MailContext, time: TimeContext): Structured | null {
  const flagged = /^yes/i.test(header(msg, 'x-arf')?.trim() ?? '')
  for (const t of texts) {
    const x = findXArfBlock(t)
    if (!x) continue
    if (!flagged && !x.fields['schema-url'] && !x.fields['version']) continue
    const f = x.fields
    const ips = (v: string | undefined) => (v ?? '').split(/[\s,]+/).map((s) => tryParseIp(s)).filter((ip): ip is IpAddress => ip !== null)
    const source = ips(f['source'])
    const dest = ips(f['destination'] ?? f['destination-ip'] ?? f['target'] ?? f['target-ip'])
    const times = f['date'] ? findTimes(f['date'], time).map((t) => t.at) : []
    const port = Number(f['port'] ?? f['destination-port'])
    return {
      format: 'x-arf',
      ours: source.filter((ip) => ctx.isOurs(ip)),
      sources: source,
      targets: dest,
      times,
      ports: Number.isInteger(port) && port >= 1 && port <= 65535 ? [port] : [],
      category: xArfCategory(f['report-type']),
      reportId: f['report-id']?.slice(0, 200) ?? null,
      type: (f['report-type'] ?? 'x-arf').toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 64) || 'x_arf',
      reporterOrg: f['reported-from']?.slice(0, 200) ?? null,
      block: x.block,
    }
  }
  return null
}

function structuredFromArf(msg: MailMessage, ctx: MailContext, time: TimeContext): Structured | null {
  const part = msg.attachments.find((a) => a.mimeType === 'message/feedback-report')
  if (!part) return null
  const text = decoder.decode(part.content)
  const arf = readFeedbackReport(text)
  const ip = arf.sourceIp ? tryParseIp(arf.sourceIp) : null
  const times = arf.arrivalDate ? findTimes(arf.arrivalDate, time).map((t) => t.at) : []
  return {
    format: 'arf',
    ours: ip && ctx.isOurs(ip) ? [ip] : [],
    sources: ip ? [ip] : [],
    targets: [],
    times,
    ports: [],
    category: null,
    reportId: null,
    type: `arf_${(arf.feedbackType ?? 'other').toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 40)}`,
    reporterOrg: null,
    block: text,
  }
}

/**
 * fail2ban's complain action mails from the host that was attacked, and its log lines
 * (sshd and friends) never name that host's address: the first hop of the mail does.
 */
function originAddress(msg: MailMessage, texts: string[], isOurs: (ip: IpAddress) => boolean): IpAddress | null {
  if (!texts.some((t) => /generated by Fail2Ban/i.test(t))) return null
  const received = msg.headers.filter((h) => h.key === 'received')
  for (let i = received.length - 1; i >= 0; i--) {
    const m = /\bfrom\s+\S+\s+\([^)]*\[(?:IPv6:)?([0-9a-fA-F:.]+)\]/.exec(received[i]!.value)
    const ip = m ? tryParseIp(m[1]!) : null
    if (ip && !isOurs(ip) && !/^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|fe80:)/i.test(ip.text)) return ip
  }
  return null
}

interface Group {
  our: IpAddress
  target: IpAddress
  times: Date[]
  ports: Set<number>
  lines: string[]
}

function uniqueIps(list: IpAddress[]): IpAddress[] {
  const seen = new Set<string>()
  return list.filter((ip) => (seen.has(ip.text) ? false : (seen.add(ip.text), true)))
}

const dayOf = (d: Date) => d.toISOString().slice(0, 10)

function addToGroups(groups: Map<string, Group>, our: IpAddress, target: IpAddress, times: Date[], ports: number[], lines: string[]): void {
  const days = times.length ? [...new Set(times.map(dayOf))] : ['']
  for (const day of days) {
    const key = `${our.text}|${target.text}|${day}`
    const g = groups.get(key) ?? { our, target, times: [], ports: new Set<number>(), lines: [] }
    g.times.push(...times.filter((t) => day === '' || dayOf(t) === day))
    for (const p of ports) g.ports.add(p)
    for (const l of lines) if (!g.lines.includes(l)) g.lines.push(l)
    groups.set(key, g)
  }
}

/** Parses a raw message (see the module doc). */
export async function parseMail(raw: Uint8Array, ctx: MailContext): Promise<MailParse> {
  const msg = await readMail(raw)
  const summary = summarise(msg, ctx)
  const unparsed = (reason: string, format: MailFormat | null = null): MailParse => ({ summary, format, drafts: [], unparsed: reason })
  const loop = loopReason(msg, ctx.ownAddresses)
  if (loop) return unparsed(loop)

  const contact = summary.replyAddress
  const shared = await sharedEvidence(msg)
  const problems: string[] = []

  // 1. XARF v4
  const docs = xarfDocuments(msg)
  if (docs.length) {
    const drafts: MailReportDraft[] = []
    for (const doc of docs.slice(0, MAX_REPORTS_PER_MAIL)) {
      let body: unknown
      try {
        body = JSON.parse(doc)
      } catch {
        problems.push('an XARF attachment is not valid JSON')
        continue
      }
      if (!isXarf(body)) continue
      try {
        const x = await parseXarf(body, ctx.now)
        const report = x.report.contactEmail || !contact ? x.report : { ...x.report, contactEmail: contact }
        drafts.push({ format: 'xarf', report, evidence: [...x.evidence], xarf: { document: doc, reportId: x.reportId, type: x.type, reporterOrg: x.reporterOrg }, notes: [] })
      } catch (e) {
        if (!(e instanceof DomainError)) throw e
        problems.push(`XARF: ${e.message}`)
      }
    }
    if (drafts.length) return { summary, format: 'xarf', drafts, unparsed: null }
    // the sender meant XARF: its own errors say best what to fix
    if (problems.length) return unparsed(problems.slice(0, 3).join('; ').slice(0, 1000), 'xarf')
  }

  // 2 and 3: the texts (body, forwarded messages, text attachments) and any structured part
  const texts = [...msg.texts]
  for (const a of msg.attachments) {
    if (a.content.length <= MAX_ATTACHMENT_EVIDENCE && (TEXT_ATTACHMENT.test(a.mimeType) || (a.filename && TEXT_ATTACHMENT.test(a.filename)))) {
      texts.push(decoder.decode(a.content))
    }
  }
  if (texts.length === 0 && msg.htmls.length) texts.push(...msg.htmls.map((h) => h.replace(/<[^>]*>/g, ' ')))
  const time = timeContext(msg, texts, ctx.now)
  const structured = structuredFromXArf(msg, texts, ctx, time) ?? structuredFromArf(msg, ctx, time)
  const format: MailFormat = structured?.format ?? 'text'
  const clues = texts.map((t) => readTextClues(t, ctx.isOurs, time))
  const lines: LineClue[] = clues.flatMap((c) => c.lines).filter((l) => !structured || !structured.block.includes(l.line))
  const protocol = clues.find((c) => c.protocol)?.protocol ?? null
  const allText = `${msg.subject}\n${texts.join('\n')}`

  // a structured part names its source outright, ours or not (like a web report would)
  const ours = uniqueIps([...(structured?.sources ?? []), ...lines.flatMap((l) => l.ours)])
  if (ours.length === 0) {
    const seen = uniqueIps(lines.flatMap((l) => [...l.targets, ...l.others])).length
    return unparsed(seen ? `names none of our scanner addresses (${seen} other address${seen === 1 ? '' : 'es'} found)` : 'names no IP address at all', format)
  }

  const notes: string[] = []
  const groups = new Map<string, Group>()
  // lines that name one of ours and a target together pair them directly
  for (const l of lines) {
    const targets = l.targets.length ? l.targets : l.others
    if (l.ours.length === 0 || targets.length === 0) continue
    for (const our of l.ours) for (const t of targets) addToGroups(groups, our, t, l.times, l.ports, [l.line])
  }
  // a pair named on one line may have its time or ports on the lines around it
  const contextLines = lines.filter((l) => l.ours.length === 0 && l.targets.length === 0 && l.others.length === 0)
  for (const g of groups.values()) {
    const own = lines.filter((l) => l.ours.some((o) => o.text === g.our.text))
    if (g.times.length === 0) {
      const more = [...(structured?.times ?? []), ...contextLines.flatMap((l) => l.times), ...own.flatMap((l) => l.times)]
      g.times.push(...more)
      for (const l of contextLines) if (l.times.length && !g.lines.includes(l.line)) g.lines.push(l.line)
    }
    for (const p of [...(structured?.ports ?? []), ...contextLines.flatMap((l) => l.ports)]) g.ports.add(p)
  }
  if (groups.size === 0) {
    let targets = uniqueIps([...(structured?.targets ?? []), ...lines.flatMap((l) => l.targets)])
    if (targets.length === 0) targets = uniqueIps(lines.flatMap((l) => l.others)).filter((ip) => !ours.some((o) => o.text === ip.text))
    if (targets.length === 0) {
      const origin = originAddress(msg, texts, ctx.isOurs)
      if (origin) {
        targets = [origin]
        notes.push('The target address was taken from the first Received header (fail2ban mails from the host it protects).')
      }
    }
    if (targets.length === 0) return unparsed('names no target address (which of the reporter\'s hosts was hit)', format)
    const related = lines.filter((l) => l.ours.length > 0)
    const timeLines = related.some((l) => l.times.length) ? related : lines
    const times = [...(structured?.times ?? []), ...timeLines.flatMap((l) => l.times)]
    const ports = [...(structured?.ports ?? []), ...lines.flatMap((l) => l.ports)]
    const evidenceLines = (related.length ? related : lines).map((l) => l.line)
    for (const our of ours) for (const t of targets) addToGroups(groups, our, t, times, ports, evidenceLines)
  }
  if (groups.size > MAX_REPORTS_PER_MAIL) {
    return unparsed(`names ${groups.size} scanner/target/day combinations; more than ${MAX_REPORTS_PER_MAIL} are left to a person`, format)
  }

  const category: Category = structured?.category && structured.category !== 'other' ? structured.category : guessCategory(allText)
  const description = cleanText(`${msg.subject ? `Subject: ${msg.subject}\n\n` : ''}${(msg.texts[0] ?? '').trim()}`).slice(0, 1500)
  const drafts: MailReportDraft[] = []
  for (const g of groups.values()) {
    const draftNotes = [...notes]
    let from: Date
    let to: Date
    if (g.times.length) {
      from = new Date(Math.min(...g.times.map((t) => t.getTime())))
      to = new Date(Math.max(...g.times.map((t) => t.getTime())))
    } else {
      from = to = msg.date ?? ctx.now
      draftNotes.push(msg.date ? 'No time found in the message: the time is the Date header of the e-mail.' : 'No time found in the message and no Date header: the time is when the e-mail arrived.')
    }
    let evidenceText = g.lines.join('\n')
    while (new TextEncoder().encode(evidenceText).length > REPORT_LIMITS.maxEvidenceBytes) evidenceText = evidenceText.slice(0, Math.floor(evidenceText.length * 0.9))
    try {
      const report = validateReport(
        {
          sourceIps: [g.our.text],
          target: g.target.text,
          observedFrom: from.toISOString(),
          observedTo: to.toISOString(),
          ports: g.ports.size ? [...g.ports].slice(0, REPORT_LIMITS.maxPorts) : undefined,
          protocol: protocol ?? undefined,
          category,
          description: description || undefined,
          evidence: evidenceText || undefined,
          contactEmail: contact ?? undefined,
        },
        ctx.now,
      )
      const evidence: EvidenceItem[] = []
      if (evidenceText) evidence.push(await evidenceItem(new TextEncoder().encode(evidenceText), 'text/plain; charset=utf-8', 'Lines of the e-mail that name the addresses', null))
      if (structured) evidence.push(await evidenceItem(new TextEncoder().encode(structured.block.slice(0, REPORT_LIMITS.maxEvidenceBytes)), 'text/plain; charset=utf-8', structured.format === 'arf' ? 'ARF feedback report (RFC 5965)' : 'X-ARF report part', null))
      evidence.push(...shared)
      drafts.push({
        format,
        report,
        evidence: evidence.slice(0, MAX_EVIDENCE_ITEMS),
        xarf: structured && structured.format === 'x-arf' ? { document: structured.block, reportId: structured.reportId, type: structured.type ?? 'x_arf', reporterOrg: structured.reporterOrg } : null,
        notes: draftNotes,
      })
    } catch (e) {
      if (!(e instanceof DomainError)) throw e
      problems.push(`${g.our.text} → ${g.target.text}: ${e.message}`)
    }
  }
  if (drafts.length === 0) return unparsed(`no usable report: ${problems.slice(0, 3).join('; ')}`.slice(0, 1000), format)
  return { summary, format, drafts, unparsed: null }
}
