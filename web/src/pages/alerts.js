// Alerts: read and dismiss them one at a time or all at once; each links to what it is about.
import { t } from '../lib/msg.js';
import { h } from '../lib/dom.js';
import { get, post, withQuery } from '../lib/api.js';
import { timeEl, notice, errorBox, refreshable, flash } from '../lib/ui.js';
import { onPage } from '../lib/live.js';
import { words, humanize } from '../lib/fmt.js';

const ANCHORS = { promise: '#promises', request: '#requests', exception: '#exceptions', review: '#reviews', offer: '', breach: '', policy_conflict: '' };

// Where an alert leads: its case (at the part it is about), or the page that holds the thing.
export function alertHref(a) {
  if (a.case_id) return '/cases/' + encodeURIComponent(a.case_id) + (ANCHORS[a.entity_type] || '');
  if (a.entity_type === 'system_issue' || a.entity_type === 'survey') return '/';
  if (a.entity_type === 'exception' || a.entity_type === 'policy_proposal') return '/exceptions';
  if (a.entity_type === 'rota') return '/directory';
  return null;
}

async function act(path, after, btn) {
  btn.disabled = true;
  try { await post(path); after(); } catch (e) { btn.after(errorBox(e, t('alerts.notdone'))); btn.disabled = false; }
}

// The alert list with its buttons; reload() after a change.
export function alertList(items, reload) {
  if (!items.length) return notice(t('alerts.empty'));
  return h('ul', { class: 'items alerts' }, items.map((a) => {
    const href = alertHref(a);
    const text = h('span', { dir: 'auto' }, humanize(a.message));
    return h('li', { class: a.read ? 'read' : 'unread' },
      href ? h('a', { href, onclick: () => { if (!a.read) post('/api/v1/alerts/' + encodeURIComponent(a.id) + '/read').catch(() => {}); } }, text) : text,
      h('div', { class: 'meta' }, a.read ? null : h('span', { class: 'badge warn' }, t('alerts.new')), h('span', {}, timeEl(a.created_at)), h('span', {}, words(a.kind)),
        a.read ? null : h('button', { type: 'button', class: 'small', 'aria-label': t('alerts.markread') + ': ' + humanize(a.message), onclick: (e) => act('/api/v1/alerts/' + encodeURIComponent(a.id) + '/read', reload, e.target) }, t('alerts.markread')),
        h('button', { type: 'button', class: 'small', 'aria-label': t('alerts.dismiss') + ': ' + humanize(a.message), onclick: (e) => act('/api/v1/alerts/' + encodeURIComponent(a.id) + '/dismiss', reload, e.target) }, t('alerts.dismiss')),
        a.kind === 'mail.held' && a.entity_id ? releaseButton(a) : null));
  }));
}

// Mail held for review (it failed our mail server's checks): a person who knows it is genuine puts
// it on a case after all (where its thread leads, else a new case), and is taken to that case, whose
// history says so.  (The list itself reloads at once: the release alerts the case's owner.)
function releaseButton(a) {
  const out = h('span', { 'aria-live': 'polite' });
  const btn = h('button', { type: 'button', class: 'small', 'aria-label': t('alerts.release.aria', a.message), onclick: async () => {
    btn.disabled = true;
    try {
      const r = await post('/api/v1/mail/' + encodeURIComponent(a.entity_id) + '/release', {});
      location.assign('/cases/' + encodeURIComponent(r.case_id));
    } catch (e) { out.replaceChildren(errorBox(e, t('alerts.release.failed'))); btn.disabled = false; }
  } }, t('alerts.release'));
  return h('span', {}, btn, out);
}

export async function alertsPage() {
  const page = h('div', { class: 'alerts-page' });
  const status = h('div', { 'aria-live': 'polite' });
  const sec = refreshable(t('alerts.mine'), async () => {
    const r = await get(withQuery('/api/v1/alerts', { limit: 200 }));
    return [h('p', { class: 'muted' }, r.unread ? t('alerts.unread.n', r.unread) : t('alerts.allread')), alertList(r.items, () => sec.reload())];
  }, { class: 'wide', level: 'h2', delay: 0 });
  const all = (path, done) => async (e) => {
    e.target.disabled = true;
    try { const r = await post(path); flash(status, done(r)); sec.reload(); } catch (err) { status.replaceChildren(errorBox(err, t('alerts.notdone'))); }
    e.target.disabled = false;
  };
  page.append(h('h1', {}, t('alerts.title')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: all('/api/v1/alerts/read-all', (r) => (r.changed ? t('alerts.markedread.n', r.changed) : t('alerts.nothingunread'))) }, t('alerts.markall')),
      h('button', { type: 'button', onclick: all('/api/v1/alerts/dismiss-all', (r) => (r.changed ? t('alerts.dismissed.n', r.changed) : t('alerts.nothingdismiss'))) }, t('alerts.dismissall'))),
    status, sec);
  onPage('alerts', () => sec.reload());
  return page;
}
