/**
 * @module platform/cli
 * Operator commands: `npm run cli -- <command>`. Uses DATABASE_URL when set, otherwise
 * the embedded database in DATA_DIR: directly when no server runs, through the server's
 * control channel when one does. It names the database it uses on stderr, and never
 * creates an embedded database unless asked (`--init`), so a mistyped DATA_DIR cannot
 * mint tokens for a database nobody serves.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { parseConfig, type Config } from '../config.js'
import { SCOPES } from '../domain/tokens.js'
import type { Command, CommandContext, Json, LocalContext, ParsedArgs } from './cli/command.js'
import { COMMANDS, findCommand } from './cli/commands.js'
import { runRemote, socketPath } from './control-channel.js'
import { lockDataDir, lockHolder, SERVER_LOCK_NAME } from './data-dir-lock.js'
import { ingestMailCommand, reparseMailCommand } from './mail-cli.js'
import { describeDatabaseUrl, migrate, openEmbedded, openPostgres, type OpenedDatabase } from './node-database.js'

const say = (line: string) => process.stdout.write(line + '\n')
const progress = (line: string) => process.stderr.write(line + '\n')

/** Run directly, outside the command table: they read stdin and answer an MTA with sysexits codes. */
const MAIL_COMMANDS: [string, string][] = [
  ['ingest-mail < message.eml', 'take one abuse e-mail in (MTA pipe alias; exit 0, 65 unusable, 75 retry later)'],
  ['reparse-mail --since DATE [--limit N]', 'parse stored unparsed mail again after a parser fix'],
]

function usage(commands: readonly Command[] = COMMANDS): string {
  const left = commands.map((c) => `${c.name}${c.usage ? ' ' + c.usage : ''}`)
  const width = Math.max(...left.map((l) => l.length)) + 2
  return [
    'usage: npm run cli -- [--init] <command> [arguments]',
    '',
    'commands:',
    ...commands.map((c, i) => `  ${left[i]!.padEnd(width)}${c.help}`),
    ...MAIL_COMMANDS.map(([name, help]) => `  ${name.padEnd(width)}${help}`),
    '',
    'options:',
    '  --init    allow creating a new embedded database in DATA_DIR (refused otherwise)',
    '  --help    this text',
    '',
    `token scopes: ${SCOPES.join(', ')}`,
    '',
    'database: DATABASE_URL when set, else the embedded one in DATA_DIR (default ./data);',
    'while the server holds it, commands run inside the server through DATA_DIR/scangate.sock.',
  ].join('\n')
}

function parse(command: Command, rest: string[]): ParsedArgs {
  const { values, positionals } = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true })
  return { values: values as ParsedArgs['values'], positionals }
}

/** Opens the database itself (no server holds it), runs the command, closes it again. */
async function runLocally(config: Config, init: boolean, command: Command, input: Json): Promise<Json | void> {
  let opened: OpenedDatabase
  let release = () => {}
  if (config.DATABASE_URL) {
    progress(`database: ${describeDatabaseUrl(config.DATABASE_URL)}`)
    opened = openPostgres(config.DATABASE_URL, { max: 2 })
  } else {
    const dir = resolve(config.DATA_DIR)
    const pgdata = join(dir, 'pgdata')
    const exists = existsSync(join(pgdata, 'PG_VERSION'))
    if (!exists && !init) {
      throw new Error(
        `there is no embedded database at ${pgdata}. Check DATA_DIR (or set DATABASE_URL); ` +
          'to create a new database there, run the command again with --init.',
      )
    }
    release = lockDataDir(dir, 'a scangate CLI command')
    progress(`database: embedded ${pgdata}${exists ? '' : ' (new: --init)'}`)
    try {
      opened = await openEmbedded(pgdata)
    } catch (e) {
      release()
      throw e
    }
  }
  try {
    if (command.name !== 'migrate') await migrate(opened.db)
    return await command.run(contextOf(config, opened), input)
  } finally {
    await opened.close()
    release()
  }
}

function contextOf(config: Config, opened: OpenedDatabase): CommandContext {
  return {
    db: opened.db,
    kind: opened.kind,
    config,
    say,
    progress,
    ...(opened.dump ? { dumpEmbedded: opened.dump } : {}),
    published: () => {},
  }
}

/** A server that is still starting holds the lock before its socket exists; wait for it a while. */
async function waitForSocket(path: string, pid: number): Promise<void> {
  for (let waited = 0; !existsSync(path); waited += 200) {
    if (waited === 1000) progress(`waiting for the server (pid ${pid}) to finish starting…`)
    if (waited >= 60_000) throw new Error(`the server (pid ${pid}) holds the database but has not opened ${path}; is it still starting?`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

async function main(argv: string[]): Promise<number> {
  const init = argv.includes('--init')
  const words = argv.filter((a) => a !== '--init')
  if (words.length === 0) {
    progress(usage())
    return 2
  }
  if (['--help', '-h', 'help'].includes(words[0]!)) {
    say(usage())
    return 0
  }
  const io = { stdin: process.stdin, out: say, err: progress }
  if (words[0] === 'ingest-mail') return ingestMailCommand(process.env, io)
  if (words[0] === 'reparse-mail') return reparseMailCommand(words.slice(1), process.env, io)
  const found = findCommand(words)
  if (!found) throw new Error(`unknown command '${words.join(' ')}'\n\n${usage()}`)
  const { command, rest } = found
  if (rest.includes('--help')) {
    say(`usage: npm run cli -- ${command.name}${command.usage ? ' ' + command.usage : ''}\n\n  ${command.help}`)
    return 0
  }
  const args = parse(command, rest)
  const config = parseConfig(process.env)
  const local: LocalContext = { say, progress, config }
  const input = command.prepare ? await command.prepare(args, local) : (args as unknown as Json)

  let result: Json | void
  if (command.database === 'none') {
    result = await command.run({ config, say, progress, published: () => {} } as unknown as CommandContext, input)
  } else {
    const holder = config.DATABASE_URL ? null : lockHolder(resolve(config.DATA_DIR))
    if (holder?.who === SERVER_LOCK_NAME) {
      const dir = resolve(config.DATA_DIR)
      progress(`database: embedded ${join(dir, 'pgdata')} (through the running server, pid ${holder.pid})`)
      await waitForSocket(socketPath(dir), holder.pid)
      result = await runRemote(socketPath(dir), command.name, input, { say, progress })
    } else {
      result = await runLocally(config, init, command, input)
    }
  }
  if (command.finish) await command.finish(result ?? null, args, local)
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  },
)
