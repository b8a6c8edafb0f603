/**
 * @module http/pages/receipt
 * The receipt a browser lands on after sending the report form: the reference and, once,
 * the status token from the short-lived cookie the post set (the route deletes it). The
 * token is never in a URL, so it stays out of history, logs and Referer headers.
 */
import { Layout } from './layout.js'

export function ReceiptWithToken({ reference, token }: { reference: string; token: string }) {
  return (
    <Layout title="Report received" section="report">
      <h1>Thank you, we have your report</h1>
      <div class="notice warn" role="alert">
        <h2>Save your status token now</h2>
        <p>
          It is shown only this once and we cannot show it again: we keep only a fingerprint of it. With the reference and the token you can follow
          your report; without the token, nobody can see it.
        </p>
      </div>
      <dl class="facts panel">
        <dt>Reference</dt>
        <dd>
          <strong id="report-ref">{reference}</strong>
        </dd>
        <dt>Status token</dt>
        <dd>
          <span class="secret" id="status-token">
            {token}
          </span>
        </dd>
      </dl>
      <div class="actions">
        <button type="button" data-copy="status-token" data-status="copy-status" hidden>
          Copy status token
        </button>
        <span id="copy-status" class="copy-status" role="status"></span>
      </div>
      <h2>What happens next</h2>
      <ol>
        <li>A person on our abuse desk reviews the report; until then its status is "received", then "under review".</li>
        <li>When the review is done, the status says "resolved" with the outcome in our own words.</li>
        <li>
          Follow the outcome on the <a href={`/report/status?ref=${encodeURIComponent(reference)}`}>report status page</a> with the reference and
          token, or through the API: <code>GET /v1/reports/{reference}</code> with <code>Authorization: Bearer &lt;token&gt;</code>.
        </li>
      </ol>
    </Layout>
  )
}

export function ReceiptWithoutToken({ reference }: { reference: string }) {
  return (
    <Layout title="Your report" section="report">
      <h1>Your report</h1>
      <dl class="facts panel">
        <dt>Reference</dt>
        <dd>
          <strong>{reference}</strong>
        </dd>
      </dl>
      <div class="notice info">
        <p>
          The status token for this report was shown once, right after you sent it, and is not available here any more. If you saved it, follow your
          report on the <a href={`/report/status?ref=${encodeURIComponent(reference)}`}>report status page</a>.
        </p>
      </div>
    </Layout>
  )
}

export function NotAReference() {
  return (
    <Layout title="Report not found" section="report">
      <h1>Report not found</h1>
      <div class="notice bad">
        <p>
          This is not a report reference. References look like <code>R-7K3M9Q2XTV</code>.
        </p>
      </div>
    </Layout>
  )
}
