/**
 * @module http/routes/admin-ranges
 * Catalogue administration (scope `ranges:write`): add, change and list ranges, and
 * publish a new version.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import { publishCatalogue } from '../../db/publish-catalogue.js'
import { addRanges, auditRange } from '../../db/add-ranges.js'
import { appendAudit } from '../../db/audit-repository.js'
import {
  deleteRange,
  getRange,
  listRanges,
  lockCatalogue,
  updateRange,
  withdrawRange,
  type RangePatch,
  type RangeRecord,
} from '../../db/range-repository.js'
import {
  checkDates,
  checkLabel,
  checkSlug,
  rangeWarnings,
  normaliseRange,
  parseDateField,
} from '../../domain/catalogue-rules.js'
import { DomainError } from '../../domain/errors.js'
import { rangeStatus } from '../../domain/range-lifecycle.js'
import type { AppEnv } from '../app-env.js'
import { actorOf, requireScope } from '../auth.js'
import { errors, PublishInputSchema, RangeInputSchema, RangePatchSchema, RangeSchema, VersionSummarySchema } from '../schemas.js'
import type { FeedContext } from './feed-context.js'

export function rangeJson(r: RangeRecord, now: Date) {
  return {
    id: r.id,
    prefix: r.prefix,
    family: r.family,
    pool: r.pool,
    region: r.region,
    label: r.label,
    status: rangeStatus(r, now),
    activeFrom: r.activeFrom.toISOString(),
    retireAt: r.retireAt ? r.retireAt.toISOString() : null,
    firstPublishedSerial: r.firstPublishedSerial,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }
}

const IdParam = z.object({ id: z.string().max(2048).uuid('id must be a range id (UUID)') })
const security = [{ bearerAuth: ['ranges:write'] }]

export function registerAdminRangeRoutes(app: OpenAPIHono<AppEnv>, ctx: FeedContext, now: () => Date, onPublished?: (serial: number) => void): void {
  const auth = requireScope('ranges:write', now)

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/ranges',
      tags: ['Admin: catalogue'],
      summary: 'Every catalogue range, retired ones included, with its current status',
      security,
      middleware: [auth] as const,
      responses: {
        200: { description: 'Ranges', content: { 'application/json': { schema: z.object({ ranges: z.array(RangeSchema).max(1000) }) } } },
        ...errors(401, 403),
      },
    }),
    async (c) => {
      const t = now()
      const ranges = await listRanges(c.get('db'))
      c.header('cache-control', 'no-store')
      return c.json({ ranges: ranges.map((r) => rangeJson(r, t)) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/ranges',
      tags: ['Admin: catalogue'],
      summary: 'Add a range (published with the next publish)',
      security,
      middleware: [auth] as const,
      request: { body: { required: true, content: { 'application/json': { schema: RangeInputSchema } } } },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: z.object({ range: RangeSchema, warnings: z.array(z.string().max(2048)).max(1000) }) } } },
        ...errors(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const t = now()
      const input = normaliseRange(c.req.valid('json'), t)
      const [created] = await addRanges(c.get('db'), [input], { actor: actorOf(c), at: t })
      if (!created) throw new Error('insert returned no row')
      c.header('location', `/v1/admin/ranges/${created.id}`)
      return c.json({ range: rangeJson(created, t), warnings: rangeWarnings(input, t) }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/admin/ranges/{id}',
      tags: ['Admin: catalogue'],
      summary: 'Change a range: metadata, activeFrom while announced, retireAt to schedule retirement',
      security,
      middleware: [auth] as const,
      request: {
        params: IdParam,
        body: { required: true, content: { 'application/json': { schema: RangePatchSchema } } },
      },
      responses: {
        200: { description: 'Updated', content: { 'application/json': { schema: z.object({ range: RangeSchema }) } } },
        ...errors(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const t = now()
      const { id } = c.req.valid('param')
      const body = c.req.valid('json')
      const db = c.get('db')
      const updated = await db.transaction().execute(async (trx) => {
        await lockCatalogue(trx)
        const current = await getRange(trx, id)
        if (!current) throw new DomainError('not_found', `No range with id ${id}.`, { status: 404 })
        const status = rangeStatus(current, t)
        const patch: RangePatch = {}
        if (body.pool !== undefined) patch.pool = checkSlug(body.pool, 'pool')
        if (body.region !== undefined) patch.region = checkSlug(body.region, 'region')
        if (body.label !== undefined) patch.label = checkLabel(body.label)
        if (body.activeFrom !== undefined) {
          if (status !== 'announced') {
            throw new DomainError('conflict', `activeFrom can only change while a range is announced; this one is ${status}.`, { status: 409, field: 'activeFrom' })
          }
          patch.activeFrom = parseDateField(body.activeFrom, 'activeFrom')
        }
        if (body.retireAt !== undefined) {
          if (status === 'retired' || status === 'withdrawn') {
            throw new DomainError('conflict', `This range is already ${status}; add it again as a new range to bring it back.`, { status: 409, field: 'retireAt' })
          }
          patch.retireAt = body.retireAt === null ? null : parseDateField(body.retireAt, 'retireAt')
        }
        checkDates(patch.activeFrom ?? current.activeFrom, patch.retireAt === undefined ? current.retireAt : patch.retireAt)
        const updated = await updateRange(trx, id, patch, t)
        if (updated) {
          const before = auditRange(current)
          const after = auditRange(updated)
          const diff = Object.fromEntries(
            (Object.keys(after) as (keyof typeof after)[])
              .filter((k) => before[k] !== after[k])
              .map((k) => [k, { from: before[k], to: after[k] }]),
          )
          await appendAudit(trx, { actor: actorOf(c), action: 'range.update', objectType: 'range', objectId: id, diff: { prefix: current.prefix, ...diff } }, t)
        }
        return updated
      })
      if (!updated) throw new DomainError('not_found', `No range with id ${id}.`, { status: 404 })
      return c.json({ range: rangeJson(updated, t) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/admin/ranges/{id}',
      tags: ['Admin: catalogue'],
      summary: 'Delete a range that no published version ever contained (a published one must be retired or withdrawn)',
      security,
      middleware: [auth] as const,
      request: { params: IdParam },
      responses: {
        204: { description: 'Deleted' },
        ...errors(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const t = now()
      const { id } = c.req.valid('param')
      await c.get('db').transaction().execute(async (trx) => {
        // the publisher takes the same lock: a range cannot be published while it is deleted
        await lockCatalogue(trx)
        const current = await getRange(trx, id)
        if (!current) throw new DomainError('not_found', `No range with id ${id}.`, { status: 404 })
        if (current.firstPublishedSerial !== null) {
          const status = rangeStatus(current, t)
          const instead =
            status === 'announced'
              ? `withdraw the announcement instead (POST /v1/admin/ranges/${id}/withdraw)`
              : status === 'active' || status === 'retiring'
                ? 'retire it instead (PATCH retireAt)'
                : `it is ${status} already and stays on record`
          throw new DomainError('conflict', `${current.prefix} was published in version ${current.firstPublishedSerial}; firewalls may already rely on it, so it cannot be deleted: ${instead}.`, {
            status: 409,
            extra: { firstPublishedSerial: current.firstPublishedSerial },
          })
        }
        await deleteRange(trx, id)
        await appendAudit(trx, { actor: actorOf(c), action: 'range.delete', objectType: 'range', objectId: id, diff: auditRange(current) }, t)
      })
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/ranges/{id}/withdraw',
      tags: ['Admin: catalogue'],
      summary: 'Withdraw a published announcement before the range becomes active; the next version lists it as removed (reason withdrawn)',
      security,
      middleware: [auth] as const,
      request: { params: IdParam },
      responses: {
        200: { description: 'Withdrawn', content: { 'application/json': { schema: z.object({ range: RangeSchema }) } } },
        ...errors(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const t = now()
      const { id } = c.req.valid('param')
      const withdrawn = await c.get('db').transaction().execute(async (trx) => {
        await lockCatalogue(trx)
        const current = await getRange(trx, id)
        if (!current) throw new DomainError('not_found', `No range with id ${id}.`, { status: 404 })
        const status = rangeStatus(current, t)
        if (status !== 'announced') {
          const instead = status === 'active' || status === 'retiring' ? `it is ${status} since ${current.activeFrom.toISOString()}; retire it instead (PATCH retireAt)` : `it is ${status} already`
          throw new DomainError('conflict', `Only an announced range can be withdrawn: ${instead}.`, { status: 409 })
        }
        if (current.firstPublishedSerial === null) {
          throw new DomainError('conflict', `${current.prefix} was never published, so there is nothing to withdraw: delete it instead (DELETE /v1/admin/ranges/${id}).`, { status: 409 })
        }
        const done = await withdrawRange(trx, id, t)
        if (!done) throw new DomainError('not_found', `No range with id ${id}.`, { status: 404 })
        await appendAudit(trx, { actor: actorOf(c), action: 'range.withdraw', objectType: 'range', objectId: id, diff: { prefix: current.prefix, activeFrom: current.activeFrom.toISOString() } }, t)
        return done
      })
      return c.json({ range: rangeJson(withdrawn, t) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/publish',
      tags: ['Admin: catalogue'],
      summary: 'Publish the catalogue as a new version (refused if empty or shrinking sharply, unless force)',
      security,
      middleware: [auth] as const,
      request: { body: { required: false, content: { 'application/json': { schema: PublishInputSchema } } } },
      responses: {
        201: { description: 'Published', content: { 'application/json': { schema: z.object({ status: z.literal('published'), version: VersionSummarySchema.extend({ forced: z.boolean() }) }) } } },
        200: {
          description: 'Nothing changed (no new serial), or with dryRun: what publishing would do, without publishing',
          content: {
            'application/json': {
              schema: z.union([
                z.object({ status: z.literal('unchanged'), version: VersionSummarySchema.extend({ forced: z.boolean() }) }),
                z.object({
                  status: z.literal('dry-run'),
                  wouldPublish: z.boolean().openapi({ description: 'false when nothing changed, or when the publish guard refuses (see refusal) and force is not set' }),
                  refusal: z.string().max(2000).nullable(),
                  version: VersionSummarySchema.extend({ forced: z.boolean() }),
                }),
              ]),
            },
          },
        },
        ...errors(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const raw = await c.req.text()
      const body = raw.trim() === '' ? {} : PublishInputSchema.parse(parseJsonBody(raw))
      const result = await publishCatalogue(c.get('db'), {
        now: now(),
        force: body.force ?? false,
        note: body.note ?? null,
        reason: body.reason ?? null,
        noticeDays: ctx.noticeDays,
        actor: actorOf(c),
        dryRun: body.dryRun ?? false,
      })
      const v = result.version
      const version = { serial: v.serial, createdAt: v.createdAt, sha256: v.sha256, counts: v.counts, changes: v.changes, forced: v.forced, note: v.note, noticeOverride: v.noticeOverride }
      if (result.status === 'dry-run') {
        c.header('cache-control', 'no-store')
        return c.json({ status: 'dry-run' as const, wouldPublish: result.wouldPublish, refusal: result.refusal, version }, 200)
      }
      if (result.status === 'published') {
        ctx.store.accept(v)
        onPublished?.(v.serial)
        c.header('location', `/v1/versions/${v.serial}`)
        return c.json({ status: 'published' as const, version }, 201)
      }
      return c.json({ status: 'unchanged' as const, version }, 200)
    },
  )
}

/** JSON.parse with a 400 that says what is wrong instead of a 500. */
export function parseJsonBody(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    throw new DomainError('validation_failed', 'The request body is not valid JSON.', { field: '(body)' })
  }
}
