/**
 * @module http/routes/admin-cases
 * The abuse desk's triage API: list and read cases (scope `reports:read`), assign them,
 * write notes and move them through the state machine (scope `reports:triage`).
 * Resolving stores the outcome text reporters read; it never changes what the scanners
 * do (exclusions are their own action: routes/exclusions.ts).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { addCaseNote, assignCase, transitionCase, type CaseActor } from '../../db/case-actions.js'
import { getCase, listCases, listHistory, listNotes, type CaseRecord, type NoteRecord } from '../../db/case-repository.js'
import { listReportsOfCase, listSessionLinksOfCase, type DeskEvidence } from '../../db/report-repository.js'
import { loadSessions } from '../../db/session-repository.js'
import { DomainError } from '../../domain/errors.js'
import { isCaseStatus, type CaseStatus } from '../../domain/intake/case-state.js'
import { decodeCursor, encodeCursor } from '../../domain/intake/cursor.js'
import { FieldErrors } from '../../domain/intake/field-errors.js'
import { OUTCOME_TEMPLATES } from '../../domain/intake/outcome-templates.js'
import { isVerdict, type Verdict } from '../../domain/intake/verdicts.js'
import type { AppEnv } from '../app-env.js'
import { actorOf, requireScope } from '../auth.js'
import {
  AssignInputSchema,
  CaseDetailSchema,
  CaseListQuerySchema,
  CaseSummarySchema,
  NoteInputSchema,
  NoteSchema,
  TransitionInputSchema,
} from '../intake-schemas.js'
import { errors } from '../schemas.js'

export function caseJson(k: CaseRecord) {
  return {
    id: k.id,
    scannerIp: k.scannerIp,
    targetPrefix: k.targetPrefix,
    day: k.day,
    status: k.status,
    verdict: k.finalVerdict ?? k.suggestedVerdict,
    suggestedVerdict: k.suggestedVerdict,
    finalVerdict: k.finalVerdict,
    assignee: k.assignee,
    reportCount: k.reportCount,
    firstReportAt: k.firstReportAt.toISOString(),
    lastReportAt: k.lastReportAt.toISOString(),
    resolvedAt: k.resolvedAt ? k.resolvedAt.toISOString() : null,
    createdAt: k.createdAt.toISOString(),
    updatedAt: k.updatedAt.toISOString(),
    outcomeText: k.outcomeText,
    followsCaseId: k.followsCaseId,
  }
}

function noteJson(n: NoteRecord) {
  return { id: n.id, author: n.author, visibility: n.visibility, body: n.body, createdAt: n.createdAt.toISOString(), recipients: n.recipients }
}

function evidenceJson(e: DeskEvidence) {
  let text: string | null = null
  if (/^(text\/|application\/(json|xml)\b)/i.test(e.contentType)) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(e.content)
    } catch {
      text = null
    }
  }
  let base64: string | null = null
  if (text === null) {
    let bin = ''
    for (let i = 0; i < e.content.length; i += 0x8000) bin += String.fromCharCode(...e.content.subarray(i, i + 0x8000))
    base64 = btoa(bin)
  }
  return {
    id: e.id,
    contentType: e.contentType,
    description: e.description,
    sizeBytes: e.sizeBytes,
    sha256: e.sha256,
    declaredHash: e.declaredHash,
    hashStatus: e.hashStatus,
    text,
    base64,
  }
}

const IdParam = z.object({ id: z.string().max(2048).openapi({ description: 'Case id (UUID)' }) })
const DAY = /^\d{4}-\d{2}-\d{2}$/

function parseDay(errs: FieldErrors, field: string, v: string | undefined): string | undefined {
  if (v === undefined || v === '') return undefined
  const d = new Date(`${v}T00:00:00Z`)
  if (!DAY.test(v) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) {
    errs.add(field, 'must be a UTC day such as 2026-11-01')
    return undefined
  }
  return v
}

function notFound(id: string): DomainError {
  return new DomainError('not_found', `No case with id ${JSON.stringify(id.slice(0, 64))}.`, { status: 404 })
}

export function registerAdminCaseRoutes(app: OpenAPIHono<AppEnv>, now: () => Date): void {
  const read = requireScope('reports:read', now)
  const triage = requireScope('reports:triage', now)
  // history shows the token's name; the audit chain its id
  const caseActor = (c: Context<AppEnv>): CaseActor => ({ name: c.get('actor')?.name ?? 'unknown', audit: actorOf(c) })

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/cases',
      tags: ['Admin: abuse desk'],
      summary: 'Cases, newest first, with filters and cursor pagination',
      security: [{ bearerAuth: ['reports:read'] }],
      middleware: [read] as const,
      request: { query: CaseListQuerySchema },
      responses: {
        200: { description: 'A page of cases', content: { 'application/json': { schema: z.object({ cases: z.array(CaseSummarySchema).max(1000), nextCursor: z.string().max(2048).nullable() }) } } },
        ...errors(400, 401, 403),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const errs = new FieldErrors()
      let statuses: CaseStatus[] | undefined
      if (q.status) {
        statuses = []
        for (const s of q.status.split(',').map((x) => x.trim()).filter(Boolean)) {
          if (isCaseStatus(s)) statuses.push(s)
          else errs.add('status', `unknown status '${s}'; use open, investigating, awaiting_customer, resolved or dismissed`)
        }
      }
      let verdict: Verdict | undefined
      if (q.verdict) {
        if (isVerdict(q.verdict)) verdict = q.verdict
        else errs.add('verdict', 'must be authorized_scan, out_of_scope_scan, our_ip_no_session or not_our_ip')
      }
      const fromDay = parseDay(errs, 'from', q.from)
      const toDay = parseDay(errs, 'to', q.to)
      let limit = 50
      if (q.limit !== undefined) {
        limit = Number(q.limit)
        if (!/^\d+$/.test(q.limit) || limit < 1 || limit > 200) errs.add('limit', 'must be a whole number from 1 to 200')
      }
      errs.throwIfAny()
      const after = q.cursor ? decodeCursor(q.cursor) : undefined
      const assignee = q.assignee === undefined ? undefined : q.assignee === 'none' ? null : q.assignee
      const rows = await listCases(c.get('db'), { statuses, verdict, assignee, fromDay, toDay, after, limit: limit + 1 })
      const page = rows.slice(0, limit)
      const last = page[page.length - 1]
      c.header('cache-control', 'no-store')
      return c.json(
        {
          cases: page.map(caseJson),
          nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
        },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/cases/{id}',
      tags: ['Admin: abuse desk'],
      summary: 'One case: reports, evidence, linked sessions (with customer), notes and history',
      security: [{ bearerAuth: ['reports:read'] }],
      middleware: [read] as const,
      request: { params: IdParam },
      responses: {
        200: { description: 'The case', content: { 'application/json': { schema: CaseDetailSchema } } },
        ...errors(401, 403, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const db = c.get('db')
      const k = await getCase(db, id)
      if (!k) throw notFound(id)
      const [reports, links, notes, history] = [
        await listReportsOfCase(db, k.id),
        await listSessionLinksOfCase(db, k.id),
        await listNotes(db, k.id),
        await listHistory(db, k.id),
      ]
      const sessionIds = [...new Set(links.map((l) => l.sessionId))]
      const sessions = await loadSessions(db, sessionIds, { maxTargets: 100 })
      c.header('cache-control', 'no-store')
      return c.json(
        {
          case: caseJson(k),
          reports: reports.map((r) => ({
            ref: r.ref,
            channel: r.channel,
            receivedAt: r.receivedAt.toISOString(),
            category: r.category,
            protocol: r.protocol,
            ports: r.ports,
            target: r.target,
            observedFrom: r.observedFrom.toISOString(),
            observedTo: r.observedTo.toISOString(),
            description: r.description,
            verdict: r.verdict,
            caseSourceIp: r.primarySourceIp,
            sources: r.sources,
            reporter: { contactEmail: r.contactEmail, org: r.reporterOrg },
            xarf: r.channel === 'xarf' ? { reportId: r.xarfReportId, type: r.xarfType, documentStored: r.hasXarfDocument } : null,
            evidence: r.evidence.map(evidenceJson),
            purged: {
              contact: r.purged.contact?.toISOString() ?? null,
              evidence: r.purged.evidence?.toISOString() ?? null,
              xarfDocument: r.purged.xarfDocument?.toISOString() ?? null,
            },
          })),
          sessions: sessionIds.flatMap((sid) => {
            const s = sessions.get(sid)
            if (!s) return []
            return [
              {
                externalId: s.externalId,
                customerRef: s.customerRef,
                scanType: s.scanType,
                startedAt: s.startedAt.toISOString(),
                endedAt: s.endedAt ? s.endedAt.toISOString() : null,
                scannerIps: s.scannerIps,
                authorizedTargets: s.authorizedTargets,
                authorizedTargetCount: s.targetCount,
                matches: links.filter((l) => l.sessionId === sid).map((l) => ({ reportRef: l.reportRef, sourceIp: l.sourceIp, inScope: l.inScope })),
              },
            ]
          }),
          notes: notes.map(noteJson),
          history: history.map((h) => ({ at: h.at.toISOString(), actor: h.actor, action: h.action, detail: h.detail })),
        },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/cases/{id}/assign',
      tags: ['Admin: abuse desk'],
      summary: 'Assign a case to someone (null to unassign)',
      security: [{ bearerAuth: ['reports:triage'] }],
      middleware: [triage] as const,
      request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: AssignInputSchema } } } },
      responses: {
        200: { description: 'Assigned', content: { 'application/json': { schema: z.object({ case: CaseSummarySchema }) } } },
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const updated = await assignCase(c.get('db'), id, c.req.valid('json').assignee, caseActor(c), now())
      return c.json({ case: caseJson(updated) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/cases/{id}/notes',
      tags: ['Admin: abuse desk'],
      summary: 'Add a note: internal, or addressed to some of the case\'s reports (their reporters read it)',
      security: [{ bearerAuth: ['reports:triage'] }],
      middleware: [triage] as const,
      request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: NoteInputSchema } } } },
      responses: {
        201: { description: 'Added', content: { 'application/json': { schema: z.object({ note: NoteSchema }) } } },
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const note = await addCaseNote(c.get('db'), id, c.req.valid('json'), caseActor(c), now())
      return c.json({ note: noteJson(note) }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/cases/{id}/transition',
      tags: ['Admin: abuse desk'],
      summary: 'Move a case: open → investigating → awaiting_customer → resolved (with a verdict); any → dismissed',
      security: [{ bearerAuth: ['reports:triage'] }],
      middleware: [triage] as const,
      request: { params: IdParam, body: { required: true, content: { 'application/json': { schema: TransitionInputSchema } } } },
      responses: {
        200: { description: 'Moved', content: { 'application/json': { schema: z.object({ case: CaseSummarySchema }) } } },
        ...errors(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const result = await transitionCase(c.get('db'), id, c.req.valid('json'), caseActor(c), now())
      return c.json({ case: caseJson(result.case) }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/outcome-templates',
      tags: ['Admin: abuse desk'],
      summary: 'Starting texts for the outcome reporters read when a case is resolved',
      security: [{ bearerAuth: ['reports:read'] }],
      middleware: [read] as const,
      responses: {
        200: {
          description: 'Templates',
          content: { 'application/json': { schema: z.object({ templates: z.array(z.object({ id: z.string().max(64), label: z.string().max(200), text: z.string().max(16000) })).max(100) }) } },
        },
        ...errors(401, 403),
      },
    }),
    (c) => c.json({ templates: OUTCOME_TEMPLATES.map((t) => ({ ...t })) }, 200),
  )
}
