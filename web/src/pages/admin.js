import { h } from '../lib/dom.js';
import { get, patch, optional, session, operation } from '../lib/api.js';
import { asyncSection, table, notice, errorBox, csvLink } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { words, brief } from '../lib/fmt.js';


function reload() { window.frontlineNavigate(location.pathname, true); }

async function listWithAdd(listPath, createPath, cols, title, addLabel) {
  const r = await get(listPath);
  const add = createPath ? await action(addLabel, 'POST', createPath, { onDone: reload, submit: addLabel }) : null;
  return [table(r.items, cols, title, { empty: 'None yet.' }), csvLink(listPath), add];
}

function settingsForm(s) {
  const about = s.about || {};
  const values = s.settings || {};
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'api-form', 'aria-label': 'Organization settings' });
  for (const [k, v] of Object.entries(values)) {
    const id = 'set-' + k.replace(/\W/g, '-');
    const isNum = typeof v === 'number' || (v === null && !/contact/.test(k));
    form.append(h('div', { class: 'field' }, h('label', { for: id }, words(k)),
      h('input', { id, name: k, type: isNum ? 'number' : 'text', value: v === null ? '' : String(v), 'aria-describedby': about[k] ? id + '-d' : null }),
      about[k] ? h('small', { id: id + '-d', class: 'hint' }, about[k]) : null));
  }
  form.append(h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save settings')), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const changes = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      const old = values[el.name];
      const nv = el.value.trim() === '' ? null : el.type === 'number' ? Number(el.value) : el.value.trim();
      if (nv !== old) changes[el.name] = nv;
    }
    if (!Object.keys(changes).length) { status.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Nothing changed.')); return; }
    try {
      await patch('/api/v1/org/settings', { settings: changes });
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, 'Settings saved.'));
    } catch (err) { status.replaceChildren(errorBox(err, 'Settings not saved')); }
  });
  return form;
}

export async function adminPage() {
  const page = h('div', {});
  const admin = session.me.role === 'admin';
  page.append(h('h1', {}, 'Admin'), admin ? null : h('p', { class: 'muted' }, 'You can look; changes need an administrator.'));
  if (admin) page.append(h('p', {}, h('a', { href: '/admin/webhooks' }, 'Webhooks and their delivery log')));
  const grid = h('div', { class: 'grid' });
  grid.append(
    asyncSection('People', () => listWithAdd('/api/v1/people?limit=500', admin ? '/api/v1/people' : null,
      [{ key: 'name' }, { key: 'email' }, { key: 'role' }, { key: 'team' }, { key: 'location' }, { key: 'manager', render: (p) => p.manager ? brief(p.manager) : '' }, { key: 'active' }], 'People', 'Add person'), { class: 'wide' }),
    asyncSection('Teams', () => listWithAdd('/api/v1/teams', admin ? '/api/v1/teams' : null, [{ key: 'name' }, { key: 'members' }], 'Teams', 'Add team')),
    asyncSection('Locations', () => listWithAdd('/api/v1/locations', admin ? '/api/v1/locations' : null,
      [{ key: 'name' }, { key: 'tz', label: 'Time zone' }, { key: 'address' }, { key: 'hours', render: (l) => Object.entries(l.hours || {}).map(([d, t]) => d + ' ' + t).join(', ') }], 'Locations', 'Add location')),
    asyncSection('Policies', () => listWithAdd('/api/v1/policies', ['admin', 'leader'].includes(session.me.role) ? '/api/v1/policies' : null,
      null, 'Policies', 'Add policy'), { class: 'wide' }),
    asyncSection('Templates for suggested words', async () => {
      const r = await optional('/api/v1/words/templates');
      if (!r) return notice('Templates are not available on this server yet.');
      const canEdit = admin && (await operation('PUT', '/api/v1/words/templates/{key}'));
      return [h('p', { class: 'muted' }, 'Placeholders in braces ({customer}, {promise}, {promise_due}, {waiting_on} ...) are filled from the case; the words never claim what the record does not show.'),
        h('ul', { class: 'items' }, await Promise.all(r.items.map(async (t) => h('li', {},
          h('strong', {}, words(t.key)), t.customized ? h('span', { class: 'badge warn' }, ' changed') : null,
          h('blockquote', { class: 'template' }, t.text),
          canEdit ? await action('Change "' + words(t.key) + '"', 'PUT', '/api/v1/words/templates/{key}', { pathParams: { key: t.key }, preset: { text: t.text }, keep: true, onDone: reload, submit: 'Save template' }) : null))))];
    }, { class: 'wide' }),
    asyncSection('Settings: cadences, escalation delays and more', async () => settingsForm(await get('/api/v1/org/settings')), { class: 'wide' }),
  );
  page.append(grid);
  return page;
}
