/**
 * @module tests/domain/formatters/structured-waf.test
 * The JSON and YAML bodies of the new targets, checked against schemas written from the
 * vendors' documentation (schemas/*.json, each naming its source), plus the per-rule and
 * per-product limits: split at the limit, or refused with a message naming it.
 */
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { findFormatter } from '../../../src/domain/formatters/index.js'
import { hostileInput, ipv4List, ipv6List, largeInput, makeInput, mixedInput } from './fixtures.js'

const ajv = new Ajv({ allErrors: true })

function schema(file: string) {
  return ajv.compile(JSON.parse(readFileSync(new URL(`./schemas/${file}`, import.meta.url), 'utf8')))
}

function get(id: string) {
  const f = findFormatter(id)
  if (!f) throw new Error(`missing ${id}`)
  return f
}

/** Bodies of the quoted heredocs `<<'JSON'`, without the '#' lines a body may carry. */
function heredocs(out: string): unknown[] {
  const docs: unknown[] = []
  const lines = out.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.endsWith(`<<'JSON'`)) continue
    const end = lines.indexOf('JSON', i + 1)
    docs.push(JSON.parse(lines.slice(i + 1, end).filter((l) => !l.startsWith('#')).join('\n')))
    i = end
  }
  return docs
}

const inputs = {
  mixed: mixedInput,
  hostile: hostileInput,
  large: (name: string) => largeInput(name),
}

describe.each(Object.entries(inputs))('%s input', (_label, make) => {
  it('cloudflare-list items match the Lists API schema, /128 written as one address', () => {
    const f = get('cloudflare-list')
    const validate = schema('cloudflare-list-items.schema.json')
    const input = make(f.name.default)
    const [items] = heredocs(f.render(input)) as Record<string, string>[][]
    expect(validate(items), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    expect(items?.length).toBe(input.ipv4.length + input.ipv6.length)
  })

  it('azure-frontdoor-waf rules match the ARM customRules schema and stay within 600 per rule', () => {
    const f = get('azure-frontdoor-waf')
    const validate = schema('azure-frontdoor-custom-rules.schema.json')
    const input = make(f.name.default)
    const [rules] = heredocs(f.render(input)) as { matchConditions: { matchValue: string[] }[] }[][]
    expect(validate(rules), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    const values = (rules ?? []).flatMap((r) => r.matchConditions.flatMap((m) => m.matchValue))
    expect(values).toEqual([...input.ipv4, ...input.ipv6].map((e) => e.prefix))
  })

  it('checkpoint-gdc matches the Generic Data Center schema, one object per family', () => {
    const f = get('checkpoint-gdc')
    const validate = schema('checkpoint-gdc.schema.json')
    const input = make(f.name.default)
    const doc = JSON.parse(f.render(input)) as { objects: { name: string; id: string; ranges: string[] }[] }
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    expect(doc.objects.map((o) => o.name)).toEqual(['asv-scanners-v4', 'asv-scanners-v6'])
    expect(new Set(doc.objects.map((o) => o.id)).size).toBe(2)
    expect(doc.objects.flatMap((o) => o.ranges).length).toBe(input.ipv4.length + input.ipv6.length)
  })

  it('misp-warninglist matches the warninglist schema', () => {
    const f = get('misp-warninglist')
    const validate = schema('misp-warninglist.schema.json')
    const doc = JSON.parse(f.render(make(f.name.default))) as { type: string; version: number }
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true)
    expect(doc.type).toBe('cidr')
    expect(doc.version).toBe(42)
  })

  it('traefik parses as YAML into one ipAllowList with every range', () => {
    const f = get('traefik')
    const input = make(f.name.default)
    const doc = parseYaml(f.render(input)) as { http: { middlewares: Record<string, { ipAllowList: { sourceRange: string[] } }> } }
    const ranges = doc.http.middlewares[f.name.default]?.ipAllowList.sourceRange
    expect(ranges).toEqual([...input.ipv4, ...input.ipv6].map((e) => e.prefix))
  })
})

describe('limits', () => {
  it('checkpoint-gdc object ids stay the same from one version to the next', () => {
    const f = get('checkpoint-gdc')
    const a = JSON.parse(f.render(makeInput('scan', ipv4List(2), ipv6List(1))))
    const b = JSON.parse(f.render({ ...makeInput('scan', ipv4List(9), ipv6List(3)), feed: { ...makeInput('x', [], []).feed, serial: 43 } }))
    expect(b.objects.map((o: { id: string }) => o.id)).toEqual(a.objects.map((o: { id: string }) => o.id))
  })

  it('gcp-cloud-armor puts at most 10 ranges in a rule and numbers priorities upward', () => {
    const f = get('gcp-cloud-armor')
    const out = f.render(makeInput(f.name.default, ipv4List(25), ipv6List(11), 10))
    const rules = out.split('gcloud compute security-policies rules create').slice(1)
    expect(rules.length).toBe(3 + 2)
    for (const rule of rules) {
      const ranges = rule.split('\n').filter((l) => /^[0-9a-f.:]+\/\d+/.test(l))
      expect(ranges.length).toBeGreaterThan(0)
      expect(ranges.length).toBeLessThanOrEqual(10)
    }
    expect(out).toContain('"$((base + 4))"')
    expect(() => f.render(makeInput(f.name.default, ipv4List(3), [], 11))).not.toThrow()
  })

  it('azure-nsg refuses more than 4 000 prefixes with a 400 naming the limit', () => {
    const f = get('azure-nsg')
    try {
      f.render(makeInput(f.name.default, ipv4List(3000), ipv6List(1001)))
      expect.unreachable()
    } catch (e) {
      expect(e).toMatchObject({ code: 'invalid_option', status: 400 })
      expect(String(e)).toMatch(/4001 entries, more than 4000.*4 000 source\/destination addresses/)
    }
    expect(() => f.render(makeInput(f.name.default, ipv4List(3000), ipv6List(1000)))).not.toThrow()
  })

  it('azure-frontdoor-waf refuses more than 100 rules of 600', () => {
    const f = get('azure-frontdoor-waf')
    expect(() => f.render(makeInput(f.name.default, ipv4List(60001), []))).toThrow(/more than 60000/)
  })

  it('cloudflare-list refuses an IPv6 prefix it cannot hold instead of widening it', () => {
    const f = get('cloudflare-list')
    const odd = makeInput(f.name.default, [], [{ prefix: '2001:db8::/100', comment: null }])
    expect(() => f.render(odd)).toThrow(/2001:db8::\/100 is longer than \/64/)
    const wide = makeInput(f.name.default, [{ prefix: '10.0.0.0/7', comment: null }], [])
    expect(() => f.render(wide)).toThrow(/outside \/8–\/32/)
  })

  it('cloudflare-list never sends an empty list', () => {
    const f = get('cloudflare-list')
    const out = f.render(makeInput(f.name.default, [], []))
    expect(out).not.toContain('curl')
    expect(out).toMatch(/exit 1/)
  })
})

describe('family-filtered renders touch only their own family', () => {
  it('azure-frontdoor-waf replaces only our rules of the families it carries', () => {
    const f = get('azure-frontdoor-waf')
    const v4 = f.render(makeInput(f.name.default, ipv4List(3), []))
    expect(v4).toContain('^AsvScannersV[4]Part[0-9]+$')
    expect(v4).not.toMatch(/"name": "AsvScannersV6/)
    const both = f.render(makeInput(f.name.default, ipv4List(3), ipv6List(2)))
    expect(both).toContain('^AsvScannersV[46]Part[0-9]+$')
  })

  it('crowdsec removes old entries of the carried families only', () => {
    const f = get('crowdsec')
    expect(f.render(makeInput(f.name.default, ipv4List(3), []))).toContain("grep -v -F -e ':'")
    expect(f.render(makeInput(f.name.default, [], ipv6List(3)))).toMatch(/grep -F -e ':' \|/)
    expect(f.render(makeInput(f.name.default, ipv4List(1), ipv6List(1)))).toContain("grep -e '.'")
  })

  it('the cloud rule scripts create no rule for a family without entries', () => {
    for (const id of ['gcp-cloud-armor', 'gcp-firewall', 'azure-nsg', 'modsecurity', 'checkpoint-gdc']) {
      const f = get(id)
      const out = f.render(makeInput(f.name.default, ipv4List(3), []))
      expect(out, id).not.toMatch(/-v6\b|V6Part|IPv6"/)
    }
  })
})
