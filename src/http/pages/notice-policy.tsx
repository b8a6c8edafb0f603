/**
 * @module http/pages/notice-policy
 * The home page's statement of the notice policy (the same words as `GET /v1/policy`).
 */
import { noticePolicy } from '../../domain/notifications/policy.js'

export function NoticePolicySection({ noticeDays, reminderDays }: { noticeDays: number; reminderDays: number }) {
  const p = noticePolicy(noticeDays, reminderDays)
  return (
    <section aria-labelledby="policy-title" id="policy" class="panel">
      <h2 id="policy-title">Our notice policy: {p.noticeDays} days</h2>
      <p>{p.additions}</p>
      <p>{p.removals}</p>
      <p>{p.exceptions}</p>
      <h3>Get told about changes</h3>
      <ul>
        {p.channels.map((ch) => (
          <li>
            <strong>{ch.channel}</strong>: {ch.subscribe} — {ch.what}
          </li>
        ))}
      </ul>
      <h3>Check that it was us</h3>
      <ul>
        <li>{p.verify.webhook}</li>
        <li>{p.verify.feed}</li>
        <li>{p.verify.email}</li>
      </ul>
      <p>
        The policy as JSON: <a href="/v1/policy">/v1/policy</a>.
      </p>
    </section>
  )
}
