/**
 * @module tests/blackbox/support/seed
 * The catalogue scripts/blackbox.sh loads through the admin API before the suite runs
 * (documentation prefixes only), and which the assertions rely on. The suite itself adds
 * ranges only inside RUN_SPACE, so the seed never collides with what a run adds.
 */

export interface SeedRange {
  prefix: string
  pool: string
  region: string
  label: string
  activeFrom: string
  retireAt?: string
  /** The status this range has while the suite runs. */
  expectStatus: 'announced' | 'active' | 'retiring'
}

const DAY = 86_400_000

function seedAt(now: number) {
  const at = (days: number) => new Date(now + days * DAY).toISOString()
  return [
    { prefix: '192.0.2.0/24', pool: 'asv-external', region: 'eu-central', label: 'Frankfurt scanners', activeFrom: at(-120), expectStatus: 'active' },
    { prefix: '198.51.100.0/25', pool: 'asv-external', region: 'us-east', label: 'Virginia, moving', activeFrom: at(-300), retireAt: at(45), expectStatus: 'retiring' },
    { prefix: '203.0.113.0/24', pool: 'web-app', region: 'ap-southeast', label: 'Singapore, new', activeFrom: at(30), expectStatus: 'announced' },
    { prefix: '2001:db8:1::/48', pool: 'asv-external', region: 'global', label: 'IPv6 scanners', activeFrom: at(-60), expectStatus: 'active' },
  ] satisfies SeedRange[]
}

/** What the suite may rely on (dates are relative, so only prefixes and metadata). */
export const SEED_RANGES: readonly SeedRange[] = seedAt(Date.now())

/** Ranges added by test runs live here (a /64 each), never overlapping the seed. */
export const RUN_SPACE = '2001:db8:ffff::/48'

export function runPrefix(): string {
  const n = Math.floor(Math.random() * 0x10000).toString(16)
  return `2001:db8:ffff:${n}::/64`
}

/**
 * Adds the seed ranges and publishes them through the admin API of `baseUrl`.
 * @throws with the server's answer when any step is refused
 */
export async function seedCatalogue(baseUrl: string, adminToken: string): Promise<number> {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }
  for (const r of seedAt(Date.now())) {
    const { expectStatus: _, ...body } = r
    const res = await fetch(`${baseUrl}/v1/admin/ranges`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) })
    if (res.status !== 201) throw new Error(`seeding ${r.prefix}: ${res.status} ${await res.text()}`)
  }
  const res = await fetch(`${baseUrl}/v1/admin/publish`, { method: 'POST', headers, body: JSON.stringify({ note: 'black-box seed' }), signal: AbortSignal.timeout(15_000) })
  if (res.status !== 201) throw new Error(`publishing the seed: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { version: { serial: number } }).version.serial
}
