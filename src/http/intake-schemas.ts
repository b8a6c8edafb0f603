/**
 * @module http/intake-schemas
 * Zod schemas of the abuse-report intake API (sessions, reports, cases, exclusions):
 * request shapes checked by the routes and the OpenAPI document. Semantic checks
 * (addresses, dates, limits) live in domain/intake so their messages name the field.
 */
import { z } from '@hono/zod-openapi'
import { CATEGORIES } from '../domain/intake/report-rules.js'
import { CASE_STATUSES } from '../domain/intake/case-state.js'
import { VERDICTS } from '../domain/intake/verdicts.js'

export const VerdictSchema = z.enum(VERDICTS)
export const CaseStatusSchema = z.enum(CASE_STATUSES)

// --- sessions ---------------------------------------------------------------------------

const sessionFields = {
  customerRef: z.string().max(2048).openapi({ description: "The customer's reference at the scan platform", example: 'cust-4711' }),
  scannerIps: z.array(z.string().max(2048)).max(1000).openapi({ description: 'Scanner addresses the session used; each must lie in a catalogue range', example: ['192.0.2.10'] }),
  startedAt: z.string().max(2048).openapi({ description: 'ISO-8601 with time zone', example: '2026-11-01T08:00:00Z' }),
  endedAt: z.string().max(2048).nullable().optional().openapi({ description: 'ISO-8601; null while the session runs' }),
  authorizedTargets: z.array(z.string().max(2048)).max(1000).openapi({ description: 'Addresses or CIDR blocks the customer attested it owns', example: ['203.0.113.0/28'] }),
  scanType: z.string().max(2048).nullable().optional().openapi({ example: 'asv-quarterly' }),
}

export const SessionInputSchema = z.object(sessionFields).strict().openapi('SessionInput')

export const SessionBatchSchema = z
  .object({
    sessions: z.array(z.object({ externalId: z.string().max(2048), ...sessionFields }).strict()).max(1000, 'at most 1000 sessions per batch; split it'),
  })
  .strict()
  .openapi('SessionBatch')

export const SessionSchema = z
  .object({
    externalId: z.string().max(2048),
    customerRef: z.string().max(2048),
    scannerIps: z.array(z.string().max(2048)).max(1000),
    startedAt: z.string().max(2048),
    endedAt: z.string().max(2048).nullable(),
    authorizedTargets: z.array(z.string().max(2048)).max(1000),
    scanType: z.string().max(2048).nullable(),
    createdAt: z.string().max(2048),
    updatedAt: z.string().max(2048),
  })
  .openapi('Session')

// --- reports (public) -------------------------------------------------------------------

/** Documentation only: the route parses the body itself (JSON, form or XARF). */
export const ReportInputSchema = z
  .object({
    sourceIps: z.array(z.string().max(2048)).min(1).max(50).openapi({ example: ['192.0.2.10'] }),
    observedFrom: z.string().max(2048).openapi({ example: '2026-11-01T08:00:00Z' }),
    observedTo: z.string().max(2048).optional().openapi({ description: 'Defaults to observedFrom; window at most 31 days' }),
    target: z.string().max(2048).openapi({ description: 'Address or CIDR block that was scanned', example: '203.0.113.5' }),
    ports: z.array(z.number().int().min(0).max(2147483647).openapi({ format: 'int32' })).max(1000).optional(),
    protocol: z.string().max(2048).optional().openapi({ example: 'tcp' }),
    category: z.enum(CATEGORIES).optional(),
    description: z.string().max(4000).optional(),
    evidence: z.string().max(65536).optional().openapi({ description: 'Log lines, at most 64 KiB' }),
    contactEmail: z.string().max(320).optional(),
  })
  .openapi('ReportInput')

export const ReportCreatedSchema = z
  .object({
    ref: z.string().max(2048).openapi({ example: 'R-7K3M9Q2XTV' }),
    statusToken: z.string().max(2048).openapi({ description: 'Shown once: send it as a bearer token to read the status' }),
    ours: z.boolean().openapi({ description: 'Whether any source address is one of our scanners' }),
    status: z.string().max(2048),
    links: z.object({ status: z.string().max(2048) }),
  })
  .openapi('ReportCreated')

export const ReportDuplicateSchema = z
  .object({
    ref: z.string().max(64).openapi({ example: 'R-7K3M9Q2XTV' }),
    ours: z.boolean(),
    status: z.string().max(64),
    duplicate: z.literal(true),
    links: z.object({ status: z.string().max(2048) }),
  })
  .openapi('ReportDuplicate')

export const ReportStatusSchema = z
  .object({
    ref: z.string().max(2048),
    status: z.enum(['received', 'under_review', 'resolved', 'closed']),
    statusText: z.string().max(2048),
    outcome: z.string().max(2048).nullable().openapi({ description: 'What our abuse desk wrote when it resolved the case; null until then' }),
    ours: z.boolean().openapi({ description: 'Whether any source address is one of our scanners (public, as in /v1/lookup)' }),
    receivedAt: z.string().max(2048),
    observedFrom: z.string().max(2048),
    observedTo: z.string().max(2048),
    target: z.string().max(2048),
    sourceIps: z.array(z.string().max(2048)).max(100_000),
    category: z.string().max(2048),
    notes: z.array(z.object({ at: z.string().max(2048), text: z.string().max(16000) })).max(100_000),
  })
  .openapi('ReportStatus')

// --- cases ------------------------------------------------------------------------------

export const CaseSummarySchema = z
  .object({
    id: z.string().max(2048),
    scannerIp: z.string().max(2048),
    targetPrefix: z.string().max(2048),
    day: z.string().max(2048),
    status: CaseStatusSchema,
    verdict: VerdictSchema.nullable().openapi({ description: 'The final verdict once resolved, else the suggested one' }),
    suggestedVerdict: VerdictSchema.nullable(),
    finalVerdict: VerdictSchema.nullable(),
    assignee: z.string().max(2048).nullable(),
    reportCount: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
    firstReportAt: z.string().max(2048),
    lastReportAt: z.string().max(2048),
    resolvedAt: z.string().max(2048).nullable(),
    createdAt: z.string().max(2048),
    updatedAt: z.string().max(2048),
    outcomeText: z.string().max(2048).nullable().openapi({ description: 'What reporters read once the case is resolved' }),
    followsCaseId: z.string().max(2048).nullable().openapi({ description: 'The settled case this one was opened after (new activity after resolution)' }),
  })
  .openapi('CaseSummary')

export const CaseListQuerySchema = z.object({
  status: z.string().max(2048).optional().openapi({ description: 'Comma-separated case statuses' }),
  verdict: z.string().max(2048).optional().openapi({ description: 'Final verdict if resolved, else suggested' }),
  assignee: z.string().max(2048).optional().openapi({ description: "An assignee, or 'none' for unassigned cases" }),
  from: z.string().max(2048).optional().openapi({ description: 'First UTC day (YYYY-MM-DD), inclusive', example: '2026-11-01' }),
  to: z.string().max(2048).optional().openapi({ description: 'Last UTC day (YYYY-MM-DD), inclusive' }),
  cursor: z.string().max(2048).optional().openapi({ description: 'nextCursor of the previous page' }),
  limit: z.string().max(2048).optional().openapi({ description: '1–200, default 50' }),
})

const NoteSchema = z.object({
  id: z.string().max(2048),
  author: z.string().max(2048),
  visibility: z.enum(['internal', 'reporter']),
  body: z.string().max(16000),
  createdAt: z.string().max(2048),
  recipients: z.array(z.string().max(2048)).max(100_000).openapi({ description: 'Refs of the reports a reporter note is addressed to' }),
})

export const CaseDetailSchema = z
  .object({
    case: CaseSummarySchema,
    reports: z.array(
      z.object({
        ref: z.string().max(2048),
        channel: z.string().max(2048),
        receivedAt: z.string().max(2048),
        category: z.string().max(2048),
        protocol: z.string().max(2048).nullable(),
        ports: z.array(z.number().int().min(0).max(2147483647).openapi({ format: 'int32' })).max(1000).nullable(),
        target: z.string().max(2048),
        observedFrom: z.string().max(2048),
        observedTo: z.string().max(2048),
        description: z.string().max(4000).nullable(),
        verdict: VerdictSchema,
        caseSourceIp: z.string().max(2048),
        sources: z.array(z.object({ ip: z.string().max(2048), ours: z.boolean(), verdict: VerdictSchema })).max(1000),
        reporter: z.object({ contactEmail: z.string().max(2048).nullable(), org: z.string().max(2048).nullable() }),
        xarf: z.object({ reportId: z.string().max(2048).nullable(), type: z.string().max(2048).nullable(), documentStored: z.boolean() }).nullable(),
        evidence: z.array(
          z.object({
            id: z.string().max(2048),
            contentType: z.string().max(2048),
            description: z.string().max(4000).nullable(),
            sizeBytes: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
            sha256: z.string().max(2048),
            declaredHash: z.string().max(2048).nullable(),
            hashStatus: z.string().max(2048),
            text: z.string().max(65536).nullable().openapi({ description: 'The content when it is text' }),
            base64: z.string().max(131072).nullable().openapi({ description: 'The content when it is not text' }),
          }),
        ).max(1000),
        purged: z
          .object({ contact: z.string().max(2048).nullable(), evidence: z.string().max(2048).nullable(), xarfDocument: z.string().max(2048).nullable() })
          .openapi({ description: 'When retention or erasure removed that personal data' }),
      }),
    ).max(1000),
    sessions: z.array(
      z.object({
        externalId: z.string().max(2048),
        customerRef: z.string().max(2048),
        scanType: z.string().max(2048).nullable(),
        startedAt: z.string().max(2048),
        endedAt: z.string().max(2048).nullable(),
        scannerIps: z.array(z.string().max(2048)).max(1000),
        authorizedTargets: z.array(z.string().max(2048)).max(1000),
        authorizedTargetCount: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
        matches: z.array(z.object({ reportRef: z.string().max(2048), sourceIp: z.string().max(2048), inScope: z.boolean() })).max(1000),
      }),
    ).max(1000),
    notes: z.array(NoteSchema).max(1000),
    history: z.array(z.object({ at: z.string().max(2048), actor: z.string().max(2048), action: z.string().max(2048), detail: z.record(z.string().max(2048), z.unknown()) })).max(1000),
  })
  .openapi('CaseDetail')

export const AssignInputSchema = z
  .object({ assignee: z.string().max(100).nullable().openapi({ description: 'Who works on the case; null to unassign' }) })
  .strict()
  .openapi('AssignInput')

export const NoteInputSchema = z
  .object({
    body: z.string().max(16000).openapi({ description: '1–4000 characters' }),
    visibility: z.enum(['internal', 'reporter']).openapi({ description: 'reporter: shown to the reporters of the reports in reportRefs' }),
    reportRefs: z
      .array(z.string().max(32))
      .max(200)
      .optional()
      .openapi({ description: 'Required for a reporter note: the reports (of this case) whose reporters may read it. Reports joining later do not.' }),
  })
  .strict()
  .openapi('NoteInput')

export const TransitionInputSchema = z
  .object({
    to: CaseStatusSchema,
    verdict: VerdictSchema.optional().openapi({ description: 'Required when resolving; desk only, never shown to reporters' }),
    reason: z.string().max(1000).optional().openapi({ description: 'Desk only' }),
    outcome: z.string().max(8000).optional().openapi({ description: 'When resolving: the text reporters read (1–2000 characters); or give outcomeTemplate' }),
    outcomeTemplate: z.string().max(64).optional().openapi({ description: 'When resolving without outcome: the id of a template from GET /v1/admin/outcome-templates' }),
  })
  .strict()
  .openapi('TransitionInput')

export { NoteSchema }

// --- exclusions -------------------------------------------------------------------------

export const ExclusionSchema = z
  .object({
    id: z.string().max(2048),
    target: z.string().max(2048),
    reason: z.string().max(2048),
    source: z.enum(['desk', 'api', 'opt_out', 'case_resolution']).openapi({ description: 'How it was made; case_resolution: by resolving a case, before exclusions became an explicit action' }),
    caseId: z.string().max(2048).nullable(),
    createdBy: z.string().max(2048),
    createdAt: z.string().max(2048),
    expiresAt: z.string().max(2048).nullable(),
    active: z.boolean().openapi({ description: 'False once expiresAt has passed: the check no longer matches it' }),
    overrideReason: z.string().max(2048).nullable().openapi({ description: 'Why a block wider than the maximum was allowed' }),
    widerThanMaximum: z.boolean(),
  })
  .openapi('Exclusion')

export const ExclusionInputSchema = z
  .object({
    prefix: z.string().max(100).openapi({ description: 'Address or CIDR block; at most /24 (IPv4) or /48 (IPv6) unless overridden', example: '203.0.113.7' }),
    reason: z.string().max(500).openapi({ description: 'Why: 1–500 characters, one line, no e-mail addresses (audited)' }),
    expiresAt: z.string().max(40).nullable().optional().openapi({ description: 'When it stops applying (ISO 8601, future); absent: until removed' }),
    caseId: z.string().max(64).nullable().optional().openapi({ description: 'The case it comes from: the prefix must lie inside a target reported there' }),
    override: z
      .object({ reason: z.string().max(500) })
      .strict()
      .nullable()
      .optional()
      .openapi({ description: 'Required for a block wider than the maximum; the reason is audited' }),
  })
  .strict()
  .openapi('ExclusionInput')

export const ExclusionRemoveSchema = z
  .object({ reason: z.string().max(500).optional().openapi({ description: 'Why (audited)' }) })
  .strict()
  .openapi('ExclusionRemove')

export const ExclusionCheckSchema = z
  .object({
    target: z.string().max(2048),
    excluded: z.boolean().openapi({ description: 'Whether any part of the target is excluded' }),
    fullyExcluded: z.boolean().openapi({ description: 'Whether the whole target lies inside an exclusion' }),
    exclusions: z.array(z.object({ target: z.string().max(2048), reason: z.string().max(2048), since: z.string().max(2048) })).max(1000),
  })
  .openapi('ExclusionCheck')

/**
 * An XARF v4 `connection` report as POST /v1/reports takes it. For the document only:
 * the handler checks the document with domain/intake/xarf.ts (which also names the field
 * of every problem); the limits here are the ones it enforces.
 */
const XarfParty = z
  .object({ org: z.string().max(200).optional(), contact: z.string().max(320).optional(), domain: z.string().max(253).optional() })
  .passthrough()
export const XarfReportSchema = z
  .object({
    xarf_version: z.string().max(16).openapi({ description: 'A XARF 4 version; its presence marks the body as XARF', example: '4.0.0' }),
    report_id: z.string().max(200).optional().openapi({ description: 'The sender’s id of this report' }),
    timestamp: z.string().max(64).optional().openapi({ description: 'ISO-8601; required unless first_seen is given' }),
    first_seen: z.string().max(64).optional(),
    last_seen: z.string().max(64).optional(),
    reporter: XarfParty.optional(),
    sender: XarfParty.optional(),
    source_identifier: z.union([z.string().max(64), z.array(z.string().max(64)).max(50)]),
    category: z.literal('connection'),
    type: z.string().max(64).openapi({ example: 'port_scan' }),
    destination_ip: z.string().max(64),
    protocol: z.string().max(16).optional(),
    description: z.string().max(4000).optional(),
    ports_scanned: z.array(z.number().int().min(0).max(65535).openapi({ format: 'int32' })).max(65536).optional(),
    evidence: z
      .array(
        z
          .object({
            content_type: z.string().max(200),
            payload: z.string().max(7 * 1024 * 1024).openapi({ description: 'base64; the whole document is at most 5 MiB' }),
            description: z.string().max(4000).optional(),
            hash: z.string().max(200).optional(),
          })
          .passthrough(),
      )
      .max(50)
      .optional(),
  })
  .passthrough()
  .openapi('XarfReport', { description: 'An XARF v4 report of category `connection`; other XARF members are accepted and kept with the report' })
