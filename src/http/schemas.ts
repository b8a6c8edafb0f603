/**
 * @module http/schemas
 * Zod schemas shared by request validation and the OpenAPI document: one source of
 * truth for what the API accepts and returns.
 */
import { z } from '@hono/zod-openapi'

export const ProblemSchema = z
  .object({
    type: z.string().max(2048),
    title: z.string().max(2048),
    status: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
    detail: z.string().max(8192),
    code: z.string().max(2048).openapi({ description: 'Stable machine-readable error code' }),
    instance: z.string().max(2048).optional(),
    requestId: z.string().max(2048).optional(),
    errors: z.array(z.object({ field: z.string().max(2048), message: z.string().max(2048) })).max(1000).optional(),
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
    noticeDays: z.number().int().min(0).max(3650).openapi({ format: 'int32',  description: 'the notice period promised at the time' }),
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
    prefix: z.string().max(64).openapi({ example: '192.0.2.0/24' }),
    pool: z.string().max(63),
    region: z.string().max(63),
    label: z.string().max(200),
    status: StatusSchema,
    activeFrom: z.string().max(2048),
    retireAt: z.string().max(2048).nullable(),
  })
  .openapi('FeedEntry')

export const FeedDocumentSchema = z
  .object({
    serial: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
    createdAt: z.string().max(2048),
    sha256: z.string().max(2048),
    counts: z.object({ ipv4: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }), ipv6: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }) }),
    note: z.string().max(500).optional().openapi({ description: 'the publish note, when there is one' }),
    noticeOverride: NoticeOverrideSchema.optional(),
    aggregated: z.boolean().optional(),
    ipv4: z.array(z.union([FeedEntrySchema, z.object({ prefix: z.string().max(64) })])).max(100_000),
    ipv6: z.array(z.union([FeedEntrySchema, z.object({ prefix: z.string().max(64) })])).max(100_000),
  })
  .openapi('FeedDocument')

export const FeedQuerySchema = z.object({
  family: z.string().max(16).optional().openapi({ description: 'ipv4 or ipv6 (any case; 4 and 6 work too)', example: 'ipv4' }),
  pool: z.string().max(2048).optional().openapi({ description: 'comma-separated pools' }),
  region: z.string().max(2048).optional().openapi({ description: 'comma-separated regions' }),
  status: z.string().max(2048).optional().openapi({ description: 'comma-separated: announced, active, retiring' }),
  aggregate: z.string().max(2048).optional().openapi({ description: 'true: minimal CIDR set per family' }),
})

const ChangeSchema = z.object({
  added: z.array(z.object({ prefix: z.string().max(2048), status: StatusSchema, activeFrom: z.string().max(2048), retireAt: z.string().max(2048).nullable() })).max(100_000),
  removed: z.array(
    z.object({
      prefix: z.string().max(2048),
      previousStatus: StatusSchema,
      effective: z.string().max(2048),
      reason: z.enum(['retired', 'withdrawn']).optional().openapi({ description: 'retired on schedule, or an announcement withdrawn before use (absent in versions published before this field existed)' }),
    }),
  ).max(100_000),
  changed: z.array(z.object({ prefix: z.string().max(2048), fields: z.record(z.string().max(2048), z.object({ from: z.unknown(), to: z.unknown() })), effective: z.string().max(2048) })).max(100_000),
})

export const VersionSummarySchema = z
  .object({
    serial: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }),
    createdAt: z.string().max(2048),
    sha256: z.string().max(2048),
    counts: z.object({ ipv4: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }), ipv6: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }) }),
    changes: ChangeSchema,
    note: z.string().max(500).nullable().openapi({ description: 'what the publisher said about this version' }),
    // a union, not .nullable(): the generator writes that as allOf [$ref, object|null], which null fails
    noticeOverride: z.union([NoticeOverrideSchema, z.null()]),
  })
  .openapi('VersionSummary')

export const RangeInputSchema = z
  .object({
    prefix: z.string().max(64).openapi({ example: '198.51.100.0/24' }),
    pool: z.string().max(63).openapi({ example: 'asv-external' }),
    region: z.string().max(63).openapi({ example: 'eu-central' }),
    label: z.string().max(200).nullable().optional(),
    activeFrom: z.string().max(2048).nullable().optional().openapi({ description: 'ISO-8601; default now. Future = announced.' }),
    retireAt: z.string().max(2048).nullable().optional(),
  })
  .strict()
  .openapi('RangeInput')

export const RangePatchSchema = z
  .object({
    pool: z.string().max(63).optional(),
    region: z.string().max(63).optional(),
    label: z.string().max(200).nullable().optional(),
    activeFrom: z.string().max(2048).optional(),
    retireAt: z.string().max(2048).nullable().optional(),
  })
  .strict()
  .openapi('RangePatch')

export const RangeSchema = z
  .object({
    id: z.string().max(2048),
    prefix: z.string().max(64),
    family: z.enum(['ipv4', 'ipv6']),
    pool: z.string().max(2048),
    region: z.string().max(2048),
    label: z.string().max(2048),
    status: z.enum(['announced', 'active', 'retiring', 'retired', 'withdrawn']),
    activeFrom: z.string().max(2048),
    retireAt: z.string().max(2048).nullable(),
    firstPublishedSerial: z.number().int().min(0).max(2147483647).openapi({ format: 'int32' }).nullable().openapi({ description: 'The first version that published this range; null while none did (it can then be deleted)' }),
    createdAt: z.string().max(2048),
    updatedAt: z.string().max(2048),
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
    ip: z.string().max(2048),
    ours: z.boolean(),
    prefix: z.string().max(64).optional(),
    pool: z.string().max(63).optional(),
    region: z.string().max(63).optional(),
    status: z.enum(['announced', 'active', 'retiring', 'retired']).optional(),
    activeFrom: z.string().max(2048).optional(),
    retireAt: z.string().max(2048).nullable().optional(),
    identity: z
      .object({
        asn: z.number().int().min(1).max(4294967295).nullable().openapi({ format: 'int64' }),
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
