// Webhooks (/admin/webhooks): the organization's subscriptions, their delivery log, add / disable / enable.
import { h } from '../lib/dom.js';
import { get, patch, optional, session } from '../lib/api.js';
import { asyncSection, table, notice, errorBox, copyButton, button } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { t } from '../lib/msg.js';

const FAMILIES = ['case', 'offer', 'promise', 'request', 'breach', 'exception', 'review', 'survey', 'system_issue', 'update', 'mail'];

function reload() { window.frontlineNavigate(location.pathname, true); }

function deliveryLog(w) {
  const slot = h('div', {});
  const d = h('details', { class: 'action' }, h('summary', {}, t('hook.log')), slot);
  d.addEventListener('toggle', async () => {
    if (!d.open || slot.childElementCount) return;
    try {
      const r = await get('/api/v1/webhooks/' + encodeURIComponent(w.id) + '/deliveries?limit=50');
      slot.append(table(r.items, [{ key: 'at' }, { key: 'event_kind', label: t('hook.col.event') }, { key: 'attempt' }, { key: 'outcome' },
        { key: 'http_status', label: t('hook.col.http') }, { key: 'duration_ms', label: t('hook.col.ms') }, { key: 'error' }], t('hook.deliveries', w.url),
      { empty: t('hook.noattempts') }));
    } catch (e) { slot.append(errorBox(e, t('hook.log.failed'))); }
  });
  return d;
}

function hookCard(w) {
  const status = h('div', { 'aria-live': 'polite' });
  const toggle = button(w.status === 'active' ? t('hook.disable') : t('hook.enable'), async () => {
    try { await patch('/api/v1/webhooks/' + encodeURIComponent(w.id), { status: w.status === 'active' ? 'disabled' : 'active' }); reload(); } catch (e) { status.replaceChildren(errorBox(e, t('admin.notchanged'))); }
  });
  return h('li', { class: 'card' },
    h('h3', {}, w.description || w.url),
    h('p', {}, h('code', {}, w.url), ' · ', w.format, ' · ', w.kinds.join(', ')),
    h('p', {}, h('span', { class: w.status === 'active' ? 'badge' : 'badge warn' }, w.status),
      w.disabled_reason ? ' ' + w.disabled_reason : '', ' · ', String(w.events_behind), t('hook.behind'),
      w.failed_attempts ? t('hook.failed', w.failed_attempts) : ''),
    toggle, status, deliveryLog(w));
}

export async function webhooksPage() {
  const page = h('div', {});
  page.append(h('h1', {}, t('hook.title')));
  if (session.me.role !== 'admin') { page.append(notice(t('hook.adminonly'))); return page; }
  page.append(h('p', { class: 'muted' }, t('hook.intro')));
  page.append(asyncSection(t('hook.subs'), async () => {
    const r = await optional('/api/v1/webhooks');
    if (!r) return notice(t('hook.unavailable'));
    const secret = h('div', { 'aria-live': 'polite' });
    const add = await action(t('hook.add'), 'POST', '/api/v1/webhooks', {
      submit: t('hook.add'), choices: { kinds: FAMILIES.map((f) => ({ value: f, label: f })) },
      onDone: (out) => secret.replaceChildren(h('p', { class: 'ok', role: 'status' }, t('hook.added'),
        h('code', {}, out.secret), ' ', copyButton(out.secret, t('hook.secret.copy')), ' ', button(t('hook.done'), reload))),
    });
    return [r.items.length ? h('ul', { class: 'items' }, r.items.map(hookCard)) : notice(t('hook.none')), add, secret];
  }, { class: 'wide' }));
  return page;
}
