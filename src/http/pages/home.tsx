/**
 * @module http/pages/home
 * `/`: the public scanner page. What the scanners are and why to allow them, the current
 * version, the range table with filters (server-side, so they work without JavaScript;
 * the script filters in place), upcoming changes, a format picker with the snippet from
 * `GET /v1/rules/{format}`, and links to the machine-readable feed.
 *
 * Everything shown comes from the published version (the same data `GET /v1/ranges`
 * serves) and from the rules endpoint itself.
 */
import type { Context } from 'hono'
import { DomainError } from '../../domain/errors.js'
import { NO_FILTER, parseFeedFilter, snippetFilterOf, type FeedFilter } from '../../domain/feed-filter.js'
import type { FeedEntry } from '../../domain/feed-version.js'
import { findFormatter, formatters, type Formatter } from '../../domain/formatters/index.js'
import { GROUP_ORDER, GROUP_TITLE, targetInfo } from '../../domain/formatters/target-info.js'
import { PUBLISHED_STATUSES } from '../../domain/range-lifecycle.js'
import type { AppEnv } from '../app-env.js'
import type { FeedContext } from '../routes/feed-context.js'
import { callApi, problemDetail, type InternalApp } from './internal-api.js'
import { Layout } from './layout.js'
import { NoticePolicySection } from './notice-policy.js'
import { day, dateTime, sendPage } from './render.js'

export const DEFAULT_FORMAT = 'nftables'
const FILTER_KEYS = ['family', 'pool', 'region', 'status'] as const

interface Row extends FeedEntry {
  family: 'ipv4' | 'ipv6'
}

function filterQuery(f: FeedFilter): string {
  const p = new URLSearchParams()
  if (f.family) p.set('family', f.family)
  if (f.pools) p.set('pool', f.pools.join(','))
  if (f.regions) p.set('region', f.regions.join(','))
  if (f.statuses) p.set('status', f.statuses.join(','))
  return p.toString()
}

function matches(r: Row, f: FeedFilter): boolean {
  return (
    (!f.family || f.family === r.family) &&
    (!f.pools || f.pools.includes(r.pool)) &&
    (!f.regions || f.regions.includes(r.region)) &&
    (!f.statuses || f.statuses.includes(r.status))
  )
}

function Select({ name, label, options, value }: { name: string; label: string; options: { value: string; label: string }[]; value: string }) {
  return (
    <div class="field">
      <label for={`filter-${name}`}>{label}</label>
      <select id={`filter-${name}`} name={name}>
        <option value="">Any</option>
        {options.map((o) => (
          <option value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  )
}

function Upcoming({ rows }: { rows: Row[] }) {
  const announced = rows.filter((r) => r.status === 'announced')
  const retiring = rows.filter((r) => r.status === 'retiring')
  if (announced.length === 0 && retiring.length === 0) return null
  return (
    <section class="notice warn" aria-labelledby="upcoming-title" id="upcoming">
      <h2 id="upcoming-title">Upcoming changes: update your allow-lists</h2>
      <ul>
        {announced.map((r) => (
          <li>
            <strong>New:</strong> <code>{r.prefix}</code> ({r.pool}, {r.region}) starts scanning on <strong>{day(r.activeFrom)}</strong>. Allow it
            before then.
          </li>
        ))}
        {retiring.map((r) => (
          <li>
            <strong>Leaving:</strong> <code>{r.prefix}</code> ({r.pool}, {r.region}) stops scanning on <strong>{day(r.retireAt!)}</strong>. You can
            remove it after that date.
          </li>
        ))}
      </ul>
    </section>
  )
}

function refreshText(f: Formatter): string {
  const { refresh } = targetInfo(f)
  return refresh.productDefault
    ? `The product fetches it by itself: ${refresh.productDefault}. We recommend ${refresh.recommended}.`
    : `Pasted or run by you: refresh ${refresh.recommended}.`
}

/** The file name the snippet's own apply steps use (and the API's Content-Disposition). */
function snippetFileName(f: Formatter, filter: FeedFilter): string {
  return f.fileName({ name: f.name.default, filter: snippetFilterOf(filter) })
}

function FormatOption({ f, selected, filter }: { f: Formatter; selected: boolean; filter: FeedFilter }) {
  return (
    <option value={f.id} selected={selected} data-title={f.title} data-hint={f.applyHint} data-refresh={refreshText(f)} data-filename={snippetFileName(f, filter)}>
      {f.title}
    </option>
  )
}

/** The picker's options under one heading per group (host firewalls, cloud, WAF & IPS, …). */
function FormatGroups({ selected, filter }: { selected: string; filter: FeedFilter }) {
  return (
    <>
      {GROUP_ORDER.map((g) => (
        <optgroup label={GROUP_TITLE[g]}>
          {formatters
            .filter((f) => targetInfo(f).group === g)
            .map((f) => (
              <FormatOption f={f} selected={f.id === selected} filter={filter} />
            ))}
        </optgroup>
      ))}
    </>
  )
}

/** '/v1/rules/x.md5?family=ipv4' for '/v1/rules/x?family=ipv4'. */
function checksumPath(path: string, algorithm: 'md5' | 'sha256'): string {
  const q = path.indexOf('?')
  return q === -1 ? `${path}.${algorithm}` : `${path.slice(0, q)}.${algorithm}${path.slice(q)}`
}

export async function homePage(c: Context<AppEnv>, app: InternalApp, feed: FeedContext): Promise<Response> {
  const query = c.req.query()
  let filter: FeedFilter = NO_FILTER
  let filterError: string | null = null
  try {
    filter = parseFeedFilter(Object.fromEntries(FILTER_KEYS.map((k) => [k, query[k]])))
  } catch (e) {
    if (!(e instanceof DomainError)) throw e
    filterError = e.message
  }

  let latest
  try {
    latest = await feed.store.latest(c.get('db'))
  } catch (e) {
    if (!(e instanceof DomainError) || e.status !== 404) throw e
    return sendPage(
      c,
      <Layout title="Scanner ranges" section="scanners">
        <h1>Our scanner address ranges</h1>
        <div class="notice info">
          <p>No version of the range list has been published yet. Please check back later.</p>
        </div>
      </Layout>,
      { status: 200, cache: 'public-short' },
    )
  }
  const { version, stale } = latest
  const v = version.version
  const rows: Row[] = [...v.lists.ipv4.map((e) => ({ ...e, family: 'ipv4' as const })), ...v.lists.ipv6.map((e) => ({ ...e, family: 'ipv6' as const }))]
  const shown = rows.filter((r) => matches(r, filter)).length
  const pools = [...new Set(rows.map((r) => r.pool))].sort()
  const regions = [...new Set(rows.map((r) => r.region))].sort()
  const signed = feed.store.signed

  let format = findFormatter(query.format ?? DEFAULT_FORMAT)
  let formatError: string | null = null
  if (!format) {
    formatError = `Unknown format '${(query.format ?? '').slice(0, 40)}'; showing ${DEFAULT_FORMAT} instead.`
    format = findFormatter(DEFAULT_FORMAT)!
  }
  const fq = filterQuery(filter)
  const snippetPath = `/v1/rules/${format.id}${fq ? `?${fq}` : ''}`
  const snippetRes = await callApi(app, c, snippetPath, { accept: 'text/plain' })
  const snippet = snippetRes.ok ? await snippetRes.text() : null
  const snippetError = snippetRes.ok ? null : (await problemDetail(snippetRes, 'No snippet is available for these filters.')).detail
  const filename = snippetFileName(format, filter)
  // the request's Host must not land in a publicly cached page: a path without PUBLIC_URL
  const origin = feed.publicUrl ?? ''
  const one = (xs: string[] | null) => (xs && xs.length === 1 ? xs[0]! : '')
  const current = { family: filter.family ?? '', pool: one(filter.pools), region: one(filter.regions), status: one(filter.statuses) }

  return sendPage(
    c,
    <Layout title="Scanner ranges" section="scanners">
      <h1>Our scanner address ranges</h1>
      <p class="lead">
        Scangate runs authorized security scans (PCI DSS external vulnerability scans and web application scans) for customers who asked us to test
        systems they own. Every scan comes from the address ranges on this page, and from nowhere else.
      </p>
      <div class="grid">
        <div class="panel">
          <h2>Why allow them?</h2>
          <p>
            A scan that your firewall or intrusion prevention blocks half-way reports a false picture, and customers then ask us to scan again. Allow
            these ranges (or at least do not block them automatically) on the systems your organisation asked us to scan.
          </p>
        </div>
        <div class="panel">
          <h2>Something looks wrong?</h2>
          <p>
            Check whether an address is ours with the <a href="/lookup">lookup</a>. If you see scanning you did not agree to,{' '}
            <a href="/report">report it</a>: our abuse desk answers every report and stops scans that were not authorized.
          </p>
        </div>
      </div>

      <NoticePolicySection noticeDays={feed.noticeDays} reminderDays={feed.reminderDays} />

      {stale ? (
        <div class="notice warn" role="status">
          <p>Our database cannot be reached right now; this is the last version we know of.</p>
        </div>
      ) : null}

      <section aria-labelledby="version-title" class="panel">
        <h2 id="version-title">Current version</h2>
        <dl class="facts">
          <dt>Serial</dt>
          <dd>
            <a href={`/v1/versions/${version.serial}`}>{version.serial}</a>
          </dd>
          <dt>Published</dt>
          <dd>
            <time datetime={v.createdAt}>{dateTime(v.createdAt)}</time>
          </dd>
          <dt>Ranges</dt>
          <dd>
            {v.counts.ipv4} IPv4, {v.counts.ipv6} IPv6
          </dd>
          <dt>SHA-256</dt>
          <dd>
            <code>{v.sha256}</code>
          </dd>
          <dt>Signature</dt>
          <dd>
            {signed ? (
              <>
                <a href={`/v1/versions/${version.serial}/signature`}>Ed25519 signature of version {version.serial}</a> ·{' '}
                <a href="/.well-known/scangate-feed-key.pem">public key (PEM)</a>
              </>
            ) : (
              <span class="muted">This server does not sign the feed.</span>
            )}
          </dd>
        </dl>
      </section>

      <Upcoming rows={rows} />

      <section aria-labelledby="ranges-title" id="ranges">
        <h2 id="ranges-title">Ranges</h2>
        <form id="range-filters" method="get" action="/#ranges" class="filters" aria-label="Filter the ranges">
          <Select name="family" label="Family" value={current.family} options={[{ value: 'ipv4', label: 'IPv4' }, { value: 'ipv6', label: 'IPv6' }]} />
          <Select name="pool" label="Pool" value={current.pool} options={pools.map((p) => ({ value: p, label: p }))} />
          <Select name="region" label="Region" value={current.region} options={regions.map((r) => ({ value: r, label: r }))} />
          <Select name="status" label="Status" value={current.status} options={PUBLISHED_STATUSES.map((s) => ({ value: s, label: s }))} />
          <input type="hidden" name="format" value={format.id} />
          <button type="submit" class="secondary">
            Apply filters
          </button>
        </form>
        {filterError ? (
          <div class="notice bad" role="alert">
            <p>{filterError}</p>
          </div>
        ) : null}
        <p id="range-count" role="status" class="muted">
          Showing {shown} of {rows.length} ranges.
        </p>
        <div class="table-wrap">
          <table id="range-table" class="cards">
            <caption>Scanner ranges in version {version.serial}</caption>
            <thead>
              <tr>
                <th scope="col">Prefix</th>
                <th scope="col">Family</th>
                <th scope="col">Pool</th>
                <th scope="col">Region</th>
                <th scope="col">Status</th>
                <th scope="col">Active from</th>
                <th scope="col">Retires</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  data-prefix={r.prefix}
                  data-family={r.family}
                  data-pool={r.pool}
                  data-region={r.region}
                  data-status={r.status}
                  class={r.status === 'retiring' ? 'upcoming' : r.status === 'announced' ? 'announced-row' : undefined}
                  hidden={!matches(r, filter)}
                >
                  <td class="prefix" data-label="Prefix">
                    {r.prefix}
                  </td>
                  <td data-label="Family">{r.family === 'ipv4' ? 'IPv4' : 'IPv6'}</td>
                  <td class="nowrap" data-label="Pool">{r.pool}</td>
                  <td class="nowrap" data-label="Region">{r.region}</td>
                  <td class="nowrap" data-label="Status">
                    <span class={`badge ${r.status}`}>{r.status}</span>
                  </td>
                  <td class="nowrap" data-label="Active from">
                    <time datetime={r.activeFrom}>{day(r.activeFrom)}</time>
                  </td>
                  <td class="nowrap" data-label="Retires">{r.retireAt ? <time datetime={r.retireAt}>{day(r.retireAt)}</time> : <span class="muted">—</span>}</td>
                  <td data-label="Description">{r.label}</td>
                </tr>
              ))}
              <tr class="empty" hidden={shown !== 0}>
                <td colspan={8}>No range matches these filters.</td>
              </tr>
            </tbody>
          </table>
        </div>
        <h3>Machine-readable</h3>
        <ul class="links">
          <li>
            <a data-feed-link="/v1/ranges" href={`/v1/ranges${fq ? `?${fq}` : ''}`}>
              JSON
            </a>
          </li>
          <li>
            <a data-feed-link="/v1/ranges.csv" href={`/v1/ranges.csv${fq ? `?${fq}` : ''}`}>
              CSV
            </a>
          </li>
          <li>
            <a data-feed-link="/v1/ranges.txt" href={`/v1/ranges.txt${fq ? `?${fq}` : ''}`}>
              Plain text
            </a>
          </li>
          <li>
            <a href="/v1/feed.atom">Atom feed of new versions</a>
          </li>
          <li>
            <a href="/v1/changes">Change log (JSON)</a>
          </li>
        </ul>
      </section>

      <section aria-labelledby="snippet-heading" id="snippet">
        <h2 id="snippet-heading">Firewall rules</h2>
        <p>Pick your firewall: we generate a ready-to-paste allow-list for the ranges selected above. The comment at the top names the version.</p>
        <form id="format-form" method="get" action="/#snippet" class="inline-form">
          <div class="field">
            <label for="format">Firewall or target</label>
            <select id="format" name="format">
              <FormatGroups selected={format.id} filter={filter} />
            </select>
          </div>
          {FILTER_KEYS.map((k) => (
            <input type="hidden" name={k} value={current[k]} />
          ))}
          <button type="submit" class="secondary">
            Show snippet
          </button>
        </form>
        {formatError ? (
          <div class="notice bad" role="alert">
            <p>{formatError}</p>
          </div>
        ) : null}
        <h3 id="snippet-title">{format.title}</h3>
        <p id="snippet-hint" class="muted">
          {format.applyHint}
        </p>
        <div class="fetch-url">
          <p>
            Fetch URL (for firewalls that download the list, and for scripts):{' '}
            <code id="snippet-url" data-base={origin}>
              {`${origin}${snippetPath}`}
            </code>{' '}
            <button type="button" id="snippet-url-copy" data-copy="snippet-url" data-status="snippet-status" hidden>
              Copy URL
            </button>
          </p>
          <p class="muted">
            <span id="snippet-refresh">{refreshText(format)}</span> Checksums of exactly these bytes:{' '}
            <a id="snippet-md5" href={checksumPath(snippetPath, 'md5')}>
              MD5
            </a>
            ,{' '}
            <a id="snippet-sha256" href={checksumPath(snippetPath, 'sha256')}>
              SHA-256
            </a>
            . All URLs answer HEAD and If-None-Match.
          </p>
        </div>
        <p id="snippet-error" class="notice bad" hidden={snippetError === null}>
          {snippetError ?? ''}
        </p>
        <div class="snippet" hidden={snippet === null}>
          <pre id="snippet-text" tabindex={0} aria-labelledby="snippet-title">
            {snippet ?? ''}
          </pre>
        </div>
        <div class="actions">
          <button type="button" id="snippet-copy" data-copy="snippet-text" data-status="snippet-status" hidden>
            Copy snippet
          </button>
          <a id="snippet-download" class="button secondary" href={snippetPath} download={filename} hidden={snippet === null}>
            Download snippet
          </a>
          <span id="snippet-status" class="copy-status" role="status"></span>
        </div>
      </section>
    </Layout>,
    { status: filterError || formatError ? 400 : 200, cache: 'public-short' },
  )
}
