/**
 * @module http/routes/reports
 * Public abuse-report intake and the reporter's status view.
 *
 * `POST /v1/reports` takes JSON (our fields, or an XARF v4 document recognised by
 * `xarf_version`) or the web form (application/x-www-form-urlencoded). A browser posting
 * the form is redirected (303) to the receipt page and the one-time status token travels
 * in a short-lived HttpOnly cookie scoped to /report — never in a URL; everyone else
 * gets JSON 201. `Idempotency-Key` replays the first response for the same body (24 h)
 * to the same client only (domain/intake/idempotency.ts: per-client records, status
 * token sealed with the key).
 *
 * `GET /v1/reports/{ref}` with `Authorization: Bearer <statusToken>` shows a neutral
 * status (received, under review, resolved), the outcome the desk wrote once resolved and
 * the notes addressed to this report. An unknown ref and a wrong token get the same 404,
 * so neither can be probed. Nothing here ever names a customer, a session, an automatic
 * verdict, an internal note or another reporter.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import { listNotesForReport } from '../../db/case-repository.js'
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  createReport,
  findReportForReporter,
  IDEMPOTENCY_TTL_MS,
  type NewReport,
  type StoredResponse,
} from '../../db/report-repository.js'
import { DomainError } from '../../domain/errors.js'
import { textEvidence } from '../../domain/intake/evidence.js'
import { generateStatusToken, REF_PATTERN, STATUS_TOKEN_PATTERN } from '../../domain/intake/report-ids.js'
import { formToReportInput, jsonToReportInput, validateReport } from '../../domain/intake/report-rules.js'
import { idempotencyRecordKey, openReplay, sealForReplay } from '../../domain/intake/idempotency.js'
import { reporterOutcome, reporterStatus, reporterStatusText } from '../../domain/intake/reporter-status.js'
import { clientKey } from '../../domain/rate-limit.js'
import { isXarf, parseXarf } from '../../domain/intake/xarf.js'
import { sha256Hex } from '../../domain/sha256.js'
import type { AppDeps, AppEnv } from '../app-env.js'
import { bearerToken } from '../auth.js'
import { isHttps } from '../transport.js'
import { isJsonMediaType, KIB, limitBody, MAX_JSON_DEPTH, mediaType, MIB, parseJson, prefersHtml, tooDeep, tooLarge, unsupportedMediaType } from '../intake-body.js'
import { jsonShape } from '../../domain/json-shape.js'
import { findXarfOriginal, isXarfIdentityClash, type XarfOriginal } from '../../db/xarf-repository.js'
import { ReportCreatedSchema, ReportDuplicateSchema, ReportInputSchema, ReportStatusSchema, XarfReportSchema } from '../intake-schemas.js'
import { errors } from '../schemas.js'

export const REPORT_MAX_BYTES = 256 * KIB
export const XARF_MAX_BYTES = 5 * MIB
const FORM = 'application/x-www-form-urlencoded'
const ACCEPTED = ['application/json', FORM] as const

/** Cookie carrying `<ref>.<statusToken>` from the form post to the receipt page. */
export const RECEIPT_COOKIE = 'sg_receipt'
export const RECEIPT_COOKIE_PATH = '/report'
export const RECEIPT_COOKIE_MAX_AGE = 600

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

/** Media-type gate and size limit: JSON may be XARF (5 MiB), the form is 256 KiB. */
const intakeGate = createMiddleware<AppEnv>(async (c, next) => {
  const t = mediaType(c)
  if (isJsonMediaType(t)) return limitBody(XARF_MAX_BYTES, 'An XARF report')(c, next)
  if (t === FORM) return limitBody(REPORT_MAX_BYTES, 'A report')(c, next)
  throw unsupportedMediaType(t, ACCEPTED)
})

interface ParsedReport {
  input: Omit<NewReport, 'statusTokenHash'>
  form: boolean
}

async function readReport(c: Context<AppEnv>, now: Date): Promise<ParsedReport> {
  const t = mediaType(c)
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  let raw: string
  try {
    raw = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new DomainError('validation_failed', 'The request body is not valid UTF-8 text.', { field: '(body)' })
  }
  if (t === FORM) {
    const report = validateReport(formToReportInput(new URLSearchParams(raw)), now)
    return { input: { report, channel: 'form', evidence: report.evidence ? [await textEvidence(report.evidence)] : [], xarf: null }, form: true }
  }
  // size and nesting are checked before anything is parsed: only a document that says it
  // is XARF (evidence inside) may use the larger limit
  const shape = jsonShape(raw, MAX_JSON_DEPTH)
  if (bytes.length > REPORT_MAX_BYTES && !shape.topLevelKeys.has('xarf_version')) throw tooLarge(REPORT_MAX_BYTES, 'A report')
  if (shape.tooDeep) throw tooDeep(MAX_JSON_DEPTH)
  const body = parseJson(raw)
  if (isXarf(body)) {
    const x = await parseXarf(body, now)
    return {
      input: {
        report: x.report,
        channel: 'xarf',
        evidence: x.evidence,
        xarf: { document: raw, reportId: x.reportId, type: x.type, reporterOrg: x.reporterOrg, identity: x.identity, fingerprint: x.fingerprint },
      },
      form: false,
    }
  }
  if (bytes.length > REPORT_MAX_BYTES) throw tooLarge(REPORT_MAX_BYTES, 'A report')
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('validation_failed', 'The request body must be a JSON object with the report fields.', { field: '(body)' })
  }
  const { input, unknownKeys } = jsonToReportInput(body as Record<string, unknown>)
  const report = validateReport(input, now, { unknownKeys })
  return { input: { report, channel: 'json', evidence: report.evidence ? [await textEvidence(report.evidence)] : [], xarf: null }, form: false }
}

interface Receipt {
  ref: string
  statusToken: string
  ours: boolean
  status: string
}

function respond(c: Context<AppEnv>, r: Receipt, form: boolean, replayed: boolean): Response {
  const statusLink = `/v1/reports/${r.ref}`
  c.header('cache-control', 'no-store')
  if (replayed) c.header('idempotent-replayed', 'true')
  if (form && prefersHtml(c.req.header('accept'))) {
    setCookie(c, RECEIPT_COOKIE, `${r.ref}.${r.statusToken}`, {
      path: RECEIPT_COOKIE_PATH,
      httpOnly: true,
      sameSite: 'Strict',
      secure: isHttps(c),
      maxAge: RECEIPT_COOKIE_MAX_AGE,
    })
    return c.redirect(`/report/receipt/${r.ref}`, 303)
  }
  c.header('location', statusLink)
  return c.json({ ref: r.ref, statusToken: r.statusToken, ours: r.ours, status: r.status, links: { status: statusLink } }, 201)
}

/** What makes two requests "the same" for Idempotency-Key: media type and exact body bytes. */
async function requestFingerprint(type: string, body: Uint8Array): Promise<string> {
  const head = new TextEncoder().encode(type + '\n')
  const all = new Uint8Array(head.length + body.length)
  all.set(head)
  all.set(body, head.length)
  return sha256Hex(all)
}

function idempotencyConflict(): DomainError {
  return new DomainError(
    'idempotency_conflict',
    'This Idempotency-Key was already used with a different request body; use a new key for a new report.',
    { status: 422, field: 'Idempotency-Key' },
  )
}

/**
 * An XARF document whose `report_id` (from the same reporter domain) we already have: the
 * same document is a retry and gets the first report's reference (200, without a status
 * token: that was handed out once, with the first answer); different content reusing the
 * id is refused (409), since the first one was stored.
 */
function xarfReplay(c: Context<AppEnv>, original: XarfOriginal, fingerprint: string): Response {
  if (original.fingerprint !== fingerprint) {
    throw new DomainError(
      'duplicate_report_id',
      `An XARF report with this report_id from the same reporter was already received (${original.ref}) with different content; give a new report a new report_id.`,
      { status: 409, field: 'report_id' },
    )
  }
  const statusLink = `/v1/reports/${original.ref}`
  c.header('cache-control', 'no-store')
  c.header('idempotent-replayed', 'true')
  c.header('location', statusLink)
  return c.json({ ref: original.ref, ours: original.ours, status: reporterStatus(original.caseStatus), duplicate: true as const, links: { status: statusLink } }, 200)
}

const NOT_FOUND = 'No report with this reference and status token. Check both; the token is the one shown when you sent the report.'

/** Opens a stored replay for the client that holds the key; a record it cannot open is a conflict. */
async function replayed(stored: StoredResponse, scope: string, key: string): Promise<Receipt> {
  const statusToken = await openReplay(scope, key, stored.sealedToken)
  if (statusToken === null) throw idempotencyConflict()
  return { ref: stored.ref, statusToken, ours: stored.ours, status: stored.status }
}

export function registerReportRoutes(app: OpenAPIHono<AppEnv>, now: () => Date, getClientIp: AppDeps['getClientIp']): void {
  app.openAPIRegistry.register('ReportInput', ReportInputSchema)
  app.openAPIRegistry.register('XarfReport', XarfReportSchema)
  const inputRef = { $ref: '#/components/schemas/ReportInput' }
  // a JSON body with `xarf_version` is read as XARF (see isXarf)
  const jsonRef = { oneOf: [inputRef, { $ref: '#/components/schemas/XarfReport' }] }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/reports',
      tags: ['Reports'],
      summary: 'Report suspicious scanning (JSON, XARF v4 JSON, or the web form)',
      description:
        'JSON and form bodies up to 256 KiB, XARF 4 documents up to 5 MiB (evidence at most 1 MiB per item, 2 MiB in all); ' +
        'JSON nested deeper than 32 levels is refused. Send `Idempotency-Key` to make retries safe: ' +
        'the same key and body from the same client within 24 hours return the first response; a different body is refused (422). ' +
        'Keys are per client (address, IPv6 per /64): another client using the same key gets a report of its own. ' +
        'An XARF `report_id` from the same reporter domain names one report: the same document again returns it (200), ' +
        'different content under that id is refused (409). XARF 1–3 and 4.0 drafts get 400 `unsupported_xarf_version`.',
      middleware: [intakeGate] as const,
      request: {
        headers: z.object({ 'idempotency-key': z.string().max(2048).optional().openapi({ description: 'Up to 255 visible ASCII characters' }) }),
        // documentation only: the handler parses the body itself (the XARF variant has other fields)
        body: { required: true, content: { 'application/json': { schema: jsonRef }, [FORM]: { schema: inputRef } } },
      },
      responses: {
        200: {
          description: 'An XARF document already received (same report_id and reporter domain, same content): the first report, without a status token',
          content: { 'application/json': { schema: ReportDuplicateSchema } },
        },
        201: { description: 'Received', content: { 'application/json': { schema: ReportCreatedSchema } } },
        303: { description: 'Browser form post: to the receipt page (token in a one-time cookie)' },
        ...errors(400, 409, 413, 415, 422, 429, 503),
      },
    }),
    async (c) => {
      const t = now()
      const key = c.req.header('idempotency-key')
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        throw new DomainError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters, e.g. a UUID.', { field: 'Idempotency-Key' })
      }
      const db = c.get('db')
      const form = mediaType(c) === FORM
      let keyHash: string | null = null
      let requestHash = ''
      const scope = clientKey(getClientIp(c))
      if (key !== undefined) {
        keyHash = await idempotencyRecordKey(scope, key)
        requestHash = await requestFingerprint(mediaType(c), new Uint8Array(await c.req.arrayBuffer()))
        // a retry is answered from the record, even if the report would no longer validate now
        const prior = await db
          .selectFrom('report_idempotency')
          .select(['request_hash', 'response'])
          .where('key_hash', '=', keyHash)
          .where('created_at', '>', new Date(t.getTime() - IDEMPOTENCY_TTL_MS))
          .executeTakeFirst()
        if (prior?.response) {
          if (prior.request_hash !== requestHash) throw idempotencyConflict()
          return respond(c, await replayed(prior.response as StoredResponse, scope, key), form, true)
        }
      }

      const parsed = await readReport(c, t)
      const identity = parsed.input.xarf?.identity ?? null
      if (identity) {
        const original = await findXarfOriginal(db, identity)
        if (original) return xarfReplay(c, original, parsed.input.xarf!.fingerprint!)
      }
      const statusToken = generateStatusToken()
      const statusTokenHash = await sha256Hex(statusToken)
      const outcome = await db.transaction().execute(async (trx): Promise<{ response: Receipt | StoredResponse; replayed: boolean }> => {
        if (keyHash) {
          const claim = await claimIdempotencyKey(trx, keyHash, requestHash, t)
          if (claim.kind === 'conflict') throw idempotencyConflict()
          if (claim.kind === 'replay') return { response: claim.response, replayed: true }
        }
        const created = await createReport(trx, { ...parsed.input, statusTokenHash }, t)
        const response: Receipt = { ref: created.ref, statusToken, ours: created.ours, status: reporterStatus(created.case.status) }
        if (keyHash && key !== undefined) {
          const sealedToken = await sealForReplay(scope, key, statusToken)
          await completeIdempotencyKey(trx, keyHash, created.id, { ref: response.ref, ours: response.ours, status: response.status, sealedToken })
        }
        return { response, replayed: false }
      }).catch(async (err: unknown) => {
        // the same XARF document arriving twice at once: the first one stored wins
        const original = identity && isXarfIdentityClash(err) ? await findXarfOriginal(db, identity) : null
        if (!original) throw err
        return { original }
      })
      if ('original' in outcome) return xarfReplay(c, outcome.original, parsed.input.xarf!.fingerprint!)
      if (outcome.replayed) return respond(c, await replayed(outcome.response as StoredResponse, scope, key!), parsed.form, true)
      return respond(c, outcome.response as Receipt, parsed.form, false)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reports/{ref}',
      tags: ['Reports'],
      summary: 'Status of your report (send the status token as a bearer token)',
      security: [{ statusToken: [] }],
      request: { params: z.object({ ref: z.string().max(64).openapi({ example: 'R-7K3M9Q2XTV' }) }) },
      responses: {
        200: { description: 'Status', content: { 'application/json': { schema: ReportStatusSchema } } },
        ...errors(401, 404, 429, 503),
      },
    }),
    async (c) => {
      const { ref } = c.req.valid('param')
      const token = bearerToken(c.req.header('authorization'))
      if (!token) {
        throw new DomainError('unauthorized', 'Send the status token you got with the report: Authorization: Bearer <statusToken>.', { status: 401 })
      }
      const notFound = () => new DomainError('not_found', NOT_FOUND, { status: 404 })
      if (!REF_PATTERN.test(ref) || !STATUS_TOKEN_PATTERN.test(token)) throw notFound()
      const db = c.get('db')
      const report = await findReportForReporter(db, ref, await sha256Hex(token))
      if (!report) throw notFound()
      const notes = await listNotesForReport(db, report.id)
      const status = reporterStatus(report.caseStatus)
      c.header('cache-control', 'no-store')
      return c.json(
        {
          ref: report.ref,
          status,
          statusText: reporterStatusText(status),
          outcome: reporterOutcome(report.caseStatus, report.outcomeText),
          ours: report.ours,
          receivedAt: report.receivedAt.toISOString(),
          observedFrom: report.observedFrom.toISOString(),
          observedTo: report.observedTo.toISOString(),
          target: report.target,
          sourceIps: report.sourceIps,
          category: report.category,
          notes: notes.map((n) => ({ at: n.createdAt.toISOString(), text: n.body })),
        },
        200,
      )
    },
  )
}
