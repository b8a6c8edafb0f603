/**
 * @module http/routes/admin-privacy
 * Data-subject requests (scope `privacy:admin`): export and erase everything stored
 * about a reporter's e-mail address. Both are audited — by the reports they touched,
 * never by the address itself.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { appendAudit } from '../../db/audit-repository.js'
import { eraseSubject, exportSubject } from '../../db/privacy-repository.js'
import { eraseOptOutContacts, exportOptOuts } from '../../db/opt-out-repository.js'
import { eraseSubscriptions, exportSubscriptions } from '../../db/subscription-privacy.js'
import { normaliseEmail } from '../../domain/email.js'
import { DomainError } from '../../domain/errors.js'
import type { AppEnv } from '../app-env.js'
import { actorOf, requireScope } from '../auth.js'
import { errors } from '../schemas.js'

const SubjectSchema = z
  .object({ email: z.string().max(1000).openapi({ description: 'The address as the reporter gave it (same rule as report intake; IDN domains in either form)', example: 'carol@example.org' }) })
  .strict()
  .openapi('DataSubject')

/** The address in normal form, or a 400 naming the field (the intake rule, domain/email). */
function subjectEmail(raw: string): string {
  const email = normaliseEmail(raw)
  if (email === null) throw new DomainError('validation_failed', 'email must be an e-mail address such as carol@example.org.', { field: 'email' })
  return email
}

export function registerAdminPrivacyRoutes(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  const auth = requireScope('privacy:admin', now)
  const security = [{ bearerAuth: ['privacy:admin'] }]

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/privacy/export',
      tags: ['Admin: privacy'],
      summary: 'Access request: every report, reporter-visible note, contact and evidence for an e-mail address',
      security,
      middleware: [auth] as const,
      request: { body: { required: true, content: { 'application/json': { schema: SubjectSchema } } } },
      responses: {
        200: { description: 'The export', content: { 'application/json': { schema: z.object({ email: z.string().max(1000), exportedAt: z.string().max(64), reports: z.array(z.record(z.string().max(256), z.unknown())).max(100_000), subscriptions: z.array(z.record(z.string().max(256), z.unknown())).max(1000), optOuts: z.array(z.record(z.string().max(256), z.unknown())).max(1000) }) } } },
        ...errors(400, 401, 403),
      },
    }),
    async (c) => {
      const email = subjectEmail(c.req.valid('json').email)
      const t = now()
      const result = await exportSubject(c.get('db'), email)
      const subscriptions = await exportSubscriptions(c.get('db'), email)
      const optOuts = await exportOptOuts(c.get('db'), email)
      await appendAudit(c.get('db'), { actor: actorOf(c), action: 'privacy.export', objectType: 'data_subject', diff: { reports: result.reports.map((r) => r.ref) } }, t)
      c.header('cache-control', 'no-store')
      return c.json({ email: result.email, exportedAt: t.toISOString(), reports: result.reports, subscriptions, optOuts }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/privacy/erase',
      tags: ['Admin: privacy'],
      summary: 'Erasure request: remove the contact, evidence, raw documents and free text of every report from an e-mail address, and blank the address wherever it was quoted',
      security,
      middleware: [auth] as const,
      request: { body: { required: true, content: { 'application/json': { schema: SubjectSchema } } } },
      responses: {
        200: {
          description: 'What was erased',
          content: {
            'application/json': {
              schema: z.object({
                erasedAt: z.string().max(64),
                reports: z.array(z.string().max(64)).max(100_000),
                contacts: z.number(),
                evidence: z.number(),
                xarfDocuments: z.number(),
                mailMessages: z.number(),
                redactedElsewhere: z.number(),
                outbox: z.number(),
                subscriptions: z.number(),
                optOutContacts: z.number(),
                ownerContacts: z.number(),
                queuedMail: z.number(),
              }),
            },
          },
        },
        ...errors(400, 401, 403),
      },
    }),
    async (c) => {
      const email = subjectEmail(c.req.valid('json').email)
      const t = now()
      const db = c.get('db')
      const result = { ...(await eraseSubject(db, email, t)), ...(await eraseSubscriptions(db, email)), optOutContacts: await eraseOptOutContacts(db, email) }
      await appendAudit(db, { actor: actorOf(c), action: 'privacy.erase', objectType: 'data_subject', diff: { ...result } }, t)
      c.header('cache-control', 'no-store')
      return c.json({ erasedAt: t.toISOString(), ...result }, 200)
    },
  )
}
