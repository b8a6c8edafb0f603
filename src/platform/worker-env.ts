/**
 * @module platform/worker-env
 * The Worker's bindings and variables, checked once per request at the entry (like
 * unkey's `zEnv`): a missing Hyperdrive binding or a bad variable answers a 500
 * problem that names it, instead of failing somewhere deep inside a query.
 */
import type { ExclusionPolicy } from '../domain/exclusion-rules.js'
import type { RetentionPolicy } from '../domain/privacy/retention.js'
import type { Hyperdrive } from '@cloudflare/workers-types/index'
import { exclusionPolicy, mailIntakeSettings, retentionPolicy, parseConfig } from '../config.js'
import type { SendEmailBinding } from './mail-sender.js'
import { problem, problemResponse } from '../http/problem.js'

/** What wrangler.toml binds. Secrets (`wrangler secret put`) arrive here as strings too. */
export interface Env {
  /** [[hyperdrive]] binding: pooled Postgres reached through `connectionString`. */
  HYPERDRIVE: Hyperdrive
  /** Absolute origin for links and Atom ids (optional; defaults to the request's origin). */
  PUBLIC_URL?: string
  /** Cache-Control max-age (seconds) of the latest-version feed responses. */
  FEED_MAX_AGE?: string
  /** How long (ms) "which serial is latest" may be answered without asking the database. */
  FEED_REFRESH_MS?: string
  LOG_LEVEL?: string
  /** Part of every edge-cache key: change it when the database is recreated (serials restart). */
  FEED_CACHE_GENERATION?: string
  /** Secret (`wrangler secret put`): Ed25519 key that signs published versions. */
  FEED_SIGNING_KEY?: string
  /** Rate limits of the public write and status endpoints (counters live in Postgres). */
  RATE_LIMIT_REPORTS_PER_MINUTE?: string
  RATE_LIMIT_REPORTS_PER_DAY?: string
  RATE_LIMIT_STATUS_PER_MINUTE?: string
  /** The widest exclusion without an override (default 24 and 48). */
  EXCLUSION_MAX_PREFIX_V4?: string
  EXCLUSION_MAX_PREFIX_V6?: string
  /** [[send_email]] binding: sends the outbox's mail (acknowledgements, desk replies). */
  SEND_EMAIL?: SendEmailBinding
  /** From address of our mail, and the mail intake limits (see README, configuration). */
  MAIL_FROM?: string
  SMTP_RECIPIENTS?: string
  MAIL_MAX_BYTES?: string
  MAIL_ACKS_PER_SENDER_PER_DAY?: string
  MAIL_INTAKE_PER_SENDER_PER_HOUR?: string
}

export interface WorkerSettings {
  publicUrl: string | undefined
  feedMaxAge: number
  feedRefreshMs: number
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  cacheGeneration: string
  /** Kept in memory only; never logged. */
  feedSigningKey: string | undefined
  rateLimits: { reportsPerMinute: number; reportsPerDay: number; statusPerMinute: number }
  retention: RetentionPolicy
  noticeDays: number
  reminderDays: number
  webhookDisableAfterDays: number
  exclusionPolicy: ExclusionPolicy
  mail: {
    from: string | undefined
    ownAddresses: string[]
    maxBytes: number
    acksPerSenderPerDay: number
    intakePerSenderPerHour: number
  }
}

export type EnvCheck =
  | { ok: true; connectionString: string; settings: WorkerSettings }
  | { ok: false; problems: string[] }

/** The variables and secrets this Worker reads; everything else in `env` is ignored. */
const VARS = [
  'PUBLIC_URL',
  'FEED_MAX_AGE',
  'FEED_REFRESH_MS',
  'LOG_LEVEL',
  'FEED_SIGNING_KEY',
  'RATE_LIMIT_REPORTS_PER_MINUTE',
  'RATE_LIMIT_REPORTS_PER_DAY',
  'RATE_LIMIT_STATUS_PER_MINUTE',
  'RETENTION_CONTACT_DAYS',
  'RETENTION_EVIDENCE_DAYS',
  'RETENTION_XARF_DAYS',
  'NOTICE_DAYS',
  'REMINDER_DAYS',
  'WEBHOOK_DISABLE_AFTER_DAYS',
  'EXCLUSION_MAX_PREFIX_V4',
  'EXCLUSION_MAX_PREFIX_V6',
  'MAIL_FROM',
  'SMTP_RECIPIENTS',
  'MAIL_MAX_BYTES',
  'MAIL_ACKS_PER_SENDER_PER_DAY',
  'MAIL_INTAKE_PER_SENDER_PER_HOUR',
] as const
const GENERATION = /^[A-Za-z0-9._-]{1,32}$/

/**
 * Validates the Worker environment.
 * @returns the connection string and settings, or every problem found (names only, never values)
 */
export function checkEnv(env: unknown): EnvCheck {
  const record = (typeof env === 'object' && env !== null ? env : {}) as Record<string, unknown>
  const problems: string[] = []

  const hyperdrive = record.HYPERDRIVE as { connectionString?: unknown } | undefined
  const connectionString = typeof hyperdrive?.connectionString === 'string' ? hyperdrive.connectionString : ''
  if (!hyperdrive || typeof hyperdrive !== 'object') {
    problems.push(
      'binding HYPERDRIVE is missing: add a [[hyperdrive]] binding named HYPERDRIVE to wrangler.toml (see docs/deploy-workers.md)',
    )
  } else if (!connectionString) {
    problems.push('binding HYPERDRIVE has no connectionString: it must be a Hyperdrive binding, not a variable')
  }

  const vars: Record<string, string | undefined> = {}
  for (const name of VARS) {
    const v = record[name]
    if (v === undefined || v === null) continue
    if (typeof v !== 'string') problems.push(`variable ${name} must be a string (set it under [vars])`)
    else vars[name] = v
  }
  let config: ReturnType<typeof parseConfig> | undefined
  try {
    config = parseConfig(vars)
  } catch (err) {
    // parseConfig lists one "  NAME: message" line per problem after a heading
    const lines = (err instanceof Error ? err.message : String(err)).split('\n').slice(1)
    problems.push(...lines.map((l) => `variable ${l.trim()}`))
  }

  const generation = record.FEED_CACHE_GENERATION ?? '1'
  if (typeof generation !== 'string' || !GENERATION.test(generation)) {
    problems.push('variable FEED_CACHE_GENERATION must be 1-32 letters, digits, dot, dash or underscore')
  }

  if (problems.length || !config) return { ok: false, problems }
  return {
    ok: true,
    connectionString,
    settings: {
      publicUrl: config.PUBLIC_URL?.replace(/\/$/, ''),
      feedMaxAge: config.FEED_MAX_AGE,
      feedRefreshMs: config.FEED_REFRESH_MS,
      logLevel: config.LOG_LEVEL,
      cacheGeneration: generation as string,
      feedSigningKey: config.FEED_SIGNING_KEY,
      rateLimits: {
        reportsPerMinute: config.RATE_LIMIT_REPORTS_PER_MINUTE,
        reportsPerDay: config.RATE_LIMIT_REPORTS_PER_DAY,
        statusPerMinute: config.RATE_LIMIT_STATUS_PER_MINUTE,
      },
      retention: retentionPolicy(config),
      noticeDays: config.NOTICE_DAYS,
      reminderDays: config.REMINDER_DAYS,
      webhookDisableAfterDays: config.WEBHOOK_DISABLE_AFTER_DAYS,
      exclusionPolicy: exclusionPolicy(config),
      mail: { from: config.MAIL_FROM, ...mailIntakeSettings(config) },
    },
  }
}

/** The 500 answered while the Worker is misconfigured: says what to fix, reveals no values. */
export function misconfiguredResponse(request: Request, problems: readonly string[]): Response {
  return problemResponse(
    problem(500, 'worker_misconfigured', `The Worker is misconfigured: ${problems.join('; ')}.`, {
      instance: new URL(request.url).pathname,
      errors: problems.map((message) => ({ field: (message.split(' ')[1] ?? '(env)').replace(/:$/, ''), message })),
    }),
  )
}
