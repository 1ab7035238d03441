import { t } from '../lib/msg.js';
import { h, uid } from '../lib/dom.js';
import { get, optional, withQuery, session, may, api } from '../lib/api.js';
import { asyncSection, notice, table, csvLink, timeEl, errorBox } from '../lib/ui.js';
import { words } from '../lib/fmt.js';
import { action } from '../lib/forms.js';
import { peopleChoices, skillChoices, locationChoices } from '../lib/pick.js';
import { layersField } from './rota_layers.js';

const reload = () => window.frontlineNavigate(location.pathname + location.search, true);

// One rota as its managers see it: who is on call now, its overrides (cancel one), cover a shift,
// change its name, time zone, people and layers (rota_layers.js) or retire it.
async function rotaCard(r, people) {
  const full = await get('/api/v1/rotas/' + encodeURIComponent(r.id));
  const cancel = (o) => h('button', { type: 'button', class: 'small', onclick: async (e) => {
    e.target.disabled = true;
    try { await api('DELETE', '/api/v1/rotas/' + encodeURIComponent(r.id) + '/overrides/' + encodeURIComponent(o.id)); reload(); } catch (err) { e.target.after(errorBox(err, t('dir.notcancelled'))); e.target.disabled = false; }
  } }, t('dir.cancel'));
  return h('li', {}, h('strong', {}, full.name), ' ', h('span', { class: 'muted' }, (full.skill ? full.skill.name : '') + (full.location ? ' · ' + full.location.name : full.region ? ' · ' + full.region : '') + ' · ' + full.tz),
    full.active === false ? h('span', { class: 'badge' }, t('dir.retired')) : null,
    h('div', { class: 'meta' }, (full.on_call_now || []).map((n) => h('span', {}, t(n.override ? 'dir.oncall.covering' : 'dir.oncall', words(n.layer), n.person ? n.person.name : t('dir.nobody')), timeEl(n.until)))),
    (full.overrides || []).length ? table(full.overrides, [{ key: 'person', render: (o) => (o.person ? o.person.name : '') }, { key: 'layer' }, { key: 'start' }, { key: 'end' }, { key: 'reason' },
      { key: 'act', label: t('dir.act'), render: cancel }], t('dir.overrides', full.name)) : null,
    await action(t('dir.cover'), 'POST', '/api/v1/rotas/{id}/overrides', { pathParams: { id: r.id }, onDone: reload, submit: t('dir.cover.submit'), pickers: { person: people },
      labels: { person: t('dir.cover.who') }, doneText: t('dir.cover.done') }),
    await action(t('dir.rota.change'), 'PATCH', '/api/v1/rotas/{id}', { pathParams: { id: r.id }, onDone: reload, submit: t('dir.rota.save'), keep: true, custom: { layers: layersField(people) }, labels: { layers: t('rota.layers') },
      preset: { name: full.name, tz: full.tz, active: full.active !== false, layers: full.layers }, doneText: t('dir.rota.changed') }));
}

async function rotas() {
  const r = await optional('/api/v1/rotas');
  if (!r) return notice(t('dir.rotas.unavailable'));
  const list = table(r.items, [{ key: 'name' }, { key: 'skill' }, { key: 'area' }, { key: 'tz' }, { key: 'layers' }], t('dir.rotas'), { empty: t('dir.rotas.none') });
  if (!may('manage_rotas')) return list;
  const people = await peopleChoices();
  const cards = await Promise.all(r.items.map((x) => rotaCard(x, people)));
  const add = await action(t('dir.rota.create'), 'POST', '/api/v1/rotas', { onDone: reload, submit: t('dir.rota.create.submit'), pickers: { skill: skillChoices, location: locationChoices }, custom: { layers: layersField(people) }, labels: { layers: t('rota.layers') } });
  return [h('ul', { class: 'items rotas' }, cards), add];
}

async function writeArticle() {
  if (!may('author')) return null;
  return action(t('dir.article.write'), 'POST', '/api/v1/articles', { submit: t('dir.article.publish'), doneText: t('dir.article.done'), labels: { tags: t('dir.article.tags') } });
}

function select(label, name, options, value) {
  const id = uid('d');
  return h('div', { class: 'field' }, h('label', { for: id }, label),
    h('select', { id, name }, options.map((o) => h('option', { value: o.value, selected: o.value === value ? true : null }, o.label))));
}

// A small search form whose results replace `out` (keeps the form and the answer together for screen readers).
function searchForm(label, fields, run, auto) {
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'api-form inline', role: 'search', 'aria-label': label }, fields, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('dir.search'))));
  let seq = 0;
  const go = async () => {
    const mine = ++seq; // only the latest search may show its answer (the first, automatic one can come back last)
    out.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('dir.searching')));
    let shown;
    try { shown = [await run(form.elements)].flat().filter(Boolean); } catch (e) { shown = [errorBox(e, t('dir.searchfailed'))]; }
    if (mine === seq) out.replaceChildren(...shown);
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); go(); });
  if (auto) go();
  return h('div', {}, form, out);
}

const REASONS = { on_call: 'dir.reason.on_call', in_hours: 'dir.reason.in_hours', override: 'dir.reason.override' };

async function whoCanHelp(skills, locations) {
  const mine = session.me.location_id ? (locations.find((l) => l.id === session.me.location_id) || {}).name : null;
  return searchForm(t('dir.who'), [
    select(t('dir.who.skill'), 'skill', skills.map((s) => ({ value: s.name, label: s.name }))),
    select(t('dir.who.near'), 'near', [{ value: '', label: t('dir.who.here') }, ...locations.map((l) => ({ value: l.name, label: l.name }))], mine || ''),
  ], async (el) => {
    const path = withQuery('/api/v1/oncall/who', { skill: el.skill.value, near: el.near.value });
    const r = await get(path);
    if (!r.items.length) return notice(t('dir.who.nobody', el.skill.value));
    return h('ul', { class: 'items people' }, r.items.map((x) => h('li', {},
      h('strong', { dir: 'auto' }, x.person.name), ' ', h('span', { class: ['badge', x.reason === 'on_call' ? 'ok' : ''] }, REASONS[x.reason] ? t(REASONS[x.reason]) : words(x.reason || '')),
      h('div', { class: 'meta' }, x.person.title ? h('span', {}, x.person.title) : null, x.person.team ? h('span', {}, x.person.team) : null,
        x.location ? h('span', {}, x.location.name + (x.distance ? ' (' + words(x.distance).toLowerCase() + ')' : '')) : null,
        x.until ? h('span', {}, t('dir.until'), timeEl(x.until)) : null, x.rota ? h('span', {}, x.rota.name) : null),
      h('div', { class: 'meta' }, x.person.phone ? h('span', { dir: 'ltr' }, t('dir.phone', x.person.phone)) : null, x.person.email ? h('span', {}, t('dir.email', x.person.email)) : null))));
  }, skills.length > 0);
}

async function coverage(skills) {
  return searchForm(t('dir.coverage'), [select(t('field.skill'), 'skill', skills.map((s) => ({ value: s.name, label: s.name })))], async (el) => {
    const path = withQuery('/api/v1/oncall/coverage', { skill: el.skill.value });
    const r = await get(path);
    return [h('p', { class: 'muted' }, t('dir.coverage.span'), timeEl(r.from), t('dir.to'), timeEl(r.to), '.'),
      ...r.items.map((a) => h('div', { class: 'coverage' },
        h('h3', {}, (a.skill ? a.skill.name : '') + ' — ' + (a.area ? a.area.name : '')),
        h('p', {}, t('dir.coverage.covered', a.covered_hours), h('strong', {}, t('dir.coverage.gap', a.gap_hours)), a.rotas && a.rotas.length ? t('dir.coverage.rotas', a.rotas.join(', ')) : ''),
        table(a.gaps || [], [{ key: 'start' }, { key: 'end' }, { key: 'hours' }], t('dir.gaps.in', a.area ? a.area.name : ''), { empty: t('dir.gaps.none') })))];
  }, skills.length > 0);
}

async function knowledge() {
  const kq = new URLSearchParams(location.search).get('kq') || '';
  const id = uid('k');
  return searchForm(t('dir.kb'), [h('div', { class: 'field' }, h('label', { for: id }, t('dir.kb.label')), h('input', { id, name: 'q', type: 'search', value: kq, dir: 'auto' }))], async (el) => {
    if (!el.q.value.trim()) return notice(t('dir.kb.type'));
    const r = await get(withQuery('/api/v1/articles/search', { q: el.q.value }));
    if (!r.items.length) return notice(t('dir.kb.none'));
    return h('ul', { class: 'items' }, r.items.map((a) => h('li', {}, h('details', {}, h('summary', {}, a.title),
      h('div', { class: 'article-body', 'data-id': a.id }, h('p', { class: 'muted' }, (a.snippet || '').replace(/[[\]]/g, ''))),
    ), a.tags ? h('div', { class: 'meta' }, h('span', {}, t('dir.kb.tags', Array.isArray(a.tags) ? a.tags.join(', ') : a.tags))) : null)));
  }, !!kq);
}

export async function directoryPage() {
  const page = h('div', {});
  page.append(h('h1', {}, t('nav.directory')));
  const [skills, locations] = await Promise.all([
    optional('/api/v1/skills').then((r) => (r ? r.items : [])).catch(() => []),
    get('/api/v1/locations').then((r) => r.items).catch(() => []),
  ]);
  const grid = h('div', { class: 'grid' });
  grid.append(
    asyncSection(t('dir.who'), () => whoCanHelp(skills, locations)),
    asyncSection(t('dir.kb'), async () => [await knowledge(), await writeArticle()]),
    asyncSection(t('dir.rotas'), rotas, { class: 'wide' }),
    asyncSection(t('dir.coverage'), () => coverage(skills)),
    asyncSection(t('dir.people'), async () => {
      const r = await get('/api/v1/people?limit=200');
      return [table(r.items, [{ key: 'name', render: (x) => h('a', { href: '/recognition?person=' + encodeURIComponent(x.id) }, x.name) }, { key: 'team' }, { key: 'role' }, { key: 'title' }, { key: 'location' }, { key: 'phone' }, { key: 'email' }], t('dir.people')), csvLink('/api/v1/people?limit=200')];
    }, { class: 'wide' }),
  );
  page.append(grid);
  // open an article: its full text from the API
  page.addEventListener('toggle', async (e) => {
    const d = e.target;
    const body = d.querySelector && d.querySelector('.article-body');
    if (!d.open || !body || body.dataset.loaded) return;
    body.dataset.loaded = '1';
    try { const a = await get('/api/v1/articles/' + encodeURIComponent(body.dataset.id)); body.replaceChildren(h('p', { class: 'article' }, a.body || a.text || '')); } catch (err) { body.append(errorBox(err, t('dir.kb.openfailed'))); }
  }, true);
  return page;
}
