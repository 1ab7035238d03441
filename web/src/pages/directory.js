import { h, uid } from '../lib/dom.js';
import { get, optional, operation, withQuery, session } from '../lib/api.js';
import { asyncSection, notice, table, csvLink, timeEl, errorBox } from '../lib/ui.js';
import { words } from '../lib/fmt.js';

function select(label, name, options, value) {
  const id = uid('d');
  return h('div', { class: 'field' }, h('label', { for: id }, label),
    h('select', { id, name }, options.map((o) => h('option', { value: o.value, selected: o.value === value ? true : null }, o.label))));
}

// A small search form whose results replace `out` (keeps the form and the answer together for screen readers).
function searchForm(label, fields, run, auto) {
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'api-form inline', role: 'search', 'aria-label': label }, fields, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Search')));
  const go = async () => {
    out.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Searching…'));
    try { out.replaceChildren(...[await run(form.elements)].flat().filter(Boolean)); } catch (e) { out.replaceChildren(errorBox(e, 'Search failed')); }
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); go(); });
  if (auto) go();
  return h('div', {}, form, out);
}

const REASONS = { on_call: 'on call', in_hours: 'at work now', override: 'covering' };

async function whoCanHelp(skills, locations) {
  if (!(await operation('GET', '/api/v1/oncall/who'))) return notice('The on-call directory is not available on this server yet.');
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
  if (!(await operation('GET', '/api/v1/oncall/coverage'))) return notice('Coverage is not available on this server yet.');
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
  if (!(await operation('GET', '/api/v1/articles/search'))) return notice('Knowledge search is not available on this server yet.');
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
    asyncSection('Knowledge search', knowledge),
    asyncSection('Rotas', async () => {
      const r = await optional('/api/v1/rotas');
      if (!r) return notice('Rotas are not available on this server yet.');
      return table(r.items, [{ key: 'name' }, { key: 'skill' }, { key: 'area' }, { key: 'tz', label: 'Time zone' }, { key: 'layers' }], 'Rotas', { empty: 'No rotas yet.' });
    }),
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
