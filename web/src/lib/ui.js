import { h, clear, announce, uid } from './dom.js';
import { brief, isTime, fmtTime, words } from './fmt.js';
import { csvHref } from './api.js';

export function timeEl(iso) {
  if (!iso) return '';
  return h('time', { datetime: iso }, fmtTime(iso));
}

export function loading(label) {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), (label || 'Loading') + '…');
}

export function errorBox(e, what) {
  const msg = e && e.message ? e.message : String(e);
  const code = e && e.code ? ' (' + e.code + (e.field ? ', ' + e.field : '') + ')' : '';
  return h('div', { class: 'error', role: 'alert' }, h('strong', {}, (what || 'Something went wrong') + ': '), msg + code);
}

export function notice(text) { return h('p', { class: 'muted' }, text); }

// A section that fills itself: shows a loading state, then the content or a clear error.
export function asyncSection(title, load, opts = {}) {
  const hid = uid('sec');
  const body = h('div', { class: 'section-body' }, loading(opts.loadingText));
  const sec = h('section', { class: ['card', opts.class], 'aria-labelledby': hid, 'aria-busy': 'true' },
    h(opts.level || 'h2', { id: hid }, title), body);
  Promise.resolve().then(load).then((content) => {
    clear(body).append(...[content].flat().filter(Boolean).map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  }).catch((e) => { clear(body).append(errorBox(e, 'Could not load ' + title.toLowerCase())); })
    .finally(() => sec.removeAttribute('aria-busy'));
  return sec;
}

// An asyncSection that can load again (sec.reload()), e.g. when a live event says it changed.
// Reloads are spaced: several events in a burst give one reload.
export function refreshable(title, load, opts = {}) {
  const sec = asyncSection(title, load, opts);
  let timer = null;
  sec.reload = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      if (!sec.isConnected) return;
      const fresh = asyncSection(title, load, { ...opts, quiet: true });
      const body = fresh.querySelector('.section-body');
      const old = sec.querySelector('.section-body');
      // keep the old content on screen until the new one is ready
      const swap = new MutationObserver(() => { if (!body.querySelector('.loading')) { swap.disconnect(); old.replaceWith(body); } });
      swap.observe(body, { childList: true });
    }, opts.delay === undefined ? 300 : opts.delay);
  };
  return sec;
}

export function cell(v) {
  if (v instanceof Node) return v;
  if (isTime(v)) return timeEl(v);
  return brief(v);
}

// A data table.  columns: [{key, label, render(item)}]; defaults to the scalar fields of the rows.
export function table(items, columns, caption, opts = {}) {
  if (!items || !items.length) return notice(opts.empty || 'Nothing here.');
  const cols = columns || autoColumns(items);
  const t = h('table', {},
    caption ? h('caption', { class: opts.captionVisible ? '' : 'sr-only' }, caption) : null,
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c.label || words(c.key))))),
    h('tbody', {}, items.map((it) => h('tr', {}, cols.map((c, i) => {
      const v = c.render ? c.render(it) : it[c.key];
      return i === 0 ? h('th', { scope: 'row' }, cell(v)) : h('td', {}, cell(v));
    })))));
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption || 'table' }, t);
}

export function autoColumns(items) {
  const keys = [];
  for (const it of items.slice(0, 20)) {
    for (const [k, v] of Object.entries(it)) {
      if (keys.includes(k) || k === 'id' || k.endsWith('_id') || k === 'org_id') continue;
      if (Array.isArray(v) && v.length && typeof v[0] === 'object') continue;
      if (v && typeof v === 'object' && !Array.isArray(v) && brief(v) === '') continue;
      keys.push(k);
    }
  }
  return keys.slice(0, 8).map((k) => ({ key: k }));
}

export function csvLink(path, label) {
  return h('a', { href: csvHref(path), class: 'csv', download: 'frontline.csv' }, label || 'Download CSV');
}

export function button(label, onclick, opts = {}) {
  return h('button', { type: opts.type || 'button', class: opts.class, onclick, 'aria-label': opts.aria }, label);
}

export function flash(container, text, kind) {
  const p = h('p', { class: kind === 'error' ? 'error' : 'ok', role: kind === 'error' ? 'alert' : 'status' }, text);
  container.prepend(p);
  announce(text);
  setTimeout(() => p.remove(), 8000);
}

export function copyButton(text, label) {
  const b = h('button', { type: 'button', class: 'copy', 'aria-label': label || 'Copy to clipboard' }, 'Copy');
  b.addEventListener('click', async () => {
    let ok = false;
    try { await navigator.clipboard.writeText(text); ok = true; } catch (e) {
      const ta = h('textarea', { class: 'offscreen', 'aria-hidden': 'true', tabindex: '-1' });
      ta.value = text; document.body.append(ta); ta.select();
      try { ok = document.execCommand('copy'); } catch (e2) { ok = false; }
      ta.remove();
    }
    b.textContent = ok ? 'Copied' : 'Copy failed';
    announce(ok ? 'Copied to the clipboard' : 'Could not copy; select the text instead');
    setTimeout(() => { b.textContent = 'Copy'; }, 2500);
  });
  return b;
}

// A placeholder now, replaced by what the promise gives (e.g. a form built from the API document).
export function later(promise) {
  const slot = document.createElement('span');
  Promise.resolve(promise).then((el) => { if (el) slot.replaceWith(el); else slot.remove(); }).catch(() => slot.remove());
  return slot;
}
