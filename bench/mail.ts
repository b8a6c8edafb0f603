/**
 * @module bench/mail
 * The mail parser pipeline (src/domain/intake/mail) on one core: the whole corpus
 * (tests/fixtures/mail, 35 messages in every shape), and "typical" 20 KiB complaints —
 * a hand-written text with a firewall log pasted in, the shape most abuse mail has.
 * Prints messages per second and the median and p95 time per message.
 *
 *   npx tsx bench/mail.ts [seconds per case]
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { cidrContainsIp, parseCidr, type IpAddress } from '../src/domain/cidr.js'
import { parseMail, type MailContext } from '../src/domain/intake/mail/pipeline.js'

const SECONDS = Number(process.argv[2] ?? 5)
const DIR = join(import.meta.dirname, '../tests/fixtures/mail')
const ranges = ['192.0.2.0/24', '198.51.100.0/24', '2001:db8:5ca::/48'].map((c) => parseCidr(c))
const ctx: MailContext = {
  now: new Date('2026-11-30T00:00:00Z'),
  isOurs: (ip: IpAddress) => ranges.some((r) => cidrContainsIp(r, ip)),
  ownAddresses: ['abuse@scangate.example'],
}

const corpus = readdirSync(DIR)
  .filter((f) => f.endsWith('.eml') && f !== 'not-a-mail.eml')
  .map((f) => new Uint8Array(readFileSync(join(DIR, f))))

/** A complaint of about 20 KiB: prose, then kernel log lines (several scanners, one target). */
function typical(i: number): Uint8Array {
  const lines: string[] = []
  for (let n = 0; lines.join('\n').length < 19_000; n++) {
    const s = String(n % 60).padStart(2, '0')
    lines.push(`Nov 29 14:${String(n % 60).padStart(2, '0')}:${s} fw1 kernel: [884211.${n}] IN=eth0 OUT= MAC=00:16:3e:aa:bb:cc SRC=192.0.2.${(n % 3) + 30} DST=203.0.113.90 LEN=44 TOS=0x00 PROTO=TCP SPT=61000 DPT=${(n % 1000) + 1} WINDOW=1024 SYN URGP=0`)
  }
  const body = `Hello,\r\n\r\nyour hosts keep scanning our firewall 203.0.113.90. Log below (UTC).\r\n\r\n${lines.join('\r\n')}\r\n\r\nRegards\r\n`
  return new TextEncoder().encode(
    `From: Admin <admin@site${i}.example>\r\nTo: abuse@scangate.example\r\nSubject: port scans\r\nDate: Sun, 29 Nov 2026 15:00:00 +0000\r\nMessage-ID: <b${i}@site.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`,
  )
}

async function run(name: string, messages: Uint8Array[]): Promise<void> {
  // warm up the JIT before timing
  for (let i = 0; i < 50; i++) await parseMail(messages[i % messages.length]!, ctx)
  const times: number[] = []
  const end = performance.now() + SECONDS * 1000
  let bytes = 0
  for (let i = 0; performance.now() < end; i++) {
    const m = messages[i % messages.length]!
    const t0 = performance.now()
    await parseMail(m, ctx)
    times.push(performance.now() - t0)
    bytes += m.length
  }
  times.sort((a, b) => a - b)
  const total = times.reduce((a, b) => a + b, 0)
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))]!.toFixed(2)
  const avg = Math.round(bytes / times.length / 102.4) / 10
  console.log(`${name.padEnd(28)} ${String(times.length).padStart(6)} msgs  ${(times.length / (total / 1000)).toFixed(0).padStart(5)} msgs/s  median ${pct(0.5)} ms  p95 ${pct(0.95)} ms  (avg ${avg} KiB)`)
}

console.log(`node ${process.version}, ${SECONDS} s per case, one core`)
await run('corpus (35 shapes)', corpus)
await run('typical 20 KiB complaint', Array.from({ length: 20 }, (_, i) => typical(i)))
