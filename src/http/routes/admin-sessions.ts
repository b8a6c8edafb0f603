/**
 * @module http/routes/admin-sessions
 * Scan sessions from the scan platform (scope `sessions:write`): an idempotent upsert
 * per external id and an all-or-nothing batch of up to 1 000. Every scanner address must
 * lie in a catalogue range. Writing sessions re-links the open reports they explain.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import {
  getSessionByExternalId,
  saveSessions,
  scannerIpsOutsideCatalogue,
  type SessionRecord,
} from '../../db/session-repository.js'
import { DomainError } from '../../domain/errors.js'
import { FieldErrors } from '../../domain/intake/field-errors.js'
import { checkExternalId, SESSION_LIMITS, validateSession, type ValidSession } from '../../domain/intake/session-rules.js'
import type { AppEnv } from '../app-env.js'
import { actorOf, requireScope } from '../auth.js'
import { limitBody, MIB } from '../intake-body.js'
import { SessionBatchSchema, SessionInputSchema, SessionSchema } from '../intake-schemas.js'
import { errors } from '../schemas.js'

export function sessionJson(s: SessionRecord) {
  return {
    externalId: s.externalId,
    customerRef: s.customerRef,
    scannerIps: s.scannerIps,
    startedAt: s.startedAt.toISOString(),
    endedAt: s.endedAt ? s.endedAt.toISOString() : null,
    authorizedTargets: s.authorizedTargets,
    scanType: s.scanType,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  }
}

const ExternalIdParam = z.object({ externalId: z.string().max(2048).openapi({ example: 'scan-2026-11-01-0001' }) })
const security = [{ bearerAuth: ['sessions:write'] }]

/**
 * Adds an error for every scanner address outside the catalogue, naming the address.
 * `prefixOf(i)` is the field prefix of session i.
 */
async function checkCatalogue(
  db: Parameters<typeof scannerIpsOutsideCatalogue>[0],
  sessions: readonly ValidSession[],
  prefixOf: (i: number) => string,
): Promise<void> {
  const outside = new Set(await scannerIpsOutsideCatalogue(db, [...new Set(sessions.flatMap((s) => s.scannerIps))]))
  if (outside.size === 0) return
  const errs = new FieldErrors()
  sessions.forEach((s, i) => {
    s.scannerIps.forEach((ip, j) => {
      if (outside.has(ip)) {
        errs.add(`${prefixOf(i)}scannerIps.${j}`, `${ip} is not in any of our catalogue ranges; sessions may only use scanner addresses from the catalogue`)
      }
    })
  })
  errs.throwIfAny()
}

export function registerAdminSessionRoutes(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  const auth = requireScope('sessions:write', now)

  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/admin/sessions/{externalId}',
      tags: ['Admin: scan sessions'],
      summary: 'Create or replace a scan session (idempotent)',
      security,
      middleware: [auth, limitBody(16 * MIB, 'A session')] as const,
      request: {
        params: ExternalIdParam,
        body: { required: true, content: { 'application/json': { schema: SessionInputSchema } } },
      },
      responses: {
        200: { description: 'Replaced', content: { 'application/json': { schema: z.object({ session: SessionSchema, relinkedReports: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }) }) } } },
        201: { description: 'Created', content: { 'application/json': { schema: z.object({ session: SessionSchema, relinkedReports: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }) }) } } },
        ...errors(400, 401, 403, 413, 415),
      },
    }),
    async (c) => {
      const errs = new FieldErrors()
      const externalId = checkExternalId(errs, 'externalId', c.req.valid('param').externalId)
      const session = validateSession(errs, externalId, c.req.valid('json'))
      errs.throwIfAny()
      const db = c.get('db')
      await checkCatalogue(db, [session!], () => '')
      const saved = await saveSessions(db, [session!], now(), { actor: actorOf(c) })
      const s = saved.sessions[0]!
      c.header('location', `/v1/admin/sessions/${encodeURIComponent(s.externalId)}`)
      c.header('cache-control', 'no-store')
      const body = { session: sessionJson(s), relinkedReports: saved.relinkedReports }
      return s.created ? c.json(body, 201) : c.json(body, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/sessions/{externalId}',
      tags: ['Admin: scan sessions'],
      summary: 'One scan session as stored',
      security,
      middleware: [auth] as const,
      request: { params: ExternalIdParam },
      responses: {
        200: { description: 'The session', content: { 'application/json': { schema: z.object({ session: SessionSchema }) } } },
        ...errors(401, 403, 404),
      },
    }),
    async (c) => {
      const { externalId } = c.req.valid('param')
      const s = await getSessionByExternalId(c.get('db'), externalId)
      if (!s) throw new DomainError('not_found', `No session with external id ${JSON.stringify(externalId.slice(0, 128))}.`, { status: 404 })
      c.header('cache-control', 'no-store')
      return c.json({ session: sessionJson(s) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/sessions:batch',
      tags: ['Admin: scan sessions'],
      summary: `Create or replace up to ${SESSION_LIMITS.maxBatch} sessions at once; all or nothing`,
      security,
      middleware: [auth, limitBody(64 * MIB, 'A batch of sessions')] as const,
      request: { body: { required: true, content: { 'application/json': { schema: SessionBatchSchema } } } },
      responses: {
        200: {
          description: 'Saved',
          content: {
            'application/json': {
              schema: z.object({
                created: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
                updated: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
                relinkedReports: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
                sessions: z.array(z.object({ externalId: z.string().max(2048), created: z.boolean() })).max(1000),
              }),
            },
          },
        },
        ...errors(400, 401, 403, 413, 415),
      },
    }),
    async (c) => {
      const input = c.req.valid('json').sessions
      const errs = new FieldErrors()
      if (input.length === 0) errs.add('sessions', 'must contain at least one session')
      if (input.length > SESSION_LIMITS.maxBatch) {
        errs.add('sessions', `has ${input.length} sessions; at most ${SESSION_LIMITS.maxBatch} per call (split the batch)`)
      }
      errs.throwIfAny()
      const seen = new Map<string, number>()
      const valid: ValidSession[] = []
      input.forEach((raw, i) => {
        const prefix = `sessions.${i}.`
        const externalId = checkExternalId(errs, `${prefix}externalId`, raw.externalId)
        if (externalId !== null) {
          const first = seen.get(externalId)
          if (first !== undefined) errs.add(`${prefix}externalId`, `${externalId} appears twice in the batch (also at sessions.${first})`)
          else seen.set(externalId, i)
        }
        const s = validateSession(errs, externalId, raw, prefix)
        if (s) valid.push(s)
      })
      errs.throwIfAny()
      const db = c.get('db')
      await checkCatalogue(db, valid, (i) => `sessions.${i}.`)
      const saved = await saveSessions(db, valid, now(), { actor: actorOf(c) })
      const created = saved.sessions.filter((s) => s.created).length
      c.header('cache-control', 'no-store')
      return c.json(
        {
          created,
          updated: saved.sessions.length - created,
          relinkedReports: saved.relinkedReports,
          sessions: saved.sessions.map((s) => ({ externalId: s.externalId, created: s.created })),
        },
        200,
      )
    },
  )
}
