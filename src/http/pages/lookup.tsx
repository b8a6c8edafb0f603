/**
 * @module http/pages/lookup
 * `/lookup`: "is this IP one of yours?" A GET form (results can be linked and bookmarked);
 * the answer is exactly what `GET /v1/lookup/{ip}` says.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../app-env.js'
import { callApi, problemDetail, type InternalApp } from './internal-api.js'
import { FieldError, Layout } from './layout.js'
import { day, sendPage } from './render.js'

interface LookupAnswer {
  ip: string
  ours: boolean
  prefix?: string
  pool?: string
  region?: string
  status?: string
  activeFrom?: string
  retireAt?: string | null
}

function Answer({ a }: { a: LookupAnswer }) {
  if (!a.ours) {
    return (
      <section class="notice info" aria-labelledby="answer-title" id="answer">
        <h2 id="answer-title">
          No: <code>{a.ip}</code> is not one of our scanners
        </h2>
        <p>
          It is not in any of our published ranges, nor in one retired in the last 90 days. Please report the activity to the abuse contact of the network
          that owns the address: its RDAP or WHOIS record names it.
        </p>
      </section>
    )
  }
  const retired = a.status === 'retired'
  return (
    <section class={`notice ${retired ? 'warn' : 'ok'}`} aria-labelledby="answer-title" id="answer">
      <h2 id="answer-title">
        Yes: <code>{a.ip}</code> {retired ? 'was' : 'is'} one of our scanner addresses
      </h2>
      <dl class="facts">
        <dt>Range</dt>
        <dd>
          <code>{a.prefix}</code>
        </dd>
        <dt>Pool</dt>
        <dd>{a.pool}</dd>
        <dt>Region</dt>
        <dd>{a.region}</dd>
        <dt>Status</dt>
        <dd>
          <span class={`badge ${a.status}`}>{a.status}</span>
        </dd>
        <dt>Active from</dt>
        <dd>{a.activeFrom ? day(a.activeFrom) : '—'}</dd>
        <dt>Retires</dt>
        <dd>{a.retireAt ? day(a.retireAt) : 'not scheduled'}</dd>
      </dl>
      <p>
        We scan only systems whose owners asked us to. If you did not agree to be scanned,{' '}
        <a href={`/report?sourceIps=${encodeURIComponent(a.ip)}`}>report it to our abuse desk</a>.
      </p>
    </section>
  )
}

export async function lookupPage(c: Context<AppEnv>, app: InternalApp): Promise<Response> {
  const ip = (c.req.query('ip') ?? '').trim()
  let answer: LookupAnswer | null = null
  let error: string | undefined
  let status: 200 | 400 | 503 = 200
  if (ip !== '') {
    // '.' and '..' would be read as path segments of the API's URL, not as an address
    if (ip.length > 100 || ip === '.' || ip === '..') {
      error = 'Enter one IPv4 or IPv6 address, such as 192.0.2.10 or 2001:db8::1.'
      status = 400
    } else {
      const res = await callApi(app, c, `/v1/lookup/${encodeURIComponent(ip)}`)
      if (res.ok) answer = (await res.json()) as LookupAnswer
      else {
        error = (await problemDetail(res, 'The lookup failed; please try again.')).detail
        status = res.status === 400 ? 400 : 503
      }
    }
  }
  return sendPage(
    c,
    <Layout title={answer ? `Lookup ${answer.ip}` : 'Is this IP one of yours?'} section="lookup">
      <h1>Is this IP address one of yours?</h1>
      <p class="lead">Enter the address you saw in your logs. We check it against our published scanner ranges, including ranges retired in the last 90 days.</p>
      <form method="get" action="/lookup" class="inline-form" role="search">
        <div class={error ? 'field has-error' : 'field'}>
          <label for="ip">IP address</label>
          <span class="hint" id="ip-hint">
            IPv4 or IPv6, for example 192.0.2.10 or 2001:db8::1
          </span>
          <FieldError id="ip-error" message={error} />
          <input
            type="text"
            id="ip"
            name="ip"
            value={ip}
            inputmode="text"
            autocomplete="off"
            spellcheck={false}
            required
            aria-describedby={error ? 'ip-hint ip-error' : 'ip-hint'}
            aria-invalid={error ? 'true' : undefined}
          />
        </div>
        <button type="submit">Check address</button>
      </form>
      {answer ? <Answer a={answer} /> : null}
    </Layout>,
    { status, cache: 'no-store' },
  )
}
