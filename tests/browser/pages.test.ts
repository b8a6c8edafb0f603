/**
 * @module tests/browser/pages
 * The web pages in a real browser: Debian's Chromium driven by playwright-core against the
 * Node server started as a child process (temp DATA_DIR, demo catalogue, a free loopback
 * port). Covers the range table and filters, the format picker and copy button, a report
 * sent with JavaScript on and off, a validation message next to its field, the receipt and
 * status pages, and a desk session (sign in, open the case, add a note, resolve it).
 *
 * Screenshots of every page go to $SCREENSHOTS (a directory; `SCREENSHOTS=1` means
 * docs/screenshots), otherwise to a temp directory so the code path still runs.
 *
 * Without /usr/bin/chromium the suite is skipped with a message, except in CI (CI set),
 * where it fails. It runs in the embedded-database pass only: the server under test owns
 * its own embedded database, so the Postgres pass would repeat it unchanged.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const CHROMIUM = '/usr/bin/chromium'
const ROOT = resolve(import.meta.dirname, '../..')
const hasChromium = existsSync(CHROMIUM)
const postgresPass = !!process.env.TEST_DATABASE_URL
if (!hasChromium && process.env.CI) {
  throw new Error(`browser tests: ${CHROMIUM} is missing; CI must install chromium (.ci/apt-packages.txt)`)
}
if (!hasChromium) console.warn(`\n⚠ browser tests SKIPPED: ${CHROMIUM} not found (apt-get install chromium). In CI this fails.\n`)
else if (postgresPass) console.warn('\nℹ browser tests skipped in the Postgres pass (they run in the embedded pass).\n')

const SHOTS = process.env.SCREENSHOTS
  ? process.env.SCREENSHOTS === '1'
    ? join(ROOT, 'docs/screenshots')
    : resolve(process.env.SCREENSHOTS)
  : mkdtempSync(join(tmpdir(), 'scangate-shots-'))

let dataDir = ''
let server: ChildProcess | undefined
let serverLog = ''
let base = ''
let deskToken = ''
let browser: Browser
let js: BrowserContext

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => ok(port))
    })
  })
}

function cliToken(name: string, scopes: string): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/platform/cli.ts', '--init', 'token', 'create', '--name', name, '--scopes', scopes], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', TEST_DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 60_000,
  })
  const token = r.stdout.trim().split('\n').pop() ?? ''
  if (r.status !== 0 || !/^sg_/.test(token)) throw new Error(`cli token create failed: ${r.stderr}`)
  return token
}

async function waitReady(): Promise<void> {
  const until = Date.now() + 60_000
  while (Date.now() < until) {
    if (server?.exitCode !== null) throw new Error(`server exited early:\n${serverLog}`)
    try {
      if ((await fetch(`${base}/readyz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`server not ready after 60 s:\n${serverLog}`)
}

async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage })
}

/** UTC time `msAgo` ago, in the shape a datetime-local input takes. */
function utcLocal(msAgo: number): string {
  return new Date(Date.now() - msAgo).toISOString().slice(0, 16)
}

/** The form refuses posts sooner than 3 s after it was rendered (bots); wait out the rest. */
async function waitFillTime(loadedAt: number): Promise<void> {
  const left = loadedAt + 3300 - Date.now()
  if (left > 0) await new Promise((r) => setTimeout(r, left))
}

async function fillReport(page: Page, over: { sourceIps?: string; description?: string } = {}): Promise<void> {
  await page.getByLabel('Source IP addresses').fill(over.sourceIps ?? '192.0.2.10')
  await page.getByLabel('Scanned address or network').fill('100.100.1.5')
  await page.getByLabel('Activity started').fill(utcLocal(2 * 3_600_000))
  await page.getByLabel('Activity ended').fill(utcLocal(3_600_000))
  await page.getByLabel('What happened').selectOption('port-scan')
  await page.getByLabel('Ports').fill('22, 443')
  await page.getByLabel('Description').fill(over.description ?? 'SYN scan against our mail server')
  await page.getByLabel('Log lines').fill('Nov 01 10:00:01 fw DROP SRC=192.0.2.10 DPT=22')
  await page.getByLabel('Your e-mail address').fill('noc@victim-net.example')
}

const reports: { ref: string; token: string }[] = []
/** Script errors and CSP violations in any page (an expected 4xx page load is not one). */
const pageProblems: string[] = []

function watch(ctx: BrowserContext): BrowserContext {
  ctx.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageProblems.push(`${m.page()?.url()}: ${m.text()}`)
  })
  ctx.on('weberror', (e) => pageProblems.push(`${e.page()?.url()}: ${e.error().message}`))
  return ctx
}

describe.skipIf(!hasChromium || postgresPass)('web pages in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    dataDir = mkdtempSync(join(tmpdir(), 'scangate-browser-'))
    // the CLI refuses while the server holds the embedded database: tokens first
    deskToken = cliToken('desk', 'reports:read,reports:triage')
    const sessionsToken = cliToken('scheduler', 'sessions:write')
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    server = spawn(process.execPath, ['--import', 'tsx', 'src/platform/node.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        TEST_DATABASE_URL: '',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        RATE_LIMIT_REPORTS_PER_MINUTE: '100',
        RATE_LIMIT_STATUS_PER_MINUTE: '100',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    server.stdout!.on('data', (d) => (serverLog += d))
    server.stderr!.on('data', (d) => (serverLog += d))
    const [launched] = await Promise.all([
      chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      }),
      waitReady(),
    ])
    browser = launched
    js = watch(await browser.newContext({ viewport: { width: 1280, height: 900 } }))
    await js.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base })
    // a scan session the reports will match, so the desk has a customer to show
    const put = await fetch(`${base}/v1/admin/sessions/asv-2026-q4-0042`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${sessionsToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        customerRef: 'cust-umbrella-77',
        scannerIps: ['192.0.2.10'],
        startedAt: new Date(Date.now() - 86_400_000).toISOString(),
        endedAt: null,
        authorizedTargets: ['100.100.1.0/28'],
        scanType: 'asv-quarterly',
      }),
    })
    expect(put.status, await put.text()).toBeLessThan(300)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r))
      server.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
      if (server.exitCode === null) server.kill('SIGKILL')
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    if (!process.env.SCREENSHOTS) rmSync(SHOTS, { recursive: true, force: true })
  }, 30_000)

  it('the scanner page: table, filters, upcoming changes, keyboard focus', async () => {
    const page = await js.newPage()
    await page.goto(`${base}/`)
    await expect.poll(() => page.title()).toContain('Scanner ranges')
    const rows = page.locator('#range-table tbody tr[data-prefix]')
    expect(await rows.count()).toBe(4)
    expect(await page.locator('#range-count').textContent()).toContain('Showing 4 of 4 ranges.')
    expect(await page.locator('#upcoming').textContent()).toContain('203.0.113.0/24')
    // the first Tab lands on the skip link, which becomes visible with a focus ring
    await page.keyboard.press('Tab')
    const skip = page.locator('a.skip')
    await expect.poll(() => skip.evaluate((el) => el === document.activeElement)).toBe(true)
    const ring = await skip.evaluate((el) => getComputedStyle(el).outlineWidth)
    expect(ring).toBe('3px')
    expect(await skip.evaluate((el) => el.getBoundingClientRect().top >= 0)).toBe(true)
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await shot(page, 'home')

    // filtering in place (JavaScript): rows, count, feed links and the URL follow
    await page.getByLabel('Family').selectOption('ipv6')
    await expect.poll(() => rows.evaluateAll((rs) => rs.filter((r) => !(r as HTMLElement).hidden).map((r) => r.getAttribute('data-prefix')))).toEqual(['2001:db8::/32'])
    await expect.poll(() => page.locator('#range-count').textContent()).toContain('Showing 1 of 4 ranges.')
    expect(await page.getByRole('link', { name: 'CSV', exact: true }).getAttribute('href')).toBe('/v1/ranges.csv?family=ipv6')
    expect(page.url()).toContain('family=ipv6')
    await page.getByLabel('Status').selectOption('announced')
    await expect.poll(() => page.locator('#range-table tr.empty').isVisible()).toBe(true)
    await page.getByLabel('Family').selectOption('')
    await page.getByLabel('Status').selectOption('')
    await expect.poll(() => page.locator('#range-count').textContent()).toContain('Showing 4 of 4 ranges.')

    // the same filter without JavaScript: the server hides the rows
    const plain = watch(await browser.newContext({ javaScriptEnabled: false }))
    const p2 = await plain.newPage()
    await p2.goto(`${base}/`)
    await p2.getByLabel('Pool').selectOption('web-app')
    await p2.getByRole('button', { name: 'Apply filters' }).click()
    await p2.waitForURL(/pool=web-app/)
    expect(await p2.locator('#range-table tbody tr[data-prefix]:visible').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-prefix')))).toEqual(['203.0.113.0/24'])
    await plain.close()

    // a phone-width view: cards instead of a wide table, nothing scrolls sideways
    const phone = watch(await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }))
    const p3 = await phone.newPage()
    await p3.goto(`${base}/`)
    expect(await p3.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true)
    await shot(p3, 'home-phone', false)
    await p3.locator('#range-count').evaluate((el) => el.scrollIntoView({ block: 'start' }))
    await shot(p3, 'home-phone-table', false)
    await phone.close()
    await page.close()
  })

  it('the format picker swaps the snippet and the copy button copies it', async () => {
    const page = await js.newPage()
    await page.goto(`${base}/#snippet`)
    const pre = page.locator('#snippet-text')
    expect(await pre.textContent()).toBe(await (await fetch(`${base}/v1/rules/nftables`)).text())
    await page.getByLabel('Firewall or target').selectOption('iptables')
    const expected = await (await fetch(`${base}/v1/rules/iptables`)).text()
    await expect.poll(() => pre.textContent()).toBe(expected)
    const { formats } = (await (await fetch(`${base}/v1/rules`)).json()) as { formats: { id: string; title: string; applyHint: string }[] }
    const iptables = formats.find((f) => f.id === 'iptables')!
    expect(await page.locator('#snippet-title').textContent()).toBe(iptables.title)
    expect(await page.locator('#snippet-hint').textContent()).toBe(iptables.applyHint)
    expect(await page.locator('#snippet-download').getAttribute('href')).toBe('/v1/rules/iptables')
    // the name the snippet's own apply steps use, as in the API's Content-Disposition
    expect(await page.locator('#snippet-download').getAttribute('download')).toBe('asv-scanners.v4')
    const copy = page.locator('#snippet-copy')
    expect(await copy.textContent()).toBe('Copy snippet')
    // the Clipboard API needs a focused document; other tabs of the context may hold focus
    await page.bringToFront()
    await copy.click()
    await expect.poll(() => copy.textContent()).toBe('Copied ✓')
    await expect.poll(() => page.locator('#snippet-status').textContent()).toBe('Copied to the clipboard.')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected)
    await page.locator('#snippet').scrollIntoViewIfNeeded()
    await shot(page, 'snippet', false)
    await page.close()
  })

  it('lookup answers for an address', async () => {
    const page = await js.newPage()
    await page.goto(`${base}/lookup`)
    await page.getByLabel('IP address').fill('192.0.2.10')
    await page.getByRole('button', { name: 'Check address' }).click()
    await expect.poll(() => page.locator('#answer-title').textContent()).toContain('is one of our scanner addresses')
    await shot(page, 'lookup')
    await page.close()
  })

  it('a validation error is shown next to its field, with the values kept', async () => {
    const page = await js.newPage()
    await page.goto(`${base}/report`)
    const loadedAt = Date.now()
    await fillReport(page, { sourceIps: '192.0.2.10\n192.0.2.999' })
    await waitFillTime(loadedAt)
    await page.getByRole('button', { name: 'Send report' }).click()
    const error = page.locator('#sourceIps-error')
    await expect.poll(() => error.textContent()).toContain('Address 2:')
    const field = page.getByLabel('Source IP addresses')
    expect(await field.getAttribute('aria-invalid')).toBe('true')
    expect(await field.getAttribute('aria-describedby')).toContain('sourceIps-error')
    expect(await field.inputValue()).toBe('192.0.2.10\n192.0.2.999')
    // the message sits right above its input, inside the same field block
    const [errBox, fieldBox] = [await error.boundingBox(), await field.boundingBox()]
    expect(fieldBox!.y - (errBox!.y + errBox!.height)).toBeLessThan(20)
    // the script moves focus to the list of problems
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('error-summary')
    await shot(page, 'report-errors')
    // fixing the field sends it (the re-rendered form carries a new stamp: wait again)
    const reloadedAt = Date.now()
    await field.fill('192.0.2.10')
    await waitFillTime(reloadedAt)
    await page.getByRole('button', { name: 'Send report' }).click()
    await page.waitForURL(/\/report\/receipt\/R-/)
    reports.push({ ref: (await page.locator('#report-ref').textContent())!, token: (await page.locator('#status-token').textContent())! })
    await page.close()
  })

  it('a report sent with JavaScript on: receipt with the token once, then the status page', async () => {
    const page = await js.newPage()
    await page.goto(`${base}/report`)
    const loadedAt = Date.now()
    await fillReport(page, { description: 'Sent with JavaScript on' })
    await waitFillTime(loadedAt)
    await page.getByRole('button', { name: 'Send report' }).click()
    await page.waitForURL(/\/report\/receipt\/R-[0-9A-Z]{10}$/)
    const ref = (await page.locator('#report-ref').textContent())!
    const token = (await page.locator('#status-token').textContent())!
    expect(ref).toMatch(/^R-[0-9A-Z]{10}$/)
    expect(token).toMatch(/^rs_[A-Za-z0-9_-]{32}$/)
    expect(page.url()).not.toContain(token)
    expect(await page.getByRole('button', { name: 'Copy status token' }).isVisible()).toBe(true)
    await shot(page, 'receipt')
    reports.push({ ref, token })
    // shown once: a reload no longer has it
    await page.reload()
    expect(await page.content()).not.toContain(token)

    await page.goto(`${base}/report/status?ref=${ref}`)
    expect(await page.getByLabel('Report reference').inputValue()).toBe(ref)
    await page.getByLabel('Status token').fill(token)
    await page.getByRole('button', { name: 'Show status' }).click()
    await expect.poll(() => page.locator('#status-ref').textContent()).toBe(ref)
    expect(await page.locator('#status-text').textContent()).toContain('We have received your report')
    // a neutral status only: nothing of what the automatic check found
    expect(await page.locator('li[aria-current="step"]').textContent()).toBe('Received')
    expect(await page.locator('#outcome-text').count()).toBe(0)
    expect(await page.content()).not.toMatch(/authori[sz]ed/i)
    expect(page.url()).not.toContain(token)
    await page.close()
  })

  it('a report sent with JavaScript off works the same way', async () => {
    const ctx = watch(await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } }))
    const page = await ctx.newPage()
    await page.goto(`${base}/report`)
    const loadedAt = Date.now()
    // without the script the helper buttons stay hidden
    expect(await page.getByRole('button', { name: 'Use the current time' }).count()).toBe(0)
    await fillReport(page, { description: 'Sent with JavaScript off' })
    await waitFillTime(loadedAt)
    await page.getByRole('button', { name: 'Send report' }).click()
    await page.waitForURL(/\/report\/receipt\/R-[0-9A-Z]{10}$/)
    const ref = (await page.locator('#report-ref').textContent())!
    const token = (await page.locator('#status-token').textContent())!
    expect(token).toMatch(/^rs_/)
    expect(await page.getByRole('button', { name: 'Copy status token' }).count()).toBe(0)
    await page.goto(`${base}/report/status`)
    await page.getByLabel('Report reference').fill(ref)
    await page.getByLabel('Status token').fill(token)
    await page.getByRole('button', { name: 'Show status' }).click()
    await expect.poll(() => page.locator('#status-ref').textContent()).toBe(ref)
    await ctx.close()
  })

  it('a desk session: sign in, open the case, add a note, resolve it', async () => {
    expect(reports.length).toBe(2)
    const ctx = watch(await browser.newContext({ viewport: { width: 1280, height: 900 } }))
    const page = await ctx.newPage()
    await page.goto(`${base}/desk`)
    await shot(page, 'desk-sign-in')
    await page.getByLabel('API token').fill(deskToken)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Case queue')
    const cookies = await ctx.cookies()
    const session = cookies.find((c) => c.name === 'sg_desk')!
    expect(session.httpOnly).toBe(true)
    expect(session.sameSite).toBe('Strict')
    expect(session.value).not.toContain(deskToken)
    expect(await page.locator('[data-status-count="open"] strong').textContent()).toBe('1')
    await shot(page, 'desk-queue')

    await page.locator('#case-table a').first().click()
    await expect.poll(() => page.locator('#case-status').textContent()).toBe('open')
    expect(await page.locator('[data-customer-ref]').textContent()).toBe('cust-umbrella-77')
    for (const r of reports) expect(await page.locator(`[data-report="${r.ref}"]`).count()).toBe(1)

    await page.getByLabel('Reporters too').check()
    // addressed to the second report only
    await page.getByRole('checkbox', { name: reports[1]!.ref }).check()
    await page.getByLabel('Note', { exact: true }).fill('Thanks for the report: this was an authorized scan and it has finished.')
    await page.getByRole('button', { name: 'Add note' }).click()
    await expect.poll(() => page.locator('#flash').textContent()).toContain('Note added.')
    await page.getByRole('button', { name: 'Start investigating' }).click()
    await expect.poll(() => page.locator('#case-status').textContent()).toBe('investigating')
    await page.getByRole('button', { name: 'Wait for the customer' }).click()
    await expect.poll(() => page.locator('#case-status').textContent()).toBe('awaiting customer')
    expect(await page.getByLabel('Final verdict').inputValue()).toBe('')
    await page.getByLabel('Final verdict').selectOption('authorized_scan')
    await page.getByLabel('What reporters will read').selectOption('reviewed')
    await page.getByLabel('Reason (optional, desk only)').fill('customer confirmed the scan window')
    await page.getByRole('button', { name: 'Resolve case' }).click()
    await expect.poll(() => page.locator('#case-status').textContent()).toBe('resolved')
    expect(await page.locator('#history').textContent()).toContain('awaiting customer → resolved, verdict Authorized scan')
    await shot(page, 'desk-case')

    // the reporter sees the outcome and the note, nothing of the customer
    const r = reports[1]!
    const pub = watch(await browser.newContext({ viewport: { width: 1280, height: 900 } }))
    const sp = await pub.newPage()
    await sp.goto(`${base}/report/status?ref=${r.ref}`)
    await sp.getByLabel('Status token').fill(r.token)
    await sp.getByRole('button', { name: 'Show status' }).click()
    await expect.poll(() => sp.locator('#status-text').textContent()).toContain('finished with your report')
    expect(await sp.locator('#notes').textContent()).toContain('this was an authorized scan')
    expect(await sp.locator('#outcome-text').textContent()).toContain('Our abuse desk has reviewed your report')
    expect(await sp.content()).not.toContain('cust-umbrella-77')
    // the first reporter of the case does not read the note written for the second
    const first = await (await fetch(`${base}/v1/reports/${reports[0]!.ref}`, { headers: { authorization: `Bearer ${reports[0]!.token}` } })).json()
    expect(first.notes).toEqual([])
    await shot(sp, 'status')
    await pub.close()

    await page.getByRole('button', { name: 'Sign out' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Abuse desk sign-in')
    expect((await ctx.cookies()).some((c) => c.name === 'sg_desk')).toBe(false)
    await ctx.close()
  })

  it('no page had a script error or a content-security-policy violation', () => {
    expect(pageProblems).toEqual([])
  })
})
