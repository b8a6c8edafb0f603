/**
 * @module domain/feed-formats/atom
 * An Atom (RFC 4287) feed with one entry per published version, newest first, so
 * firewall owners can subscribe to changes in any feed reader or chat integration.
 */
import { LONE_SURROGATE } from '../unicode.js'
import { describeShortfall } from '../notifications/notice-policy.js'
import type { VersionSummary } from './feed-meta.js'

export function xmlEscape(text: string): string {
  return text
    // lone surrogates first: removing a control character between two halves would
    // otherwise join them into a character that was never in the text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

function describe(v: VersionSummary): string {
  const lines = [
    `Serial ${v.serial}: ${v.counts.ipv4} IPv4 and ${v.counts.ipv6} IPv6 prefixes. SHA-256 ${v.sha256}.`,
  ]
  if (v.note) lines.push(`Note: ${v.note}`)
  if (v.noticeOverride) {
    lines.push(`Published with less than our ${v.noticeOverride.noticeDays}-day notice period. Reason: ${v.noticeOverride.reason}`)
    for (const s of v.noticeOverride.shortfalls) lines.push(`Short notice: ${describeShortfall(s)}.`)
  }
  for (const a of v.changes.added) {
    lines.push(`Added ${a.prefix} (${a.status}, active from ${a.activeFrom}${a.retireAt ? `, retires ${a.retireAt}` : ''}).`)
  }
  for (const c of v.changes.changed) {
    const parts = Object.entries(c.fields).map(([k, d]) => `${k} ${String(d?.from)} → ${String(d?.to)}`)
    lines.push(`Changed ${c.prefix}: ${parts.join(', ')} (effective ${c.effective}).`)
  }
  for (const r of v.changes.removed) lines.push(`Removed ${r.prefix} (effective ${r.effective}).`)
  return lines.join('\n')
}

function title(v: VersionSummary): string {
  const { added, removed, changed } = v.changes
  return `Scanner ranges version ${v.serial}: +${added.length} −${removed.length} ~${changed.length}`
}

/**
 * @param baseUrl absolute origin (no trailing slash) used for ids
 * @param versions newest first
 * @param linkBase origin of the links; '' for links relative to the feed's own URL
 */
export function renderFeedAtom(baseUrl: string, versions: readonly VersionSummary[], linkBase = baseUrl): string {
  const updated = versions[0]?.createdAt ?? new Date(0).toISOString()
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlEscape(baseUrl)}/v1/feed.atom</id>`,
    '  <title>Scanner source ranges</title>',
    '  <subtitle>Every published version of the scanner IP range catalogue</subtitle>',
    `  <updated>${updated}</updated>`,
    `  <link rel="self" href="${xmlEscape(linkBase)}/v1/feed.atom"/>`,
    `  <link rel="alternate" type="application/json" href="${xmlEscape(linkBase)}/v1/ranges"/>`,
    '  <author><name>scangate</name></author>',
  ]
  for (const v of versions) {
    const href = `${linkBase}/v1/versions/${v.serial}`
    out.push(
      '  <entry>',
      `    <id>${xmlEscape(`${baseUrl}/v1/versions/${v.serial}`)}</id>`,
      `    <title>${xmlEscape(title(v))}</title>`,
      `    <updated>${v.createdAt}</updated>`,
      `    <link rel="alternate" type="application/json" href="${xmlEscape(href)}"/>`,
      `    <content type="text">${xmlEscape(describe(v))}</content>`,
      '  </entry>',
    )
  }
  out.push('</feed>')
  return out.join('\n') + '\n'
}
