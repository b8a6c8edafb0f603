/**
 * @module db/opt-out-actions
 * Verifying a network owner's opt-out and turning it into exclusions. A verified request
 * goes through the same audited `createExclusion` as the desk, with source `opt_out`, an
 * expiry (a year by default) and a renewal reminder; nothing else here touches the
 * exclusion list. An unverified request changes nothing and waits in the desk's list.
 */
import type { Kysely } from 'kysely'
import { parseCidr } from '../domain/cidr.js'
import { DomainError } from '../domain/errors.js'
import { isWiderThanPolicy, type ExclusionPolicy } from '../domain/exclusion-rules.js'
import { txtNamesFor, tokensInTxt, TXT_LABEL } from '../domain/opt-out/dns-proof.js'
import type { OptOutProbes } from '../domain/opt-out/probes.js'
import { addressesInside, fileHoldsToken, proofFileUrl, rdapAbuseEmails } from '../domain/opt-out/proof.js'
import { mailDestination, type OutgoingMail } from '../domain/outgoing-mail.js'
import { sha256Hex } from '../domain/sha256.js'
import { appendAudit } from './audit-repository.js'
import { createExclusion } from './exclusion-actions.js'
import { decideOptOut, getOptOutByRef, recordOptOutCheck, type OptOutRecord } from './opt-out-repository.js'
import { enqueueOutbox } from './outbox.js'
import type { Database } from './schema.js'

export const OPT_OUT_VALIDITY_DAYS = 365
export const RENEWAL_NOTICE_DAYS = 30
const DAY = 86_400_000

export interface OptOutContext {
  probes: OptOutProbes
  policy: ExclusionPolicy
  /** absolute origin for links in mail; null: links are left out */
  publicUrl: string | null
}

export type CheckOutcome =
  | { status: 'verified'; detail: string }
  | { status: 'pending'; detail: string }
  | { status: 'challenge_sent'; detail: string }

/** Runs the request's proof once. The token is what the requester holds; its hash is on the request. */
export async function checkOptOut(db: Kysely<Database>, req: OptOutRecord, token: string, ctx: OptOutContext, now: Date): Promise<CheckOutcome> {
  if (req.status !== 'pending') throw new DomainError('conflict', `This request is already ${req.status}.`, { status: 409 })
  if (req.needsDesk) {
    return { status: 'pending', detail: 'This request covers more than one request may exclude by itself; the abuse desk will review it.' }
  }
  const prefixes = req.prefixes.map((p) => parseCidr(p))
  let failure: string | null = null
  try {
    if (req.method === 'dns') {
      for (const p of prefixes) {
        for (const name of txtNamesFor(p)) {
          const found = tokensInTxt(await ctx.probes.resolveTxt(name))
          if (!found.includes(token)) {
            failure = `no TXT record "scangate-optout=<your token>" at ${name}`
            break
          }
        }
        if (failure) break
      }
    } else if (req.method === 'dns_domain') {
      const domain = req.proofDomain!
      const addresses = await ctx.probes.resolveAddresses(domain)
      if (!prefixes.every((p) => addressesInside(addresses, p))) failure = `${domain} has no A/AAAA records, or some lie outside the requested prefix`
      else if (!tokensInTxt(await ctx.probes.resolveTxt(`${TXT_LABEL}.${domain}`)).includes(token)) failure = `no TXT record "scangate-optout=<your token>" at ${TXT_LABEL}.${domain}`
    } else if (req.method === 'http') {
      const url = proofFileUrl(req.proofAddress!)
      const res = await ctx.probes.fetchText(url, 'text/plain')
      if (res.status !== 200) failure = `${url} answered HTTP ${res.status}`
      else if (!fileHoldsToken(res.body, token)) failure = `${url} does not hold your token on a line of its own`
    } else {
      return await sendMailChallenge(db, req, prefixes, ctx, now)
    }
  } catch (err) {
    failure = `the check could not complete (${err instanceof Error ? err.message.slice(0, 120) : 'error'}); try again later`
  }
  if (failure) {
    await recordOptOutCheck(db, req.id, failure, now)
    return { status: 'pending', detail: failure }
  }
  await grantOptOut(db, req.ref, { name: `opt-out ${req.ref}`, audit: `opt-out:${req.ref}` }, `proved by ${req.method}`, ctx, now)
  return { status: 'verified', detail: `proved by ${req.method}` }
}

async function sendMailChallenge(db: Kysely<Database>, req: OptOutRecord, prefixes: ReturnType<typeof parseCidr>[], ctx: OptOutContext, now: Date): Promise<CheckOutcome> {
  const recipients = new Set<string>()
  for (const p of prefixes) {
    const url = ctx.probes.rdapUrl(p.text)
    if (!url) {
      await recordOptOutCheck(db, req.id, 'RDAP is not configured here; the abuse desk will verify by hand', now)
      return { status: 'pending', detail: 'RDAP is not reachable from here; the abuse desk will verify your request by hand.' }
    }
    const res = await ctx.probes.fetchText(url, 'application/rdap+json')
    let doc: unknown = null
    try {
      doc = res.status === 200 ? JSON.parse(res.body) : null
    } catch {
      doc = null
    }
    const emails = rdapAbuseEmails(doc, p)
    if (emails.length === 0) {
      const why = `RDAP names no abuse contact for a block covering ${p.text}`
      await recordOptOutCheck(db, req.id, `${why}; the abuse desk will verify by hand`, now)
      return { status: 'pending', detail: `${why}; the abuse desk will verify your request by hand.` }
    }
    for (const e of emails.slice(0, 3)) recipients.add(e)
  }
  const code = randomCode()
  const link = ctx.publicUrl ? `${ctx.publicUrl.replace(/\/+$/, '')}/opt-out/confirm?ref=${req.ref}&code=${code}` : null
  await db.transaction().execute(async (trx) => {
    await recordOptOutCheck(trx, req.id, `challenge mailed to the RDAP abuse contact (${recipients.size} address${recipients.size === 1 ? '' : 'es'})`, now, { mailCodeHash: await sha256Hex(code) })
    for (const to of recipients) {
      const mail: OutgoingMail = {
        to,
        subject: `Confirm: stop scanning ${req.prefixes.join(', ')} (${req.ref})`,
        text: [
          `Someone asked us to stop our discovery scans of ${req.prefixes.join(', ')}.`,
          'This address is the abuse contact that RDAP publishes for that network, so we ask you to confirm.',
          '',
          link ? `To confirm, open ${link} and press "Confirm".` : `To confirm, enter reference ${req.ref} and code ${code} on our opt-out page.`,
          '',
          'If you did not ask for this, ignore this message: nothing changes without your confirmation.',
          'Scans a customer of ours ordered for its own systems are not affected by an opt-out.',
        ].join('\n'),
        headers: { 'Auto-Submitted': 'auto-generated' },
      }
      await enqueueOutbox(trx, { kind: 'mail', destination: mailDestination(to), payload: mail, personalEmail: to, dedupeKey: `opt-out-challenge:${req.ref}:${to}:${now.getTime()}` }, now)
    }
  })
  return { status: 'challenge_sent', detail: 'We mailed a confirmation link to the abuse contact that RDAP publishes for your network.' }
}

/** The mailed code, presented back: grants the request when it matches. */
export async function confirmMailCode(db: Kysely<Database>, ref: string, code: string, ctx: OptOutContext, now: Date): Promise<void> {
  const req = await getOptOutByRef(db, ref)
  const ok = req && req.status === 'pending' && req.method === 'rdap_email' && req.mailCodeHash !== null && (await sha256Hex(code)) === req.mailCodeHash
  if (!ok) throw new DomainError('not_found', 'No pending request with this reference and code.', { status: 404 })
  await grantOptOut(db, ref, { name: `opt-out ${ref}`, audit: `opt-out:${ref}` }, 'confirmed by the RDAP abuse contact', ctx, now)
}

/**
 * Verified (by proof or by a person): one exclusion per prefix through the audited path,
 * wider-than-policy blocks carrying the verification as the override reason.
 */
export async function grantOptOut(
  db: Kysely<Database>,
  ref: string,
  actor: { name: string; audit: string },
  how: string,
  ctx: OptOutContext,
  now: Date,
): Promise<{ excluded: string[]; alreadyExcluded: string[]; expiresAt: Date }> {
  const expiresAt = new Date(now.getTime() + OPT_OUT_VALIDITY_DAYS * DAY)
  return db.transaction().execute(async (trx) => {
    const req = await getOptOutByRef(trx, ref, { forUpdate: true })
    if (!req) throw new DomainError('not_found', 'No opt-out request with this reference.', { status: 404 })
    if (req.status !== 'pending') throw new DomainError('conflict', `This request is already ${req.status}.`, { status: 409 })
    const excluded: string[] = []
    const alreadyExcluded: string[] = []
    for (const prefix of req.prefixes) {
      const wide = isWiderThanPolicy(parseCidr(prefix), ctx.policy)
      try {
        await createExclusion(
          trx,
          {
            prefix,
            reason: `owner opt-out ${req.ref} (${how})`,
            expiresAt,
            actor,
            source: 'opt_out',
            override: wide ? { reason: `verified opt-out ${req.ref}: ${how}` } : null,
          },
          now,
          ctx.policy,
        )
        excluded.push(prefix)
      } catch (err) {
        if (err instanceof DomainError && err.code === 'conflict') alreadyExcluded.push(prefix)
        else throw err
      }
    }
    await decideOptOut(trx, req.id, { status: 'verified', by: actor.audit, exclusionExpiresAt: expiresAt, result: how }, now)
    await appendAudit(trx, { actor: actor.audit, action: 'opt_out.verify', objectType: 'opt_out', objectId: req.id, diff: { ref: req.ref, method: req.method, how, excluded, alreadyExcluded, expiresAt: expiresAt.toISOString() } }, now)
    if (req.contactEmail) {
      const renew = ctx.publicUrl ? `${ctx.publicUrl.replace(/\/+$/, '')}/opt-out` : 'our opt-out page'
      const mail: OutgoingMail = {
        to: req.contactEmail,
        subject: `Your opt-out ${req.ref} expires on ${expiresAt.toISOString().slice(0, 10)}`,
        text: `Your request ${req.ref} to stop our discovery scans of ${req.prefixes.join(', ')} expires on ${expiresAt.toISOString().slice(0, 10)}.\nTo keep it, send a new request at ${renew} before then.\n`,
        headers: { 'Auto-Submitted': 'auto-generated' },
      }
      await enqueueOutbox(
        trx,
        {
          kind: 'mail',
          destination: mailDestination(req.contactEmail),
          payload: mail,
          personalEmail: req.contactEmail,
          dedupeKey: `opt-out-renewal:${req.ref}`,
          notBefore: new Date(expiresAt.getTime() - RENEWAL_NOTICE_DAYS * DAY),
          giveUpAfterMs: (OPT_OUT_VALIDITY_DAYS + 3) * DAY,
        },
        now,
      )
    }
    return { excluded, alreadyExcluded, expiresAt }
  })
}

export async function rejectOptOut(db: Kysely<Database>, ref: string, actor: string, reason: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const req = await getOptOutByRef(trx, ref, { forUpdate: true })
    if (!req) throw new DomainError('not_found', 'No opt-out request with this reference.', { status: 404 })
    if (req.status !== 'pending') throw new DomainError('conflict', `This request is already ${req.status}.`, { status: 409 })
    await decideOptOut(trx, req.id, { status: 'rejected', by: actor, exclusionExpiresAt: null, result: reason }, now)
    await appendAudit(trx, { actor, action: 'opt_out.reject', objectType: 'opt_out', objectId: req.id, diff: { ref: req.ref, reason } }, now)
  })
}

function randomCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18))
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
