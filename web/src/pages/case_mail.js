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
    if (out.firstChild) { out.replaceChildren(); btn.textContent = t('mail.original.show'); return; }
    try {
      const o = await get('/api/v1/mail/' + encodeURIComponent(m.id) + '/original');
      const att = o.attachments || [];
      out.replaceChildren(h('pre', { class: 'mail-original' }, o.raw),
        ...(att.length ? [h('p', {}, t('mail.original.files'), ...att.map((a, i) => [i ? ', ' : '',
          h('a', { href: '/api/v1/mail/attachments/' + encodeURIComponent(a.id), download: a.filename || t('mail.original.file') }, a.filename || t('mail.original.file')),
          t('mail.original.size', a.size)]))] : []));
      btn.textContent = t('mail.original.hide');
    } catch (e) { out.replaceChildren(errorBox(e, t('mail.original.failed'))); }
  } }, t('mail.original.show'));
  return h('div', {}, btn, out);
}

function delivery(m) {
  if (m.direction === 'inbound') return h('span', {}, badge(m.status), m.reason ? ' ' + words(m.reason) : '', m.parse_error ? [' ', badge(m.parse_error)] : null);
  return h('span', {}, badge(m.status), m.auto ? t('mail.auto') : '', m.attempts ? t(m.attempts > 1 ? 'mail.attempts' : 'mail.attempt', m.attempts) : '',
    m.next_attempt_at && m.status === 'deferred' ? [t('mail.next'), timeEl(m.next_attempt_at)] : null, m.last_error ? h('div', { class: 'muted' }, m.last_error) : null);
}

export function mailPart(list) {
  return table(list, [
    { key: 'at', label: t('mail.col.at') },
    { key: 'direction', label: t('mail.col.way'), render: (m) => (m.direction === 'inbound' ? t('mail.from', m.from) : t('mail.to', m.to)) },
    { key: 'subject' },
    { key: 'status', label: t('mail.col.delivery'), render: delivery },
    { key: 'original', label: '', render: (m) => (m.direction === 'inbound' ? originalButton(m) : '') },
  ], t('mail.caption'));
}

// The case's files (sent with replies, attached in the portal, received by email), to download.
export function attachmentsPart(list) {
  return fileList(list, (f) => f.download, t('case.part.attachments'));
}

// The reply box: an email to the customer, recorded as an outbound contact.  When a promise is at
// risk and the customer has not been told, the honest words are already in it (c.mail_draft).
async function replyBox(c, onDone) {
  const draft = c.mail_draft;
  const d = await action(draft ? t('mail.reply.atrisk', c.customer.email) : t('mail.reply', c.customer.email), 'POST', '/api/v1/cases/{id}/replies', {
    pathParams: { id: c.id }, onDone, preset: draft ? { body: draft.body } : {},
    intro: draft ? t('mail.reply.atrisk.intro') : null,
    custom: { attachment_ids: () => fileField('/api/v1/attachments') },
    doneText: t('mail.reply.done'), submit: t('mail.reply.send'), labels: { body: t('mail.reply.body') } });
  if (d && draft) d.open = true;
  return d;
}

// Propose a new time for a pending promise; the customer's "yes" in reply moves it.
async function proposeBox(c, onDone) {
  const pending = (c.promises || []).filter((p) => p.status === 'pending');
  if (!pending.length) return [];
  const asked = (c.mail_proposals || []).map((p) => h('li', {}, t('mail.proposed.a'), timeEl(p.due_at), t('mail.proposed.b'), badge(p.status)));
  const boxes = await Promise.all(pending.map((p) => action(t('mail.propose', p.what), 'POST', '/api/v1/promises/{id}/propose', {
    pathParams: { id: p.id }, onDone, submit: t('mail.propose.send'),
    intro: t('mail.propose.intro'),
    doneText: t('mail.propose.done'), labels: { due_at: t('mail.propose.due'), note: t('mail.propose.why') } })));
  return [asked.length ? h('ul', { class: 'mail-proposals', 'aria-label': t('mail.proposed') }, asked) : null, ...boxes];
}

export async function replyForm(c, onDone) {
  if (!c.customer || !c.customer.email) return null;
  const [reply, propose] = await Promise.all([replyBox(c, onDone), proposeBox(c, onDone)]);
  if (!propose.length) return reply;
  return h('div', { class: 'mail-actions' }, reply, ...propose);
}
