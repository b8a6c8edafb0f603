/**
 * @module db/opt-out-repository
 * Opt-out requests from network owners: created by anyone, verified by proof or by the
 * desk. Only hashes of the challenge token and the mailed code are stored.
 */
import { sql, type Kysely } from 'kysely'
import type { ProofMethod } from '../domain/opt-out/proof.js'
import type { Database, OptOutStatus } from './schema.js'

export interface OptOutRecord {
  id: string
  ref: string
  prefixes: string[]
  method: ProofMethod
  proofDomain: string | null
  proofAddress: string | null
  tokenHash: string
  mailCodeHash: string | null
  contactEmail: string | null
  status: OptOutStatus
  needsDesk: boolean
  checks: number
  lastCheckAt: Date | null
  lastCheckResult: string | null
  decidedAt: Date | null
  decidedBy: string | null
  exclusionExpiresAt: Date | null
  createdAt: Date
}

function columns(db: Kysely<Database>) {
  return db
    .selectFrom('opt_out_requests')
    .select([
      'id', 'ref', sql<string[]>`prefixes::text[]`.as('prefixes'), 'method', 'proof_domain', sql<string | null>`host(proof_address)`.as('proof_address'),
      'token_hash', 'mail_code_hash', 'contact_email', 'status', 'needs_desk', 'checks', 'last_check_at', 'last_check_result',
      'decided_at', 'decided_by', 'exclusion_expires_at', 'created_at',
    ])
}

type Row = Awaited<ReturnType<ReturnType<typeof columns>['executeTakeFirstOrThrow']>>

function toRecord(r: Row): OptOutRecord {
  return {
    id: r.id,
    ref: r.ref,
    prefixes: parseTextArray(r.prefixes),
    method: r.method,
    proofDomain: r.proof_domain,
    proofAddress: r.proof_address,
    tokenHash: r.token_hash,
    mailCodeHash: r.mail_code_hash,
    contactEmail: r.contact_email,
    status: r.status,
    needsDesk: r.needs_desk,
    checks: r.checks,
    lastCheckAt: r.last_check_at,
    lastCheckResult: r.last_check_result,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
    exclusionExpiresAt: r.exclusion_expires_at,
    createdAt: r.created_at,
  }
}

/** pg parses text[] into an array; PGlite may hand back the literal `{a,b}`. */
function parseTextArray(v: string[] | string): string[] {
  if (Array.isArray(v)) return v
  return v.replace(/^\{|\}$/g, '').split(',').filter(Boolean).map((s) => s.replace(/^"|"$/g, ''))
}

export interface NewOptOut {
  ref: string
  prefixes: string[]
  method: ProofMethod
  proofDomain: string | null
  proofAddress: string | null
  tokenHash: string
  contactEmail: string | null
  needsDesk: boolean
}

export async function insertOptOut(db: Kysely<Database>, r: NewOptOut, now: Date): Promise<OptOutRecord> {
  const row = await db
    .insertInto('opt_out_requests')
    .values({
      ref: r.ref,
      prefixes: sql<string[]>`${r.prefixes}::cidr[]` as unknown as string[],
      method: r.method,
      proof_domain: r.proofDomain,
      proof_address: r.proofAddress,
      token_hash: r.tokenHash,
      contact_email: r.contactEmail,
      needs_desk: r.needsDesk,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return toRecord(await columns(db).where('id', '=', row.id).executeTakeFirstOrThrow())
}

export async function getOptOutByRef(db: Kysely<Database>, ref: string, opts: { forUpdate?: boolean } = {}): Promise<OptOutRecord | null> {
  let q = columns(db).where('ref', '=', ref)
  if (opts.forUpdate) q = q.forUpdate()
  const r = await q.executeTakeFirst()
  return r ? toRecord(r) : null
}

export async function listOptOuts(db: Kysely<Database>, opts: { status?: OptOutStatus; limit: number }): Promise<OptOutRecord[]> {
  let q = columns(db)
  if (opts.status) q = q.where('status', '=', opts.status)
  return (await q.orderBy('created_at', 'desc').limit(opts.limit).execute()).map(toRecord)
}

export async function recordOptOutCheck(db: Kysely<Database>, id: string, result: string, now: Date, extra: { mailCodeHash?: string } = {}): Promise<void> {
  await db
    .updateTable('opt_out_requests')
    .set({ checks: sql`checks + 1`, last_check_at: now, last_check_result: result.slice(0, 500), ...(extra.mailCodeHash ? { mail_code_hash: extra.mailCodeHash } : {}) })
    .where('id', '=', id)
    .execute()
}

export async function decideOptOut(
  db: Kysely<Database>,
  id: string,
  decision: { status: 'verified' | 'rejected'; by: string; exclusionExpiresAt: Date | null; result: string },
  now: Date,
): Promise<void> {
  await db
    .updateTable('opt_out_requests')
    .set({ status: decision.status, decided_at: now, decided_by: decision.by, exclusion_expires_at: decision.exclusionExpiresAt, last_check_result: decision.result.slice(0, 500) })
    .where('id', '=', id)
    .execute()
}

/** Counts of recent requests, for the desk: a flood shows up here. */
export async function optOutActivity(db: Kysely<Database>, since: Date): Promise<{ requests: number; pending: number; prefixes: number }> {
  const r = await db
    .selectFrom('opt_out_requests')
    .select([
      sql<string>`count(*)`.as('requests'),
      sql<string>`count(*) filter (where status = 'pending')`.as('pending'),
      sql<string>`coalesce(sum(cardinality(prefixes)), 0)`.as('prefixes'),
    ])
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow()
  return { requests: Number(r.requests), pending: Number(r.pending), prefixes: Number(r.prefixes) }
}

/** Privacy: the contact address is the requester's personal data. */
export async function eraseOptOutContacts(db: Kysely<Database>, email: string): Promise<number> {
  const r = await db.updateTable('opt_out_requests').set({ contact_email: null }).where(sql<boolean>`lower(contact_email) = ${email.toLowerCase()}`).executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/** Export: the opt-out requests that name this contact address. */
export async function exportOptOuts(db: Kysely<Database>, email: string): Promise<{ ref: string; prefixes: string[]; status: OptOutStatus; createdAt: string }[]> {
  const rows = await columns(db).where(sql<boolean>`lower(contact_email) = ${email.toLowerCase()}`).orderBy('created_at').limit(1000).execute()
  return rows.map(toRecord).map((r) => ({ ref: r.ref, prefixes: r.prefixes, status: r.status, createdAt: r.createdAt.toISOString() }))
}

/**
 * Retention: the contact address is kept only for the renewal reminder, so it goes 30 days
 * after the opt-out expires, or 30 days after a request was refused.
 */
export async function purgeOptOutContacts(db: Kysely<Database>, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - 30 * 86_400_000)
  const r = await db
    .updateTable('opt_out_requests')
    .set({ contact_email: null })
    .where('contact_email', 'is not', null)
    .where((eb) => eb.or([eb('exclusion_expires_at', '<', cutoff), eb.and([eb('status', '=', 'rejected'), eb('decided_at', '<', cutoff)])]))
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}
