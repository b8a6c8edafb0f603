/**
 * @module platform/cli
 * Operator commands: `npm run cli -- <command>`. Uses DATABASE_URL when set, otherwise
 * the embedded database in DATA_DIR (refusing to open it while the server holds it).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseConfig, retentionPolicy } from '../config.js'
import { addRanges } from '../db/add-ranges.js'
import { appendAudit, verifyAudit } from '../db/audit-repository.js'
import { runRetentionPurge } from '../db/retention-purge.js'
import { publishCatalogue } from '../db/publish-catalogue.js'
import { createToken, listTokens, revokeToken } from '../db/token-repository.js'
import { normaliseRange, type NormalisedRange } from '../domain/catalogue-rules.js'
import { DomainError } from '../domain/errors.js'
import { generateFeedKey } from '../domain/feed-signing.js'
import { parseRangeFile } from '../domain/range-import.js'
import { parseScopes } from '../domain/tokens.js'
import { lockDataDir } from './data-dir-lock.js'
import { migrate, openEmbedded, openPostgres, type OpenedDatabase } from './node-database.js'

const USAGE = `usage: npm run cli -- <command>

  migrate                                   apply pending migrations
  token create --name NAME --scopes S[,S]   create an API token (printed once, last line)
               [--expires-in DAYS]
  token list                                list tokens (prefix only, never the secret)
  token revoke ID_OR_PREFIX                 revoke a token
  import-ranges FILE                        bulk-add ranges from CSV (header row) or JSON
  publish [--force [--reason TEXT]] [--note TEXT]   publish the catalogue as a new version (short notice needs --force and --reason)
  keygen                                    make an Ed25519 feed signing key pair
  audit verify                              check the audit trail's hash chain
  purge                                     delete personal data past its retention period
`

const say = (line: string) => process.stdout.write(line + '\n')
const progress = (line: string) => process.stderr.write(line + '\n')

async function open(): Promise<OpenedDatabase & { release: () => void }> {
  const config = parseConfig(process.env)
  if (config.DATABASE_URL) return { ...openPostgres(config.DATABASE_URL, { max: 2 }), release: () => {} }
  const release = lockDataDir(config.DATA_DIR, 'a scangate CLI command')
  try {
    return { ...(await openEmbedded(join(config.DATA_DIR, 'pgdata'))), release }
  } catch (e) {
    release()
    throw e
  }
}

async function importRanges(opened: OpenedDatabase, file: string): Promise<void> {
  const rows = parseRangeFile(file, await readFile(file, 'utf8'))
  const now = new Date()
  const ranges: NormalisedRange[] = []
  const problems: string[] = []
  rows.forEach((row, i) => {
    try {
      ranges.push(normaliseRange(row.input, now))
    } catch (e) {
      if (!(e instanceof DomainError)) throw e
      problems.push(`${/\.json$/i.test(file) ? 'item' : 'line'} ${row.at}: ${e.message}`)
    }
    if ((i + 1) % 1000 === 0) progress(`validated ${i + 1}/${rows.length} ranges…`)
  })
  if (problems.length) {
    throw new Error(`nothing imported; ${problems.length} invalid row(s):\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? '\n  …' : ''}`)
  }
  if (rows.length >= 1000) progress(`inserting ${ranges.length} ranges…`)
  const added = await addRanges(opened.db, ranges, { actor: 'cli', at: now })
  say(`imported ${added.length} ranges; run \`npm run cli -- publish\` to publish them`)
}

async function run(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv
  if (!command || command === 'help' || command === '--help') {
    say(USAGE)
    return
  }
  if (command === 'keygen') {
    const { privateKey, publicKeyPem } = await generateFeedKey()
    say('# Set this secret as FEED_SIGNING_KEY (env var, or `wrangler secret put FEED_SIGNING_KEY`):')
    say(`FEED_SIGNING_KEY=${privateKey}`)
    say('# Public key, served at /.well-known/scangate-feed-key.pem:')
    process.stdout.write(publicKeyPem)
    return
  }
  const known = ['migrate', 'token', 'import-ranges', 'publish', 'audit', 'purge']
  if (!known.includes(command)) throw new Error(`unknown command '${command}'\n\n${USAGE}`)
  const opened = await open()
  try {
    const { applied } = await migrate(opened.db)
    if (command === 'migrate') {
      say(applied.length ? `applied ${applied.join(', ')}` : 'schema is current; nothing to apply')
    } else if (command === 'token') {
      await tokenCommand(opened, sub, rest)
    } else if (command === 'import-ranges') {
      if (!sub) throw new Error('import-ranges needs a FILE')
      await importRanges(opened, sub)
    } else if (command === 'purge') {
      const counts = await runRetentionPurge(opened.db, retentionPolicy(parseConfig(process.env)), new Date(), 'cli')
      say(`purged ${counts.contacts} contacts, ${counts.evidence} evidence items, ${counts.xarfDocuments} XARF documents, ${counts.idempotencyRecords} idempotency records, ${counts.rateLimitCounters} rate-limit counters`)
    } else if (command === 'audit') {
      if (sub !== 'verify') throw new Error(`audit needs verify\n\n${USAGE}`)
      const result = await verifyAudit(opened.db)
      if (!result.ok) {
        throw new Error(`audit trail BROKEN at event ${result.seq}: ${result.reason} (${result.events} events before it verified)`)
      }
      say(`audit trail intact: ${result.events} events, head ${result.head}`)
    } else if (command === 'publish') {
      const { values } = parseArgs({ args: [sub, ...rest].filter((a): a is string => a !== undefined), options: { force: { type: 'boolean' }, note: { type: 'string' }, reason: { type: 'string' } } })
      const r = await publishCatalogue(opened.db, {
        now: new Date(),
        force: values.force ?? false,
        note: values.note ?? null,
        reason: values.reason ?? null,
        noticeDays: parseConfig(process.env).NOTICE_DAYS,
        actor: 'cli',
      })
      const v = r.version
      say(`${r.status}: serial ${v.serial}, ${v.counts.ipv4} IPv4 + ${v.counts.ipv6} IPv6 prefixes, sha256 ${v.sha256}`)
    }
  } finally {
    await opened.close()
    opened.release()
  }
}

async function tokenCommand(opened: OpenedDatabase, sub: string | undefined, rest: string[]): Promise<void> {
  if (sub === 'create') {
    const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, scopes: { type: 'string' }, 'expires-in': { type: 'string' } } })
    if (!values.name) throw new Error('token create needs --name NAME')
    const scopes = parseScopes(values.scopes ?? '')
    let expiresAt: Date | null = null
    if (values['expires-in']) {
      const days = Number(values['expires-in'])
      if (!Number.isInteger(days) || days < 1) throw new Error('--expires-in takes a whole number of days')
      expiresAt = new Date(Date.now() + days * 86_400_000)
    }
    const { token, info } = await opened.db.transaction().execute(async (trx) => {
      const made = await createToken(trx, { name: values.name!, scopes, expiresAt })
      await appendAudit(trx, { actor: 'cli', action: 'token.create', objectType: 'token', objectId: made.info.id, diff: { name: made.info.name, prefix: made.info.prefix, scopes, expiresAt: expiresAt?.toISOString() ?? null } }, new Date())
      return made
    })
    say(`created token ${info.prefix}… (${info.name}) with scopes ${info.scopes.join(',')}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}`)
    say('store it now: it is shown only once')
    say(token)
  } else if (sub === 'list') {
    for (const t of await listTokens(opened.db)) {
      const state = t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt < new Date() ? 'expired' : 'active'
      say([t.id, t.prefix + '…', t.name, t.scopes.join(','), state, t.lastUsedAt?.toISOString() ?? 'never used'].join('\t'))
    }
  } else if (sub === 'revoke') {
    const target = rest[0]
    if (!target) throw new Error('token revoke needs a token id or prefix')
    const revoked = await opened.db.transaction().execute(async (trx) => {
      const done = await revokeToken(trx, target, new Date())
      for (const t of done) {
        await appendAudit(trx, { actor: 'cli', action: 'token.revoke', objectType: 'token', objectId: t.id, diff: { name: t.name, prefix: t.prefix } }, new Date())
      }
      return done
    })
    if (revoked.length === 0) throw new Error(`no active token with id or prefix ${target}`)
    for (const t of revoked) say(`revoked ${t.prefix}… (${t.name})`)
  } else {
    throw new Error(`token needs create, list or revoke\n\n${USAGE}`)
  }
}

run(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 1
})
