/**
 * Every message of the corpus against its golden file (`<name>.expected.json`): the
 * reports it becomes (addresses, target, window, ports, category, evidence kinds) or the
 * reason it cannot be used. `UPDATE_GOLDEN=1` rewrites the goldens; review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MailUnreadable } from '../../../../src/domain/intake/mail/message.js'
import { parseMail } from '../../../../src/domain/intake/mail/pipeline.js'
import { CORPUS_DIR, corpusContext, corpusFiles, outcomeOf, readCorpus } from './corpus.js'

describe('mail corpus', () => {
  const files = corpusFiles()

  it('has at least 25 messages, each with a golden file', () => {
    expect(files.length).toBeGreaterThanOrEqual(25)
  })

  for (const file of files) {
    it(file, async () => {
      const golden = join(CORPUS_DIR, file.replace(/\.eml$/, '.expected.json'))
      const outcome = await outcomeOf(readCorpus(file))
      if (process.env.UPDATE_GOLDEN) writeFileSync(golden, JSON.stringify(outcome, null, 2) + '\n')
      expect(existsSync(golden), `${golden} is missing (UPDATE_GOLDEN=1 writes it)`).toBe(true)
      expect(outcome).toEqual(JSON.parse(readFileSync(golden, 'utf8')))
    })
  }

  it('parses a 10 MiB message (a complaint with a large log attachment) into its report', async () => {
    const log = Array.from({ length: 190_000 }, (_, i) => `Nov 29 10:${String(Math.floor(i / 3000) % 60).padStart(2, '0')}:00 fw DROP SRC=192.0.2.5 DST=203.0.113.99 DPT=${(i % 1000) + 1}`).join('\n')
    const raw = new TextEncoder().encode(
      'From: big@logs.example\r\nTo: abuse@scangate.example\r\nSubject: huge log\r\nDate: Sun, 29 Nov 2026 12:00:00 +0000\r\nMessage-ID: <big@logs.example>\r\n' +
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nScanner 192.0.2.5 hit our host 203.0.113.99, log attached.\r\n' +
        `--b\r\nContent-Type: application/octet-stream; name="fw.bin"\r\nContent-Disposition: attachment; filename="fw.bin"\r\n\r\n${log}\r\n--b--\r\n`,
    )
    expect(raw.length).toBeGreaterThan(10 * 1024 * 1024)
    const started = performance.now()
    const p = await parseMail(raw, corpusContext)
    expect(p.drafts).toHaveLength(1)
    expect(p.drafts[0]!.report.target.text).toBe('203.0.113.99/32')
    // the big attachment is named in the evidence, not copied into it
    expect(p.drafts[0]!.evidence.some((e) => new TextDecoder().decode(e.content).includes('kept in the raw message only'))).toBe(true)
    // postal-mime reads MIME line by line: ~7 s on an idle core (docs/benchmarks.md); a hang would fail here
    expect(performance.now() - started).toBeLessThan(120_000)
  }, 180_000)

  it('refuses bytes that are not a mail message', async () => {
    await expect(parseMail(new Uint8Array([0, 1, 2, 3, 0xff]), corpusContext)).rejects.toBeInstanceOf(MailUnreadable)
  })

  it('never unpacks archives: the zip and gzip attachments are stored exactly as sent', async () => {
    for (const file of ['gzip-attachment.eml', 'multipart-with-attachments.eml']) {
      const p = await parseMail(readCorpus(file), corpusContext)
      const archives = p.drafts[0]!.evidence.filter((e) => e.description?.includes('never unpacked'))
      expect(archives.length).toBe(1)
      expect(archives[0]!.contentType).toBe('application/octet-stream')
      const head = [...archives[0]!.content.subarray(0, 2)]
      expect(head[0] === 0x1f || head[0] === 0x50).toBe(true)
    }
  })

  it('keeps HTML only as text evidence, script and all, never as markup to render', async () => {
    const p = await parseMail(readCorpus('html-only.eml'), corpusContext)
    const html = p.drafts[0]!.evidence.find((e) => e.description?.includes('HTML part'))!
    expect(html.contentType).toBe('text/plain; charset=utf-8')
    expect(new TextDecoder().decode(html.content)).toContain("<script>alert('xss')</script>")
  })
})
