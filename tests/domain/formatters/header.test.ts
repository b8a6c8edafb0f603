/**
 * @module tests/domain/formatters/header.test
 * The snippet header tells the truth under filters: the version's counts and the file's
 * apart, the filter, and why a family is missing from the file.
 */
import { describe, expect, it } from 'vitest'
import { headerLines, type HeaderSpec } from '../../../src/domain/formatters/header.js'
import { familyOnly, ipv4List, ipv6List, makeInput, subsetOf } from './fixtures.js'

const spec: HeaderSpec = { marker: '#', title: 'test', families: ['ipv4', 'ipv6'], apply: [] }

function header(input: Parameters<typeof headerLines>[0], s: HeaderSpec = spec): string {
  return headerLines(input, s).join('\n')
}

describe('snippet header', () => {
  const version = makeInput('x', ipv4List(386), ipv6List(848))

  it('shows the version and the file apart under a family filter', () => {
    const text = header(familyOnly(version, 'ipv4'))
    expect(text).toContain('# Version: 1234 entries (386 IPv4, 848 IPv6)')
    expect(text).toContain('# Filter:  family=ipv4')
    expect(text).toContain('# In file: 386 entries (386 IPv4, 0 IPv6)')
    expect(text).toContain(
      '# No IPv6 here (family filter): this file creates, changes and removes no IPv6 object.',
    )
    expect(text).not.toMatch(/has no IPv6|remove them by hand/)
  })

  it('tells a filter that matched nothing from a version that has nothing', () => {
    const pool = header(subsetOf(version, 'pool=edge status=active', ipv4List(3), []))
    expect(pool).toContain('# Filter:  pool=edge status=active')
    expect(pool).toContain('# In file: 3 entries (3 IPv4, 0 IPv6)')
    expect(pool).toContain('# No IPv6 here (no IPv6 entry matches the filter)')
    expect(pool).toContain('give each filter its own name=')
    const none = header(makeInput('x', ipv4List(2), []))
    expect(none).toContain('# Version: 2 entries (2 IPv4, 0 IPv6)')
    expect(none).toContain('# Filter:  none')
    expect(none).toContain('# No IPv6 here (the version has none)')
    expect(none).toContain(
      '# If you still have IPv6 objects from an older version, remove them by hand.',
    )
  })

  it('points a single-family target to its sibling, with the version count', () => {
    const text = header(version, { ...spec, families: ['ipv4'], siblings: { ipv6: 'ip6tables' } })
    expect(text).toContain('# In file: 386 IPv4 entries')
    expect(text).toContain(
      '# IPv6 (848 in this version) is served by the ip6tables target: https://scangate.example/v1/rules/ip6tables',
    )
    expect(text).not.toContain('No IPv6 here')
  })

  it('counts one entry in the singular and names aggregation', () => {
    const filter = { family: null, subset: null, aggregated: true }
    const input = { ...makeInput('x', ipv4List(1), []), filter }
    const text = header(input, { ...spec, families: ['ipv4'] })
    expect(text).toContain('# In file: 1 IPv4 entry')
    expect(text).toContain('# Filter:  aggregate=true')
  })
})
