/**
 * @module tests/http/contract-tools
 * Third-party contract linters on the generated /openapi.json: Spectral with the
 * `spectral:oas` and OWASP API security rulesets (.spectral.yaml) and Redocly's
 * `recommended` rules (redocly.yaml). Any error fails; warnings are the reviewed
 * not-applicable rules listed in the README (API section).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApiJson } from '../../src/http/openapi-document.js'

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '../..')
const BIN = join(ROOT, 'node_modules/.bin')

interface SpectralResult { code: string | number; message: string; path: string[]; severity: number }
interface RedoclyProblem { ruleId: string; severity: 'error' | 'warn'; message: string; location: { pointer: string }[] }

let dir: string
let file: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scangate-contract-'))
  file = join(dir, 'openapi.json')
  writeFileSync(file, await openApiJson())
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs a linter that exits non-zero on findings; the JSON report is what counts. */
async function lint(cmd: string, args: string[]): Promise<string> {
  try {
    return (await run(join(BIN, cmd), args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } })).stdout
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string }
    if (e.stdout?.trim()) return e.stdout
    throw new Error(`${cmd} failed without a report: ${e.stderr ?? String(err)}`)
  }
}

describe('contract linters on /openapi.json', () => {
  it('Spectral (spectral:oas + OWASP API security ruleset) reports no errors', async () => {
    const out = await lint('spectral', ['lint', '--ruleset', join(ROOT, '.spectral.yaml'), '--format', 'json', '--quiet', file])
    const results = JSON.parse(out.slice(out.indexOf('['))) as SpectralResult[]
    const errors = results.filter((r) => r.severity === 0).map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`)
    expect(errors, errors.join('\n')).toEqual([])
    // the rulesets really ran: the reviewed not-applicable OWASP rules are still reported as warnings
    expect(results.some((r) => String(r.code).startsWith('owasp:'))).toBe(true)
  }, 120_000)

  it("Redocly's recommended rules report no errors", async () => {
    const out = await lint('redocly', ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'])
    const report = JSON.parse(out.slice(out.indexOf('{'))) as { problems: RedoclyProblem[] }
    const errors = report.problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`)
    expect(errors, errors.join('\n')).toEqual([])
  }, 120_000)
})
