// The customer portal: a customer opens the single-use link they were sent and sees their own
// cases, what was promised and by when, the updates and files addressed to them; they can reply,
// with files.
import { h } from '../lib/dom.js';
import { api, get, post, session } from '../lib/api.js';
import { timeEl, notice, errorBox, loading } from '../lib/ui.js';
import { limitCounter } from '../lib/forms.js';
import { words } from '../lib/fmt.js';
import { fileField, fileList } from '../lib/attach.js';
import { t } from '../lib/msg.js';

function shell(...content) {
  return [h('a', { href: '#main', class: 'skip' }, 'Skip to content'),
    h('header', { class: 'top portal' }, h('div', { class: 'brand' }, h('span', {}, 'Your cases'), session.portalOrg ? h('span', { class: 'org' }, session.portalOrg) : null),
      session.portal ? h('div', { class: 'who' }, h('button', { type: 'button', class: 'link', onclick: async () => {
        try { await post('/api/v1/portal/logout'); } catch (e) { /* already gone */ }
        session.portal = false; session.csrf = null;
        location.replace('/portal');
      } }, 'Sign out')) : null),
    h('main', { id: 'main', tabindex: '-1', class: 'portal' }, ...content)];
}

function caseCard(c) {
  const replyId = 'reply-' + c.id;
  const status = h('div', { 'aria-live': 'polite' });
  const area = h('textarea', { id: replyId, name: 'body', rows: 3, required: true, dir: 'auto' });
  const files = fileField('/api/v1/portal/attachments');
  const form = h('form', { class: 'api-form', 'aria-label': 'Reply on case ' + c.number }, h('div', { class: 'field' },
    h('label', { for: replyId }, 'Write to us about this case'), area, limitCounter(area, 10000)), files.wrap,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Send reply')), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = form.elements.body.value.trim();
    if (!body) { status.replaceChildren(errorBox({ message: 'Please write a message first.' }, 'Not sent')); form.elements.body.focus(); return; }
    if (area.limitOver()) { status.replaceChildren(errorBox({ message: 'The message is too long: shorten it before sending.' }, 'Not sent')); area.focus(); return; }
    const btn = form.querySelector('button[type=submit]'); btn.disabled = true;
    try {
      const ids = files.read();
      const sent = await post('/api/v1/portal/cases/' + encodeURIComponent(c.id) + '/replies', ids ? { body, attachment_ids: ids } : { body });
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, 'Sent. We will get back to you.'));
      updates.append(updateItem({ kind: 'reply', from: 'you', text: body, at: new Date().toISOString() }));
      if ((sent.attachments || []).length) showFiles([...shown, ...sent.attachments.map((a) => ({ ...a, from: 'you' }))]);
      form.reset(); files.reset(); area.dispatchEvent(new Event('input'));
    } catch (err) { status.replaceChildren(errorBox(err, 'Not sent')); } finally { btn.disabled = false; }
  });
  const updates = h('ol', { class: 'timeline' }, (c.updates || []).map(updateItem));
  // the files written for the customer: theirs and those sent with our replies
  const filesBox = h('div', { class: 'portal-files' });
  let shown = [];
  const showFiles = (list) => {
    shown = list;
    filesBox.replaceChildren(h('h3', {}, t('attach.files')), list.length
      ? fileList(list, (f) => '/api/v1/portal/attachments/' + encodeURIComponent(f.id), t('attach.files') + ' — ' + c.subject) : notice(t('attach.none')));
  };
  showFiles(c.attachments || []);
  const hid = 'pc-' + c.id;
  return h('section', { class: 'card portal-case', 'aria-labelledby': hid },
    h('h2', { id: hid }, 'Case ' + c.number + ': ', c.subject),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', {}, h('span', { class: ['badge', 'st-' + c.status] }, c.status === 'open' ? 'Open — we are working on it' : 'Resolved'), c.resolution ? ' — ' + c.resolution : ''),
      h('dt', {}, 'Looking after it'), h('dd', {}, c.owner.first_name + (c.owner.team ? ' (' + c.owner.team + ')' : '')),
      h('dt', {}, 'Opened'), h('dd', {}, timeEl(c.created_at))),
    h('h3', {}, 'What we promised'),
    c.promises && c.promises.length ? h('ul', { class: 'items' }, c.promises.map((p) => h('li', {}, h('strong', {}, p.text || p.what || ''),
      h('div', { class: 'meta' }, p.due_at ? h('span', {}, 'by ', timeEl(p.due_at)) : null, p.status ? h('span', { class: ['badge', 'st-' + p.status] }, words(p.status)) : null)))) : notice('No promises recorded on this case.'),
    h('h3', {}, 'Updates'),
    c.updates && c.updates.length ? null : notice('No updates yet.'),
    updates, filesBox, form);
}

function updateItem(u) {
  return h('li', { class: ['ev', u.kind === 'reply' ? 'ev-reply' : 'ev-update'] }, h('div', { class: 'when' }, timeEl(u.at)),
    h('div', { class: 'what' }, h('span', { class: 'kind' }, u.kind === 'reply' ? 'You wrote' : 'From ' + (u.from || 'us')), h('p', { class: 'text' }, u.text)));
}

export async function portalPage() {
  document.title = 'Your cases';
  const m = /[#&]token=([^&]+)/.exec(location.hash);
  if (m) {
    // the token leaves the address bar at once, and can only be used this one time anyway
    history.replaceState(null, '', '/portal');
    try {
      const s = await post('/api/v1/portal/redeem', { token: decodeURIComponent(m[1]) });
      session.csrf = s.csrf_token; session.portal = true;
    } catch (e) {
      return shell(h('h1', {}, 'This link cannot be used'), errorBox(e, 'Sign-in link'),
        h('p', {}, 'Sign-in links work once and expire. Please ask us for a new one.'));
    }
  }
  try {
    const me = await get('/api/v1/portal/me');
    session.csrf = me.csrf_token || session.csrf; session.portal = true;
    session.portalOrg = me.org ? me.org.name : '';
    const cases = (await get('/api/v1/portal/cases')).items;
    document.title = 'Your cases — ' + (session.portalOrg || 'Frontline');
    return shell(h('h1', {}, 'Hello, ' + me.customer.name), h('p', { class: 'muted' }, 'Times are shown in your time zone.'),
      cases.length ? cases.map(caseCard) : notice('You have no cases with us.'));
  } catch (e) {
    if (e.status === 401) return shell(h('h1', {}, 'Your cases'), h('p', {}, 'Please open the sign-in link we sent you. Links work once and expire; ask us for a new one if yours has.'));
    return shell(h('h1', {}, 'Your cases'), errorBox(e, 'Could not load your cases'));
  }
}
