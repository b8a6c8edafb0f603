/**
 * @module tests/domain/formatters/readme-limits.test
 * The README's target-limits table is generated from the formatters' own declarations;
 * this test regenerates it and fails when the two drift apart (a new target, a changed
 * limit). Refresh the table with UPDATE_README=1.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { formatters, maxNameLength } from '../../../src/domain/formatters/index.js'
import { GROUP_TITLE, targetInfo } from '../../../src/domain/formatters/target-info.js'

const n = (x: number) => x.toLocaleString('en').replace(/,/g, ' ')

function table(): string {
  const rows = formatters.map((f) => {
    const i = targetInfo(f)
    const per = f.maxEntries ? `${n(f.maxEntries.max)}${f.maxEntries.default ? ` (default ${n(f.maxEntries.default)})` : ''}` : '—'
    const total = i.limits.totalEntries ? n(i.limits.totalEntries.max) : '—'
    const lengths = i.limits.prefixLengths
    const pl = lengths ? `; IPv4 /${lengths.ipv4?.join('–/')}, IPv6 /${lengths.ipv6?.join('–/')}` : ''
    return `| \`${f.id}\` | ${GROUP_TITLE[i.group]} | ${per} | ${total}${pl} | ${f.name.maxLength} (you: ${maxNameLength(f)}) | ${i.limits.commentChars ?? 'none'} | ${i.limits.source.replace(/\|/g, '/')} |`
  })
  return [
    '| Target | Group | Entries per object / rule | Total | Name (chars) | Comment (chars) | Source |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
}

it('the README limits table lists every target with the limits its formatter declares', () => {
  const file = new URL('../../../README.md', import.meta.url)
  const readme = readFileSync(file, 'utf8')
  const [before, rest] = readme.split('<!-- limits:start -->\n')
  const after = rest?.split('<!-- limits:end -->')[1]
  expect(after, 'README limits markers').toBeDefined()
  if (process.env.UPDATE_README) writeFileSync(file, `${before}<!-- limits:start -->\n${table()}<!-- limits:end -->${after}`)
  else expect(rest?.split('<!-- limits:end -->')[0]).toBe(table())
  expect(formatters.length).toBeGreaterThanOrEqual(36)
})
