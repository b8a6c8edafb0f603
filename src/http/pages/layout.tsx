/**
 * @module http/pages/layout
 * The frame of every page: skip link, header with the main navigation, the content and a
 * footer with the machine-readable links. Only same-origin stylesheet and script (the
 * CSP forbids anything inline).
 */
import type { Child } from 'hono/jsx'
import { assetUrl } from './assets.js'

export type Section = 'scanners' | 'lookup' | 'report' | 'status' | 'opt-out' | 'desk' | 'none'

const DESK_NAV: { href: string; label: string; section: Section }[] = [
  { href: '/desk', label: 'Case queue', section: 'desk' },
  { href: '/', label: 'Public scanner page', section: 'scanners' },
]

const NAV: { href: string; label: string; section: Section }[] = [
  { href: '/', label: 'Scanner ranges', section: 'scanners' },
  { href: '/lookup', label: 'Is this IP yours?', section: 'lookup' },
  { href: '/report', label: 'Report abuse', section: 'report' },
  { href: '/report/status', label: 'Report status', section: 'status' },
  { href: '/opt-out', label: 'Opt out', section: 'opt-out' },
]

export interface LayoutProps {
  title: string
  section: Section
  children?: Child
  /** The desk's signed-in bar (name of the token, sign-out form). */
  deskBar?: Child
}

export function Layout({ title, section, children, deskBar }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} · Scangate scanners`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={assetUrl('css')} />
        <link rel="alternate" type="application/atom+xml" title="Scanner range versions (Atom)" href="/v1/feed.atom" />
        <script src={assetUrl('js')} defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class={section === 'desk' ? 'site desk-bar' : 'site'}>
          <div class="wrap">
            <a class="brand" href={section === 'desk' ? '/desk' : '/'}>
              Scangate <span>{section === 'desk' ? 'abuse desk' : 'scanners'}</span>
            </a>
            <nav aria-label="Main">
              <ul>
                {(section === 'desk' ? DESK_NAV : NAV).map((n) => (
                  <li>
                    <a href={n.href} aria-current={n.section === section ? 'page' : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            {deskBar}
          </div>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {children}
        </main>
        <footer class="site-foot">
          <div class="wrap">
            <ul>
              <li>
                <a href="/v1/ranges">Ranges (JSON)</a>
              </li>
              <li>
                <a href="/v1/identity">How our scanners identify themselves</a>
              </li>
              <li>
                <a href="/v1/feed.atom">Changes (Atom)</a>
              </li>
              <li>
                <a href="/docs">API documentation</a>
              </li>
              <li>
                <a href="/desk" aria-current={section === 'desk' ? 'page' : undefined}>
                  Abuse desk sign-in
                </a>
              </li>
            </ul>
          </div>
        </footer>
      </body>
    </html>
  )
}

/** Field-level error shown above the input it belongs to (and linked with aria-describedby). */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null
  return (
    <span class="field-error" id={id}>
      {message}
    </span>
  )
}

/** The list of problems at the top of a form that failed validation; links jump to each field. */
export function ErrorSummary({ title, errors }: { title: string; errors: { href: string; message: string }[] }) {
  if (errors.length === 0) return null
  return (
    <div class="notice bad" id="error-summary" role="alert" tabindex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{title}</h2>
      <ul>
        {errors.map((e) => (
          <li>
            <a href={e.href}>{e.message}</a>
          </li>
        ))}
      </ul>
    </div>
  )
}

/** A full page with just a message (errors, not-found). */
export function MessagePage({ title, section, tone, children }: { title: string; section: Section; tone: 'ok' | 'info' | 'warn' | 'bad'; children?: Child }) {
  return (
    <Layout title={title} section={section}>
      <h1>{title}</h1>
      <div class={`notice ${tone}`}>{children}</div>
    </Layout>
  )
}
