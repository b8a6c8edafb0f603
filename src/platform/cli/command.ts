/**
 * @module platform/cli/command
 * The shape of one CLI command. A command runs in two places: `prepare` and `finish` in
 * the CLI process (they read and write the operator's files), `run` wherever the
 * database is open — in the CLI itself, or inside the running server when the CLI
 * reaches it through the control channel. Only JSON crosses between the two, which is
 * what lets every command work unchanged either way.
 */
import type { ParseArgsConfig } from 'node:util'
import type { Kysely } from 'kysely'
import type { Config } from '../../config.js'
import type { Database } from '../../db/schema.js'

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json | undefined }

export interface ParsedArgs {
  positionals: string[]
  values: Record<string, string | boolean | undefined>
}

/** What `run` gets: the open database and a way to talk to the operator. */
export interface CommandContext {
  db: Kysely<Database>
  kind: 'embedded' | 'postgres'
  /** The configuration of the process that holds the database (the server's, remotely). */
  config: Config
  say(line: string): void
  progress(line: string): void
  /** A consistent copy of the embedded database directory (tar.gz); undefined on Postgres. */
  dumpEmbedded?: () => Promise<Uint8Array>
  /** Tells the process holding the database that the catalogue was published. */
  published(serial: number): void
}

/** What `prepare` and `finish` get in the CLI process. */
export interface LocalContext {
  say(line: string): void
  progress(line: string): void
  config: Config
}

export interface Command {
  /** The words that select it, e.g. `token create`. */
  name: string
  /** Arguments after the name, for the help text. */
  usage?: string
  /** One line of help. */
  help: string
  options?: ParseArgsConfig['options']
  /** 'none': runs in the CLI without any database (keygen, restore). */
  database?: 'none'
  /** Runs in the CLI process first; its result is what `run` receives (default: the parsed arguments). */
  prepare?(args: ParsedArgs, ctx: LocalContext): Promise<Json> | Json
  run(ctx: CommandContext, input: Json): Promise<Json | void>
  /** Runs in the CLI process with `run`'s result (e.g. writes the backup file). */
  finish?(result: Json, args: ParsedArgs, ctx: LocalContext): Promise<void> | void
}

/** The positional argument `i`, or an error naming what is missing. */
export function positional(args: ParsedArgs, i: number, what: string, command: string): string {
  const v = args.positionals[i]
  if (!v) throw new Error(`${command} needs ${what}`)
  return v
}
