/**
 * @module http/pages/assets/script
 * The one script of the web pages, served as /assets/app.js. Progressive enhancement only:
 * every page works without it (forms post, filters reload the page). With it, the range
 * table filters as you choose, the snippet follows the format picker without a reload,
 * copy buttons appear, and a few form helpers ("now" for times, a confirm before dismissing).
 * Plain browser JavaScript, no build step; it only talks to this site's public API.
 */
export const APP_JS = `(function () {
  'use strict';
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  var $$ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };

  // --- copy buttons -------------------------------------------------------------------
  function announce(el, text) {
    if (!el) return;
    el.textContent = '';
    setTimeout(function () { el.textContent = text; }, 30);
  }
  function fallbackCopy(source) {
    var range = document.createRange();
    range.selectNodeContents(source);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try { return document.execCommand('copy'); } catch (e) { return false; }
  }
  $$('button[data-copy]').forEach(function (button) {
    var target = document.getElementById(button.getAttribute('data-copy'));
    button.hidden = !target || !!target.closest('[hidden]');
    var label = button.textContent;
    var status = document.getElementById(button.getAttribute('data-status') || '');
    button.addEventListener('click', function () {
      var source = document.getElementById(button.getAttribute('data-copy'));
      if (!source) return;
      var text = source.textContent;
      var done = function (ok) {
        button.textContent = ok ? 'Copied ✓' : label;
        announce(status, ok ? 'Copied to the clipboard.' : 'Could not copy automatically: the text is selected, press Ctrl+C or ⌘C.');
        if (ok) setTimeout(function () { button.textContent = label; }, 2500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallbackCopy(source)); });
      } else {
        done(fallbackCopy(source));
      }
    });
  });

  // --- range table filters (home page) --------------------------------------------------
  var filterForm = $('#range-filters');
  var formatForm = $('#format-form');
  function filterParams() {
    var p = new URLSearchParams();
    if (!filterForm) return p;
    ['family', 'pool', 'region', 'status'].forEach(function (name) {
      var el = filterForm.elements[name];
      if (el && el.value) p.set(name, el.value);
    });
    return p;
  }
  function applyFilters() {
    var p = filterParams();
    var rows = $$('#range-table tbody tr[data-prefix]');
    var shown = 0;
    rows.forEach(function (row) {
      var keep = ['family', 'pool', 'region', 'status'].every(function (k) {
        return !p.get(k) || row.getAttribute('data-' + k) === p.get(k);
      });
      row.hidden = !keep;
      if (keep) shown++;
    });
    var empty = $('#range-table tr.empty');
    if (empty) empty.hidden = shown !== 0;
    announce($('#range-count'), 'Showing ' + shown + ' of ' + rows.length + ' ranges.');
    $$('a[data-feed-link]').forEach(function (a) {
      var q = p.toString();
      a.href = a.getAttribute('data-feed-link') + (q ? '?' + q : '');
    });
    if (formatForm) {
      ['family', 'pool', 'region', 'status'].forEach(function (k) {
        var input = formatForm.elements[k];
        if (input) input.value = p.get(k) || '';
      });
    }
    var url = new URL(location.href);
    ['family', 'pool', 'region', 'status'].forEach(function (k) {
      if (p.get(k)) url.searchParams.set(k, p.get(k)); else url.searchParams.delete(k);
    });
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    loadSnippet();
  }
  if (filterForm) {
    filterForm.addEventListener('change', applyFilters);
    filterForm.addEventListener('submit', function (e) { e.preventDefault(); applyFilters(); });
  }

  // --- format picker --------------------------------------------------------------------
  var loading = 0;
  function loadSnippet() {
    if (!formatForm) return;
    var select = formatForm.elements.format;
    var option = select.options[select.selectedIndex];
    var params = filterParams();
    var q = params.toString();
    var url = '/v1/rules/' + encodeURIComponent(select.value) + (q ? '?' + q : '');
    var ticket = ++loading;
    var pre = $('#snippet-text');
    var error = $('#snippet-error');
    var title = $('#snippet-title');
    var hint = $('#snippet-hint');
    var download = $('#snippet-download');
    var copy = $('#snippet-copy');
    var status = $('#snippet-status');
    fetch(url, { headers: { accept: 'text/plain' } }).then(function (res) {
      // The API names the file like the snippet's apply steps; the filters may have changed.
      var named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
      return res.text().then(function (text) { return { ok: res.ok, text: text, file: named && named[1] }; });
    }).then(function (r) {
      if (ticket !== loading) return;
      if (title) title.textContent = option.getAttribute('data-title') || option.textContent;
      if (hint) hint.textContent = option.getAttribute('data-hint') || '';
      var fetchUrl = $('#snippet-url');
      if (fetchUrl) fetchUrl.textContent = (fetchUrl.getAttribute('data-base') || '') + url;
      var refresh = $('#snippet-refresh');
      if (refresh) refresh.textContent = option.getAttribute('data-refresh') || '';
      ['md5', 'sha256'].forEach(function (alg) {
        var link = $('#snippet-' + alg);
        var q = url.indexOf('?');
        if (link) link.href = q === -1 ? url + '.' + alg : url.slice(0, q) + '.' + alg + url.slice(q);
      });
      if (r.ok) {
        pre.textContent = r.text;
        pre.parentElement.hidden = false;
        error.hidden = true;
        download.href = url;
        download.setAttribute('download', r.file || option.getAttribute('data-filename') || '');
        download.hidden = false;
        if (copy) copy.hidden = false;
        announce(status, 'Showing the ' + (option.getAttribute('data-title') || select.value) + ' snippet.');
      } else {
        var detail = 'No snippet for these filters.';
        try { detail = JSON.parse(r.text).detail || detail; } catch (e) { /* not JSON */ }
        error.textContent = detail;
        error.hidden = false;
        pre.parentElement.hidden = true;
        download.hidden = true;
        if (copy) copy.hidden = true;
        announce(status, detail);
      }
    }).catch(function () {
      if (ticket !== loading) return;
      error.textContent = 'Could not load the snippet; use the "Show snippet" button to load it without JavaScript.';
      error.hidden = false;
    });
    var url2 = new URL(location.href);
    url2.searchParams.set('format', select.value);
    history.replaceState(null, '', url2.pathname + url2.search + '#snippet');
  }
  if (formatForm) {
    formatForm.elements.format.addEventListener('change', loadSnippet);
    formatForm.addEventListener('submit', function (e) { e.preventDefault(); loadSnippet(); });
  }

  // --- form helpers ---------------------------------------------------------------------
  $$('button[data-now-for]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var input = document.getElementById(button.getAttribute('data-now-for'));
      if (!input) return;
      input.value = new Date().toISOString().slice(0, 16);
      input.focus();
    });
  });
  $$('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-confirm'))) e.preventDefault();
    });
  });
  // after a failed post, take keyboard and screen-reader users to the list of problems
  var summary = $('#error-summary');
  if (summary) summary.focus();
})();
`
