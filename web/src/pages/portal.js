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
  return [h('a', { href: '#main', class: 'skip' }, t('nav.skip')),
    h('header', { class: 'top portal' }, h('div', { class: 'brand' }, h('span', {}, t('portal.title')), session.portalOrg ? h('span', { class: 'org' }, session.portalOrg) : null),
      session.portal ? h('div', { class: 'who' }, h('button', { type: 'button', class: 'link', onclick: async () => {
        try { await post('/api/v1/portal/logout'); } catch (e) { /* already gone */ }
        session.portal = false; session.csrf = null;
        location.replace('/portal');
      } }, t('nav.signout'))) : null),
    h('main', { id: 'main', tabindex: '-1', class: 'portal' }, ...content)];
}

function caseCard(c) {
  const replyId = 'reply-' + c.id;
  const status = h('div', { 'aria-live': 'polite' });
  const area = h('textarea', { id: replyId, name: 'body', rows: 3, required: true, dir: 'auto' });
  const files = fileField('/api/v1/portal/attachments');
  const form = h('form', { class: 'api-form', 'aria-label': t('portal.reply.form', c.number) }, h('div', { class: 'field' },
    h('label', { for: replyId }, t('portal.reply.label')), area, limitCounter(area, 10000)), files.wrap,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('portal.reply.send'))), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = form.elements.body.value.trim();
    if (!body) { status.replaceChildren(errorBox({ message: t('portal.reply.empty') }, t('portal.reply.notsent'))); form.elements.body.focus(); return; }
    if (area.limitOver()) { status.replaceChildren(errorBox({ message: t('portal.reply.toolong') }, t('portal.reply.notsent'))); area.focus(); return; }
    const btn = form.querySelector('button[type=submit]'); btn.disabled = true;
    try {
      const ids = files.read();
      const sent = await post('/api/v1/portal/cases/' + encodeURIComponent(c.id) + '/replies', ids ? { body, attachment_ids: ids } : { body });
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, t('portal.reply.sent')));
      updates.append(updateItem({ kind: 'reply', from: 'you', text: body, at: new Date().toISOString() }));
      if ((sent.attachments || []).length) showFiles([...shown, ...sent.attachments.map((a) => ({ ...a, from: 'you' }))]);
      form.reset(); files.reset(); area.dispatchEvent(new Event('input'));
    } catch (err) { status.replaceChildren(errorBox(err, t('portal.reply.notsent'))); } finally { btn.disabled = false; }
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
    h('h2', { id: hid }, t('portal.case', c.number), h('span', { dir: 'auto' }, c.subject)),
    h('dl', { class: 'facts' },
      h('dt', {}, t('case.fact.status')), h('dd', {}, h('span', { class: ['badge', 'st-' + c.status] }, c.status === 'open' ? t('portal.open') : t('portal.resolved')), c.resolution ? [' — ', h('span', { dir: 'auto' }, c.resolution)] : ''),
      h('dt', {}, t('portal.owner')), h('dd', { dir: 'auto' }, c.owner.first_name + (c.owner.team ? ' (' + c.owner.team + ')' : '')),
      h('dt', {}, t('portal.opened')), h('dd', {}, timeEl(c.created_at))),
    h('h3', {}, t('portal.promised')),
    c.promises && c.promises.length ? h('ul', { class: 'items' }, c.promises.map((p) => h('li', {}, h('strong', { dir: 'auto' }, p.text || p.what || ''),
      h('div', { class: 'meta' }, p.due_at ? h('span', {}, t('portal.by'), timeEl(p.due_at)) : null, p.status ? h('span', { class: ['badge', 'st-' + p.status] }, words(p.status)) : null)))) : notice(t('portal.nopromises')),
    h('h3', {}, t('portal.updates')),
    c.updates && c.updates.length ? null : notice(t('portal.noupdates')),
    updates, filesBox, form);
}

function updateItem(u) {
  return h('li', { class: ['ev', u.kind === 'reply' ? 'ev-reply' : 'ev-update'] }, h('div', { class: 'when' }, timeEl(u.at)),
    h('div', { class: 'what' }, h('span', { class: 'kind' }, u.kind === 'reply' ? t('portal.youwrote') : t('portal.from', u.from || t('portal.us'))), h('p', { class: 'text', dir: 'auto' }, u.text)));
}

export async function portalPage() {
  document.title = t('portal.title');
  const m = /[#&]token=([^&]+)/.exec(location.hash);
  if (m) {
    // the token leaves the address bar at once, and can only be used this one time anyway
    history.replaceState(null, '', '/portal');
    try {
      const s = await post('/api/v1/portal/redeem', { token: decodeURIComponent(m[1]) });
      session.csrf = s.csrf_token; session.portal = true;
    } catch (e) {
      return shell(h('h1', {}, t('portal.badlink')), errorBox(e, t('portal.link')),
        h('p', {}, t('portal.badlink.text')));
    }
  }
  try {
    const me = await get('/api/v1/portal/me');
    session.csrf = me.csrf_token || session.csrf; session.portal = true;
    session.portalOrg = me.org ? me.org.name : '';
    const cases = (await get('/api/v1/portal/cases')).items;
    document.title = t('portal.title') + ' — ' + (session.portalOrg || t('app.name'));
    return shell(h('h1', { dir: 'auto' }, t('portal.hello', me.customer.name)), h('p', { class: 'muted' }, t('portal.times')),
      cases.length ? cases.map(caseCard) : notice(t('portal.nocases')));
  } catch (e) {
    if (e.status === 401) return shell(h('h1', {}, t('portal.title')), h('p', {}, t('portal.signin')));
    return shell(h('h1', {}, t('portal.title')), errorBox(e, t('portal.loadfailed')));
  }
}
