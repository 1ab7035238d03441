import { h, clear, announce, uid } from './dom.js';
import { brief, isTime, fmtTime, words, label as fieldLabel, viewerZone } from './fmt.js';
import { csvHref } from './api.js';
import { t } from './msg.js';

// A time in the person's zone, named ("Nov 30, 2026, 5:08 PM CST"; the full zone name on hover).
export function timeEl(iso) {
  if (!iso) return '';
  return h('time', { datetime: iso, title: viewerZone() }, fmtTime(iso));
}

// Confirmations that outlive a redraw: a person's own change ("Reply queued ...") stays on screen
// when the page is drawn again, by their own refresh or by a live update, until it is dismissed or
// a quarter of a minute has passed.  main.js puts them at the top of every page drawn for that path.
const kept = [];
export function keepNotice(text) {
  kept.push({ text, path: location.pathname, until: Date.now() + 15000 });
}
export function keptNotices() {
  const now = Date.now();
  for (let i = kept.length - 1; i >= 0; i--) if (kept[i].until < now) kept.splice(i, 1);
  const mine = kept.filter((k) => k.path === location.pathname);
  if (!mine.length) return null;
  const box = h('div', { class: 'kept-notices', role: 'status' }, mine.map((k) => {
    const p = h('p', { class: 'ok notice' }, k.text, ' ');
    p.append(h('button', { type: 'button', class: 'link', onclick: () => { kept.splice(kept.indexOf(k), 1); p.remove(); } }, t('notice.dismiss')));
    return p;
  }));
  return box;
}

export function loading(label) {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('loading.ellipsis', label || t('loading')));
}

export function errorBox(e, what) {
  const msg = e && e.message ? e.message : String(e);
  // the API's stable code stays out of sight (a person reads the message), kept for support and tests
  return h('div', { class: 'error', role: 'alert', 'data-code': (e && e.code) || null, 'data-field': (e && e.field) || null },
    h('strong', {}, (what || t('error.generic')) + ': '), msg);
}

export function notice(text) { return h('p', { class: 'muted' }, text); }

// A section that fills itself: shows a loading state, then the content or a clear error.
export function asyncSection(title, load, opts = {}) {
  const hid = uid('sec');
  const body = h('div', { class: 'section-body' }, loading(opts.loadingText));
  const sec = h('section', { class: ['card', opts.class], id: opts.id, 'aria-labelledby': hid, 'aria-busy': 'true' },
    h(opts.level || 'h2', { id: hid }, title), body);
  Promise.resolve().then(load).then((content) => {
    clear(body).append(...[content].flat().filter(Boolean).map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  }).catch((e) => { clear(body).append(errorBox(e, t('error.load', title.toLowerCase()))); })
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
      const fresh = asyncSection(title, load, { ...opts, id: null, quiet: true });
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
  if (!items || !items.length) return notice(opts.empty || t('nothing.here'));
  const cols = columns || autoColumns(items);
  const tb = h('table', {},
    caption ? h('caption', { class: opts.captionVisible ? '' : 'sr-only' }, caption) : null,
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c.label || fieldLabel(c.key))))),
    h('tbody', {}, items.map((it) => h('tr', {}, cols.map((c, i) => {
      const v = c.render ? c.render(it) : it[c.key];
      return i === 0 ? h('th', { scope: 'row', dir: 'auto' }, cell(v)) : h('td', { dir: 'auto' }, cell(v));
    })))));
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption || t('table') }, tb);
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

// The file name a CSV download gets: what it holds, as the server names it (src/http/api.c csv_name):
// frontline-breaches-by-cause-from-2026-03-01-to-2026-03-10.csv
export function csvName(path) {
  const [p, qs] = path.split('?');
  const q = new URLSearchParams(qs || '');
  const slug = (x) => String(x).toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const segs = p.replace(/^\/api\/v1\//, '').split('/').filter((x) => x && x !== 'reports' && !/^[a-z]+_[0-9A-Z]{20,}$/.test(x)).map(slug);
  for (const [k, pre] of [['by', 'by-'], ['view', ''], ['status', ''], ['from', 'from-'], ['to', 'to-']]) if (q.get(k)) segs.push(pre + slug(q.get(k).slice(0, 10)));
  return ('frontline-' + segs.join('-')).replace(/-+/g, '-').replace(/-$/, '') + '.csv';
}

export function csvLink(path, label) {
  return h('a', { href: csvHref(path), class: 'csv', download: csvName(path) }, label || t('csv.download'));
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
  const b = h('button', { type: 'button', class: 'copy', 'aria-label': label || t('copy.aria') }, t('copy'));
  b.addEventListener('click', async () => {
    let ok = false;
    try { await navigator.clipboard.writeText(text); ok = true; } catch (e) {
      const ta = h('textarea', { class: 'offscreen', 'aria-hidden': 'true', tabindex: '-1' });
      ta.value = text; document.body.append(ta); ta.select();
      try { ok = document.execCommand('copy'); } catch (e2) { ok = false; }
      ta.remove();
    }
    b.textContent = ok ? t('copy.done') : t('copy.failed');
    announce(ok ? t('copy.said') : t('copy.said.failed'));
    setTimeout(() => { b.textContent = t('copy'); }, 2500);
  });
  return b;
}

// A placeholder now, replaced by what the promise gives (e.g. a form built from the API document).
export function later(promise) {
  const slot = document.createElement('span');
  Promise.resolve(promise).then((el) => { if (el) slot.replaceWith(el); else slot.remove(); }).catch(() => slot.remove());
  return slot;
}
