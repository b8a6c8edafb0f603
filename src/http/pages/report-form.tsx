/**
 * @module http/pages/report-form
 * `/report`: the abuse report form. It posts to `POST /report` (rate-limited like
 * `POST /v1/reports`), which validates with the intake rules of the API and, on errors,
 * shows the form again with the values and each message next to its field. A valid report
 * is stored exactly as the API stores a form post, and the browser goes to the receipt page
 * with the status token in a short-lived HttpOnly cookie (never in a URL).
 *
 * Bot traps (honeypot, minimum fill time) are in report-guard.ts: a tripped trap gets the
 * same redirect and a receipt that looks the same, and nothing is stored.
 */
import type { Context } from 'hono'
import { setCookie } from 'hono/cookie'
import { createReport } from '../../db/report-repository.js'
import { DomainError } from '../../domain/errors.js'
import { textEvidence } from '../../domain/intake/evidence.js'
import type { FieldProblem } from '../../domain/intake/field-errors.js'
import { generateRef, generateStatusToken } from '../../domain/intake/report-ids.js'
import { CATEGORIES, formToReportInput, REPORT_FIELDS, REPORT_LIMITS, validateReport, type ReportField } from '../../domain/intake/report-rules.js'
import { sha256Hex } from '../../domain/sha256.js'
import type { AppEnv } from '../app-env.js'
import { RECEIPT_COOKIE, RECEIPT_COOKIE_MAX_AGE, RECEIPT_COOKIE_PATH } from '../routes/reports.js'
import { ErrorSummary, FieldError, Layout } from './layout.js'
import { formFields, isHttps, sendPage } from './render.js'
import { HONEYPOT_FIELD, STAMP_FIELD, type FormGuard } from './report-guard.js'

const LABELS: Record<ReportField, string> = {
  sourceIps: 'Source IP addresses',
  observedFrom: 'Activity started',
  observedTo: 'Activity ended',
  target: 'Scanned address or network',
  ports: 'Ports',
  protocol: 'Protocol',
  category: 'What happened',
  description: 'Description',
  evidence: 'Log lines',
  contactEmail: 'Your e-mail address',
}

const CATEGORY_TEXT: Record<(typeof CATEGORIES)[number], string> = {
  'port-scan': 'Port scan',
  'vulnerability-scan': 'Vulnerability scan',
  'login-attempts': 'Login attempts',
  exploitation: 'Exploitation attempt',
  dos: 'Denial of service',
  other: 'Something else',
}

const PROTOCOLS = ['tcp', 'udp', 'icmp', 'sctp']
const LOCAL_DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)$/

type Values = Partial<Record<ReportField, string>>
type Errors = Partial<Record<ReportField, string>>

/** The form's datetime-local fields carry no zone: the labels say UTC, so read them as UTC. */
export function asUtc(v: string | null): string | null {
  if (v === null) return null
  const m = LOCAL_DATETIME.exec(v.trim())
  return m ? `${m[1]}T${m[2]}Z` : v
}

/** A submitted time in the shape a datetime-local input can show again. */
function forInput(v: string | undefined): string {
  if (!v) return ''
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]00:00)?$/i.exec(v.trim())
  return m ? `${m[1]}T${m[2]}` : v
}

/** Error messages of the intake rules, worded for the field they are shown next to. */
export function fieldMessages(problems: readonly FieldProblem[]): { errors: Errors; other: string[] } {
  const errors: Errors = {}
  const other: string[] = []
  for (const p of problems) {
    const [base, index] = p.field.split('.')
    if (!(REPORT_FIELDS as readonly string[]).includes(base!)) {
      other.push(p.message)
      continue
    }
    const field = base as ReportField
    const label = index !== undefined ? `${field === 'ports' ? 'Port' : 'Address'} ${Number(index) + 1}` : LABELS[field]
    const text = /^(is|must|has|names|lists)\b/.test(p.message) ? `${label} ${p.message}` : `${label}: ${p.message}`
    errors[field] = errors[field] ? `${errors[field]} ${text}` : text
  }
  return { errors, other }
}

interface FieldProps {
  name: ReportField
  hint?: string
  optional?: boolean
  errors: Errors
  children: (describedBy: string | undefined, invalid: 'true' | undefined) => unknown
}

function Field({ name, hint, optional, errors, children }: FieldProps) {
  const error = errors[name]
  const ids = [hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean).join(' ')
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={name}>
        {LABELS[name]} {optional ? <span class="optional">(optional)</span> : null}
      </label>
      {hint ? (
        <span class="hint" id={`${name}-hint`}>
          {hint}
        </span>
      ) : null}
      <FieldError id={`${name}-error`} message={error} />
      {children(ids || undefined, error ? 'true' : undefined) as never}
    </div>
  )
}

export interface ReportFormState {
  values: Values
  errors: Errors
  other: string[]
  stale: boolean
  stamp: string
}

function ReportForm({ values, errors, other, stale, stamp }: ReportFormState) {
  const summary = [
    ...REPORT_FIELDS.filter((f) => errors[f]).map((f) => ({ href: `#${f}`, message: errors[f]! })),
    ...other.map((m) => ({ href: '#report-form', message: m })),
  ]
  return (
    <Layout title={summary.length ? 'Error: report scanning' : 'Report scanning'} section="report">
      <h1>Report scanning or abuse</h1>
      <p class="lead">
        Tell us about traffic from one of our scanner addresses that you did not agree to. Our abuse desk checks every report against the scans our
        customers authorized, and you can follow what happens with the reference and status token you get when you send it.
      </p>
      <ErrorSummary title="Please correct these fields" errors={summary} />
      {stale ? (
        <div class="notice warn" role="alert">
          <p>This form was open for too long or came from an earlier page. Please check the details below and send it again.</p>
        </div>
      ) : null}
      <form id="report-form" method="post" action="/report">
        <fieldset>
          <legend>What you saw</legend>
          <Field name="sourceIps" hint="The addresses the traffic came from: one per line or separated by commas, up to 50." errors={errors}>
            {(d, inv) => (
              <textarea id="sourceIps" name="sourceIps" rows={3} class="code" required spellcheck={false} aria-describedby={d} aria-invalid={inv}>
                {values.sourceIps ?? ''}
              </textarea>
            )}
          </Field>
          <Field name="target" hint="Your address or network that was scanned, e.g. 203.0.113.7 or 203.0.113.0/24." errors={errors}>
            {(d, inv) => <input type="text" id="target" name="target" value={values.target ?? ''} required spellcheck={false} autocomplete="off" aria-describedby={d} aria-invalid={inv} />}
          </Field>
          <Field name="observedFrom" hint="Date and time in UTC (as in most server logs), within the last 90 days." errors={errors}>
            {(d, inv) => <input type="datetime-local" id="observedFrom" name="observedFrom" value={forInput(values.observedFrom)} required aria-describedby={d} aria-invalid={inv} />}
          </Field>
          <Field name="observedTo" optional hint="Date and time in UTC; leave empty for a single moment. At most 31 days after the start." errors={errors}>
            {(d, inv) => (
              <>
                <input type="datetime-local" id="observedTo" name="observedTo" value={forInput(values.observedTo)} aria-describedby={d} aria-invalid={inv} />
                <button type="button" class="secondary" data-now-for="observedTo" hidden>
                  Use the current time
                </button>
              </>
            )}
          </Field>
          <Field name="category" errors={errors}>
            {(d, inv) => (
              <select id="category" name="category" aria-describedby={d} aria-invalid={inv}>
                {CATEGORIES.map((k) => (
                  <option value={k} selected={(values.category ?? 'port-scan') === k}>
                    {CATEGORY_TEXT[k]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="ports" optional hint="Destination ports, e.g. 22, 443." errors={errors}>
            {(d, inv) => <input type="text" id="ports" name="ports" value={values.ports ?? ''} inputmode="numeric" autocomplete="off" aria-describedby={d} aria-invalid={inv} />}
          </Field>
          <Field name="protocol" optional errors={errors}>
            {(d, inv) => (
              <select id="protocol" name="protocol" aria-describedby={d} aria-invalid={inv}>
                <option value="">Not sure</option>
                {PROTOCOLS.map((p) => (
                  <option value={p} selected={values.protocol === p}>
                    {p.toUpperCase()}
                  </option>
                ))}
                {values.protocol && !PROTOCOLS.includes(values.protocol) ? (
                  <option value={values.protocol} selected>
                    {values.protocol}
                  </option>
                ) : null}
              </select>
            )}
          </Field>
        </fieldset>
        <fieldset>
          <legend>Details</legend>
          <Field name="description" optional hint={`In your own words, up to ${REPORT_LIMITS.maxDescriptionChars} characters.`} errors={errors}>
            {(d, inv) => (
              <textarea id="description" name="description" rows={4} maxlength={REPORT_LIMITS.maxDescriptionChars} aria-describedby={d} aria-invalid={inv}>
                {values.description ?? ''}
              </textarea>
            )}
          </Field>
          <Field name="evidence" optional hint="Paste firewall or server log lines (up to 64 KiB). Only our abuse desk sees them." errors={errors}>
            {(d, inv) => (
              <textarea id="evidence" name="evidence" rows={6} class="code" spellcheck={false} aria-describedby={d} aria-invalid={inv}>
                {values.evidence ?? ''}
              </textarea>
            )}
          </Field>
          <Field
            name="contactEmail"
            optional
            hint="Only our abuse desk sees it, to ask you questions; it is never shown on status pages and is deleted when no longer needed."
            errors={errors}
          >
            {(d, inv) => <input type="email" id="contactEmail" name="contactEmail" value={values.contactEmail ?? ''} autocomplete="email" aria-describedby={d} aria-invalid={inv} />}
          </Field>
        </fieldset>
        <div class="hp" aria-hidden="true">
          <label for={HONEYPOT_FIELD}>Leave this field empty</label>
          <input type="text" id={HONEYPOT_FIELD} name={HONEYPOT_FIELD} value="" tabindex={-1} autocomplete="off" />
        </div>
        <input type="hidden" name={STAMP_FIELD} value={stamp} />
        <p class="muted small">
          Anyone can report. Automated reports can use the <a href="/docs">API</a> (JSON or XARF) instead of this form.
        </p>
        <button type="submit">Send report</button>
      </form>
    </Layout>
  )
}

function valuesOf(fields: URLSearchParams): Values {
  const v: Values = {}
  for (const f of REPORT_FIELDS) {
    const all = fields.getAll(f)
    if (all.length) v[f] = all.join(f === 'sourceIps' ? '\n' : ', ')
  }
  return v
}

export async function reportFormPage(c: Context<AppEnv>, guard: FormGuard, now: () => Date): Promise<Response> {
  const prefill: Values = {}
  const ip = c.req.query('sourceIps')
  if (ip && ip.length <= 100) prefill.sourceIps = ip
  const stamp = await guard.stamp(now())
  return sendPage(c, <ReportForm values={prefill} errors={{}} other={[]} stale={false} stamp={stamp} />)
}

/** Where the browser goes after a post that "worked": the receipt, token in a cookie. */
function toReceipt(c: Context<AppEnv>, ref: string, statusToken: string): Response {
  setCookie(c, RECEIPT_COOKIE, `${ref}.${statusToken}`, {
    path: RECEIPT_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c),
    maxAge: RECEIPT_COOKIE_MAX_AGE,
  })
  c.header('cache-control', 'no-store')
  return c.redirect(`/report/receipt/${ref}`, 303)
}

export async function reportFormPost(c: Context<AppEnv>, guard: FormGuard, now: () => Date): Promise<Response> {
  const t = now()
  const fields = await formFields(c)
  const verdict = await guard.check(fields, t)
  // a bot gets what a person gets, and nothing is stored
  if (verdict === 'bot') return toReceipt(c, generateRef(), generateStatusToken())
  const values = valuesOf(fields)
  const again = async (state: Omit<ReportFormState, 'stamp' | 'values'>, status: 400 | 200) =>
    sendPage(c, <ReportForm values={values} stamp={await guard.stamp(t)} {...state} />, { status })
  if (verdict === 'stale') return again({ errors: {}, other: [], stale: true }, 400)

  const input = new URLSearchParams(fields)
  for (const f of ['observedFrom', 'observedTo'] as const) {
    const v = asUtc(input.get(f))
    if (v !== null) input.set(f, v)
  }
  let report
  try {
    report = validateReport(formToReportInput(input), t)
  } catch (e) {
    if (!(e instanceof DomainError) || e.code !== 'validation_failed') throw e
    const problems = (e.extra?.errors as FieldProblem[] | undefined) ?? [{ field: e.field ?? '(form)', message: e.message }]
    const { errors, other } = fieldMessages(problems)
    return again({ errors, other, stale: false }, 400)
  }
  const statusToken = generateStatusToken()
  const statusTokenHash = await sha256Hex(statusToken)
  const evidence = report.evidence ? [await textEvidence(report.evidence)] : []
  const created = await c
    .get('db')
    .transaction()
    .execute((trx) => createReport(trx, { report, channel: 'form', evidence, xarf: null, statusTokenHash }, t))
  return toReceipt(c, created.ref, statusToken)
}

