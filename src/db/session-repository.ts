/**
 * @module db/session-repository
 * Scan sessions: upserted by external id, all of a batch in one transaction. Each write
 * replaces the session's scanner addresses and targets and re-links the reports the
 * change may explain (see db/linking.ts).
 */
import { sql, type Kysely } from 'kysely'
import type { ValidSession } from '../domain/intake/session-rules.js'
import { appendAudit } from './audit-repository.js'
import { relinkReports, reportsAffectedBySessions } from './linking.js'
import type { Database } from './schema.js'

export interface SessionRecord {
  id: string
  externalId: string
  customerRef: string
  scanType: string | null
  scannerIps: string[]
  authorizedTargets: string[]
  startedAt: Date
  endedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

export interface SavedSessions {
  sessions: (SessionRecord & { created: boolean })[]
  /** How many reports were re-linked because of this write. */
  relinkedReports: number
}

/** The given addresses that lie in no catalogue range (any status), in input order. */
export async function scannerIpsOutsideCatalogue(db: Kysely<Database>, ips: readonly string[]): Promise<string[]> {
  if (ips.length === 0) return []
  const rows = await sql<{ ip: string }>`
    select u.ip from unnest(${[...ips]}::text[]) with ordinality as u(ip, n)
    where not exists (select 1 from scanner_ranges r where r.prefix >>= u.ip::inet)
    order by u.n`.execute(db)
  return rows.rows.map((r) => r.ip)
}

/**
 * Inserts or replaces sessions by external id and re-links affected reports; one
 * transaction, with one audit event (customer references stay out of it).
 */
export async function saveSessions(db: Kysely<Database>, sessions: readonly ValidSession[], now: Date, by: { actor: string }): Promise<SavedSessions> {
  return db.transaction().execute(async (trx) => {
    const existing = new Set(
      (
        await trx
          .selectFrom('scan_sessions')
          .select('external_id')
          .where('external_id', 'in', sessions.map((s) => s.externalId))
          .execute()
      ).map((r) => r.external_id),
    )
    const rows = await trx
      .insertInto('scan_sessions')
      .values(
        sessions.map((s) => ({
          external_id: s.externalId,
          customer_ref: s.customerRef,
          scan_type: s.scanType,
          started_at: s.startedAt,
          ended_at: s.endedAt,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.column('external_id').doUpdateSet((eb) => ({
          customer_ref: eb.ref('excluded.customer_ref'),
          scan_type: eb.ref('excluded.scan_type'),
          started_at: eb.ref('excluded.started_at'),
          ended_at: eb.ref('excluded.ended_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .returning(['id', 'external_id'])
      .execute()
    const idOf = new Map(rows.map((r) => [r.external_id, r.id]))
    const ids = rows.map((r) => r.id)
    const idArray = sql`${ids}::uuid[]`

    await sql`delete from scan_session_ips where session_id = any(${idArray})`.execute(trx)
    await sql`delete from scan_session_targets where session_id = any(${idArray})`.execute(trx)
    const ipPairs = sessions.flatMap((s) => s.scannerIps.map((ip) => [idOf.get(s.externalId)!, ip] as const))
    const targetPairs = sessions.flatMap((s) => s.authorizedTargets.map((t) => [idOf.get(s.externalId)!, t] as const))
    for (let i = 0; i < ipPairs.length; i += 10_000) {
      const chunk = ipPairs.slice(i, i + 10_000)
      await sql`
        insert into scan_session_ips (session_id, ip, during)
        select s.id, u.ip::inet, tstzrange(s.started_at, coalesce(s.ended_at, 'infinity'), '[]')
        from unnest(${chunk.map((p) => p[0])}::uuid[], ${chunk.map((p) => p[1])}::text[]) as u(session_id, ip)
        join scan_sessions s on s.id = u.session_id`.execute(trx)
    }
    for (let i = 0; i < targetPairs.length; i += 10_000) {
      const chunk = targetPairs.slice(i, i + 10_000)
      await sql`
        insert into scan_session_targets (session_id, target)
        select u.session_id, u.target::cidr
        from unnest(${chunk.map((p) => p[0])}::uuid[], ${chunk.map((p) => p[1])}::text[]) as u(session_id, target)`.execute(trx)
    }

    const affected = await reportsAffectedBySessions(trx, ids)
    await relinkReports(trx, affected, now)
    const created = sessions.filter((s) => !existing.has(s.externalId)).map((s) => s.externalId)
    const only = sessions.length === 1 ? sessions[0] : undefined
    await appendAudit(
      trx,
      only
        ? { actor: by.actor, action: 'session.upsert', objectType: 'session', objectId: only.externalId, diff: { created: created.length === 1, scannerIps: only.scannerIps, startedAt: only.startedAt.toISOString(), endedAt: only.endedAt?.toISOString() ?? null, authorizedTargets: only.authorizedTargets.length, relinkedReports: affected.length } }
        : { actor: by.actor, action: 'session.batch', objectType: 'session', diff: { count: sessions.length, created: created.length, externalIds: sessions.map((s) => s.externalId), relinkedReports: affected.length } },
      now,
    )
    const saved = await loadSessions(trx, ids)
    return {
      sessions: sessions.map((s) => {
        const rec = saved.get(idOf.get(s.externalId)!)!
        return { ...rec, created: !existing.has(s.externalId) }
      }),
      relinkedReports: affected.length,
    }
  })
}

export async function getSessionByExternalId(db: Kysely<Database>, externalId: string): Promise<SessionRecord | null> {
  const row = await db.selectFrom('scan_sessions').select('id').where('external_id', '=', externalId).executeTakeFirst()
  if (!row) return null
  return (await loadSessions(db, [row.id])).get(row.id) ?? null
}

/** Sessions by id with their addresses and targets (as text, in address order). */
export async function loadSessions(db: Kysely<Database>, ids: readonly string[], opts: { maxTargets?: number } = {}): Promise<Map<string, SessionRecord & { targetCount: number }>> {
  const out = new Map<string, SessionRecord & { targetCount: number }>()
  if (ids.length === 0) return out
  const idArray = sql`${[...ids]}::uuid[]`
  const limit = opts.maxTargets ?? 1_000_000
  const rows = await sql<{
    id: string
    external_id: string
    customer_ref: string
    scan_type: string | null
    started_at: Date
    ended_at: Date | null
    created_at: Date
    updated_at: Date
    ips: string[] | null
    targets: string[] | null
    target_count: number
  }>`
    select s.id, s.external_id, s.customer_ref, s.scan_type, s.started_at, s.ended_at, s.created_at, s.updated_at,
      (select array_agg(host(i.ip) order by i.ip) from scan_session_ips i where i.session_id = s.id) as ips,
      (select array_agg(t.target::text order by t.target) from (
         select target from scan_session_targets where session_id = s.id order by target limit ${limit}) t) as targets,
      (select count(*)::int from scan_session_targets t where t.session_id = s.id) as target_count
    from scan_sessions s where s.id = any(${idArray})`.execute(db)
  for (const r of rows.rows) {
    out.set(r.id, {
      id: r.id,
      externalId: r.external_id,
      customerRef: r.customer_ref,
      scanType: r.scan_type,
      scannerIps: r.ips ?? [],
      authorizedTargets: r.targets ?? [],
      targetCount: r.target_count,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })
  }
  return out
}
