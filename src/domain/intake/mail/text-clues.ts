/**
 * @module domain/intake/mail/text-clues
 * What a hand-written or tool-written complaint says, line by line: which of the
 * addresses are ours (the published catalogue decides), which address the reporter says
 * was hit, when, and on which ports. Lines that carry an address are kept verbatim as
 * evidence.
 *
 * An address counts as the reporter's target when something labels it so (`DST=`,
 * `destination`, `target`, `to`, `->`, tcpdump's `>`, and the same words in a few other
 * languages); an unlabelled address that is not ours and not labelled as a source is a
 * loose candidate, used only when nothing is labelled. Forwarded header lines
 * (`Received:` and friends) are skipped: their addresses are mail servers, not targets.
 */
import { tryParseIp, type IpAddress } from '../../cidr.js'
import { findTimes, type TimeContext } from './log-times.js'

export interface LineClue {
  line: string
  ours: IpAddress[]
  /** labelled as the target */
  targets: IpAddress[]
  /** neither ours nor labelled */
  others: IpAddress[]
  times: Date[]
  ports: number[]
}

export interface TextClues {
  /** only the lines that name an address or a time */
  lines: LineClue[]
  protocol: string | null
}

const IPV4 = /(?<![\d.])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?:[.:](\d{1,5}))?(?![\d.]*\d)/g
const IPV6 = /(?<![\w:.])\[?((?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|\d{1,3}(?:\.\d{1,3}){3}))\]?(?::(\d{1,5}))?(?![\w:])/g
const TARGET_LABEL =
  /(?:\bDST=|\bdst(?:[ _-]?ip)?[ :=]+|\bdest(?:ination)?(?:[ _-]?(?:ip|address|host|addr))?[ :=]+|\btarget(?:s|ed)?(?:[ _-]?(?:ip|address|host|server))?[ :=]+|\bto(?: (?:our|my|the))?(?: (?:host|server|ip|address|machine|system))?[ :]+|->\s*|\s>\s+|\b(?:on|against|at)(?: (?:our|my|the))?(?: (?:host|server|ip|address|machine|system|webserver|network))?[ :]+|\b(?:our|my) (?:host|server|ip|address|machine|system|webserver)[ :]+|\bziel(?:system|adresse|host|-ip)?[ :=]+|\b(?:auf|an)(?: (?:unse?re?n?|meine?n?))?(?: (?:Server|Host|System|IP))?[ :]+|\bcible[ :=]+|\bvers\s+|\bdestino[ :=]+|цель[ :=]+|на (?:наш |мой )?(?:сервер |хост )?|宛先[ :：=]*|対象[ :：=]*)$/i
const SOURCE_LABEL = /(?:\bSRC=|\bsrc(?:[ _-]?ip)?[ :=]+|\bsource(?:[ _-]?(?:ip|address))?[ :=]+|\bfrom(?: (?:host|ip|address))?[ :]+|\bvon[ :]+|\bde[ :]+|\bот[ :]+|送信元[ :：=]*|\b(?:attacker|scanner|offender|abuser)(?: ip)?[ :=]+)$/i
const HEADER_LINE = /^\s*(?:>\s*)*(?:Received|Return-Path|Authentication-Results|ARC-[\w-]+|DKIM-Signature|X-Originating-IP|X-Received|Received-SPF|X-[\w-]*Spam[\w-]*|Message-ID|X-Mailer|Delivered-To):/i

const PORT_LABEL = /(?:\bDPT=|\bdport[ :=]+|\b(?:dst|dest|destination|target|ziel)[ _-]?ports?[ :=]+|\bport de destination[ :=]+|\bZielport[ :=]+|\bto port[ :]+|\bports?(?:[ :]+)(?=\d)|ポート[ :：]*|порт(?:ы|у)?[ :]+)(\d{1,5}(?:(?:\s*,\s*|\s+and\s+|\s+und\s+|\s+et\s+|\s*\/\s*)\d{1,5})*)/gi
const PORT_HINT = /port|DPT=|ポート|порт/i
const PROTO = /\bPROTO=(TCP|UDP|ICMP|ICMPv6)\b|\b(TCP|UDP)\b/i

interface Hit {
  ip: IpAddress
  index: number
  port: number | null
}

function addresses(line: string): Hit[] {
  const hits: Hit[] = []
  for (const re of [IPV4, IPV6]) {
    re.lastIndex = 0
    let m: RegExpExecArray | null
    while ((m = re.exec(line))) {
      const ip = tryParseIp(m[1]!)
      if (!ip) continue
      const port = m[2] !== undefined ? Number(m[2]) : null
      hits.push({ ip, index: m.index, port: port !== null && port >= 1 && port <= 65535 ? port : null })
    }
  }
  return hits.sort((a, b) => a.index - b.index)
}

function ports(line: string, sourceSpans: [number, number][]): number[] {
  const out: number[] = []
  PORT_LABEL.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = PORT_LABEL.exec(line))) {
    // sshd's "from 192.0.2.10 port 51234" names the scanner's own (source) port
    const before = line.slice(Math.max(0, m.index - 4), m.index)
    if (sourceSpans.some(([, end]) => m!.index - end >= 0 && m!.index - end <= 2) || /\bsrc$/i.test(before)) continue
    for (const n of m[1]!.split(/\D+/)) {
      const p = Number(n)
      if (n !== '' && p >= 1 && p <= 65535) out.push(p)
    }
  }
  return out
}

/** Reads every line of `text` (quoted reply markers removed). */
export function readTextClues(text: string, isOurs: (ip: IpAddress) => boolean, time: TimeContext): TextClues {
  const lines: LineClue[] = []
  let protocol: string | null = null
  for (const raw of text.split(/\r?\n/)) {
    if (raw.length > 4000 || HEADER_LINE.test(raw)) continue
    const line = raw.replace(/^(?:\s*>)+\s?/, '').trimEnd()
    if (line.trim() === '') continue
    const hits = addresses(line)
    const times = findTimes(line, time).map((t) => t.at)
    if (hits.length === 0 && times.length === 0 && !PORT_HINT.test(line)) continue
    const clue: LineClue = { line, ours: [], targets: [], others: [], times, ports: [] }
    const sourceSpans: [number, number][] = []
    for (const h of hits) {
      const before = line.slice(Math.max(0, h.index - 40), h.index)
      if (isOurs(h.ip)) {
        clue.ours.push(h.ip)
        sourceSpans.push([h.index, h.index + h.ip.text.length + (h.port !== null ? String(h.port).length + 1 : 0)])
      } else if (TARGET_LABEL.test(before)) {
        clue.targets.push(h.ip)
        if (h.port !== null) clue.ports.push(h.port)
      } else if (!SOURCE_LABEL.test(before)) {
        clue.others.push(h.ip)
      }
    }
    clue.ports.push(...ports(line, sourceSpans))
    if (hits.length === 0 && times.length === 0 && clue.ports.length === 0) continue
    if (!protocol) {
      const p = PROTO.exec(line)
      if (p) protocol = (p[1] ?? p[2]!).toLowerCase()
    }
    lines.push(clue)
  }
  return { lines, protocol }
}

/** A category from the words of the complaint (the desk can change it). */
export function guessCategory(text: string): 'port-scan' | 'vulnerability-scan' | 'login-attempts' | 'exploitation' | 'dos' | 'other' {
  if (/brute.?force|failed password|invalid user|authentication failure|login attempt|login-attack|password|anmeldeversuch|mot de passe|パスワード|пароль|подбор/i.test(text)) return 'login-attempts'
  if (/\bexploit|injection|\bCVE-\d|remote code|shellshock|log4j/i.test(text)) return 'exploitation'
  if (/\bddos\b|\bdos attack|\bflood/i.test(text)) return 'dos'
  if (/vulnerability|vuln scan|nikto|nessus|openvas|sqlmap|schwachstellen|vulnérabilit/i.test(text)) return 'vulnerability-scan'
  if (/scan|probe|port|UFW BLOCK|iptables|DPT=|スキャン|сканир|escaneo|balayage/i.test(text)) return 'port-scan'
  return 'other'
}
