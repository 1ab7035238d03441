// Webhooks (/admin/webhooks): the organization's subscriptions, their delivery log, add / disable / enable.
import { h } from '../lib/dom.js';
import { get, patch, optional, session } from '../lib/api.js';
import { asyncSection, table, notice, errorBox, copyButton, button } from '../lib/ui.js';
import { action } from '../lib/forms.js';

const FAMILIES = ['case', 'offer', 'promise', 'request', 'breach', 'exception', 'review', 'survey', 'system_issue', 'update', 'mail'];

function reload() { window.frontlineNavigate(location.pathname, true); }

function deliveryLog(w) {
  const slot = h('div', {});
  const d = h('details', { class: 'action' }, h('summary', {}, 'Delivery log'), slot);
  d.addEventListener('toggle', async () => {
    if (!d.open || slot.childElementCount) return;
    try {
      const r = await get('/api/v1/webhooks/' + encodeURIComponent(w.id) + '/deliveries?limit=50');
      slot.append(table(r.items, [{ key: 'at' }, { key: 'event_kind', label: 'Event' }, { key: 'attempt' }, { key: 'outcome' },
        { key: 'http_status', label: 'HTTP' }, { key: 'duration_ms', label: 'Time (ms)' }, { key: 'error' }], 'Deliveries of ' + w.url,
      { empty: 'No attempts yet.' }));
    } catch (e) { slot.append(errorBox(e, 'Could not load the log')); }
  });
  return d;
}

function hookCard(w) {
  const status = h('div', { 'aria-live': 'polite' });
  const toggle = button(w.status === 'active' ? 'Disable' : 'Enable again', async () => {
    try { await patch('/api/v1/webhooks/' + encodeURIComponent(w.id), { status: w.status === 'active' ? 'disabled' : 'active' }); reload(); } catch (e) { status.replaceChildren(errorBox(e, 'Not changed')); }
  });
  return h('li', { class: 'card' },
    h('h3', {}, w.description || w.url),
    h('p', {}, h('code', {}, w.url), ' · ', w.format, ' · ', w.kinds.join(', ')),
    h('p', {}, h('span', { class: w.status === 'active' ? 'badge' : 'badge warn' }, w.status),
      w.disabled_reason ? ' ' + w.disabled_reason : '', ' · ', String(w.events_behind), ' event(s) behind',
      w.failed_attempts ? ' · ' + w.failed_attempts + ' failed attempt(s) in a row' : ''),
    toggle, status, deliveryLog(w));
}

export async function webhooksPage() {
  const page = h('div', {});
  page.append(h('h1', {}, 'Webhooks'));
  if (session.me.role !== 'admin') { page.append(notice('Webhooks are managed by administrators.')); return page; }
  page.append(h('p', { class: 'muted' }, 'Events of the families you pick are POSTed to your URL, signed (Standard Webhooks), at least once and in order. Slack and Teams formats post to a channel\'s incoming webhook.'));
  page.append(asyncSection('Subscriptions', async () => {
    const r = await optional('/api/v1/webhooks');
    if (!r) return notice('Webhooks are not available on this server yet.');
    const secret = h('div', { 'aria-live': 'polite' });
    const add = await action('Add webhook', 'POST', '/api/v1/webhooks', {
      submit: 'Add webhook', choices: { kinds: FAMILIES.map((f) => ({ value: f, label: f })) },
      onDone: (out) => secret.replaceChildren(h('p', { class: 'ok', role: 'status' }, 'Added. Its signing secret, shown only now: ',
        h('code', {}, out.secret), ' ', copyButton(out.secret, 'Copy the signing secret'), ' ', button('Done', reload))),
    });
    return [r.items.length ? h('ul', { class: 'items' }, r.items.map(hookCard)) : notice('No webhooks yet.'), add, secret];
  }, { class: 'wide' }));
  return page;
}
