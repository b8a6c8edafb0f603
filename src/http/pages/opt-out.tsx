/**
 * @module http/pages/opt-out
 * `/opt-out`: a network owner asks us to stop scanning their addresses. The page is a
 * thin client of the public API (POST /v1/opt-outs, …/verify, …/confirm), so it can do
 * nothing the API would not. The token is shown once and carried in hidden fields of
 * the next form only, never in a URL.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../app-env.js'
import { callApi, problemDetail, type InternalApp } from './internal-api.js'
import { Layout } from './layout.js'
import { formFields, sendPage } from './render.js'

interface Created {
  ref: string
  token: string
  prefixes: string[]
  needsDesk: boolean
  instructions: { method: string; steps: string[]; txtRecords?: { name: string; value: string }[]; file?: { url: string; content: string } }
}

const METHODS: [string, string][] = [
  ['dns', 'TXT record in the reverse-DNS zone of the prefix (best: proves the whole block, up to a /16 or /32)'],
  ['rdap_email', 'Confirmation mail to the abuse contact RDAP lists for the network (up to a /16 or /32)'],
  ['dns_domain', 'TXT record on a host name whose A/AAAA records are inside the prefix (up to a /24 or /48)'],
  ['http', 'A file on port 80 of an address inside the prefix (up to a /24 or /48)'],
]

function Intro() {
  return (
    <section aria-labelledby="what">
      <h2 id="what">What this does</h2>
      <p>
        Our scanners test the systems of customers who ordered a PCI scan, and a little discovery traffic checks that the targets they name are really theirs.
        If you run a network that is not a customer's target, you can ask us to stop all of that traffic to your addresses here.
        We only act once you prove the network is yours, by a DNS record, a file on one of its addresses, or a mail to the abuse contact the regional registry lists.
        A verified opt-out holds for a year; we remind you before it ends, and scans a customer of ours ordered for its own systems are not affected.
        If your block is larger than a /16 (IPv4) or /32 (IPv6), a person on our abuse desk decides, and you can always write to us through the <a href="/report">report form</a>.
      </p>
    </section>
  )
}

function RequestForm({ error, values }: { error?: string; values?: URLSearchParams }) {
  return (
    <form method="post" action="/opt-out" class="stack" novalidate>
      {error ? (
        <p class="notice bad" role="alert" id="form-error">
          {error}
        </p>
      ) : null}
      <label for="prefixes">Prefixes, one per line</label>
      <textarea id="prefixes" name="prefixes" rows={3} required maxlength={800} aria-describedby={error ? 'form-error' : undefined}>
        {values?.get('prefixes') ?? ''}
      </textarea>
      <fieldset>
        <legend>How you will prove the network is yours</legend>
        {METHODS.map(([v, label], i) => (
          <label class="choice">
            <input type="radio" name="method" value={v} checked={(values?.get('method') ?? 'dns') === v || (!values && i === 0)} /> {label}
          </label>
        ))}
      </fieldset>
      <label for="proofDomain">Host name (only for the host-name proof)</label>
      <input id="proofDomain" name="proofDomain" maxlength={253} value={values?.get('proofDomain') ?? ''} />
      <label for="proofAddress">Address serving the file (only for the file proof)</label>
      <input id="proofAddress" name="proofAddress" maxlength={45} value={values?.get('proofAddress') ?? ''} />
      <label for="contactEmail">Your e-mail for the renewal reminder (optional)</label>
      <input id="contactEmail" name="contactEmail" type="email" maxlength={254} value={values?.get('contactEmail') ?? ''} />
      <button type="submit">Ask us to stop</button>
    </form>
  )
}

function VerifyForm({ ref, token }: { ref: string; token: string }) {
  return (
    <form method="post" action="/opt-out/verify">
      <input type="hidden" name="ref" value={ref} />
      <input type="hidden" name="token" value={token} />
      <button type="submit">I have published it: verify now</button>
    </form>
  )
}

export function optOutPage(c: Context<AppEnv>): Promise<Response> {
  return sendPage(
    c,
    <Layout title="Stop scanning my network" section="opt-out">
      <h1>Stop scanning my network</h1>
      <Intro />
      <RequestForm />
    </Layout>,
    { cache: 'public-short' },
  )
}

export async function optOutPost(c: Context<AppEnv>, app: InternalApp): Promise<Response> {
  const f = await formFields(c)
  const body: Record<string, unknown> = {
    prefixes: (f.get('prefixes') ?? '').split(/[\s,]+/).filter(Boolean).slice(0, 17),
    method: f.get('method') ?? 'dns',
  }
  for (const k of ['proofDomain', 'proofAddress', 'contactEmail']) if (f.get(k)?.trim()) body[k] = f.get(k)!.trim()
  const res = await callApi(app, c, '/v1/opt-outs', {}, { method: 'POST', json: body })
  if (res.status !== 201) {
    const p = await problemDetail(res, 'We could not record the request; please try again.')
    return sendPage(
      c,
      <Layout title="Stop scanning my network" section="opt-out">
        <h1>Stop scanning my network</h1>
        <RequestForm error={p.detail} values={f} />
      </Layout>,
      { status: res.status === 429 ? 429 : res.status >= 500 ? 503 : 400 },
    )
  }
  const r = (await res.json()) as Created
  return sendPage(
    c,
    <Layout title={`Opt-out ${r.ref}`} section="opt-out">
      <h1>Request {r.ref} recorded</h1>
      <p class="notice warn">
        Keep this token; it is shown only once and you need it to verify: <code id="token">{r.token}</code>
      </p>
      <ol>
        {r.instructions.steps.map((s) => (
          <li>{s}</li>
        ))}
      </ol>
      {r.instructions.txtRecords ? (
        <table>
          <thead>
            <tr>
              <th scope="col">TXT record name</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {r.instructions.txtRecords.map((t) => (
              <tr>
                <td>
                  <code>{t.name}</code>
                </td>
                <td>
                  <code>{t.value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {r.instructions.file ? (
        <p>
          Serve <code>{r.instructions.file.url}</code> with the content <code>{r.instructions.file.content}</code>.
        </p>
      ) : null}
      <VerifyForm ref={r.ref} token={r.token} />
    </Layout>,
  )
}

export async function optOutVerifyPost(c: Context<AppEnv>, app: InternalApp): Promise<Response> {
  const f = await formFields(c)
  const ref = (f.get('ref') ?? '').slice(0, 16)
  const token = (f.get('token') ?? '').slice(0, 64)
  const res = /^[A-Za-z0-9_-]+$/.test(ref) ? await callApi(app, c, `/v1/opt-outs/${ref}/verify`, { authorization: `Bearer ${token}` }, { method: 'POST' }) : null
  const ok = res?.status === 200
  const outcome = ok ? ((await res.json()) as { status: string; detail: string }) : { status: 'error', detail: res ? (await problemDetail(res, 'The check failed.')).detail : 'Unknown request.' }
  return sendPage(
    c,
    <Layout title={`Opt-out ${ref}`} section="opt-out">
      <h1>{outcome.status === 'verified' ? 'Verified: we will stop scanning these addresses' : `Request ${ref}: not verified yet`}</h1>
      <p class={`notice ${outcome.status === 'verified' ? 'ok' : 'info'}`}>{outcome.detail}</p>
      {outcome.status === 'pending' && ok ? <VerifyForm ref={ref} token={token} /> : null}
    </Layout>,
    { status: res && res.status === 429 ? 429 : 200 },
  )
}

/** The link in the RDAP challenge mail: a GET shows a button (mail scanners follow links), the POST confirms. */
export function optOutConfirmPage(c: Context<AppEnv>): Promise<Response> {
  const ref = (c.req.query('ref') ?? '').slice(0, 16)
  const code = (c.req.query('code') ?? '').slice(0, 64)
  return sendPage(
    c,
    <Layout title="Confirm opt-out" section="opt-out">
      <h1>Confirm opt-out {ref}</h1>
      <p>Confirm only if your organisation asked us to stop scanning this network.</p>
      <form method="post" action="/opt-out/confirm">
        <input type="hidden" name="ref" value={ref} />
        <input type="hidden" name="code" value={code} />
        <button type="submit">Confirm</button>
      </form>
    </Layout>,
  )
}

export async function optOutConfirmPost(c: Context<AppEnv>, app: InternalApp): Promise<Response> {
  const f = await formFields(c)
  const ref = (f.get('ref') ?? '').slice(0, 16)
  const res = /^[A-Za-z0-9_-]+$/.test(ref) ? await callApi(app, c, `/v1/opt-outs/${ref}/confirm`, {}, { method: 'POST', json: { code: (f.get('code') ?? '').slice(0, 64) } }) : null
  const ok = res?.status === 200
  const detail = ok ? 'Thank you: we will stop scanning these addresses within the hour.' : res ? (await problemDetail(res, 'That did not work.')).detail : 'Unknown request.'
  return sendPage(
    c,
    <Layout title="Confirm opt-out" section="opt-out">
      <h1>{ok ? 'Confirmed' : 'Not confirmed'}</h1>
      <p class={`notice ${ok ? 'ok' : 'bad'}`}>{detail}</p>
    </Layout>,
    { status: ok ? 200 : res?.status === 429 ? 429 : 400 },
  )
}
