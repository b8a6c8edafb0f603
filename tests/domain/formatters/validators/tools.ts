/**
 * @module tests/domain/formatters/validators/tools
 * Plumbing for running the real firewall tools against rendered snippets: binary lookup,
 * a throwaway network namespace (`unshare -n`, or `unshare -rn` when not root), temp
 * dirs, and the skip-locally / fail-in-CI rule for missing tools.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { it } from 'vitest'

const EXTRA_PATH = ['/usr/sbin', '/sbin', '/usr/bin', '/bin']

/** PATH plus the sbin directories, which a non-root PATH often lacks. */
export const TOOL_PATH = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_PATH]
  .filter((d, i, all) => d !== '' && all.indexOf(d) === i)
  .join(delimiter)

export function which(bin: string): string | null {
  for (const dir of TOOL_PATH.split(delimiter)) {
    const full = join(dir, bin)
    try {
      accessSync(full, constants.X_OK)
      return full
    } catch {
      // keep looking
    }
  }
  return null
}

/** `unshare` flags that give us a private network namespace, or null when that fails. */
export const NETNS: string[] | null = (() => {
  if (!which('unshare')) return null
  const flags = process.getuid?.() === 0 ? ['-n'] : ['-rn']
  const probe = spawnSync('unshare', [...flags, 'true'], {
    env: { ...process.env, PATH: TOOL_PATH },
  })
  return probe.status === 0 ? flags : null
})()

export interface RunResult {
  status: number | null
  stdout: string
  stderr: string
}

/** Runs a POSIX shell script, optionally inside a fresh network namespace. */
export function sh(
  script: string,
  opts: { cwd: string; netns?: boolean; env?: Record<string, string>; timeoutMs?: number },
): RunResult {
  const args = opts.netns ? [...(NETNS ?? []), 'sh', '-c', script] : ['-c', script]
  const cmd = opts.netns ? 'unshare' : 'sh'
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, PATH: TOOL_PATH, LC_ALL: 'C', ...opts.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: opts.timeoutMs ?? 60_000,
  })
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') }
}

/** Throws with the tool's own output when a run failed, so failures explain themselves. */
export function ok(r: RunResult, what: string): string {
  if (r.status !== 0) {
    throw new Error(
      `${what} failed (exit ${r.status}):\n${r.stderr.slice(0, 4000)}\n${r.stdout.slice(0, 2000)}`,
    )
  }
  return r.stdout
}

export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `scangate-${label}-`))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Debian's Python, which sees the python3-* packages (a pyenv python3 on PATH may not). */
export const SYSTEM_PYTHON = '/usr/bin/python3'

const importable = new Map<string, boolean>()

function canImport(module: string): boolean {
  let known = importable.get(module)
  if (known === undefined) {
    known = spawnSync(SYSTEM_PYTHON, ['-c', `import ${module}`]).status === 0
    importable.set(module, known)
  }
  return known
}

/**
 * What a validator needs: binaries, Python modules importable by SYSTEM_PYTHON, and
 * `netns` for a working `unshare -n` / `unshare -rn`.
 */
export interface Needs {
  bins: string[]
  python?: string[]
  netns?: boolean
}

export function missing(needs: Needs): string | null {
  const absent = needs.bins.filter((b) => which(b) === null)
  for (const m of needs.python ?? []) if (!canImport(m)) absent.push(`python3 module ${m}`)
  if (needs.netns && NETNS === null) absent.push('unshare -n')
  return absent.length === 0 ? null : absent.join(', ')
}

/**
 * `it` for a test that needs real tools. A missing tool skips with a visible
 * "skipped: no <tool>" locally, but fails when CI is set: CI must install them.
 */
export function itWithTools(
  name: string,
  needs: Needs,
  fn: () => void | Promise<void>,
  timeout = 60_000,
): void {
  const absent = missing(needs)
  if (absent === null) {
    it(name, fn, timeout)
  } else if (process.env.CI) {
    it(name, () => {
      throw new Error(
        `validator missing in CI: ${absent} (install the apt packages listed in docs/firewall-targets.md)`,
      )
    })
  } else {
    it.skip(`${name} (skipped: no ${absent})`, () => {})
  }
}
