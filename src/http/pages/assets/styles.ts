/**
 * @module http/pages/assets/styles
 * The one stylesheet of the web pages, served as /assets/app.css (the CSP allows no inline
 * styles). Colours are chosen for at least 4.5:1 contrast on their backgrounds; focus is a
 * yellow ring with a dark edge, visible on the light pages and on the dark header alike.
 * Below 40rem tables turn into stacked cards so nothing needs sideways scrolling on a phone.
 */
export const APP_CSS = `
:root {
  --ink: #1b1f24;
  --muted: #4b5563;
  --line: #c9d1db;
  --bg: #ffffff;
  --panel: #f3f5f8;
  --brand: #0b2545;
  --link: #0a4fb5;
  --link-visited: #5b2a86;
  --ok-bg: #e2f4e7; --ok-ink: #12502a;
  --info-bg: #e3edff; --info-ink: #0b3b8c;
  --warn-bg: #fff0d1; --warn-ink: #6b4100;
  --bad-bg: #fde8ea; --bad-ink: #9b1024;
  --focus: #ffdd00;
  --radius: 6px;
  color-scheme: light;
}
*, *::before, *::after { box-sizing: border-box; }
/* author display rules (buttons, grids) must not un-hide what the page hides */
[hidden] { display: none !important; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--ink); background: var(--bg);
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif;
}
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
a { color: var(--link); text-underline-offset: 0.15em; }
a:visited { color: var(--link-visited); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 0; box-shadow: 0 0 0 6px var(--ink); }
a:focus-visible { background: var(--focus); color: var(--ink); }
main:focus { outline: none; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 1.5rem 0 0.75rem; }
h2 { font-size: 1.4rem; line-height: 1.25; margin: 2rem 0 0.75rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 0.5rem; }
p, ul, ol, dl { margin: 0 0 1rem; }
code, pre, kbd { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.92em; }
code { background: var(--panel); padding: 0.05em 0.3em; border-radius: 3px; overflow-wrap: anywhere; }
.lead { font-size: 1.125rem; max-width: 48rem; }
.muted { color: var(--muted); }
.small { font-size: 0.9rem; }

/* skip link and header */
.skip { position: absolute; left: 0.5rem; top: -3rem; padding: 0.5rem 0.75rem; background: var(--focus); color: var(--ink); z-index: 10; }
.skip:focus { top: 0.5rem; }
.site { background: var(--brand); color: #fff; }
.site .wrap { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 1.5rem; padding-top: 0.75rem; padding-bottom: 0.75rem; }
.brand { color: #fff; font-weight: 700; font-size: 1.2rem; text-decoration: none; }
.brand:visited { color: #fff; }
.brand span { font-weight: 400; opacity: 0.9; }
.site nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; margin: 0; padding: 0; }
.site nav a, .site nav a:visited { color: #fff; text-decoration: none; padding: 0.25rem 0; border-bottom: 3px solid transparent; }
.site nav a:hover { border-bottom-color: #9fb6d6; }
.site nav a[aria-current="page"] { border-bottom-color: #fff; font-weight: 600; }
.site nav a:focus-visible { color: var(--ink); }
.desk-bar { background: #3b1d5e; }
.desk-signout { margin: 0 0 0 auto; display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem; }
.desk-signout button { min-height: 2.25rem; padding: 0.2rem 0.8rem; }
footer.site-foot { border-top: 1px solid var(--line); margin-top: 3rem; padding: 1.25rem 0 2rem; color: var(--muted); font-size: 0.95rem; }
footer.site-foot ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; }

/* panels, notices, badges */
.panel { background: var(--panel); border-radius: var(--radius); padding: 1rem 1.25rem; margin: 0 0 1.25rem; }
.panel > h2:first-child { margin-top: 0; font-size: 1.2rem; }
.panel > :last-child { margin-bottom: 0; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1rem; margin: 0 0 1rem; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.facts dd ul { margin: 0; }
.notice { border-left: 6px solid; border-radius: var(--radius); padding: 0.75rem 1rem; margin: 0 0 1.25rem; }
.notice > :last-child { margin-bottom: 0; }
.notice h2, .notice h3 { margin-top: 0; font-size: 1.15rem; }
.notice.ok { background: var(--ok-bg); border-color: #1e7a40; color: var(--ok-ink); }
.notice.info { background: var(--info-bg); border-color: #2458c6; color: var(--info-ink); }
.notice.warn { background: var(--warn-bg); border-color: #b36b00; color: var(--warn-ink); }
.notice.bad { background: var(--bad-bg); border-color: #c4162f; color: var(--bad-ink); }
.notice a { color: inherit; }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 999px; font-size: 0.85rem; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.badge.active, .badge.resolved, .badge.authorized_scan, .badge.received { background: var(--ok-bg); color: var(--ok-ink); border-color: #9ccfab; }
.badge.announced, .badge.investigating, .badge.under_review, .badge.open, .badge.not_our_ip { background: var(--info-bg); color: var(--info-ink); border-color: #a9c0ef; }
.badge.retiring, .badge.awaiting_customer, .badge.our_ip_no_session { background: var(--warn-bg); color: var(--warn-ink); border-color: #e2bd7a; }
.badge.out_of_scope_scan, .badge.dismissed, .badge.closed { background: var(--bad-bg); color: var(--bad-ink); border-color: #eba6b0; }
.badge.neutral { background: var(--panel); color: var(--ink); border-color: var(--line); }
.steps { display: flex; gap: 1.5rem; list-style: none; padding: 0; margin: 0.5rem 0; }
.steps li[aria-current] { text-decoration: underline; }

/* tables (cards on narrow screens) */
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 0 0 1rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0 0.5rem; }
th, td { text-align: left; padding: 0.5rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); font-size: 0.95rem; white-space: nowrap; }
tr.upcoming { background: #fffaf0; }
tr.upcoming td:first-child { box-shadow: inset 4px 0 0 #b36b00; }
tr.announced-row td:first-child { box-shadow: inset 4px 0 0 #2458c6; }
td.prefix { font-family: ui-monospace, Menlo, Consolas, monospace; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
@media (max-width: 40rem) {
  table.cards caption { display: block; }
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
  table.cards tr { border: 1px solid var(--line); border-radius: var(--radius); margin: 0 0 0.75rem; padding: 0.25rem 0.5rem; }
  table.cards td.nowrap, table.cards td.prefix { white-space: normal; }
  table.cards td { border: 0; padding: 0.2rem 0; display: grid; grid-template-columns: 7.5rem 1fr; gap: 0.5rem; }
  table.cards td::before { content: attr(data-label); font-weight: 600; color: var(--muted); font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif; }
  table.cards td > .badge { justify-self: start; }
  tr.upcoming td:first-child, tr.announced-row td:first-child { box-shadow: none; }
  tr.upcoming, tr.announced-row { border-left: 6px solid #b36b00 !important; }
  tr.announced-row { border-left-color: #2458c6 !important; }
}

/* forms */
form { margin: 0 0 1rem; }
fieldset { border: 1px solid var(--line); border-radius: var(--radius); padding: 0.75rem 1rem 1rem; margin: 0 0 1.25rem; }
legend { font-weight: 700; padding: 0 0.35rem; }
.field { margin: 0 0 1.1rem; max-width: 40rem; }
.field label, .label { display: block; font-weight: 600; margin-bottom: 0.2rem; }
.hint { display: block; color: var(--muted); font-size: 0.92rem; margin: 0 0 0.35rem; }
.optional { font-weight: 400; color: var(--muted); }
input[type="text"], input[type="email"], input[type="password"], input[type="search"], input[type="datetime-local"], input[type="date"], select, textarea {
  font: inherit; color: var(--ink); background: #fff; width: 100%; max-width: 40rem;
  border: 2px solid #5f6b7a; border-radius: 4px; padding: 0.45rem 0.55rem; min-height: 2.75rem;
}
textarea { min-height: 6rem; resize: vertical; }
textarea.code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9rem; }
select { width: auto; min-width: 12rem; }
input[aria-invalid="true"], textarea[aria-invalid="true"], select[aria-invalid="true"] { border-color: #c4162f; border-width: 3px; }
.field-error { display: block; color: var(--bad-ink); font-weight: 600; margin: 0 0 0.35rem; }
.field-error::before { content: "⚠ "; }
.field.has-error { border-left: 4px solid #c4162f; padding-left: 0.75rem; }
.radios { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; }
.radios label { font-weight: 400; display: inline-flex; align-items: center; gap: 0.4rem; }
input[type="radio"], input[type="checkbox"] { width: 1.25rem; height: 1.25rem; accent-color: var(--brand); }
.inline-form { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: flex-end; }
.inline-form .field { margin: 0; }
.filters { display: flex; flex-wrap: wrap; gap: 0.75rem 1rem; align-items: flex-end; }
.filters .field { margin: 0; }
.filters select, .filters input { min-width: 9rem; }
button[data-now-for] { margin-top: 0.5rem; }
.filters input[type="text"] { width: 13rem; }
.panel h4 { margin: 0.9rem 0 0.25rem; font-size: 1rem; }
.panel h4 + p { margin-bottom: 0.5rem; }
.hp { position: absolute !important; left: -10000px; top: auto; width: 1px; height: 1px; overflow: hidden; }

/* buttons */
button, .button {
  font: inherit; font-weight: 600; cursor: pointer; display: inline-flex; align-items: center; gap: 0.4rem;
  min-height: 2.75rem; padding: 0.45rem 1rem; border-radius: 4px; border: 2px solid var(--brand);
  background: var(--brand); color: #fff; text-decoration: none;
}
.button:visited { color: #fff; }
button:hover, .button:hover { background: #163a66; }
button.secondary, .button.secondary { background: #fff; color: var(--brand); }
button.secondary:hover, .button.secondary:hover { background: var(--panel); }
.button.secondary:visited { color: var(--brand); }
button.danger { background: #a3122a; border-color: #a3122a; }
button.danger:hover { background: #7f0d20; }
button:focus-visible, .button:focus-visible { background: var(--focus); color: var(--ink); border-color: var(--ink); }
button[disabled] { opacity: 0.6; cursor: not-allowed; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; margin: 0 0 1rem; }

/* snippets and secrets */
.snippet { position: relative; }
.snippet pre {
  background: #111827; color: #f3f4f6; border-radius: var(--radius); padding: 1rem; margin: 0 0 0.75rem;
  overflow: auto; max-height: 28rem; font-size: 0.88rem; line-height: 1.45; white-space: pre;
}
.snippet pre:focus-visible { box-shadow: 0 0 0 6px var(--focus); }
.secret { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 1.15rem; background: #fff; border: 2px dashed #b36b00; padding: 0.5rem 0.75rem; border-radius: 4px; display: inline-block; overflow-wrap: anywhere; color: var(--ink); }
.copy-status { font-weight: 600; color: var(--ok-ink); }
.links { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; padding: 0; list-style: none; }

/* desk */
.counts { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; padding: 0; margin: 0 0 1.25rem; }
.counts a, .counts span.current { display: inline-flex; gap: 0.5rem; align-items: center; border: 2px solid var(--line); border-radius: var(--radius); padding: 0.35rem 0.75rem; text-decoration: none; color: var(--ink); }
.counts a:visited { color: var(--ink); }
.counts span.current { border-color: var(--brand); background: var(--panel); font-weight: 700; }
.counts strong { font-size: 1.15rem; }
.timeline { list-style: none; padding: 0; margin: 0 0 1rem; border-left: 3px solid var(--line); }
.timeline li { padding: 0.25rem 0 0.6rem 1rem; position: relative; }
.timeline li::before { content: ""; position: absolute; left: -0.45rem; top: 0.6rem; width: 0.6rem; height: 0.6rem; border-radius: 50%; background: var(--brand); }
.note { border: 1px solid var(--line); border-radius: var(--radius); padding: 0.6rem 0.9rem; margin: 0 0 0.75rem; }
.note.reporter { border-left: 5px solid #2458c6; }
.note.internal { border-left: 5px solid #6b7280; }
.note p { white-space: pre-wrap; margin: 0.25rem 0 0; }
pre.evidence { background: var(--panel); padding: 0.75rem; border-radius: var(--radius); overflow: auto; max-height: 18rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.two-col { display: grid; gap: 0 2rem; grid-template-columns: minmax(0, 2fr) minmax(16rem, 1fr); }
@media (max-width: 56rem) { .two-col { grid-template-columns: minmax(0, 1fr); } }
.sensitive { border: 2px solid #6b3fa0; border-radius: var(--radius); padding: 0.75rem 1rem; margin: 0 0 1rem; }
.sensitive > h3:first-child { margin-top: 0; }

@media (max-width: 40rem) {
  h1 { font-size: 1.55rem; }
  .facts { grid-template-columns: 1fr; gap: 0 0; }
  .facts dd { margin-bottom: 0.5rem; }
  select { width: 100%; }
  .filters .field, .filters select, .filters input { width: 100%; }
}
@media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; } }
`
