/**
 * @module http/routes/opt-outs
 * Network owners asking us not to scan their addresses. Anyone may ask; only a proof of
 * control (reverse-DNS TXT, a forward name inside the block, a file on an address in it,
 * or the RDAP abuse mailbox) or a person on the desk turns a request into exclusions.
 * The requester's token is shown once and needed to check or verify the request, so a
 * reference alone reveals nothing.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { checkOptOut, confirmMailCode, grantOptOut, rejectOptOut, type OptOutContext } from '../../db/opt-out-actions.js'
import { getOptOutByRef, insertOptOut, listOptOuts, optOutActivity, type OptOutRecord } from '../../db/opt-out-repository.js'
import { DomainError } from '../../domain/errors.js'
import { parseProofDomain, txtNamesFor, txtValue, TXT_LABEL } from '../../domain/opt-out/dns-proof.js'
import { parseOptOutPrefixes, SELF_SERVICE_MAX } from '../../domain/opt-out/prefixes.js'
import { checkMethodFits, checkProofAddress, PROOF_METHODS, proofFileUrl } from '../../domain/opt-out/proof.js'
import { clientKey } from '../../domain/rate-limit.js'
import { sha256Hex } from '../../domain/sha256.js'
import { generateRef } from '../../domain/intake/report-ids.js'
import type { AppEnv, Logger } from '../app-env.js'
import { actorOf, bearerToken, requireScope } from '../auth.js'
import { rateLimit, type RateLimiter } from '../rate-limit.js'
import { errors } from '../schemas.js'

export const OPT_OUT_REF = /^O-[0-9A-HJKMNP-TV-Z]{10}$/
const OPT_OUT_TOKEN = /^oo_[A-Za-z0-9_-]{32}$/
const Text = (max: number) => z.string().max(max)
const Count = z.number().int().min(0).max(2147483647).openapi({ format: 'int32' })

const InstructionsSchema = z.object({
  method: z.enum(PROOF_METHODS),
  steps: z.array(Text(500)).max(20),
  txtRecords: z.array(z.object({ name: Text(300), value: Text(100) })).max(16).optional(),
  file: z.object({ url: Text(300), content: Text(100) }).optional(),
})

const OptOutStatusSchema = z
  .object({
    ref: Text(12),
    status: z.enum(['pending', 'verified', 'rejected']),
    prefixes: z.array(Text(43)).max(16),
    method: z.enum(PROOF_METHODS),
    needsDesk: z.boolean(),
    lastCheck: Text(500).nullable(),
    excludedUntil: Text(30).nullable(),
    createdAt: Text(30),
  })
  .openapi('OptOutStatus')

const CreatedSchema = OptOutStatusSchema.extend({
  token: Text(40).openapi({ description: 'shown once: needed to check and verify this request' }),
  instructions: InstructionsSchema,
}).openapi('OptOutCreated')

const CheckSchema = z.object({ status: z.enum(['verified', 'pending', 'challenge_sent']), detail: Text(500) }).openapi('OptOutCheck')

function statusJson(r: OptOutRecord) {
  return {
    ref: r.ref,
    status: r.status,
    prefixes: r.prefixes,
    method: r.method,
    needsDesk: r.needsDesk,
    lastCheck: r.lastCheckResult,
    excludedUntil: r.exclusionExpiresAt ? r.exclusionExpiresAt.toISOString() : null,
    createdAt: r.createdAt.toISOString(),
  }
}

export function instructionsFor(r: Pick<OptOutRecord, 'method' | 'prefixes' | 'proofDomain' | 'proofAddress' | 'needsDesk'>, token: string) {
  const steps: string[] = []
  if (r.needsDesk) steps.push(`A block wider than /${SELF_SERVICE_MAX.ipv4} (IPv4) or /${SELF_SERVICE_MAX.ipv6} (IPv6) needs a person on our abuse desk; they will contact you. You can still publish the proof below to speed it up.`)
  if (r.method === 'dns') {
    const txtRecords = r.prefixes.flatMap((p) => txtNamesFor(parseCidrText(p))).map((name) => ({ name, value: txtValue(token) }))
    steps.push('Publish these TXT records in your reverse-DNS zone(s), then call verify.')
    return { method: r.method, steps, txtRecords }
  }
  if (r.method === 'dns_domain') {
    steps.push(`Publish the TXT record below, keep ${r.proofDomain}'s A/AAAA records inside the requested prefix, then call verify.`)
    return { method: r.method, steps, txtRecords: [{ name: `${TXT_LABEL}.${r.proofDomain}`, value: txtValue(token) }] }
  }
  if (r.method === 'http') {
    steps.push('Serve this file over plain HTTP on port 80 of that address (no redirects, under 16 KiB), then call verify.')
    return { method: r.method, steps, file: { url: proofFileUrl(r.proofAddress!), content: token } }
  }
  steps.push('Call verify: we look up the abuse contact that RDAP publishes for your network and mail it a confirmation link. Nothing changes until someone there confirms.')
  return { method: r.method, steps }
}

function parseCidrText(p: string) {
  return parseOptOutPrefixes([p]).prefixes[0]!
}

async function requesterRecord(c: Context<AppEnv>, ref: string): Promise<OptOutRecord> {
  const token = bearerToken(c.req.header('authorization'))
  const r = OPT_OUT_REF.test(ref) && token && OPT_OUT_TOKEN.test(token) ? await getOptOutByRef(c.get('db'), ref) : null
  // unknown reference and wrong token look the same: a reference alone reveals nothing
  if (!r || r.tokenHash !== (await sha256Hex(token!))) {
    throw new DomainError('not_found', 'No opt-out request with this reference and token (send Authorization: Bearer <token>).', { status: 404 })
  }
  return r
}

function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return 'oo_' + btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export interface OptOutDeps {
  now: () => Date
  context: OptOutContext
  limiter: RateLimiter
  log: Logger
  getClientIp: (c: Context) => string | null
}

export function registerOptOutRoutes(app: OpenAPIHono<AppEnv>, deps: OptOutDeps): void {
  const { now } = deps
  const client = (c: Context<AppEnv>) => clientKey(deps.getClientIp(c))
  app.on('POST', '/v1/opt-outs', rateLimit(deps.limiter, [
    { policy: { name: 'optout-hour', limit: 5, windowSeconds: 3600 }, key: client },
    { policy: { name: 'optout-day', limit: 20, windowSeconds: 86_400 }, key: client },
  ], now, deps.log))
  app.on('POST', ['/v1/opt-outs/:ref/verify', '/v1/opt-outs/:ref/confirm'], rateLimit(deps.limiter, [
    { policy: { name: 'optout-check-client', limit: 30, windowSeconds: 3600 }, key: client },
    { policy: { name: 'optout-check-ref', limit: 10, windowSeconds: 3600 }, key: (c) => c.req.param('ref')?.slice(0, 16) ?? null },
  ], now, deps.log))

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/opt-outs',
      tags: ['Network owners'],
      summary: 'Ask us not to scan your network (discovery and verification traffic)',
      security: [],
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z
                .object({
                  prefixes: z.array(Text(43)).min(1).max(16).openapi({ example: ['198.51.100.0/24'] }),
                  method: z.enum(PROOF_METHODS),
                  proofDomain: Text(253).optional().openapi({ description: 'dns_domain: a name whose A/AAAA records lie inside the prefix' }),
                  proofAddress: Text(45).optional().openapi({ description: 'http: the address inside the prefix that serves the proof file' }),
                  contactEmail: Text(254).optional().openapi({ description: 'optional: where to send the renewal reminder' }),
                })
                .strict(),
            },
          },
        },
      },
      responses: {
        201: { description: 'Request recorded; follow the instructions, then call verify', content: { 'application/json': { schema: CreatedSchema } } },
        ...errors(400, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const b = c.req.valid('json')
      const { prefixes, needsDesk } = parseOptOutPrefixes(b.prefixes)
      if (!needsDesk) checkMethodFits(b.method, prefixes)
      if (b.method === 'dns') prefixes.forEach((p) => txtNamesFor(p))
      const proofDomain = b.method === 'dns_domain' ? parseProofDomain(b.proofDomain ?? '') : null
      const proofAddress = b.method === 'http' ? checkProofAddress(b.proofAddress ?? '', prefixes) : null
      const contactEmail = b.contactEmail?.trim() ? checkContact(b.contactEmail.trim()) : null
      const token = newToken()
      const r = await insertOptOut(
        c.get('db'),
        {
          ref: 'O-' + generateRef().slice(2),
          prefixes: prefixes.map((p) => p.text),
          method: b.method,
          proofDomain,
          proofAddress,
          tokenHash: await sha256Hex(token),
          contactEmail,
          needsDesk,
        },
        now(),
      )
      c.header('cache-control', 'no-store')
      return c.json({ ...statusJson(r), token, instructions: instructionsFor(r, token) }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/opt-outs/{ref}',
      tags: ['Network owners'],
      summary: "An opt-out request's status (needs the request's token)",
      security: [{ optOutToken: [] }],
      request: { params: z.object({ ref: Text(12) }) },
      responses: {
        200: { description: 'Status', content: { 'application/json': { schema: OptOutStatusSchema } } },
        ...errors(404, 503),
      },
    }),
    async (c) => {
      c.header('cache-control', 'no-store')
      return c.json(statusJson(await requesterRecord(c, c.req.valid('param').ref)), 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/opt-outs/{ref}/verify',
      tags: ['Network owners'],
      summary: 'Check the proof now (DNS, file) or mail the RDAP abuse contact',
      security: [{ optOutToken: [] }],
      request: { params: z.object({ ref: Text(12) }) },
      responses: {
        200: { description: 'Outcome of this check', content: { 'application/json': { schema: CheckSchema } } },
        ...errors(404, 409, 429, 503),
      },
    }),
    async (c) => {
      const r = await requesterRecord(c, c.req.valid('param').ref)
      const token = bearerToken(c.req.header('authorization'))!
      return c.json(await checkOptOut(c.get('db'), r, token, deps.context, now()), 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/opt-outs/{ref}/confirm',
      tags: ['Network owners'],
      summary: 'Confirm with the code mailed to the RDAP abuse contact',
      security: [],
      request: {
        params: z.object({ ref: Text(12) }),
        body: { required: true, content: { 'application/json': { schema: z.object({ code: Text(64) }).strict() } } },
      },
      responses: {
        200: { description: 'Verified', content: { 'application/json': { schema: CheckSchema } } },
        ...errors(400, 404, 409, 429, 503),
      },
    }),
    async (c) => {
      await confirmMailCode(c.get('db'), c.req.valid('param').ref, c.req.valid('json').code, deps.context, now())
      return c.json({ status: 'verified' as const, detail: 'confirmed by the RDAP abuse contact' }, 200)
    },
  )

  const AdminItemSchema = OptOutStatusSchema.extend({ checks: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }), decidedBy: Text(100).nullable() }).openapi('OptOutAdminItem')
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/opt-outs',
      tags: ['Network owners'],
      summary: 'Opt-out requests, newest first, with the last 24 hours of activity',
      security: [{ bearerAuth: ['exclusions:write'] }],
      middleware: [requireScope('exclusions:write', now)] as const,
      request: { query: z.object({ status: z.enum(['pending', 'verified', 'rejected']).optional() }) },
      responses: {
        200: {
          description: 'Requests',
          content: {
            'application/json': {
              schema: z.object({
                items: z.array(AdminItemSchema).max(200),
                last24h: z.object({ requests: Count, pending: Count, prefixes: Count }),
              }),
            },
          },
        },
        ...errors(400, 401, 403, 503),
      },
    }),
    async (c) => {
      const db = c.get('db')
      const items = await listOptOuts(db, { status: c.req.valid('query').status, limit: 200 })
      return c.json(
        {
          items: items.map((r) => ({ ...statusJson(r), checks: r.checks, decidedBy: r.decidedBy })),
          last24h: await optOutActivity(db, new Date(now().getTime() - 86_400_000)),
        },
        200,
      )
    },
  )

  const Decision = z.object({ reason: Text(500).min(1) }).strict()
  for (const action of ['approve', 'reject'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/v1/admin/opt-outs/{ref}/${action}`,
        tags: ['Network owners'],
        summary: action === 'approve' ? 'Verified by hand: exclude the prefixes (audited)' : 'Refuse the request (audited)',
        security: [{ bearerAuth: ['exclusions:write'] }],
        middleware: [requireScope('exclusions:write', now)] as const,
        request: { params: z.object({ ref: Text(12) }), body: { required: true, content: { 'application/json': { schema: Decision } } } },
        responses: {
          204: { description: 'Done' },
          ...errors(400, 401, 403, 404, 409, 503),
        },
      }),
      async (c) => {
        const { ref } = c.req.valid('param')
        const { reason } = c.req.valid('json')
        if (action === 'approve') await grantOptOut(c.get('db'), ref, { name: actorOf(c), audit: actorOf(c) }, `verified by the desk: ${reason}`, deps.context, now())
        else await rejectOptOut(c.get('db'), ref, actorOf(c), reason, now())
        return c.body(null, 204)
      },
    )
  }
}

function checkContact(email: string): string {
  if (!/^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@]{2,63}$/.test(email)) {
    throw new DomainError('validation_failed', 'contactEmail must be an e-mail address, or left out', { field: 'contactEmail' })
  }
  return email
}
