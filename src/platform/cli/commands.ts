/**
 * @module platform/cli/commands
 * The CLI's command table: one entry per command, with its help line. To add a command,
 * add an entry here (or in a file of its own, spread into COMMANDS); the help text, the
 * argument parsing and the control channel pick it up from the entry.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { retentionPolicy } from '../../config.js'
import { addRanges } from '../../db/add-ranges.js'
import { appendAudit, verifyAudit } from '../../db/audit-repository.js'
import { publishCatalogue } from '../../db/publish-catalogue.js'
import { deleteUnpublishedRange, previewPublish, retireRange } from '../../db/range-admin.js'
import { listRanges } from '../../db/range-repository.js'
import { runRetentionPurge } from '../../db/retention-purge.js'
import { createToken, listTokens, revokeToken } from '../../db/token-repository.js'
import { normaliseRange, type NormalisedRange } from '../../domain/catalogue-rules.js'
import { DomainError } from '../../domain/errors.js'
import { generateFeedKey } from '../../domain/feed-signing.js'
import { parseRangeFile } from '../../domain/range-import.js'
import { rangeStatus } from '../../domain/range-lifecycle.js'
import { parseScopes } from '../../domain/tokens.js'
import { encodeBackup, readSigningKeyFile, restoreBackup } from '../backup.js'
import { migrate } from '../node-database.js'
import { positional, type Command, type Json, type ParsedArgs } from './command.js'

/** Columns padded to their widest cell, so a header row lines up with the data. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd())
}

function parseInstant(raw: string, what: string): Date {
  const t = Date.parse(raw)
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(t)) throw new Error(`${what} takes an ISO 8601 date or date-time, e.g. 2026-12-31T00:00:00Z (got '${raw}')`)
  return new Date(t)
}

const args = (input: Json) => input as unknown as ParsedArgs

export const COMMANDS: Command[] = [
  {
    name: 'migrate',
    help: 'apply pending migrations',
    async run(ctx) {
      const { applied } = await migrate(ctx.db)
      ctx.say(applied.length ? `applied ${applied.join(', ')}` : 'schema is current; nothing to apply')
    },
  },
  {
    name: 'token create',
    usage: '--name NAME --scopes S[,S] [--expires-in DAYS]',
    help: 'create an API token (printed once, as the last line)',
    options: { name: { type: 'string' }, scopes: { type: 'string' }, 'expires-in': { type: 'string' } },
    async run(ctx, input) {
      const { values } = args(input)
      if (typeof values.name !== 'string' || !values.name) throw new Error('token create needs --name NAME')
      const name = values.name
      const scopes = parseScopes(String(values.scopes ?? ''))
      let expiresAt: Date | null = null
      if (values['expires-in']) {
        const days = Number(values['expires-in'])
        if (!Number.isInteger(days) || days < 1) throw new Error('--expires-in takes a whole number of days')
        expiresAt = new Date(Date.now() + days * 86_400_000)
      }
      const { token, info } = await ctx.db.transaction().execute(async (trx) => {
        const made = await createToken(trx, { name, scopes, expiresAt })
        await appendAudit(trx, { actor: 'cli', action: 'token.create', objectType: 'token', objectId: made.info.id, diff: { name: made.info.name, prefix: made.info.prefix, scopes, expiresAt: expiresAt?.toISOString() ?? null } }, new Date())
        return made
      })
      ctx.say(`created token ${info.prefix}… (${info.name}) with scopes ${info.scopes.join(',')}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}`)
      ctx.say('store it now: it is shown only once')
      ctx.say(token)
    },
  },
  {
    name: 'token list',
    help: 'list tokens: id, prefix, name, scopes, state, expiry, last use (never the secret)',
    async run(ctx) {
      const now = new Date()
      const rows = [['ID', 'PREFIX', 'NAME', 'SCOPES', 'STATE', 'EXPIRES', 'LAST USED']]
      for (const t of await listTokens(ctx.db)) {
        const state = t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt < now ? 'expired' : 'active'
        rows.push([t.id, t.prefix + '…', t.name, t.scopes.join(','), state, t.expiresAt?.toISOString() ?? 'never', t.lastUsedAt?.toISOString() ?? 'never used'])
      }
      for (const line of table(rows)) ctx.say(line)
    },
  },
  {
    name: 'token revoke',
    usage: 'ID_OR_PREFIX',
    help: 'revoke a token',
    async run(ctx, input) {
      const target = positional(args(input), 0, 'a token id or prefix', 'token revoke')
      const revoked = await ctx.db.transaction().execute(async (trx) => {
        const done = await revokeToken(trx, target, new Date())
        for (const t of done) {
          await appendAudit(trx, { actor: 'cli', action: 'token.revoke', objectType: 'token', objectId: t.id, diff: { name: t.name, prefix: t.prefix } }, new Date())
        }
        return done
      })
      if (revoked.length === 0) throw new Error(`no active token with id or prefix ${target}`)
      for (const t of revoked) ctx.say(`revoked ${t.prefix}… (${t.name})`)
    },
  },
  {
    name: 'import-ranges',
    usage: 'FILE',
    help: 'bulk-add ranges from CSV (header row) or JSON, all or nothing',
    async prepare(a, ctx) {
      const file = positional(a, 0, 'a FILE', 'import-ranges')
      const rows = parseRangeFile(file, await readFile(file, 'utf8'))
      const now = new Date()
      const problems: string[] = []
      const unit = /\.json$/i.test(file) ? 'item' : 'line'
      rows.forEach((row, i) => {
        try {
          normaliseRange(row.input, now)
        } catch (e) {
          if (!(e instanceof DomainError)) throw e
          problems.push(`${unit} ${row.at}: ${e.message}`)
        }
        if ((i + 1) % 1000 === 0) ctx.progress(`validated ${i + 1}/${rows.length} ranges…`)
      })
      if (problems.length) {
        throw new Error(`nothing imported; ${problems.length} invalid row(s):\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? '\n  …' : ''}`)
      }
      // where each range came from, so overlaps can be named by line
      return { ranges: rows.map((r) => r.input), sources: rows.map((r) => `${unit} ${r.at}`) } as unknown as Json
    },
    async run(ctx, input) {
      const now = new Date()
      const { ranges: inputs, sources } = input as unknown as { ranges: Parameters<typeof normaliseRange>[0][]; sources: string[] }
      const ranges: NormalisedRange[] = inputs.map((r) => normaliseRange(r, now))
      if (ranges.length >= 1000) ctx.progress(`inserting ${ranges.length} ranges…`)
      let added
      try {
        added = await addRanges(ctx.db, ranges, { actor: 'cli', at: now }, sources)
      } catch (e) {
        if (e instanceof DomainError && e.code === 'overlapping_range') throw new Error(`nothing imported; ${e.message}`)
        throw e
      }
      ctx.say(`imported ${added.length} ranges; run \`npm run cli -- publish\` to publish them`)
    },
  },
  {
    name: 'ranges list',
    help: 'every range with its id and status, retired ones included',
    async run(ctx) {
      const now = new Date()
      const rows = [['ID', 'PREFIX', 'POOL', 'REGION', 'STATUS', 'ACTIVE FROM', 'RETIRE AT', 'LABEL']]
      for (const r of await listRanges(ctx.db)) {
        rows.push([r.id, r.prefix, r.pool, r.region, rangeStatus(r, now), r.activeFrom.toISOString(), r.retireAt?.toISOString() ?? '-', r.label])
      }
      for (const line of table(rows)) ctx.say(line)
    },
  },
  {
    name: 'ranges retire',
    usage: 'ID --at DATE',
    help: 'schedule a range\'s retirement (published with the next version)',
    options: { at: { type: 'string' } },
    async run(ctx, input) {
      const a = args(input)
      const id = positional(a, 0, 'a range ID (see ranges list)', 'ranges retire')
      if (typeof a.values.at !== 'string') throw new Error('ranges retire needs --at DATE')
      const r = await retireRange(ctx.db, id, parseInstant(a.values.at, '--at'), { actor: 'cli', now: new Date() })
      ctx.say(`${r.prefix} retires at ${r.retireAt!.toISOString()}; run \`npm run cli -- publish\` to announce it`)
    },
  },
  {
    name: 'ranges delete',
    usage: 'ID',
    help: 'delete a range no version ever published (a published one must be retired)',
    async run(ctx, input) {
      const id = positional(args(input), 0, 'a range ID (see ranges list)', 'ranges delete')
      const r = await deleteUnpublishedRange(ctx.db, id, { actor: 'cli', now: new Date() })
      ctx.say(`deleted ${r.prefix} (${r.pool}, ${r.region})`)
    },
  },
  {
    name: 'publish',
    usage: '[--force [--reason TEXT]] [--note TEXT] [--dry-run]',
    help: 'publish the catalogue as a new version; --dry-run prints what would change',
    options: { force: { type: 'boolean' }, note: { type: 'string' }, reason: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    async run(ctx, input) {
      const { values } = args(input)
      if (values['dry-run']) {
        const p = await previewPublish(ctx.db, new Date(), ctx.config.NOTICE_DAYS)
        const base = p.serial === null ? 'nothing published yet' : `serial ${p.serial}`
        if (p.unchanged) return ctx.say(`dry run: no changes against ${base}; publish would not make a new version`)
        ctx.say(`dry run against ${base}: ${p.changes.added.length} added, ${p.changes.removed.length} removed, ${p.changes.changed.length} changed`)
        for (const e of p.changes.added) ctx.say(`+ ${e.prefix} ${e.status} from ${e.activeFrom}${e.retireAt ? ` until ${e.retireAt}` : ''}`)
        for (const e of p.changes.removed) ctx.say(`- ${e.prefix} (was ${e.previousStatus}; effective ${e.effective})`)
        for (const e of p.changes.changed) {
          ctx.say(`~ ${e.prefix} ${Object.entries(e.fields).map(([k, v]) => `${k}: ${String(v.from)} → ${String(v.to)}`).join('; ')}`)
        }
        if (p.refusal) ctx.say(`publish would be REFUSED without --force: ${p.refusal}`)
        return
      }
      const r = await publishCatalogue(ctx.db, {
        now: new Date(),
        force: values.force === true,
        note: typeof values.note === 'string' ? values.note : null,
        // short notice (less than NOTICE_DAYS) needs --force and a published --reason
        reason: typeof values.reason === 'string' ? values.reason : null,
        noticeDays: ctx.config.NOTICE_DAYS,
        actor: 'cli',
      })
      const v = r.version
      if (r.status === 'published') ctx.published(v.serial)
      ctx.say(`${r.status}: serial ${v.serial}, ${v.counts.ipv4} IPv4 + ${v.counts.ipv6} IPv6 prefixes, sha256 ${v.sha256}`)
    },
  },
  {
    name: 'keygen',
    help: 'make an Ed25519 feed signing key pair',
    database: 'none',
    async run(ctx) {
      const { privateKey, publicKeyPem } = await generateFeedKey()
      ctx.say('# Set this secret as FEED_SIGNING_KEY (env var, or `wrangler secret put FEED_SIGNING_KEY`):')
      ctx.say(`FEED_SIGNING_KEY=${privateKey}`)
      ctx.say('# Public key, served at /.well-known/scangate-feed-key.pem:')
      ctx.say(publicKeyPem.trimEnd())
    },
  },
  {
    name: 'audit verify',
    help: 'check the audit trail\'s hash chain; prints the head hash to keep elsewhere',
    async run(ctx) {
      const result = await verifyAudit(ctx.db)
      if (!result.ok) throw new Error(`audit trail BROKEN at event ${result.seq}: ${result.reason} (${result.events} events before it verified)`)
      ctx.say(`audit trail intact: ${result.events} events, head ${result.head}`)
    },
  },
  {
    name: 'purge',
    help: 'delete personal data past its retention period',
    async run(ctx) {
      const counts = await runRetentionPurge(ctx.db, retentionPolicy(ctx.config), new Date(), 'cli')
      ctx.say(`purged ${counts.contacts} contacts, ${counts.evidence} evidence items, ${counts.xarfDocuments} XARF documents, ${counts.idempotencyRecords} idempotency records, ${counts.rateLimitCounters} rate-limit counters`)
    },
  },
  {
    name: 'backup',
    usage: 'FILE',
    help: 'consistent copy of the embedded database and signing key (works while the server runs)',
    prepare: (a) => ({ file: positional(a, 0, 'a FILE to write', 'backup') }),
    async run(ctx) {
      if (!ctx.dumpEmbedded) throw new Error('backup is for the embedded database; with Postgres use pg_dump or PITR (see the README)')
      const archive = await ctx.dumpEmbedded()
      return { archive: Buffer.from(archive).toString('base64'), signingKey: ctx.config.FEED_SIGNING_KEY ? null : readSigningKeyFile(ctx.config.DATA_DIR) }
    },
    async finish(result, a, ctx) {
      const r = result as { archive: string; signingKey: string | null }
      const file = positional(a, 0, 'a FILE to write', 'backup')
      const bytes = encodeBackup(Buffer.from(r.archive, 'base64'), r.signingKey, new Date())
      await writeFile(file, bytes, { mode: 0o600, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
        throw e.code === 'EEXIST' ? new Error(`${file} exists; choose a new file name`) : e
      })
      ctx.say(`backup written to ${file} (${bytes.length} bytes; signing key ${r.signingKey ? 'included — keep the file secret' : 'not included (FEED_SIGNING_KEY is set)'})`)
    },
  },
  {
    name: 'restore',
    usage: 'FILE',
    help: 'restore a backup into an empty DATA_DIR (server stopped)',
    database: 'none',
    prepare: (a) => ({ file: positional(a, 0, 'a backup FILE', 'restore') }),
    async run(ctx, input) {
      const { file } = input as { file: string }
      const header = await restoreBackup(await readFile(file), ctx.config.DATA_DIR)
      ctx.say(`restored the backup of ${header.createdAt} into ${ctx.config.DATA_DIR}${header.signingKey ? ' (with its signing key)' : ''}`)
    },
  },
]

/** The command `argv` names (the longest matching name wins), and the arguments after it. */
export function findCommand(argv: string[], commands: readonly Command[] = COMMANDS): { command: Command; rest: string[] } | null {
  let best: { command: Command; rest: string[] } | null = null
  for (const command of commands) {
    const words = command.name.split(' ')
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.command.name.split(' ').length)) {
      best = { command, rest: argv.slice(words.length) }
    }
  }
  return best
}
