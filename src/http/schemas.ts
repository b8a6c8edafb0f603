/**
 * @module http/schemas
 * Zod schemas shared by request validation and the OpenAPI document: one source of
 * truth for what the API accepts and returns.
 */
import { z } from '@hono/zod-openapi'

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ description: 'Stable machine-readable error code' }),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem')

export const problemContent = { 'application/problem+json': { schema: ProblemSchema } }

/** Standard error responses, merged into each route's `responses`. */
export function errors(...statuses: number[]) {
  const out: Record<number, { description: string; content: typeof problemContent }> = {}
  for (const s of statuses) out[s] = { description: `Problem (${s})`, content: problemContent }
  return out
}

export const NoticeOverrideSchema = z
  .object({
    reason: z.string().max(500).openapi({ example: 'emergency: scanner host compromised' }),
    noticeDays: z.number().int().openapi({ description: 'the notice period promised at the time' }),
    shortfalls: z
      .array(
        z.object({
          prefix: z.string().max(64),
          kind: z.enum(['activeFrom', 'retireAt', 'removal']),
          effective: z.string().max(40),
          noticeDays: z.number().openapi({ description: 'notice actually given, in days' }),
        }),
      )
      .max(10000),
  })
  .openapi('NoticeOverride', { description: 'Present when a version gave less notice than /v1/policy promises, with the reason' })

export const StatusSchema = z.enum(['announced', 'active', 'retiring'])

export const FeedEntrySchema = z
  .object({
    prefix: z.string().openapi({ example: '192.0.2.0/24' }),
    pool: z.string(),
    region: z.string(),
    label: z.string(),
    status: StatusSchema,
    activeFrom: z.string(),
    retireAt: z.string().nullable(),
  })
  .openapi('FeedEntry')

export const FeedDocumentSchema = z
  .object({
    serial: z.number().int(),
    createdAt: z.string(),
    sha256: z.string(),
    counts: z.object({ ipv4: z.number().int(), ipv6: z.number().int() }),
    note: z.string().max(500).optional().openapi({ description: 'the publish note, when there is one' }),
    noticeOverride: NoticeOverrideSchema.optional(),
    aggregated: z.boolean().optional(),
    ipv4: z.array(z.union([FeedEntrySchema, z.object({ prefix: z.string() })])),
    ipv6: z.array(z.union([FeedEntrySchema, z.object({ prefix: z.string() })])),
  })
  .openapi('FeedDocument')

export const FeedQuerySchema = z.object({
  family: z.string().max(16).optional().openapi({ description: 'ipv4 or ipv6 (any case; 4 and 6 work too)', example: 'ipv4' }),
  pool: z.string().optional().openapi({ description: 'comma-separated pools' }),
  region: z.string().optional().openapi({ description: 'comma-separated regions' }),
  status: z.string().optional().openapi({ description: 'comma-separated: announced, active, retiring' }),
  aggregate: z.string().optional().openapi({ description: 'true: minimal CIDR set per family' }),
})

const ChangeSchema = z.object({
  added: z.array(z.object({ prefix: z.string(), status: StatusSchema, activeFrom: z.string(), retireAt: z.string().nullable() })),
  removed: z.array(
    z.object({
      prefix: z.string(),
      previousStatus: StatusSchema,
      effective: z.string(),
      reason: z.enum(['retired', 'withdrawn']).optional().openapi({ description: 'retired on schedule, or an announcement withdrawn before use (absent in versions published before this field existed)' }),
    }),
  ),
  changed: z.array(z.object({ prefix: z.string(), fields: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })), effective: z.string() })),
})

export const VersionSummarySchema = z
  .object({
    serial: z.number().int(),
    createdAt: z.string(),
    sha256: z.string(),
    counts: z.object({ ipv4: z.number().int(), ipv6: z.number().int() }),
    changes: ChangeSchema,
    note: z.string().max(500).nullable().openapi({ description: 'what the publisher said about this version' }),
    noticeOverride: NoticeOverrideSchema.nullable(),
  })
  .openapi('VersionSummary')

export const RangeInputSchema = z
  .object({
    prefix: z.string().openapi({ example: '198.51.100.0/24' }),
    pool: z.string().openapi({ example: 'asv-external' }),
    region: z.string().openapi({ example: 'eu-central' }),
    label: z.string().nullable().optional(),
    activeFrom: z.string().nullable().optional().openapi({ description: 'ISO-8601; default now. Future = announced.' }),
    retireAt: z.string().nullable().optional(),
  })
  .strict()
  .openapi('RangeInput')

export const RangePatchSchema = z
  .object({
    pool: z.string().optional(),
    region: z.string().optional(),
    label: z.string().nullable().optional(),
    activeFrom: z.string().optional(),
    retireAt: z.string().nullable().optional(),
  })
  .strict()
  .openapi('RangePatch')

export const RangeSchema = z
  .object({
    id: z.string(),
    prefix: z.string(),
    family: z.enum(['ipv4', 'ipv6']),
    pool: z.string(),
    region: z.string(),
    label: z.string(),
    status: z.enum(['announced', 'active', 'retiring', 'retired', 'withdrawn']),
    activeFrom: z.string(),
    retireAt: z.string().nullable(),
    firstPublishedSerial: z.number().int().nullable().openapi({ description: 'The first version that published this range; null while none did (it can then be deleted)' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Range')

export const PublishInputSchema = z
  .object({
    force: z.boolean().optional(),
    note: z.string().max(500).optional().openapi({ description: 'public: shown with the version, in Atom, /v1/changes and notifications' }),
    reason: z.string().max(500).optional().openapi({ description: 'required with force when the version gives less than the notice period; published with it' }),
    dryRun: z.boolean().optional().openapi({ description: 'Show the version that would be published (serial, counts, changes, any refusal) without publishing' }),
  })
  .strict()
  .openapi('PublishInput')

export const LookupSchema = z
  .object({
    ip: z.string(),
    ours: z.boolean(),
    prefix: z.string().optional(),
    pool: z.string().optional(),
    region: z.string().optional(),
    status: z.enum(['announced', 'active', 'retiring', 'retired']).optional(),
    activeFrom: z.string().optional(),
    retireAt: z.string().nullable().optional(),
    identity: z
      .object({
        asn: z.number().int().nullable(),
        rirHandle: z.string().max(100).nullable(),
        rdns: z.string().max(253).nullable(),
        userAgents: z.array(z.string().max(256)).max(20),
        tlsBanner: z.string().max(256).nullable(),
        sshBanner: z.string().max(256).nullable(),
      })
      .optional()
      .openapi({ description: 'How scanners of this range identify themselves (reverse DNS, ASN, User-Agent, banners)' }),
  })
  .openapi('Lookup')
