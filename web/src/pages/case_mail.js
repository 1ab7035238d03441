// The case page's email: every message in and out with its delivery status, "show original"
// (always as text, never as HTML), the reply box (with files), and the case's files.
import { h } from '../lib/dom.js';
import { get } from '../lib/api.js';
import { table, timeEl, errorBox } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { words } from '../lib/fmt.js';
import { fileField, fileList } from '../lib/attach.js';
import { t } from '../lib/msg.js';

const badge = (st) => h('span', { class: ['badge', 'st-' + String(st).replace(/[^a-z_]/g, '')] }, words(st));

function originalButton(m) {
  const out = h('div', { 'aria-live': 'polite' });
  const btn = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    if (out.firstChild) { out.replaceChildren(); btn.textContent = 'Show original'; return; }
    try {
      const o = await get('/api/v1/mail/' + encodeURIComponent(m.id) + '/original');
      const att = o.attachments || [];
      out.replaceChildren(h('pre', { class: 'mail-original' }, o.raw),
        ...(att.length ? [h('p', {}, 'Attachments: ', ...att.map((a, i) => [i ? ', ' : '',
          h('a', { href: '/api/v1/mail/attachments/' + encodeURIComponent(a.id), download: a.filename || 'attachment' }, a.filename || 'attachment'),
          ' (' + a.size + ' bytes)']))] : []));
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

// The case's files (sent with replies, attached in the portal, received by email), to download.
export function attachmentsPart(list) {
  return fileList(list, (f) => f.download, t('case.part.attachments'));
}

// The reply box: an email to the customer, recorded as an outbound contact.  When a promise is at
// risk and the customer has not been told, the honest words are already in it (c.mail_draft).
async function replyBox(c, onDone) {
  const draft = c.mail_draft;
  const d = await action(draft ? 'Tell ' + c.customer.email + ' a promise is at risk' : 'Reply by email to ' + c.customer.email, 'POST', '/api/v1/cases/{id}/replies', {
    pathParams: { id: c.id }, onDone, preset: draft ? { body: draft.body } : {},
    intro: draft ? 'A promise on this case is at risk and the customer has not heard it from us. These words say what was promised, why it is at risk and when they will hear next; change them as you like.' : null,
    custom: { attachment_ids: () => fileField('/api/v1/attachments') },
    doneText: 'Reply queued; it goes out by email and counts as an update to the customer.', submit: 'Send reply', labels: { body: 'Your reply' } });
  if (d && draft) d.open = true;
  return d;
}

// Propose a new time for a pending promise; the customer's "yes" in reply moves it.
async function proposeBox(c, onDone) {
  const pending = (c.promises || []).filter((p) => p.status === 'pending');
  if (!pending.length) return [];
  const asked = (c.mail_proposals || []).map((p) => h('li', {}, 'New time ', timeEl(p.due_at), ' proposed: ', badge(p.status)));
  const boxes = await Promise.all(pending.map((p) => action('Propose a new time by email for "' + p.what + '"', 'POST', '/api/v1/promises/{id}/propose', {
    pathParams: { id: p.id }, onDone, submit: 'Send proposal',
    intro: 'The promise does not move until the customer agrees: their "yes" in reply is recorded as the consent, with their message as the evidence.',
    doneText: 'Proposal queued; the customer can accept it by replying.', labels: { due_at: 'New time', note: 'Why (in your words)' } })));
  return [asked.length ? h('ul', { class: 'mail-proposals', 'aria-label': 'Times proposed by email' }, asked) : null, ...boxes];
}

export async function replyForm(c, onDone) {
  if (!c.customer || !c.customer.email) return null;
  const [reply, propose] = await Promise.all([replyBox(c, onDone), proposeBox(c, onDone)]);
  if (!propose.length) return reply;
  return h('div', { class: 'mail-actions' }, reply, ...propose);
}
