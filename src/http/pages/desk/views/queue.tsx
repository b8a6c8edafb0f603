/**
 * @module http/pages/desk/views/queue
 * The case queue: counts per status, filters, and one row per case.
 */
import type { CaseRecord } from '../../../../db/case-repository.js'
import { CASE_STATUSES, type CaseStatus } from '../../../../domain/intake/case-state.js'
import { VERDICTS } from '../../../../domain/intake/verdicts.js'
import { ErrorSummary, Layout } from '../../layout.js'
import { dateTime, words } from '../../render.js'
import { Verdict, VERDICT_TEXT } from './shared.js'

export interface QueueFilter {
  status: string
  verdict: string
  assignee: string
  from: string
  to: string
}

export interface QueueProps {
  bar: unknown
  counts: Record<CaseStatus, number>
  cases: CaseRecord[]
  filter: QueueFilter
  errors: { field: string; message: string }[]
  next: string | null
  notice?: string
}

function queueLink(filter: QueueFilter, over: Partial<QueueFilter>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...filter, ...over })) if (v) p.set(k, v)
  const q = p.toString()
  return q ? `/desk?${q}` : '/desk'
}

export function QueuePage({ bar, counts, cases, filter, errors, next, notice }: QueueProps) {
  const total = CASE_STATUSES.reduce((n, s) => n + counts[s], 0)
  const err = (f: string) => errors.find((e) => e.field === f)?.message
  return (
    <Layout title="Case queue" section="desk" deskBar={bar as never}>
      <h1>Case queue</h1>
      {notice ? (
        <div class="notice ok" role="status">
          <p>{notice}</p>
        </div>
      ) : null}
      <nav aria-label="Cases by status">
        <ul class="counts">
          <li>
            {filter.status === '' ? (
              <span class="current" aria-current="page">
                All <strong>{total}</strong>
              </span>
            ) : (
              <a href={queueLink(filter, { status: '' })}>
                All <strong>{total}</strong>
              </a>
            )}
          </li>
          {CASE_STATUSES.map((s) => (
            <li>
              {filter.status === s ? (
                <span class="current" aria-current="page" data-status-count={s}>
                  {words(s)} <strong>{counts[s]}</strong>
                </span>
              ) : (
                <a href={queueLink(filter, { status: s })} data-status-count={s}>
                  {words(s)} <strong>{counts[s]}</strong>
                </a>
              )}
            </li>
          ))}
        </ul>
      </nav>
      <ErrorSummary title="Some filters are not valid" errors={errors.map((e) => ({ href: `#q-${e.field}`, message: `${e.field}: ${e.message}` }))} />
      <form method="get" action="/desk" class="filters" aria-label="Filter cases">
        <div class="field">
          <label for="q-status">Status</label>
          <select id="q-status" name="status">
            <option value="">Any</option>
            {CASE_STATUSES.map((s) => (
              <option value={s} selected={filter.status === s}>
                {words(s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="q-verdict">Verdict</label>
          <select id="q-verdict" name="verdict" aria-invalid={err('verdict') ? 'true' : undefined}>
            <option value="">Any</option>
            {VERDICTS.map((v) => (
              <option value={v} selected={filter.verdict === v}>
                {VERDICT_TEXT[v]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="q-assignee">Assignee</label>
          <input type="text" id="q-assignee" name="assignee" value={filter.assignee} placeholder="name, or none" autocomplete="off" />
        </div>
        <div class="field">
          <label for="q-from">From day</label>
          <input type="date" id="q-from" name="from" value={filter.from} aria-invalid={err('from') ? 'true' : undefined} />
        </div>
        <div class="field">
          <label for="q-to">To day</label>
          <input type="date" id="q-to" name="to" value={filter.to} aria-invalid={err('to') ? 'true' : undefined} />
        </div>
        <button type="submit" class="secondary">
          Filter
        </button>
      </form>
      <div class="table-wrap">
        <table class="cards" id="case-table">
          <caption>Cases, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Day</th>
              <th scope="col">Status</th>
              <th scope="col">Verdict</th>
              <th scope="col">Reports</th>
              <th scope="col">Assignee</th>
              <th scope="col">Last report</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((k) => (
              <tr data-case-id={k.id}>
                <td data-label="Case">
                  <a href={`/desk/cases/${k.id}`}>
                    <code>{k.scannerIp}</code> → <code>{k.targetPrefix}</code>
                  </a>
                  {k.followsCaseId ? (
                    <>
                      {' '}
                      <span class="badge awaiting_customer" data-after-settled title="A report came in after an earlier case of this scanner, block and day was settled">
                        new activity after resolution
                      </span>
                    </>
                  ) : null}
                </td>
                <td data-label="Day">{k.day}</td>
                <td data-label="Status">
                  <span class={`badge ${k.status}`}>{words(k.status)}</span>
                </td>
                <td data-label="Verdict">
                  <Verdict k={k} />
                </td>
                <td data-label="Reports">{k.reportCount}</td>
                <td data-label="Assignee">{k.assignee ?? <span class="muted">nobody</span>}</td>
                <td data-label="Last report">{dateTime(k.lastReportAt)}</td>
              </tr>
            ))}
            {cases.length === 0 ? (
              <tr>
                <td colspan={7}>No case matches these filters.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {next ? (
        <p>
          <a href={queueLink(filter, {}) + (queueLink(filter, {}).includes('?') ? '&' : '?') + `cursor=${encodeURIComponent(next)}`}>Older cases →</a>
        </p>
      ) : null}
    </Layout>
  )
}
