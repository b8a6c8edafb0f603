/**
 * @module domain/intake/mail/x-arf
 * Legacy X-ARF (v0.1/v0.2, as blocklist.de and SSHCure send it): the mail carries
 * `X-ARF: YES` and a second text part that is a flat YAML mapping (`Source`, `Date`,
 * `Report-Type`, `Port`, `Report-ID` …). That part is read with a small strict reader of
 * flat `Key: value` lines rather than a YAML library: the format is flat by definition,
 * and the Worker bundle has no room for a full YAML parser.
 */

export interface XArfFields {
  fields: Record<string, string>
  /** the YAML block as sent, for the evidence */
  block: string
}

const LINE = /^([A-Za-z][A-Za-z0-9_-]{0,63}):(?:\s+(.*))?$/

function unquote(v: string): string {
  const t = v.trim()
  if (t.length >= 2 && ((t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"')))) {
    return t.slice(1, -1).replace(/''/g, "'")
  }
  return t
}

/**
 * Finds the X-ARF report block in one text: the longest run of `Key: value` lines that
 * names a Report-Type and a Source. Lines that are not flat key/value pairs end the run.
 */
export function findXArfBlock(text: string): XArfFields | null {
  let best: XArfFields | null = null
  let run: string[] = []
  let fields: Record<string, string> = {}
  const close = () => {
    const keys = Object.keys(fields).map((k) => k.toLowerCase())
    if (keys.includes('report-type') && keys.includes('source') && (!best || run.length > best.block.split('\n').length)) {
      best = { fields, block: run.join('\n') }
    }
    run = []
    fields = {}
  }
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^---\s*$/, '')
    const m = LINE.exec(line.trimEnd())
    if (m && !/^\s/.test(raw) && m[2] !== undefined && !/^[[{|>&*!]/.test(m[2].trim())) {
      fields[m[1]!.toLowerCase()] = unquote(m[2])
      run.push(raw)
    } else if (line.trim() !== '' || run.length) {
      close()
    }
  }
  close()
  return best
}

const TYPES: Readonly<Record<string, 'port-scan' | 'vulnerability-scan' | 'login-attempts' | 'exploitation' | 'dos' | 'other'>> = {
  'login-attack': 'login-attempts',
  'login-attempts': 'login-attempts',
  'port-scan': 'port-scan',
  portscan: 'port-scan',
  scan: 'port-scan',
  'vulnerability-scan': 'vulnerability-scan',
  attack: 'exploitation',
  'web-attack': 'exploitation',
  exploit: 'exploitation',
  ddos: 'dos',
  dos: 'dos',
}

export function xArfCategory(reportType: string | undefined): (typeof TYPES)[string] {
  return (reportType && TYPES[reportType.trim().toLowerCase()]) || 'other'
}
