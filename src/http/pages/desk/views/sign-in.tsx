/**
 * @module http/pages/desk/views/sign-in
 * The desk's sign-in page: an API token is exchanged for a session cookie.
 */
import { ErrorSummary, FieldError, Layout } from '../../layout.js'
import { Csrf } from './shared.js'

export function SignInPage({ csrf, error, notice }: { csrf: string; error?: string; notice?: string }) {
  return (
    <Layout title={error ? 'Error: abuse desk sign-in' : 'Abuse desk sign-in'} section="desk">
      <h1>Abuse desk sign-in</h1>
      {notice ? (
        <div class="notice info" role="status">
          <p>{notice}</p>
        </div>
      ) : null}
      <ErrorSummary title="Sign-in failed" errors={error ? [{ href: '#token', message: error }] : []} />
      <p class="lead">Sign in with your API token. It needs the scope reports:read to see cases and reports:triage to change them.</p>
      <form method="post" action="/desk/sign-in" id="sign-in-form">
        <Csrf token={csrf} />
        <div class={error ? 'field has-error' : 'field'}>
          <label for="token">API token</label>
          <span class="hint" id="token-hint">
            Starts with sg_. It is exchanged for a session and never stored in your browser.
          </span>
          <FieldError id="token-error" message={error} />
          <input
            type="password"
            id="token"
            name="token"
            required
            autocomplete="off"
            spellcheck={false}
            aria-describedby={error ? 'token-hint token-error' : 'token-hint'}
            aria-invalid={error ? 'true' : undefined}
          />
        </div>
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  )
}
