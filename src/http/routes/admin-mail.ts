/**
 * @module http/routes/admin-mail
 * The desk's API for stored e-mail: the unparsed-mail queue (scope `reports:read`), one
 * message as text, and turning one into a report by hand or dismissing it (scope
 * `reports:triage`). A stored message is the reporter's personal data: only the desk
 * sees it, and retention or erasure may already have removed its text.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { convertMailByHand, dismissMail, mailText, type MailActor } from '../../db/mail-convert.js'
import { getMail, listMail, type MailItem } from '../../db/mail-repository.js'
import { DomainError } from '../../domain/errors.js'
import { CATEGORIES } from '../../domain/intake/report-rules.js'
import type { AppEnv } from '../app-env.js'
import { actorOf, requireScope } from '../auth.js'
import { errors } from '../schemas.js'

const STATUSES = ['accepted', 'unparsed', 'converted', 'dismissed'] as const

const MailItemSchema = z
  .object({
    id: z.string().max(36),
    receivedAt: z.string().max(40),
    via: z.enum(['pipe', 'smtp', 'email-routing', 'desk']),
    sender: z.string().max(254).nullable(),
    subject: z.string().max(500).nullable(),
    status: z.enum(STATUSES),
    reason: z.string().max(1000).nullable(),
    sizeBytes: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
    sha256: z.string().max(64),
    reportCount: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
    rawPurged: z.boolean(),
  })
  .openapi('MailItem')

const ManualReportSchema = z
  .object({
    sourceIps: z.array(z.string().max(64)).min(1).max(50).openapi({ example: ['192.0.2.10'] }),
    target: z.string().max(64).openapi({ example: '203.0.113.5' }),
    observedFrom: z.string().max(40).openapi({ example: '2026-11-29T10:00:00Z' }),
    observedTo: z.string().max(40).optional(),
    ports: z.array(z.number().int().min(0).max(2147483647).openapi({ format: 'int32' })).max(1024).optional(),
    protocol: z.string().max(16).optional(),
    category: z.enum(CATEGORIES).optional(),
    description: z.string().max(4000).optional(),
  })
  .strict()
  .openapi('ManualMailReport')

const IdParam = z.object({ id: z.string().max(64).openapi({ description: 'Stored mail id (UUID)' }) })

function itemJson(m: MailItem) {
  return { ...m, receivedAt: m.receivedAt.toISOString() }
}

const actor = (c: Context<AppEnv>): MailActor => ({ name: c.get('actor')?.name ?? 'unknown', audit: actorOf(c) })

export function registerAdminMailRoutes(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  const read = requireScope('reports:read', now)
  const triage = requireScope('reports:triage', now)

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/mail',
      tags: ['Admin: abuse desk'],
      summary: 'Stored e-mail by status, newest first (default: the unparsed-mail queue)',
      security: [{ bearerAuth: ['reports:read'] }],
      middleware: [read] as const,
      request: { query: z.object({ status: z.enum(STATUSES).optional(), limit: z.coerce.number().int().openapi({ format: 'int32' }).min(1).max(200).optional() }) },
      responses: {
        200: { description: 'Messages', content: { 'application/json': { schema: z.object({ mail: z.array(MailItemSchema).max(200) }) } } },
        ...errors(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const rows = await listMail(c.get('db'), q.status ?? 'unparsed', q.limit ?? 50)
      c.header('cache-control', 'no-store')
      return c.json({ mail: rows.map(itemJson) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/mail/{id}',
      tags: ['Admin: abuse desk'],
      summary: 'One stored message, with its raw text (null once retention or erasure removed it)',
      security: [{ bearerAuth: ['reports:read'] }],
      middleware: [read] as const,
      request: { params: IdParam },
      responses: {
        200: { description: 'The message', content: { 'application/json': { schema: MailItemSchema.extend({ text: z.string().max(200_100).nullable() }) } } },
        ...errors(401, 403, 404),
      },
    }),
    async (c) => {
      const m = await getMail(c.get('db'), c.req.valid('param').id)
      if (!m) throw new DomainError('not_found', 'No stored mail with this id.', { status: 404 })
      const { raw, ...item } = m
      c.header('cache-control', 'no-store')
      return c.json({ ...itemJson(item), text: mailText(raw) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/mail/{id}/report',
      tags: ['Admin: abuse desk'],
      summary: 'Turn an unparsed message into a report by hand (contact: the mail sender)',
      security: [{ bearerAuth: ['reports:triage'] }],
      middleware: [triage] as const,
      request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: ManualReportSchema } } } },
      responses: {
        201: { description: 'The report', content: { 'application/json': { schema: z.object({ ref: z.string().max(16), caseId: z.string().max(36) }) } } },
        ...errors(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      const r = await convertMailByHand(c.get('db'), c.req.valid('param').id, body, actor(c), now())
      return c.json(r, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/mail/{id}/dismiss',
      tags: ['Admin: abuse desk'],
      summary: 'Dismiss an unparsed message (spam, not about us); it stays stored until retention',
      security: [{ bearerAuth: ['reports:triage'] }],
      middleware: [triage] as const,
      request: { params: IdParam },
      responses: {
        204: { description: 'Dismissed' },
        ...errors(401, 403, 404, 409),
      },
    }),
    async (c) => {
      await dismissMail(c.get('db'), c.req.valid('param').id, actor(c), now())
      return c.body(null, 204)
    },
  )
}
