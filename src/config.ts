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
  /** Ed25519 private key (base64 PKCS#8 or PEM) that signs published versions. */
  FEED_SIGNING_KEY: z.string().optional(),
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
