import { zoneSection } from './zone.js';
import { h } from '../lib/dom.js';
import { get, patch, post, optional, session, may } from '../lib/api.js';
import { asyncSection, table, notice, errorBox, csvLink, copyButton, timeEl } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { words, brief } from '../lib/fmt.js';
import { t } from '../lib/msg.js';
import { peopleChoices, teamChoices, locationChoices, skillChoices } from '../lib/pick.js';


function reload() { window.frontlineNavigate(location.pathname, true); }

async function listWithAdd(listPath, createPath, cols, title, addLabel, formOpts) {
  const r = await get(listPath);
  const add = createPath ? await action(addLabel, 'POST', createPath, { onDone: reload, submit: addLabel, ...(formOpts || {}) }) : null;
  return [table(r.items, cols, title, { empty: 'None yet.' }), csvLink(listPath), add];
}

async function personPickers() {
  const [team, location, manager] = await Promise.all([teamChoices(), locationChoices(), peopleChoices()]);
  return { team, location, manager };
}

// People, each with a form to change them and a button to deactivate or reactivate (manage_people).
async function peopleSection() {
  const r = await get('/api/v1/people?limit=500');
  const pickers = await personPickers();
  const rows = table(r.items, [{ key: 'name' }, { key: 'email' }, { key: 'role' }, { key: 'team' }, { key: 'location' },
    { key: 'manager', render: (p) => (p.manager ? brief(p.manager) : '') }, { key: 'active', render: (p) => (p.active === false ? 'no' : 'yes') }], 'People');
  const canEdit = may('manage_people');
  const add = canEdit ? await action('Add person', 'POST', '/api/v1/people', { onDone: reload, submit: 'Add person', pickers }) : null;
  const edit = canEdit ? await Promise.all(r.items.map((p) => action('Change ' + p.name, 'PATCH', '/api/v1/people/{id}', {
    pathParams: { id: p.id }, keep: true, onDone: reload, submit: 'Save ' + p.name, hide: ['active'], pickers,
    preset: { name: p.name, role: p.role, team: p.team, location: p.location, title: p.title, phone: p.phone, manager: p.manager ? p.manager.email : undefined },
  }).then((f) => f && h('div', { class: 'person-edit' }, f, h('button', { type: 'button', class: 'small', onclick: async (e) => {
    e.target.disabled = true;
    try { await patch('/api/v1/people/' + encodeURIComponent(p.id), { active: p.active === false }); reload(); } catch (err) { e.target.after(errorBox(err, 'Not changed')); e.target.disabled = false; }
  } }, (p.active === false ? 'Reactivate ' : 'Deactivate ') + p.name))))) : [];
  return [rows, csvLink('/api/v1/people?limit=500'), add, edit.length ? h('details', { class: 'action' }, h('summary', {}, 'Change or deactivate someone'), edit) : null];
}

// My account: my password and my calendar link (everyone).
export async function accountPage() {
  const me = session.me;
  const page = h('div', {});
  page.append(h('h1', {}, 'My account'),
    h('dl', { class: 'facts card' }, h('dt', {}, 'Name'), h('dd', {}, me.name), h('dt', {}, 'Email'), h('dd', {}, me.email), h('dt', {}, 'Role'), h('dd', {}, words(me.role)),
      h('dt', {}, 'Team'), h('dd', {}, me.team || '—')));
  const grid = h('div', { class: 'grid' });
  grid.append(zoneSection(),
    asyncSection('Change my password', async () => (await action('Change my password', 'POST', '/api/v1/people/{id}/password', {
      pathParams: { id: me.id }, only: ['current_password', 'password'], labels: { current_password: 'Current password', password: 'New password' },
      submit: 'Change password', doneText: 'Password changed. Other sessions stay signed in until they end.' })) || notice('Not available on this server.')),
    asyncSection('My on-call calendar link', async () => {
      const out = h('div', { 'aria-live': 'polite' });
      const skills = await skillChoices();
      const locs = await locationChoices();
      const f = await action('Make a calendar link', 'POST', '/api/v1/oncall/feeds', { submit: 'Make link', pickers: { skill: skills, area: locs },
        onDone: (r) => { const url = location.origin + r.path; out.replaceChildren(h('p', {}, 'Subscribe to this link in your calendar app (made ', timeEl(r.created_at), '):'), h('p', {}, h('code', { class: 'link-text' }, url), ' ', copyButton(url, 'Copy the calendar link'))); } });
      return [h('p', { class: 'muted' }, 'Your calendar app can show who is on call, kept up to date. The link works without signing in: keep it to yourself.'), f, out];
    }),
  );
  page.append(grid);
  return page;
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
  const admin = may('manage_org');
  page.append(h('h1', {}, 'Admin'));
  if (!may('manage_people', 'manage_org', 'edit_settings')) page.append(h('p', { class: 'muted' }, 'You can look; changes need an administrator.'));
  if (may('manage_webhooks', 'manage_org')) page.append(h('p', {}, h('a', { href: '/admin/webhooks' }, 'Webhooks and their delivery log')));
  page.append(h('p', {}, h('a', { href: '/admin/mailboxes' }, t('mbx.link'))));
  const grid = h('div', { class: 'grid' });
  grid.append(
    asyncSection('People', peopleSection, { class: 'wide' }),
    asyncSection('Teams', () => listWithAdd('/api/v1/teams', admin ? '/api/v1/teams' : null, [{ key: 'name' }, { key: 'members' }], 'Teams', 'Add team')),
    asyncSection('Locations', () => listWithAdd('/api/v1/locations', admin ? '/api/v1/locations' : null,
      [{ key: 'name' }, { key: 'tz', label: 'Time zone' }, { key: 'address' }, { key: 'hours', render: (l) => Object.entries(l.hours || {}).map(([d, t]) => d + ' ' + t).join(', ') }], 'Locations', 'Add location')),
    asyncSection('Policies', () => listWithAdd('/api/v1/policies', may('manage_policies') ? '/api/v1/policies' : null,
      null, 'Policies', 'Add policy'), { class: 'wide' }),
    asyncSection('Templates for suggested words', async () => {
      const r = await optional('/api/v1/words/templates');
      if (!r) return notice('Templates are not available on this server yet.');
      const canEdit = may('edit_templates');
      return [h('p', { class: 'muted' }, 'Placeholders in braces ({customer}, {promise}, {promise_due}, {waiting_on} ...) are filled from the case; the words never claim what the record does not show.'),
        h('ul', { class: 'items' }, await Promise.all(r.items.map(async (t) => h('li', {},
          h('strong', {}, words(t.key)), t.customized ? h('span', { class: 'badge warn' }, ' changed') : null,
          h('blockquote', { class: 'template' }, t.text),
          canEdit ? await action('Change "' + words(t.key) + '"', 'PUT', '/api/v1/words/templates/{key}', { pathParams: { key: t.key }, preset: { text: t.text }, keep: true, onDone: reload, submit: 'Save template' }) : null))))];
    }, { class: 'wide' }),
  );
  if (may('edit_settings')) grid.append(asyncSection('Settings: cadences, escalation delays and more', async () => settingsForm(await get('/api/v1/org/settings')), { class: 'wide' }));
  page.append(grid);
  return page;
}
