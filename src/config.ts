/**
 * @module config
 * Configuration schema. `parseConfig` takes a plain record (process.env on Node, the
 * Workers env) so nothing here reads the environment itself.
 */
import { z } from 'zod'
import type { ExclusionPolicy } from './domain/exclusion-rules.js'
import { DEFAULT_RETENTION, type RetentionPolicy } from './domain/privacy/retention.js'

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  PUBLIC_URL: z.string().url().optional(),
  FEED_MAX_AGE: z.coerce.number().int().min(0).max(86_400).default(300),
  FEED_REFRESH_MS: z.coerce.number().int().min(0).max(600_000).default(1000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  DEMO_DATA: z.enum(['auto', 'off']).default('auto'),
  /** Redis for rate-limit counters (Node); without it counters live in Postgres. */
  REDIS_URL: z.string().url().optional(),
  RATE_LIMIT_REPORTS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_REPORTS_PER_DAY: z.coerce.number().int().min(1).default(200),
  RATE_LIMIT_STATUS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /** Reverse proxies in front of the server whose X-Forwarded-For entries are trusted. */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
  RETENTION_CONTACT_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  RETENTION_EVIDENCE_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  RETENTION_XARF_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** The widest block an exclusion may cover without an explicit override. */
  EXCLUSION_MAX_PREFIX_V4: z.coerce.number().int().min(0).max(32).default(24),
  EXCLUSION_MAX_PREFIX_V6: z.coerce.number().int().min(0).max(128).default(48),
  /** Serve Prometheus metrics at GET /metrics on this port (Node; off when unset). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** How long SIGTERM waits for requests in flight before cutting connections. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** Ed25519 private key (base64 PKCS#8 or PEM) that signs published versions. */
  FEED_SIGNING_KEY: z.string().optional(),
  /** Promised notice (days) before a new range becomes active or a range retires. */
  NOTICE_DAYS: z.coerce.number().int().min(0).max(365).default(14),
  /** Subscribers get a reminder this many days before each effective date. */
  REMINDER_DAYS: z.coerce.number().int().min(1).max(60).default(3),
  /** A webhook failing for this many days in a row is disabled and its owner told. */
  WEBHOOK_DISABLE_AFTER_DAYS: z.coerce.number().int().min(1).max(60).default(5),
  /** DNS server (host or host:port) the outbound guard resolves webhook names with; default: the system resolver. */
  DNS_RESOLVER: z.string().max(100).optional(),
  /** How often (ms) the Node process turns new versions into notifications and delivers due ones. */
  NOTIFY_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /** Outgoing mail (acknowledgements, desk replies): smtp://user:pass@host:587 or smtps://… */
  SMTP_URL: z.string().url().refine((u) => /^smtps?:/i.test(u), 'must be an smtp:// or smtps:// URL').optional(),
  /** The From address of everything we send. */
  MAIL_FROM: z.string().email().max(254).optional(),
  /** Port of the SMTP listener that takes abuse mail in (off when unset). */
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SMTP_HOST: z.string().optional(),
  /** Addresses the listener accepts mail for, comma-separated (e.g. abuse@example.com). */
  SMTP_RECIPIENTS: z
    .string()
    .transform((v) => v.split(/[\s,]+/).filter(Boolean).map((a) => a.toLowerCase()))
    .pipe(z.array(z.string().email().max(254)).max(100))
    .optional(),
  /** PEM certificate and key files: the listener offers STARTTLS when both are set. */
  SMTP_TLS_CERT: z.string().optional(),
  SMTP_TLS_KEY: z.string().optional(),
  /** Largest message taken in, in bytes (SMTP SIZE, the pipe, Email Routing). */
  MAIL_MAX_BYTES: z.coerce.number().int().min(64 * 1024).max(100 * 1024 * 1024).default(25 * 1024 * 1024),
  MAIL_ACKS_PER_SENDER_PER_DAY: z.coerce.number().int().min(0).max(10_000).default(10),
  MAIL_INTAKE_PER_SENDER_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(120),
})

export type Config = Readonly<z.infer<typeof ConfigSchema>>

/** Parses configuration; empty strings count as unset. Throws with every problem listed. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const result = ConfigSchema.safeParse(cleaned)
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  return Object.freeze(result.data)
}

/** What the mail intake needs from the configuration (every way in uses the same). */
export function mailIntakeSettings(config: Config) {
  const own = [config.MAIL_FROM, ...(config.SMTP_RECIPIENTS ?? [])].filter((a): a is string => !!a).map((a) => a.toLowerCase())
  return {
    ownAddresses: own,
    maxBytes: config.MAIL_MAX_BYTES,
    acksPerSenderPerDay: config.MAIL_ACKS_PER_SENDER_PER_DAY,
    intakePerSenderPerHour: config.MAIL_INTAKE_PER_SENDER_PER_HOUR,
  }
}

/** The retention policy a configuration asks for. */
export function retentionPolicy(config: Config): RetentionPolicy {
  return {
    ...DEFAULT_RETENTION,
    contactDaysAfterClose: config.RETENTION_CONTACT_DAYS,
    evidenceDays: config.RETENTION_EVIDENCE_DAYS,
    xarfDays: config.RETENTION_XARF_DAYS,
  }
}

/** The exclusion width policy a configuration asks for. */
export function exclusionPolicy(config: Config): ExclusionPolicy {
  return { maxPrefix: { ipv4: config.EXCLUSION_MAX_PREFIX_V4, ipv6: config.EXCLUSION_MAX_PREFIX_V6 } }
}
