/**
 * @module db/identity-repository
 * How our scanners identify themselves: per-range facts (ASN, RIR handle, reverse-DNS
 * pattern) and per-pool wire identity (User-Agent, banners). Changes are audited like
 * any catalogue change.
 */
import { sql, type Kysely } from 'kysely'
import { DomainError } from '../domain/errors.js'
import { rdnsMatches, userAgentMatches, type PoolIdentity } from '../domain/scanner-identity.js'
import { appendAudit } from './audit-repository.js'
import type { Database } from './schema.js'

export interface RangeIdentity {
  asn: number | null
  rirHandle: string | null
  rdns: string | null
}

export async function setRangeIdentity(db: Kysely<Database>, id: string, identity: RangeIdentity, actor: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('scanner_ranges')
      .set({ asn: identity.asn, rir_handle: identity.rirHandle, rdns: identity.rdns, updated_at: now })
      .where('id', '=', id)
      .returning(sql<string>`prefix::text`.as('prefix'))
      .executeTakeFirst()
    if (!r) throw new DomainError('not_found', 'No range with this id.', { status: 404 })
    await appendAudit(trx, { actor, action: 'range.identity', objectType: 'range', objectId: id, diff: { prefix: r.prefix, ...identity } }, now)
  })
}

export async function getRangeIdentity(db: Kysely<Database>, prefix: string): Promise<RangeIdentity | null> {
  const r = await db
    .selectFrom('scanner_ranges')
    .select(['asn', 'rir_handle', 'rdns'])
    .where(sql<boolean>`prefix = ${prefix}::cidr`)
    .executeTakeFirst()
  return r ? { asn: r.asn === null ? null : Number(r.asn), rirHandle: r.rir_handle, rdns: r.rdns } : null
}

export async function upsertPoolIdentity(db: Kysely<Database>, p: PoolIdentity, actor: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = {
      description: p.description,
      user_agents: p.userAgents,
      tls_banner: p.tlsBanner,
      ssh_banner: p.sshBanner,
      updated_at: now,
    }
    await trx
      .insertInto('scanner_pools')
      .values({ pool: p.pool, ...row })
      .onConflict((oc) => oc.column('pool').doUpdateSet(row))
      .execute()
    await appendAudit(trx, { actor, action: 'pool.identity', objectType: 'pool', objectId: p.pool, diff: { ...p } }, now)
  })
}

export async function listPoolIdentities(db: Kysely<Database>): Promise<PoolIdentity[]> {
  const rows = await db.selectFrom('scanner_pools').selectAll().orderBy('pool').execute()
  return rows.map((r) => ({
    pool: r.pool,
    description: r.description,
    userAgents: r.user_agents,
    tlsBanner: r.tls_banner,
    sshBanner: r.ssh_banner,
  }))
}

/** The identity facts of the ranges in `prefixes` (the published ones), for the public identity page. */
export async function listRangeIdentities(db: Kysely<Database>, prefixes: readonly string[]): Promise<(RangeIdentity & { prefix: string; pool: string })[]> {
  if (prefixes.length === 0) return []
  const rows = await db
    .selectFrom('scanner_ranges')
    .select([sql<string>`prefix::text`.as('prefix'), 'pool', 'asn', 'rir_handle', 'rdns'])
    .where(sql<boolean>`prefix::text in (${sql.join(prefixes)})`)
    .where((eb) => eb.or([eb('asn', 'is not', null), eb('rir_handle', 'is not', null), eb('rdns', 'is not', null)]))
    .orderBy('family')
    .orderBy('prefix')
    .execute()
  return rows.map((r) => ({ prefix: r.prefix, pool: r.pool, asn: r.asn === null ? null : Number(r.asn), rirHandle: r.rir_handle, rdns: r.rdns }))
}

/** Pools one of whose User-Agent patterns matches. */
export function poolsMatchingUserAgent(pools: readonly PoolIdentity[], ua: string): PoolIdentity[] {
  return pools.filter((p) => p.userAgents.some((pattern) => userAgentMatches(pattern, ua)))
}

/** Published ranges whose reverse-DNS pattern matches `name`. */
export function rangesMatchingRdns<T extends { rdns: string | null }>(ranges: readonly T[], name: string): T[] {
  return ranges.filter((r) => r.rdns !== null && rdnsMatches(r.rdns, name))
}
