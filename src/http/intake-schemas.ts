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
  customerRef: z.string().openapi({ description: "The customer's reference at the scan platform", example: 'cust-4711' }),
  scannerIps: z.array(z.string()).openapi({ description: 'Scanner addresses the session used; each must lie in a catalogue range', example: ['192.0.2.10'] }),
  startedAt: z.string().openapi({ description: 'ISO-8601 with time zone', example: '2026-11-01T08:00:00Z' }),
  endedAt: z.string().nullable().optional().openapi({ description: 'ISO-8601; null while the session runs' }),
  authorizedTargets: z.array(z.string()).openapi({ description: 'Addresses or CIDR blocks the customer attested it owns', example: ['203.0.113.0/28'] }),
  scanType: z.string().nullable().optional().openapi({ example: 'asv-quarterly' }),
}

export const SessionInputSchema = z.object(sessionFields).strict().openapi('SessionInput')

export const SessionBatchSchema = z
  .object({
    sessions: z.array(z.object({ externalId: z.string(), ...sessionFields }).strict()),
  })
  .strict()
  .openapi('SessionBatch')

export const SessionSchema = z
  .object({
    externalId: z.string(),
    customerRef: z.string(),
    scannerIps: z.array(z.string()),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    authorizedTargets: z.array(z.string()),
    scanType: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Session')

// --- reports (public) -------------------------------------------------------------------

/** Documentation only: the route parses the body itself (JSON, form or XARF). */
export const ReportInputSchema = z
  .object({
    sourceIps: z.array(z.string()).min(1).max(50).openapi({ example: ['192.0.2.10'] }),
    observedFrom: z.string().openapi({ example: '2026-11-01T08:00:00Z' }),
    observedTo: z.string().optional().openapi({ description: 'Defaults to observedFrom; window at most 31 days' }),
    target: z.string().openapi({ description: 'Address or CIDR block that was scanned', example: '203.0.113.5' }),
    ports: z.array(z.number().int()).optional(),
    protocol: z.string().optional().openapi({ example: 'tcp' }),
    category: z.enum(CATEGORIES).optional(),
    description: z.string().max(4000).optional(),
    evidence: z.string().optional().openapi({ description: 'Log lines, at most 64 KiB' }),
    contactEmail: z.string().optional(),
  })
  .openapi('ReportInput')

export const ReportCreatedSchema = z
  .object({
    ref: z.string().openapi({ example: 'R-7K3M9Q2XTV' }),
    statusToken: z.string().openapi({ description: 'Shown once: send it as a bearer token to read the status' }),
    ours: z.boolean().openapi({ description: 'Whether any source address is one of our scanners' }),
    status: z.string(),
    links: z.object({ status: z.string() }),
  })
  .openapi('ReportCreated')

export const ReportDuplicateSchema = z
  .object({
    ref: z.string().openapi({ example: 'R-7K3M9Q2XTV' }),
    ours: z.boolean(),
    status: z.string(),
    duplicate: z.literal(true),
    links: z.object({ status: z.string() }),
  })
  .openapi('ReportDuplicate')

export const ReportStatusSchema = z
  .object({
    ref: z.string(),
    status: z.enum(['received', 'under_review', 'resolved', 'closed']),
    statusText: z.string(),
    outcome: z.string().nullable().openapi({ description: 'What our abuse desk wrote when it resolved the case; null until then' }),
    ours: z.boolean().openapi({ description: 'Whether any source address is one of our scanners (public, as in /v1/lookup)' }),
    receivedAt: z.string(),
    observedFrom: z.string(),
    observedTo: z.string(),
    target: z.string(),
    sourceIps: z.array(z.string()),
    category: z.string(),
    notes: z.array(z.object({ at: z.string(), text: z.string() })),
  })
  .openapi('ReportStatus')

// --- cases ------------------------------------------------------------------------------

export const CaseSummarySchema = z
  .object({
    id: z.string(),
    scannerIp: z.string(),
    targetPrefix: z.string(),
    day: z.string(),
    status: CaseStatusSchema,
    verdict: VerdictSchema.nullable().openapi({ description: 'The final verdict once resolved, else the suggested one' }),
    suggestedVerdict: VerdictSchema.nullable(),
    finalVerdict: VerdictSchema.nullable(),
    assignee: z.string().nullable(),
    reportCount: z.number().int(),
    firstReportAt: z.string(),
    lastReportAt: z.string(),
    resolvedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    outcomeText: z.string().nullable().openapi({ description: 'What reporters read once the case is resolved' }),
    followsCaseId: z.string().nullable().openapi({ description: 'The settled case this one was opened after (new activity after resolution)' }),
  })
  .openapi('CaseSummary')

export const CaseListQuerySchema = z.object({
  status: z.string().optional().openapi({ description: 'Comma-separated case statuses' }),
  verdict: z.string().optional().openapi({ description: 'Final verdict if resolved, else suggested' }),
  assignee: z.string().optional().openapi({ description: "An assignee, or 'none' for unassigned cases" }),
  from: z.string().optional().openapi({ description: 'First UTC day (YYYY-MM-DD), inclusive', example: '2026-11-01' }),
  to: z.string().optional().openapi({ description: 'Last UTC day (YYYY-MM-DD), inclusive' }),
  cursor: z.string().optional().openapi({ description: 'nextCursor of the previous page' }),
  limit: z.string().optional().openapi({ description: '1–200, default 50' }),
})

const NoteSchema = z.object({
  id: z.string(),
  author: z.string(),
  visibility: z.enum(['internal', 'reporter']),
  body: z.string(),
  createdAt: z.string(),
  recipients: z.array(z.string()).openapi({ description: 'Refs of the reports a reporter note is addressed to' }),
})

export const CaseDetailSchema = z
  .object({
    case: CaseSummarySchema,
    reports: z.array(
      z.object({
        ref: z.string(),
        channel: z.string(),
        receivedAt: z.string(),
        category: z.string(),
        protocol: z.string().nullable(),
        ports: z.array(z.number().int()).nullable(),
        target: z.string(),
        observedFrom: z.string(),
        observedTo: z.string(),
        description: z.string().nullable(),
        verdict: VerdictSchema,
        caseSourceIp: z.string(),
        sources: z.array(z.object({ ip: z.string(), ours: z.boolean(), verdict: VerdictSchema })),
        reporter: z.object({ contactEmail: z.string().nullable(), org: z.string().nullable() }),
        xarf: z.object({ reportId: z.string().nullable(), type: z.string().nullable(), documentStored: z.boolean() }).nullable(),
        evidence: z.array(
          z.object({
            id: z.string(),
            contentType: z.string(),
            description: z.string().nullable(),
            sizeBytes: z.number().int(),
            sha256: z.string(),
            declaredHash: z.string().nullable(),
            hashStatus: z.string(),
            text: z.string().nullable().openapi({ description: 'The content when it is text' }),
            base64: z.string().nullable().openapi({ description: 'The content when it is not text' }),
          }),
        ),
        purged: z
          .object({ contact: z.string().nullable(), evidence: z.string().nullable(), xarfDocument: z.string().nullable() })
          .openapi({ description: 'When retention or erasure removed that personal data' }),
      }),
    ),
    sessions: z.array(
      z.object({
        externalId: z.string(),
        customerRef: z.string(),
        scanType: z.string().nullable(),
        startedAt: z.string(),
        endedAt: z.string().nullable(),
        scannerIps: z.array(z.string()),
        authorizedTargets: z.array(z.string()),
        authorizedTargetCount: z.number().int(),
        matches: z.array(z.object({ reportRef: z.string(), sourceIp: z.string(), inScope: z.boolean() })),
      }),
    ),
    notes: z.array(NoteSchema),
    history: z.array(z.object({ at: z.string(), actor: z.string(), action: z.string(), detail: z.record(z.string(), z.unknown()) })),
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
    id: z.string(),
    target: z.string(),
    reason: z.string(),
    source: z.enum(['desk', 'api', 'opt_out', 'case_resolution']).openapi({ description: 'How it was made; case_resolution: by resolving a case, before exclusions became an explicit action' }),
    caseId: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    active: z.boolean().openapi({ description: 'False once expiresAt has passed: the check no longer matches it' }),
    overrideReason: z.string().nullable().openapi({ description: 'Why a block wider than the maximum was allowed' }),
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
    target: z.string(),
    excluded: z.boolean().openapi({ description: 'Whether any part of the target is excluded' }),
    fullyExcluded: z.boolean().openapi({ description: 'Whether the whole target lies inside an exclusion' }),
    exclusions: z.array(z.object({ target: z.string(), reason: z.string(), since: z.string() })),
  })
  .openapi('ExclusionCheck')
