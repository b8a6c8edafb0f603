/**
 * @module domain/intake/mail/arf
 * ARF (RFC 5965): a `multipart/report; report-type=feedback-report` whose
 * `message/feedback-report` part is a block of header fields — `Feedback-Type`,
 * `User-Agent`, `Version` (required), `Source-IP`, `Arrival-Date`, `Reported-Domain`,
 * `Reported-URI`, `Incidents` (optional). Field names are case-insensitive, values may
 * be folded, and `Reported-URI` may repeat.
 */

export interface ArfReport {
  feedbackType: string | null
  sourceIp: string | null
  arrivalDate: string | null
  reportedDomain: string | null
  fields: Record<string, string[]>
}

export function readFeedbackReport(text: string): ArfReport {
  const fields: Record<string, string[]> = {}
  let last: string | null = null
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      const list = fields[last]!
      list[list.length - 1] += ' ' + line.trim()
      continue
    }
    const m = /^([A-Za-z][A-Za-z0-9-]{0,63}):\s*(.*)$/.exec(line)
    if (!m) {
      last = null
      continue
    }
    last = m[1]!.toLowerCase()
    ;(fields[last] ??= []).push(m[2]!.trim())
  }
  const one = (k: string) => fields[k]?.[0] ?? null
  return {
    feedbackType: one('feedback-type'),
    sourceIp: one('source-ip'),
    arrivalDate: one('arrival-date') ?? one('received-date'),
    reportedDomain: one('reported-domain'),
    fields,
  }
}
