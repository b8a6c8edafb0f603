/**
 * @module http/pages/desk/views/case-parts
 * Blocks of the case page: one report with its evidence, one linked scan session (with
 * the customer: desk only), and the history lines.
 */
import type { HistoryRecord } from '../../../../db/case-repository.js'
import type { DeskReport, SessionLink } from '../../../../db/report-repository.js'
import type { SessionRecord } from '../../../../db/session-repository.js'
import { parseCidr } from '../../../../domain/cidr.js'
import { isWiderThanPolicy, type ExclusionPolicy } from '../../../../domain/exclusion-rules.js'
import { dateTime, words } from '../../render.js'
import { mailtoHref, VERDICT_TEXT } from './shared.js'

const TEXT_TYPES = /^(text\/|application\/(json|xml)\b)/i

function evidenceText(content: Uint8Array, contentType: string): string | null {
  if (!TEXT_TYPES.test(contentType)) return null
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content)
  } catch {
    return null
  }
}

export function historyText(h: HistoryRecord): string {
  const d = h.detail as Record<string, unknown>
  const s = (v: unknown) => (v === null || v === undefined ? 'nobody' : words(String(v)))
  switch (h.action) {
    case 'created':
      return d.followsCaseId ? 'Case opened (new activity after a settled case)' : 'Case opened'
    case 'report_added':
      return `Report ${String(d.ref)} added`
    case 'reopened':
      return `Reopened by a new report (was ${s(d.from)})`
    case 'new_activity_after_settled':
      return 'New activity after this case was settled: a new report opened a linked case'
    case 'status_changed':
      return `Status ${s(d.from)} → ${s(d.to)}${d.verdict ? `, verdict ${VERDICT_TEXT[String(d.verdict)] ?? String(d.verdict)}` : ''}${d.reason ? ` (${String(d.reason)})` : ''}`
    case 'assigned':
      return `Assigned ${s(d.from)} → ${s(d.to)}`
    case 'note_added':
      return d.visibility === 'reporter'
        ? `Note added for the reporters of ${Array.isArray(d.recipients) ? d.recipients.join(', ') : 'every report then in the case'}`
        : 'Internal note added'
    case 'verdict_suggested':
      return d.to ? `Suggested verdict: ${VERDICT_TEXT[String(d.to)] ?? String(d.to)}${d.from ? ` (was ${VERDICT_TEXT[String(d.from)] ?? String(d.from)})` : ''}` : 'Suggested verdict cleared'
    case 'mail_note':
      return `E-mail report ${String(d.ref)}: ${String(d.note)}`
    case 'mail_converted':
      return `Report ${String(d.ref)} made by hand from an unparsed e-mail`
    case 'exclusions_added':
      return `Targets excluded from scanning: ${Array.isArray(d.targets) ? d.targets.join(', ') : ''}`
    case 'exclusion_added':
      return `Excluded from scanning: ${String(d.target)}`
    case 'exclusion_removed':
      return `Exclusion removed: ${String(d.target)}`
    default:
      return `${words(h.action)} ${JSON.stringify(d)}`
  }
}

function tooWide(target: string, policy: ExclusionPolicy): boolean {
  try {
    return isWiderThanPolicy(parseCidr(target, { allowBareAddress: true }), policy)
  } catch {
    return false
  }
}

export function ReportBlock({ r, policy }: { r: DeskReport; policy: ExclusionPolicy }) {
  return (
    <article class="panel" aria-labelledby={`report-${r.ref}`} data-report={r.ref}>
      <h3 id={`report-${r.ref}`}>
        {r.ref} <span class="muted small">received {dateTime(r.receivedAt)} via {r.channel}</span>
      </h3>
      <dl class="facts">
        <dt>Activity</dt>
        <dd>
          {dateTime(r.observedFrom)}
          {r.observedTo.getTime() !== r.observedFrom.getTime() ? ` to ${dateTime(r.observedTo)}` : ''}
        </dd>
        <dt>Kind</dt>
        <dd>
          {words(r.category)}
          {r.protocol ? `, ${r.protocol.toUpperCase()}` : ''}
          {r.ports?.length ? `, ports ${r.ports.join(', ')}` : ''}
        </dd>
        <dt>Target</dt>
        <dd>
          <code>{r.target}</code>
          {tooWide(r.target, policy) ? (
            <>
              {' '}
              <span class="badge neutral" data-too-wide>
                too wide to act on
              </span>
            </>
          ) : null}
        </dd>
        <dt>Sources</dt>
        <dd>
          <ul class="links">
            {r.sources.map((s) => (
              <li>
                <code>{s.ip}</code> <span class={`badge ${s.verdict}`}>{VERDICT_TEXT[s.verdict]}</span>
              </li>
            ))}
          </ul>
        </dd>
        <dt>Reporter</dt>
        <dd>
          {r.contactEmail ? <a href={mailtoHref(r.contactEmail)}>{r.contactEmail}</a> : <span class="muted">no contact address</span>}
          {r.reporterOrg ? ` (${r.reporterOrg})` : ''}
        </dd>
        {r.xarfReportId || r.xarfType ? (
          <>
            <dt>XARF</dt>
            <dd>
              {r.xarfType} {r.xarfReportId ? <code>{r.xarfReportId}</code> : null} {r.hasXarfDocument ? '(document stored)' : '(document purged)'}
            </dd>
          </>
        ) : null}
      </dl>
      {r.description ? (
        <>
          <h4>Description</h4>
          <p class="note-text">{r.description}</p>
        </>
      ) : null}
      <h4>Evidence</h4>
      {r.evidence.length === 0 ? <p class="muted">None (or already deleted under the retention policy).</p> : null}
      {r.evidence.map((e, i) => {
        const text = evidenceText(e.content, e.contentType)
        return (
          <div>
            <p class="small">
              Item {i + 1}: {e.contentType}, {e.sizeBytes} bytes{e.description ? `, ${e.description}` : ''}; SHA-256 <code>{e.sha256.slice(0, 16)}…</code>
              {e.hashStatus === 'mismatch' ? <strong> — declared hash does not match</strong> : null}
            </p>
            {text !== null ? (
              <pre class="evidence" tabindex={0} aria-label={`Evidence item ${i + 1} of ${r.ref}`}>
                {text}
              </pre>
            ) : (
              <p class="muted small">Binary content; fetch it through the API to inspect it.</p>
            )}
          </div>
        )
      })}
    </article>
  )
}

export function SessionBlock({ s, links }: { s: SessionRecord & { targetCount: number }; links: SessionLink[] }) {
  return (
    <article class="sensitive" aria-labelledby={`session-${s.id}`}>
      <h3 id={`session-${s.id}`}>
        Scan session <code>{s.externalId}</code>
      </h3>
      <dl class="facts">
        <dt>Customer</dt>
        <dd>
          <strong data-customer-ref>{s.customerRef}</strong>
        </dd>
        <dt>Scan type</dt>
        <dd>{s.scanType ?? '—'}</dd>
        <dt>Ran</dt>
        <dd>
          {dateTime(s.startedAt)} to {s.endedAt ? dateTime(s.endedAt) : 'still running'}
        </dd>
        <dt>Scanner IPs</dt>
        <dd>{s.scannerIps.join(', ')}</dd>
        <dt>Authorized</dt>
        <dd>
          {s.authorizedTargets.join(', ')}
          {s.targetCount > s.authorizedTargets.length ? ` and ${s.targetCount - s.authorizedTargets.length} more` : ''}
        </dd>
        <dt>Matches</dt>
        <dd>
          <ul class="links">
            {links.map((l) => (
              <li>
                {l.reportRef} from <code>{l.sourceIp}</code>: {l.inScope ? <span class="badge authorized_scan">in scope</span> : <span class="badge out_of_scope_scan">out of scope</span>}
              </li>
            ))}
          </ul>
        </dd>
      </dl>
    </article>
  )
}
