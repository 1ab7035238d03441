// The case page's email: every message in and out with its delivery status, "show original"
// (always as text, never as HTML), and the reply box.
import { h } from '../lib/dom.js';
import { get, hasRoute } from '../lib/api.js';
import { table, timeEl, errorBox } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { words } from '../lib/fmt.js';

const badge = (st) => h('span', { class: ['badge', 'st-' + String(st).replace(/[^a-z_]/g, '')] }, words(st));

function originalButton(m) {
  const out = h('div', { 'aria-live': 'polite' });
  const btn = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    if (out.firstChild) { out.replaceChildren(); btn.textContent = 'Show original'; return; }
    try {
      const o = await get('/api/v1/mail/' + encodeURIComponent(m.id) + '/original');
      const att = o.attachments || [];
      out.replaceChildren(h('pre', { class: 'mail-original' }, o.raw),
        ...(att.length ? [h('p', {}, 'Attachments: ' + att.map((a) => a.filename + ' (' + a.size + ' bytes)').join(', '))] : []));
      btn.textContent = 'Hide original';
    } catch (e) { out.replaceChildren(errorBox(e, 'Original not shown')); }
  } }, 'Show original');
  return h('div', {}, btn, out);
}

function delivery(m) {
  if (m.direction === 'inbound') return h('span', {}, badge(m.status), m.reason ? ' ' + words(m.reason) : '', m.parse_error ? [' ', badge(m.parse_error)] : null);
  return h('span', {}, badge(m.status), m.auto ? ' automatic' : '', m.attempts ? ' · ' + m.attempts + ' attempt' + (m.attempts > 1 ? 's' : '') : '',
    m.next_attempt_at && m.status === 'deferred' ? [' · next ', timeEl(m.next_attempt_at)] : null, m.last_error ? h('div', { class: 'muted' }, m.last_error) : null);
}

export function mailPart(list) {
  return table(list, [
    { key: 'at', label: 'When' },
    { key: 'direction', label: 'Way', render: (m) => (m.direction === 'inbound' ? 'from ' + m.from : 'to ' + m.to) },
    { key: 'subject' },
    { key: 'status', label: 'Delivery', render: delivery },
    { key: 'original', label: '', render: (m) => (m.direction === 'inbound' ? originalButton(m) : '') },
  ], 'Email in and out of this case');
}

// The reply box: an email to the customer, recorded as an outbound contact.
export async function replyForm(c, onDone) {
  if (!c.customer || !c.customer.email || !(await hasRoute('POST', '/api/v1/cases/{id}/replies'))) return null;
  return action('Reply by email to ' + c.customer.email, 'POST', '/api/v1/cases/{id}/replies', { pathParams: { id: c.id }, onDone,
    doneText: 'Reply queued; it goes out by email and counts as an update to the customer.', submit: 'Send reply', labels: { body: 'Your reply' } });
}
