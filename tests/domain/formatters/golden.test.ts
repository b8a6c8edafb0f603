/**
 * @module tests/domain/formatters/golden.test
 * Byte-for-byte snapshots of every target for one small fixed input (192.0.2.0/24,
 * 198.51.100.0/25, 2001:db8:1000::/36, one hostile comment). For targets without an
 * offline validator (pf, Cisco, Junos, FortiOS, RouterOS, PAN-OS, PowerShell, Kubernetes)
 * these files were reviewed line by line against the vendor syntax; any change to them
 * needs the same review. golden/family-ipv6/ holds the same input filtered to IPv6 for
 * every target with both families: no line may name an IPv4 object (see scope.ts).
 * Regenerate with UPDATE_GOLDEN=1.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatters } from '../../../src/domain/formatters/index.js'
import { familyOnly, goldenInput } from './fixtures.js'

const dir = new URL('./golden/', import.meta.url)

describe('golden snippets', () => {
  for (const f of formatters) {
    it(`${f.id} matches golden/${f.id}.txt`, () => {
      const out = f.render(goldenInput(f.name.default))
      const file = new URL(`${f.id}.txt`, dir)
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, out)
      expect(out).toBe(readFileSync(file, 'utf8'))
    })
  }

  for (const f of formatters.filter((x) => x.families.length === 2)) {
    it(`${f.id} filtered to IPv6 matches golden/family-ipv6/${f.id}.txt`, () => {
      const out = f.render(familyOnly(goldenInput(f.name.default), 'ipv6'))
      const file = new URL(`family-ipv6/${f.id}.txt`, dir)
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, out)
      expect(out).toBe(readFileSync(file, 'utf8'))
    })
  }
})
