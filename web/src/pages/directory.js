import { h, uid } from '../lib/dom.js';
import { get, optional, withQuery, session, may, api } from '../lib/api.js';
import { asyncSection, notice, table, csvLink, timeEl, errorBox } from '../lib/ui.js';
import { words } from '../lib/fmt.js';
import { action } from '../lib/forms.js';
import { peopleChoices, skillChoices, locationChoices } from '../lib/pick.js';

const reload = () => window.frontlineNavigate(location.pathname + location.search, true);

// One rota as its managers see it: who is on call now, its overrides (cancel one), cover a shift,
// change its name, time zone or retire it.
async function rotaCard(r, people) {
  const full = await get('/api/v1/rotas/' + encodeURIComponent(r.id));
  const cancel = (o) => h('button', { type: 'button', class: 'small', onclick: async (e) => {
    e.target.disabled = true;
    try { await api('DELETE', '/api/v1/rotas/' + encodeURIComponent(r.id) + '/overrides/' + encodeURIComponent(o.id)); reload(); } catch (err) { e.target.after(errorBox(err, 'Not cancelled')); e.target.disabled = false; }
  } }, 'Cancel');
  return h('li', {}, h('strong', {}, full.name), ' ', h('span', { class: 'muted' }, (full.skill ? full.skill.name : '') + (full.location ? ' · ' + full.location.name : full.region ? ' · ' + full.region : '') + ' · ' + full.tz),
    full.active === false ? h('span', { class: 'badge' }, 'retired') : null,
    h('div', { class: 'meta' }, (full.on_call_now || []).map((n) => h('span', {}, words(n.layer) + ': ' + (n.person ? n.person.name : 'nobody') + (n.override ? ' (covering)' : '') + ' until ', timeEl(n.until)))),
    (full.overrides || []).length ? table(full.overrides, [{ key: 'person', render: (o) => (o.person ? o.person.name : '') }, { key: 'layer' }, { key: 'start', label: 'From' }, { key: 'end', label: 'Until' }, { key: 'reason' },
      { key: 'act', label: 'Act', render: cancel }], 'Overrides of ' + full.name) : null,
    await action('Cover a shift (override)', 'POST', '/api/v1/rotas/{id}/overrides', { pathParams: { id: r.id }, onDone: reload, submit: 'Add override', pickers: { person: people },
      labels: { person: 'Who covers', start: 'From', end: 'Until' }, doneText: 'Override added.' }),
    await action('Change this rota', 'PATCH', '/api/v1/rotas/{id}', { pathParams: { id: r.id }, onDone: reload, submit: 'Save rota', hide: ['layers'], keep: true,
      preset: { name: full.name, tz: full.tz, active: full.active !== false }, doneText: 'Rota changed.' }));
}

async function rotas() {
  const r = await optional('/api/v1/rotas');
  if (!r) return notice('Rotas are not available on this server yet.');
  const list = table(r.items, [{ key: 'name' }, { key: 'skill' }, { key: 'area' }, { key: 'tz', label: 'Time zone' }, { key: 'layers' }], 'Rotas', { empty: 'No rotas yet.' });
  if (!may('manage_rotas')) return list;
  const people = await peopleChoices();
  const cards = await Promise.all(r.items.map((x) => rotaCard(x, people)));
  const add = await action('Create a rota', 'POST', '/api/v1/rotas', { onDone: reload, submit: 'Create rota', pickers: { skill: await skillChoices(), location: await locationChoices() } });
  return [h('ul', { class: 'items rotas' }, cards), add];
}

async function writeArticle() {
  if (!may('author')) return null;
  return action('Write a knowledge article', 'POST', '/api/v1/articles', { submit: 'Publish article', doneText: 'Published: anyone can find it now.', labels: { tags: 'Tags (JSON list, e.g. ["billing"])' } });
}

function select(label, name, options, value) {
  const id = uid('d');
  return h('div', { class: 'field' }, h('label', { for: id }, label),
    h('select', { id, name }, options.map((o) => h('option', { value: o.value, selected: o.value === value ? true : null }, o.label))));
}

// A small search form whose results replace `out` (keeps the form and the answer together for screen readers).
function searchForm(label, fields, run, auto) {
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'api-form inline', role: 'search', 'aria-label': label }, fields, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Search')));
  let seq = 0;
  const go = async () => {
    const mine = ++seq; // only the latest search may show its answer (the first, automatic one can come back last)
    out.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Searching…'));
    let shown;
    try { shown = [await run(form.elements)].flat().filter(Boolean); } catch (e) { shown = [errorBox(e, 'Search failed')]; }
    if (mine === seq) out.replaceChildren(...shown);
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); go(); });
  if (auto) go();
  return h('div', {}, form, out);
}

const REASONS = { on_call: 'on call', in_hours: 'at work now', override: 'covering' };

async function whoCanHelp(skills, locations) {
  const mine = session.me.location_id ? (locations.find((l) => l.id === session.me.location_id) || {}).name : null;
  return searchForm('Who can help now', [
    select('Help with', 'skill', skills.map((s) => ({ value: s.name, label: s.name }))),
    select('Near', 'near', [{ value: '', label: 'Where I am' }, ...locations.map((l) => ({ value: l.name, label: l.name }))], mine || ''),
  ], async (el) => {
    const path = withQuery('/api/v1/oncall/who', { skill: el.skill.value, near: el.near.value });
    const r = await get(path);
    if (!r.items.length) return notice('Nobody found for ' + el.skill.value + ' right now. Check the coverage gaps below.');
    return h('ul', { class: 'items people' }, r.items.map((x) => h('li', {},
      h('strong', {}, x.person.name), ' ', h('span', { class: ['badge', x.reason === 'on_call' ? 'ok' : ''] }, REASONS[x.reason] || words(x.reason || '')),
      h('div', { class: 'meta' }, x.person.title ? h('span', {}, x.person.title) : null, x.person.team ? h('span', {}, x.person.team) : null,
        x.location ? h('span', {}, x.location.name + (x.distance ? ' (' + words(x.distance).toLowerCase() + ')' : '')) : null,
        x.until ? h('span', {}, 'until ', timeEl(x.until)) : null, x.rota ? h('span', {}, x.rota.name) : null),
      h('div', { class: 'meta' }, x.person.phone ? h('span', {}, 'Phone: ' + x.person.phone) : null, x.person.email ? h('span', {}, 'Email: ' + x.person.email) : null))));
  }, skills.length > 0);
}

async function coverage(skills) {
  return searchForm('Coverage gaps', [select('Skill', 'skill', skills.map((s) => ({ value: s.name, label: s.name })))], async (el) => {
    const path = withQuery('/api/v1/oncall/coverage', { skill: el.skill.value });
    const r = await get(path);
    return [h('p', { class: 'muted' }, 'Hours with nobody on call, ', timeEl(r.from), ' to ', timeEl(r.to), '.'),
      ...r.items.map((a) => h('div', { class: 'coverage' },
        h('h3', {}, (a.skill ? a.skill.name : '') + ' — ' + (a.area ? a.area.name : '')),
        h('p', {}, a.covered_hours + ' hours covered, ', h('strong', {}, a.gap_hours + ' hours with nobody on call'), a.rotas && a.rotas.length ? ' (rotas: ' + a.rotas.join(', ') + ')' : ''),
        table(a.gaps || [], [{ key: 'start', label: 'From' }, { key: 'end', label: 'To' }, { key: 'hours' }], 'Gaps in ' + (a.area ? a.area.name : ''), { empty: 'No gaps.' })))];
  }, skills.length > 0);
}

async function knowledge() {
  const kq = new URLSearchParams(location.search).get('kq') || '';
  const id = uid('k');
  return searchForm('Knowledge search', [h('div', { class: 'field' }, h('label', { for: id }, 'Search the knowledge base'), h('input', { id, name: 'q', type: 'search', value: kq }))], async (el) => {
    if (!el.q.value.trim()) return notice('Type a few words, e.g. "billing dispute".');
    const r = await get(withQuery('/api/v1/articles/search', { q: el.q.value }));
    if (!r.items.length) return notice('No article matches.');
    return h('ul', { class: 'items' }, r.items.map((a) => h('li', {}, h('details', {}, h('summary', {}, a.title),
      h('div', { class: 'article-body', 'data-id': a.id }, h('p', { class: 'muted' }, (a.snippet || '').replace(/[[\]]/g, ''))),
    ), a.tags ? h('div', { class: 'meta' }, h('span', {}, 'tags: ' + a.tags)) : null)));
  }, !!kq);
}

export async function directoryPage() {
  const page = h('div', {});
  page.append(h('h1', {}, 'Directory'));
  const [skills, locations] = await Promise.all([
    optional('/api/v1/skills').then((r) => (r ? r.items : [])).catch(() => []),
    get('/api/v1/locations').then((r) => r.items).catch(() => []),
  ]);
  const grid = h('div', { class: 'grid' });
  grid.append(
    asyncSection('Who can help now', () => whoCanHelp(skills, locations)),
    asyncSection('Knowledge search', async () => [await knowledge(), await writeArticle()]),
    asyncSection('Rotas', rotas, { class: 'wide' }),
    asyncSection('Coverage gaps', () => coverage(skills)),
    asyncSection('People', async () => {
      const r = await get('/api/v1/people?limit=200');
      return [table(r.items, [{ key: 'name', render: (x) => h('a', { href: '/recognition?person=' + encodeURIComponent(x.id) }, x.name) }, { key: 'team' }, { key: 'role' }, { key: 'title' }, { key: 'location' }, { key: 'phone' }, { key: 'email' }], 'People'), csvLink('/api/v1/people?limit=200')];
    }, { class: 'wide' }),
  );
  page.append(grid);
  // open an article: its full text from the API
  page.addEventListener('toggle', async (e) => {
    const d = e.target;
    const body = d.querySelector && d.querySelector('.article-body');
    if (!d.open || !body || body.dataset.loaded) return;
    body.dataset.loaded = '1';
    try { const a = await get('/api/v1/articles/' + encodeURIComponent(body.dataset.id)); body.replaceChildren(h('p', { class: 'article' }, a.body || a.text || '')); } catch (err) { body.append(errorBox(err, 'Could not open the article')); }
  }, true);
  return page;
}
