import { h } from '../lib/dom.js';
import { get, optional, operation, withQuery, session } from '../lib/api.js';
import { asyncSection, notice, table, csvLink } from '../lib/ui.js';
import { apiForm } from '../lib/forms.js';
import { itemList } from '../lib/items.js';

// A search form over a GET route: fields from the route's query parameters.
async function querySearch(title, pattern, render, preset) {
  const op = await operation('GET', pattern);
  if (!op) return null;
  const params = (op.parameters || []).filter((p) => p.in === 'query' && p.name !== 'format' && p.name !== 'limit');
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'api-form inline', role: 'search', 'aria-label': title });
  for (const p of params) {
    const id = 'q-' + pattern.replace(/\W/g, '') + '-' + p.name;
    const s = p.schema || {};
    const input = s.enum ? h('select', { id, name: p.name }, h('option', { value: '' }, '—'), s.enum.map((v) => h('option', { value: v }, v)))
      : h('input', { id, name: p.name, type: s.format === 'date-time' ? 'datetime-local' : s.type === 'boolean' ? 'checkbox' : 'text', 'aria-describedby': s.description ? id + '-d' : null });
    if (preset && preset[p.name] !== undefined) input.value = preset[p.name];
    form.append(h('div', { class: 'field' }, h('label', { for: id }, p.name.replace(/_/g, ' ')), input, s.description ? h('small', { id: id + '-d', class: 'hint' }, s.description) : null));
  }
  form.append(h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Search')));
  const run = async () => {
    const q = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === 'checkbox') { if (el.checked) q[el.name] = 'true'; } else if (el.value) q[el.name] = el.type === 'datetime-local' ? new Date(el.value).toISOString() : el.value;
    }
    out.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Searching…'));
    try {
      const path = withQuery(pattern, q);
      const r = await get(path);
      out.replaceChildren(render(r), csvLink(path));
    } catch (e) { out.replaceChildren(h('div', { class: 'error', role: 'alert' }, e.message)); }
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); run(); });
  if (preset) run();
  return h('div', {}, form, out);
}

function rows(r) { return (r && (r.items || r.people || r.results)) || []; }

export async function directoryPage() {
  const kq = new URLSearchParams(location.search).get('kq');
  const page = h('div', {});
  page.append(h('h1', {}, 'Directory'));
  const grid = h('div', { class: 'grid' });
  grid.append(
    asyncSection('Who can help now', async () => {
      for (const p of ['/api/v1/directory/available', '/api/v1/directory', '/api/v1/who-can-help']) {
        const s = await querySearch('Who can help now', p, (r) => itemList(rows(r), { empty: 'Nobody found.', text: (x) => (x.person ? x.person.name : x.name) || '?',
          href: () => null, meta: (x) => [x.team || (x.person && x.person.team), x.on_call ? 'on call' : null, x.phone || (x.person && x.person.phone), x.email || (x.person && x.person.email), x.location || null].filter(Boolean).map((t) => h('span', {}, typeof t === 'string' ? t : (t.name || ''))) }), {});
        if (s) return s;
      }
      return notice('The directory is not available on this server yet.');
    }),
    asyncSection('Rotas', async () => {
      const r = await optional('/api/v1/rotas');
      if (!r) return notice('Rotas are not available on this server yet.');
      return table(rows(r), null, 'Rotas', { empty: 'No rotas yet.' });
    }),
    asyncSection('Coverage gaps', async () => {
      for (const p of ['/api/v1/reports/coverage', '/api/v1/coverage']) {
        if (!(await operation('GET', p))) continue;
        const r = await optional(p);
        if (r) return [table(rows(r), null, 'Coverage gaps', { empty: 'No gaps: someone is always on call.' }), csvLink(p)];
      }
      return notice('Coverage reports are not available on this server yet.');
    }),
    asyncSection('Knowledge search', async () => {
      for (const p of ['/api/v1/knowledge', '/api/v1/articles', '/api/v1/knowledge/search']) {
        const s = await querySearch('Knowledge search', p, (r) => knowledgeList(rows(r)), kq ? { q: kq } : null);
        if (s) return s;
      }
      return notice('Knowledge search is not available on this server yet.');
    }),
    asyncSection('People', async () => {
      const r = await get('/api/v1/people?limit=200');
      return table(r.items, [{ key: 'name' }, { key: 'team' }, { key: 'role' }, { key: 'title' }, { key: 'location' }, { key: 'phone' }, { key: 'email' }], 'People');
    }, { class: 'wide' }),
  );
  page.append(grid);
  return page;
}

function knowledgeList(items) {
  if (!items.length) return notice('No article matches.');
  return h('ul', { class: 'items' }, items.map((a) => h('li', {}, h('strong', {}, a.title || a.name || ''), a.body || a.summary || a.text ? h('p', { class: 'article' }, a.body || a.summary || a.text) : null)));
}
