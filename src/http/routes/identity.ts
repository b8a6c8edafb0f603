/**
 * @module http/routes/identity
 * How our scanners identify themselves, for SOCs matching a log line to us: the public
 * identity document, "is this User-Agent / reverse name ours?", RFC 9116 security.txt,
 * the admin routes that set the facts, and signed per-session attestations for customers.
 * Nothing here names a customer: a match says "our scanner", never whom it scanned for.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import {
  listPoolIdentities,
  listRangeIdentities,
  poolsMatchingUserAgent,
  rangesMatchingRdns,
  setRangeIdentity,
  upsertPoolIdentity,
} from '../../db/identity-repository.js'
import { getSessionByExternalId } from '../../db/session-repository.js'
import { attestationDocument, signAttestation } from '../../domain/attestation.js'
import { DomainError } from '../../domain/errors.js'
import type { FeedSigner } from '../../domain/feed-signing.js'
import { parseRdnsPattern, parseUserAgent, type PoolIdentity } from '../../domain/scanner-identity.js'
import { renderSecurityTxt, type SecurityTxtConfig } from '../../domain/security-txt.js'
import { sha256Hex } from '../../domain/sha256.js'
import type { AppEnv } from '../app-env.js'
import { actorOf, requireScope } from '../auth.js'
import type { FeedContext } from './feed-context.js'
import { errors } from '../schemas.js'

const Text = (max: number) => z.string().max(max)

const PoolIdentitySchema = z
  .object({
    pool: Text(64),
    description: Text(500).nullable(),
    userAgents: z.array(Text(256)).max(20),
    tlsBanner: Text(256).nullable(),
    sshBanner: Text(256).nullable(),
  })
  .openapi('PoolIdentity')

const RangeIdentitySchema = z
  .object({
    prefix: Text(43),
    pool: Text(64),
    asn: z.number().int().min(1).max(4294967295).openapi({ format: 'int64' }).nullable(),
    rirHandle: Text(100).nullable(),
    rdns: Text(253).nullable(),
  })
  .openapi('RangeIdentity')

const IdentityDocumentSchema = z
  .object({
    serial: z.number().int().min(1).max(2147483647).openapi({ format: 'int32' }),
    pools: z.array(PoolIdentitySchema).max(1000),
    ranges: z.array(RangeIdentitySchema).max(100_000),
    securityTxt: Text(2000).nullable(),
    optOut: Text(2000),
  })
  .openapi('IdentityDocument')

const IdentityMatchSchema = z
  .object({
    query: z.enum(['ua', 'rdns']),
    value: Text(256),
    ours: z.boolean(),
    pools: z.array(Text(64)).max(1000),
  })
  .openapi('IdentityMatch')

const AttestationSchema = z
  .object({
    attestation: z.record(z.string().max(64), z.unknown()),
    signature: z.object({ alg: z.literal('ed25519'), keyId: Text(128), value: Text(200), signedBytes: Text(200) }),
  })
  .openapi('SessionAttestation')

export interface IdentityDeps {
  feed: FeedContext
  now: () => Date
  securityTxt: SecurityTxtConfig | null
  feedSigner: FeedSigner | undefined
  publicUrl: string | undefined
}

export function registerIdentityRoutes(app: OpenAPIHono<AppEnv>, deps: IdentityDeps): void {
  const securityTxt = deps.securityTxt ? renderSecurityTxt(deps.securityTxt) : null

  app.get('/.well-known/security.txt', (c) => {
    if (!securityTxt) throw new DomainError('not_found', 'security.txt is not configured on this server (SECURITY_TXT_CONTACT, SECURITY_TXT_EXPIRES).', { status: 404 })
    c.header('cache-control', 'public, max-age=3600')
    return c.body(securityTxt, 200, { 'content-type': 'text/plain; charset=utf-8' })
  })

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/identity',
      tags: ['Feed'],
      summary: 'How our scanners identify themselves: reverse DNS, ASN, User-Agent and banners',
      security: [],
      responses: {
        200: { description: 'Identity facts of the latest published version', content: { 'application/json': { schema: IdentityDocumentSchema } } },
        ...errors(404, 503),
      },
    }),
    async (c) => {
      const db = c.get('db')
      const { version } = await deps.feed.store.latest(db)
      const published = [...version.version.lists.ipv4, ...version.version.lists.ipv6].map((e) => e.prefix)
      c.header('cache-control', 'public, max-age=300')
      return c.json(
        {
          serial: version.serial,
          pools: await listPoolIdentities(db),
          ranges: await listRangeIdentities(db, published),
          securityTxt: securityTxt ? '/.well-known/security.txt' : null,
          optOut: '/opt-out',
        },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/lookup',
      tags: ['Feed'],
      summary: 'Whether a User-Agent or a reverse-DNS name is one our scanners use',
      security: [],
      request: {
        query: z.object({
          ua: Text(256).optional().openapi({ description: 'an HTTP User-Agent from your logs' }),
          rdns: Text(253).optional().openapi({ description: 'a reverse-DNS name from your logs' }),
        }),
      },
      responses: {
        200: { description: 'Match result', content: { 'application/json': { schema: IdentityMatchSchema } } },
        ...errors(400, 404, 503),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      if ((q.ua === undefined) === (q.rdns === undefined)) {
        throw new DomainError('validation_failed', 'give exactly one of ua (a User-Agent) or rdns (a reverse-DNS name); for an address use /v1/lookup/{ip}', { field: q.ua === undefined ? 'ua' : 'rdns' })
      }
      const db = c.get('db')
      c.header('cache-control', 'public, max-age=300')
      if (q.ua !== undefined) {
        const ua = parseUserAgent(q.ua)
        const pools = poolsMatchingUserAgent(await listPoolIdentities(db), ua).map((p) => p.pool)
        return c.json({ query: 'ua' as const, value: ua, ours: pools.length > 0, pools }, 200)
      }
      const name = q.rdns!.trim().toLowerCase()
      const { version } = await deps.feed.store.latest(db)
      const published = [...version.version.lists.ipv4, ...version.version.lists.ipv6].map((e) => e.prefix)
      const pools = [...new Set(rangesMatchingRdns(await listRangeIdentities(db, published), name).map((r) => r.pool))].sort()
      return c.json({ query: 'rdns' as const, value: name, ours: pools.length > 0, pools }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/admin/pools/{pool}',
      tags: ['Admin: catalogue'],
      summary: 'Set how a pool identifies itself (User-Agents, banners)',
      security: [{ bearerAuth: ['ranges:write'] }],
      middleware: [requireScope('ranges:write', deps.now)] as const,
      request: {
        params: z.object({ pool: Text(64) }),
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z
                .object({
                  description: Text(500).nullable().optional(),
                  userAgents: z.array(Text(256)).max(20).optional(),
                  tlsBanner: Text(256).nullable().optional(),
                  sshBanner: Text(256).nullable().optional(),
                })
                .strict(),
            },
          },
        },
      },
      responses: {
        200: { description: 'Stored', content: { 'application/json': { schema: PoolIdentitySchema } } },
        ...errors(400, 401, 403, 503),
      },
    }),
    async (c) => {
      const pool = c.req.valid('param').pool
      const b = c.req.valid('json')
      const identity: PoolIdentity = {
        pool,
        description: b.description ?? null,
        userAgents: [...new Set((b.userAgents ?? []).map(parseUserAgent))],
        tlsBanner: b.tlsBanner ?? null,
        sshBanner: b.sshBanner ?? null,
      }
      await upsertPoolIdentity(c.get('db'), identity, actorOf(c), deps.now())
      return c.json(identity, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/admin/ranges/{id}/identity',
      tags: ['Admin: catalogue'],
      summary: "Set a range's ASN, RIR handle and reverse-DNS pattern",
      security: [{ bearerAuth: ['ranges:write'] }],
      middleware: [requireScope('ranges:write', deps.now)] as const,
      request: {
        params: z.object({ id: z.string().uuid().max(36) }),
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z
                .object({
                  asn: z.number().int().min(1).max(4294967295).openapi({ format: 'int64' }).nullable().optional(),
                  rirHandle: Text(100).nullable().optional(),
                  rdns: Text(253).nullable().optional(),
                })
                .strict(),
            },
          },
        },
      },
      responses: {
        204: { description: 'Stored' },
        ...errors(400, 401, 403, 404, 503),
      },
    }),
    async (c) => {
      const b = c.req.valid('json')
      const rirHandle = b.rirHandle?.trim() || null
      if (rirHandle && !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(rirHandle)) {
        throw new DomainError('validation_failed', 'rirHandle is the registry name of the network, e.g. NET-198-51-100-0-1 or EXAMPLE-NET', { field: 'rirHandle' })
      }
      await setRangeIdentity(
        c.get('db'),
        c.req.valid('param').id,
        { asn: b.asn ?? null, rirHandle, rdns: b.rdns ? parseRdnsPattern(b.rdns) : null },
        actorOf(c),
        deps.now(),
      )
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/sessions/{externalId}/attestation',
      tags: ['Admin: scan sessions'],
      summary: 'A signed attestation that this scan session was ours, for the customer to hand on',
      security: [{ bearerAuth: ['sessions:write'] }],
      middleware: [requireScope('sessions:write', deps.now)] as const,
      request: { params: z.object({ externalId: Text(200) }) },
      responses: {
        200: { description: 'The attestation and its Ed25519 signature', content: { 'application/json': { schema: AttestationSchema } } },
        ...errors(401, 403, 404, 503),
      },
    }),
    async (c) => {
      if (!deps.feedSigner) throw new DomainError('not_found', 'This server has no signing key (FEED_SIGNING_KEY), so it cannot sign attestations.', { status: 404 })
      const s = await getSessionByExternalId(c.get('db'), c.req.valid('param').externalId)
      if (!s) throw new DomainError('not_found', 'No scan session with this external id.', { status: 404 })
      const issuer = deps.publicUrl ?? 'scangate'
      const doc = attestationDocument(s, issuer, deps.now())
      const keyId = (await sha256Hex(deps.feedSigner.publicKeyPem)).slice(0, 16)
      c.header('content-disposition', `attachment; filename="attestation-${s.externalId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)}.json"`)
      c.header('cache-control', 'no-store')
      return c.json(await signAttestation(doc, deps.feedSigner, keyId), 200)
    },
  )
}
