import { t } from '../lib/msg.js';
import { zoneSection } from './zone.js';
import { h } from '../lib/dom.js';
import { get, patch, post, optional, session, may } from '../lib/api.js';
import { asyncSection, table, notice, errorBox, csvLink, copyButton, timeEl } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { words, brief, apiText } from '../lib/fmt.js';
import { peopleChoices, teamChoices, locationChoices, skillChoices } from '../lib/pick.js';


function reload() { window.frontlineNavigate(location.pathname, true); }

async function listWithAdd(listPath, createPath, cols, title, addLabel, formOpts) {
  const r = await get(listPath);
  const add = createPath ? await action(addLabel, 'POST', createPath, { onDone: reload, submit: addLabel, ...(formOpts || {}) }) : null;
  return [table(r.items, cols, title, { empty: t('admin.none') }), csvLink(listPath), add];
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
    { key: 'manager', render: (p) => (p.manager ? brief(p.manager) : '') }, { key: 'active', render: (p) => (p.active === false ? t('no') : t('yes')) }], t('dir.people'));
  const canEdit = may('manage_people');
  const add = canEdit ? await action(t('admin.person.add'), 'POST', '/api/v1/people', { onDone: reload, submit: t('admin.person.add'), pickers }) : null;
  const edit = canEdit ? await Promise.all(r.items.map((p) => action(t('admin.person.change', p.name), 'PATCH', '/api/v1/people/{id}', {
    pathParams: { id: p.id }, keep: true, onDone: reload, submit: t('admin.person.save', p.name), hide: ['active'], pickers,
    preset: { name: p.name, role: p.role, team: p.team, location: p.location, title: p.title, phone: p.phone, manager: p.manager ? p.manager.email : undefined },
  }).then((f) => f && h('div', { class: 'person-edit' }, f, h('button', { type: 'button', class: 'small', onclick: async (e) => {
    e.target.disabled = true;
    try { await patch('/api/v1/people/' + encodeURIComponent(p.id), { active: p.active === false }); reload(); } catch (err) { e.target.after(errorBox(err, t('admin.notchanged'))); e.target.disabled = false; }
  } }, t(p.active === false ? 'admin.person.reactivate' : 'admin.person.deactivate', p.name)))))) : [];
  return [rows, csvLink('/api/v1/people?limit=500'), add, edit.length ? h('details', { class: 'action' }, h('summary', {}, t('admin.person.edit')), edit) : null];
}

// My account: my password and my calendar link (everyone).
export async function accountPage() {
  const me = session.me;
  const page = h('div', {});
  page.append(h('h1', {}, t('account.title')),
    h('dl', { class: 'facts card' }, h('dt', {}, t('field.name')), h('dd', { dir: 'auto' }, me.name), h('dt', {}, t('field.email')), h('dd', {}, me.email), h('dt', {}, t('field.role')), h('dd', {}, words(me.role)),
      h('dt', {}, t('field.team')), h('dd', { dir: 'auto' }, me.team || '—')));
  const grid = h('div', { class: 'grid' });
  grid.append(zoneSection(),
    asyncSection(t('account.password'), async () => (await action(t('account.password'), 'POST', '/api/v1/people/{id}/password', {
      pathParams: { id: me.id }, only: ['current_password', 'password'], labels: { current_password: t('account.password.current'), password: t('account.password.new') },
      submit: t('account.password.submit'), doneText: t('account.password.done') })) || notice(t('form.unavailable'))),
    asyncSection(t('account.calendar'), async () => {
      const out = h('div', { 'aria-live': 'polite' });
      const skills = await skillChoices();
      const locs = await locationChoices();
      const f = await action(t('account.calendar.make'), 'POST', '/api/v1/oncall/feeds', { submit: t('account.calendar.submit'), pickers: { skill: skills, area: locs },
        onDone: (r) => { const url = location.origin + r.path; out.replaceChildren(h('p', {}, t('account.calendar.made'), timeEl(r.created_at), '):'), h('p', {}, h('code', { class: 'link-text' }, url), ' ', copyButton(url, t('account.calendar.copy')))); } });
      return [h('p', { class: 'muted' }, t('account.calendar.intro')), f, out];
    }),
  );
  page.append(grid);
  return page;
}

function settingsForm(s) {
  const about = s.about || {};
  const values = s.settings || {};
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'api-form', 'aria-label': t('admin.settings.aria') });
  for (const [k, v] of Object.entries(values)) {
    const id = 'set-' + k.replace(/\W/g, '-');
    const isNum = typeof v === 'number' || (v === null && !/contact/.test(k));
    form.append(h('div', { class: 'field' }, h('label', { for: id }, t.has('setting.' + k) ? t('setting.' + k) : words(k)),
      h('input', { id, name: k, type: isNum ? 'number' : 'text', value: v === null ? '' : String(v), 'aria-describedby': about[k] ? id + '-d' : null }),
      about[k] ? h('small', { id: id + '-d', class: 'hint' }, apiText(about[k])) : null));
  }
  form.append(h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('admin.settings.save'))), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const changes = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      const old = values[el.name];
      const nv = el.value.trim() === '' ? null : el.type === 'number' ? Number(el.value) : el.value.trim();
      if (nv !== old) changes[el.name] = nv;
    }
    if (!Object.keys(changes).length) { status.replaceChildren(h('p', { class: 'muted', role: 'status' }, t('admin.settings.nochange'))); return; }
    try {
      await patch('/api/v1/org/settings', { settings: changes });
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, t('admin.settings.saved')));
    } catch (err) { status.replaceChildren(errorBox(err, t('admin.settings.notsaved'))); }
  });
  return form;
}

export async function adminPage() {
  const page = h('div', {});
  const admin = may('manage_org');
  page.append(h('h1', {}, t('nav.admin')));
  if (!may('manage_people', 'manage_org', 'edit_settings')) page.append(h('p', { class: 'muted' }, t('admin.lookonly')));
  if (may('manage_webhooks', 'manage_org')) page.append(h('p', {}, h('a', { href: '/admin/webhooks' }, t('admin.webhooks'))));
  page.append(h('p', {}, h('a', { href: '/admin/mailboxes' }, t('mbx.link'))));
  const grid = h('div', { class: 'grid' });
  grid.append(
    asyncSection(t('dir.people'), peopleSection, { class: 'wide' }),
    asyncSection(t('admin.teams'), () => listWithAdd('/api/v1/teams', admin ? '/api/v1/teams' : null, [{ key: 'name' }, { key: 'members' }], t('admin.teams'), t('admin.teams.add'))),
    asyncSection(t('admin.locations'), () => listWithAdd('/api/v1/locations', admin ? '/api/v1/locations' : null,
      [{ key: 'name' }, { key: 'tz' }, { key: 'address' }, { key: 'hours', render: (l) => Object.entries(l.hours || {}).map(([d, span]) => words(d) + ' ' + span).join(', ') }], t('admin.locations'), t('admin.locations.add'))),
    asyncSection(t('admin.policies'), () => listWithAdd('/api/v1/policies', may('manage_policies') ? '/api/v1/policies' : null,
      null, t('admin.policies'), t('admin.policies.add')), { class: 'wide' }),
    asyncSection(t('admin.templates'), async () => {
      const r = await optional('/api/v1/words/templates');
      if (!r) return notice(t('admin.templates.unavailable'));
      const canEdit = may('edit_templates');
      return [h('p', { class: 'muted' }, t('admin.templates.intro')),
        h('ul', { class: 'items' }, await Promise.all(r.items.map(async (tp) => h('li', {},
          h('strong', {}, words(tp.key)), tp.customized ? h('span', { class: 'badge warn' }, t('admin.templates.changed')) : null,
          h('blockquote', { class: 'template' }, tp.text),
          canEdit ? await action(t('admin.templates.change', words(tp.key)), 'PUT', '/api/v1/words/templates/{key}', { pathParams: { key: tp.key }, preset: { text: tp.text }, keep: true, onDone: reload, submit: t('admin.templates.save') }) : null))))];
    }, { class: 'wide' }),
  );
  if (may('edit_settings')) grid.append(asyncSection(t('admin.settings'), async () => settingsForm(await get('/api/v1/org/settings')), { class: 'wide' }));
  page.append(grid);
  return page;
}
