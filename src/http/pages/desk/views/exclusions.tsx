/**
 * @module http/pages/desk/views/exclusions
 * The exclusion list in the desk: every target the scan platform must skip (expired ones
 * marked), and, with the scope exclusions:write, the forms that add one target or remove
 * one. Each change goes through db/exclusion-actions and lands in the audit chain.
 */
import type { ExclusionRecord } from '../../../../db/exclusion-repository.js'
import { parseCidr } from '../../../../domain/cidr.js'
import { isWiderThanPolicy, type ExclusionPolicy } from '../../../../domain/exclusion-rules.js'
import { ErrorSummary, FieldError, Layout } from '../../layout.js'
import { dateTime, words } from '../../render.js'
import { Csrf } from './shared.js'

export interface ExclusionDraft {
  prefix?: string
  reason?: string
  expiresOn?: string
  overrideReason?: string
}

export interface ExclusionsPageProps {
  bar: unknown
  csrf: string
  canExclude: boolean
  policy: ExclusionPolicy
  exclusions: ExclusionRecord[]
  now: Date
  notice?: string
  error?: { message: string; field?: string }
  draft?: ExclusionDraft
}

const FIELD_IDS: Record<string, string> = {
  prefix: 'ex-prefix',
  reason: 'ex-reason',
  expiresAt: 'ex-expires',
  'override.reason': 'ex-override',
}

function wide(target: string, policy: ExclusionPolicy): boolean {
  try {
    return isWiderThanPolicy(parseCidr(target), policy)
  } catch {
    return false
  }
}

export function ExclusionsPage(p: ExclusionsPageProps) {
  const fieldError = (f: string) => (p.error?.field === f ? p.error.message : undefined)
  const general = p.error && !(p.error.field && p.error.field in FIELD_IDS) ? p.error.message : undefined
  const { ipv4, ipv6 } = p.policy.maxPrefix
  return (
    <Layout title={`${p.error ? 'Error: ' : ''}Exclusions`} section="desk" deskBar={p.bar as never}>
      <p class="small">
        <a href="/desk">← Case queue</a>
      </p>
      <h1>Excluded from scanning</h1>
      <p class="lead">
        The scan platform skips these targets for every customer. Exclusions are added one target at a time, at most a /{ipv4} (IPv4) or /{ipv6} (IPv6)
        unless overridden with a reason, and every change is in the audit trail.
      </p>
      {p.notice ? (
        <div class="notice ok" role="status" id="flash">
          <p>{p.notice}</p>
        </div>
      ) : null}
      <ErrorSummary
        title="The exclusion was not saved"
        errors={p.error && p.error.field && FIELD_IDS[p.error.field] ? [{ href: `#${FIELD_IDS[p.error.field]}`, message: p.error.message }] : []}
      />
      {general ? (
        <div class="notice bad" role="alert" id="exclusion-error">
          <p>{general}</p>
        </div>
      ) : null}
      <div class="table-wrap">
        <table class="cards" id="exclusion-table">
          <caption>Exclusions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col">Why</th>
              <th scope="col">By</th>
              <th scope="col">Until</th>
              <th scope="col">State</th>
              {p.canExclude ? <th scope="col">Remove</th> : null}
            </tr>
          </thead>
          <tbody>
            {p.exclusions.map((e) => {
              const active = e.expiresAt === null || e.expiresAt.getTime() > p.now.getTime()
              return (
                <tr data-exclusion={e.target}>
                  <td data-label="Target">
                    <code>{e.target}</code>
                    {wide(e.target, p.policy) ? (
                      <>
                        {' '}
                        <span class="badge out_of_scope_scan">wider than /{e.target.includes(':') ? ipv6 : ipv4}</span>
                      </>
                    ) : null}
                    {e.caseId ? (
                      <>
                        {' '}
                        <a class="small" href={`/desk/cases/${e.caseId}`}>
                          case
                        </a>
                      </>
                    ) : null}
                  </td>
                  <td data-label="Why">
                    {e.reason}
                    {e.overrideReason ? <span class="small muted"> (override: {e.overrideReason})</span> : null}
                  </td>
                  <td data-label="By">
                    {e.createdBy} <span class="muted small">{dateTime(e.createdAt)} via {words(e.source)}</span>
                  </td>
                  <td data-label="Until">{e.expiresAt ? dateTime(e.expiresAt) : <span class="muted">removed by hand</span>}</td>
                  <td data-label="State">{active ? <span class="badge active">in force</span> : <span class="badge neutral">expired</span>}</td>
                  {p.canExclude ? (
                    <td data-label="Remove">
                      <form method="post" action={`/desk/exclusions/${e.id}/remove`} data-confirm={`Remove the exclusion of ${e.target}? Scanners may scan it again.`}>
                        <Csrf token={p.csrf} />
                        <label class="small" for={`remove-reason-${e.id}`}>
                          Why <span class="optional">(optional)</span>
                        </label>
                        <input type="text" id={`remove-reason-${e.id}`} name="reason" maxlength={500} autocomplete="off" />
                        <button type="submit" class="secondary">
                          Remove
                        </button>
                      </form>
                    </td>
                  ) : null}
                </tr>
              )
            })}
            {p.exclusions.length === 0 ? (
              <tr>
                <td colspan={p.canExclude ? 6 : 5}>Nothing is excluded.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {p.canExclude ? (
        <>
          <h2>Exclude a target</h2>
          <form method="post" action="/desk/exclusions" id="exclusion-form">
            <Csrf token={p.csrf} />
            <div class={fieldError('prefix') ? 'field has-error' : 'field'}>
              <label for="ex-prefix">Address or block</label>
              <span class="hint" id="ex-prefix-hint">
                e.g. 203.0.113.7 or 203.0.113.0/28; at most /{ipv4} (IPv4) or /{ipv6} (IPv6)
              </span>
              <FieldError id="ex-prefix-error" message={fieldError('prefix')} />
              <input type="text" id="ex-prefix" name="prefix" value={p.draft?.prefix ?? ''} required maxlength={100} autocomplete="off" spellcheck={false} />
            </div>
            <div class={fieldError('reason') ? 'field has-error' : 'field'}>
              <label for="ex-reason">Why</label>
              <span class="hint">Kept in the list and the audit trail; no e-mail addresses.</span>
              <FieldError id="ex-reason-error" message={fieldError('reason')} />
              <input type="text" id="ex-reason" name="reason" value={p.draft?.reason ?? ''} required maxlength={500} autocomplete="off" />
            </div>
            <div class={fieldError('expiresAt') ? 'field has-error' : 'field'}>
              <label for="ex-expires">
                Until the end of <span class="optional">(optional, UTC day)</span>
              </label>
              <FieldError id="ex-expires-error" message={fieldError('expiresAt')} />
              <input type="date" id="ex-expires" name="expiresOn" value={p.draft?.expiresOn ?? ''} />
            </div>
            <div class={fieldError('override.reason') ? 'field has-error' : 'field'}>
              <label for="ex-override">
                Override: why exclude a wider block <span class="optional">(only for blocks wider than the maximum)</span>
              </label>
              <FieldError id="ex-override-error" message={fieldError('override.reason')} />
              <input type="text" id="ex-override" name="overrideReason" value={p.draft?.overrideReason ?? ''} maxlength={500} autocomplete="off" />
            </div>
            <button type="submit" class="danger">
              Exclude
            </button>
          </form>
        </>
      ) : (
        <div class="notice info">
          <p>Adding or removing exclusions needs the scope exclusions:write.</p>
        </div>
      )}
    </Layout>
  )
}
