// The Cases page: views with their counts, filters, sorts, saved views, and actions on the cases
// one selects.  Everything the page shows is in its address (/cases?view=team&channel=chat...), so
// a view can be bookmarked, shared and saved.
import { h, clear, uid, announce } from '../lib/dom.js';
import { get, api, withQuery, session } from '../lib/api.js';
import { onPage } from '../lib/live.js';
import { errorBox, notice, timeEl, flash } from '../lib/ui.js';
import { words } from '../lib/fmt.js';
import { t } from '../lib/msg.js';
import { limitCounter } from '../lib/forms.js';

const FILTERS = ['owner', 'team', 'channel', 'status', 'location', 'from', 'to', 'q'];
const CHANNELS = ['web', 'chat', 'phone', 'email', 'store', 'social', 'in_person', 'portal'];
const SORTS = () => [['', t('cases.sort.default')], ['due', t('cases.sort.due')], ['updated', t('cases.sort.updated')], ['created', t('cases.sort.created')]];
const ACTIONS = () => [['offer', t('cases.bulk.offer')], ['assign', t('cases.bulk.assign')], ['resolve', t('cases.bulk.resolve')], ['note', t('cases.bulk.note')]];
// The server's limits in bytes of UTF-8 (src/base/limits.h), counted as it counts them.
const LIMIT = { name: 200, email: 254, phone: 40, subject: 300, text: 10000 };

// The address's settings: view, saved, sort and the filters (dates as yyyy-mm-dd).
function settings() {
  const sp = new URLSearchParams(location.search);
  const s = {};
  for (const k of ['view', 'saved', 'sort', ...FILTERS]) if (sp.get(k)) s[k] = sp.get(k);
  return s;
}

// The API's query from the page's settings: dates become the start of that day in the viewer's zone.
function apiQuery(s) {
  const q = { ...s };
  for (const k of ['from', 'to']) {
    if (q[k]) {
      const d = new Date(q[k] + 'T00:00:00');
      if (k === 'to') d.setDate(d.getDate() + 1); // "to" includes its day
      q[k] = isNaN(d) ? q[k] : d.toISOString();
    }
  }
  return q;
}

function go(s) {
  window.frontlineNavigate(withQuery('/cases', s));
}

async function choices() {
  const [people, teams, locations] = await Promise.all([
    get('/api/v1/people?limit=200').catch(() => ({ items: [] })),
    get('/api/v1/teams').catch(() => ({ items: [] })),
    get('/api/v1/locations').catch(() => ({ items: [] })),
  ]);
  return { people: people.items || [], teams: teams.items || [], locations: locations.items || [] };
}

function select(label, name, options, value) {
  const id = uid('f');
  return h('div', { class: 'field' }, h('label', { for: id }, label),
    h('select', { id, name }, options.map(([v, text]) => h('option', { value: v, selected: v === (value || '') ? true : null }, text))));
}

// A text field; attrs.limit: the server's limit in bytes, shown as it is typed and checked before sending.
function input(label, name, type, value, attrs = {}) {
  const id = uid('f');
  const { limit, ...rest } = attrs;
  const el = h('input', { id, name, type, value: value || '', dir: type === 'text' || type === 'search' ? 'auto' : null, ...rest });
  return h('div', { class: 'field' }, h('label', { for: id }, label), el, limit ? limitCounter(el, limit) : null);
}

// The first field of form over its byte limit: marked and named, so nothing is sent.
function overLimit(form, out) {
  const bad = [...form.querySelectorAll('input, textarea')].find((el) => !el.closest('[hidden]') && el.limitOver && el.limitOver());
  if (!bad) return false;
  bad.setAttribute('aria-invalid', 'true'); bad.focus();
  out.append(errorBox({ message: t('limit.over', Number(bad.dataset.bytes) - Number(bad.limitMax)), code: 'too_long' }, t('form.check')));
  return true;
}

function viewTabs(counts, saved, s) {
  const here = s.saved ? null : (s.view || 'mine');
  const tabs = counts.items.map((v) => h('li', {}, h('a', {
    href: withQuery('/cases', { view: v.view }), 'aria-current': v.view === here ? 'page' : null,
  }, v.label, ' ', h('span', { class: 'count' }, v.more ? v.count.toLocaleString() + '+' : String(v.count)))));
  const mine = saved.items.map((v) => h('li', {}, h('a', { href: withQuery('/cases', { saved: v.id }), 'aria-current': s.saved === v.id ? 'page' : null }, v.name),
    h('button', { type: 'button', class: 'link', 'aria-label': t('cases.saved.delete', v.name), onclick: async (e) => {
      try { await api('DELETE', '/api/v1/queue/saved/' + encodeURIComponent(v.id)); go(s.saved === v.id ? {} : s); } catch (err) { e.target.closest('nav').append(errorBox(err, t('cases.saved.notdeleted'))); }
    } }, '×')));
  return h('nav', { class: 'views', 'aria-label': t('cases.views') }, h('ul', {}, tabs),
    mine.length ? [h('h2', { class: 'sub' }, t('cases.saved.mine')), h('ul', {}, mine)] : null);
}

function filterForm(s, ch) {
  const people = [['', t('cases.f.anyone')]].concat(ch.people.map((p) => [p.email, p.name]));
  const teams = [['', t('cases.f.anyteam')]].concat(ch.teams.map((tm) => [tm.id, tm.name]));
  const locs = [['', t('cases.f.anywhere')]].concat(ch.locations.map((l) => [l.id, l.name]));
  const form = h('form', { class: 'filters', 'aria-label': t('cases.filters'), onsubmit: (e) => {
    e.preventDefault();
    const next = { view: s.saved ? undefined : s.view, saved: s.saved };
    for (const k of [...FILTERS, 'sort']) { const el = form.elements[k]; if (el && el.value) next[k] = el.value; }
    go(next);
  } },
  input(t('cases.f.q'), 'q', 'search', s.q, { limit: LIMIT.name }),
  select(t('cases.f.owner'), 'owner', people, s.owner), select(t('cases.f.team'), 'team', teams, s.team),
  select(t('cases.f.channel'), 'channel', [['', t('cases.f.anychannel')]].concat(CHANNELS.map((c) => [c, words(c)])), s.channel),
  select(t('cases.f.status'), 'status', [['', t('cases.f.asview')], ['open', words('open')], ['resolved', words('resolved')]], s.status),
  select(t('cases.f.location'), 'location', locs, s.location),
  input(t('cases.f.from'), 'from', 'date', s.from), input(t('cases.f.to'), 'to', 'date', s.to),
  select(t('cases.f.sort'), 'sort', SORTS(), s.sort),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('cases.f.apply')), h('a', { href: withQuery('/cases', { view: s.view }) }, t('cases.f.clear'))));
  return form;
}

function saveForm(s) {
  const name = input(t('cases.saved.name'), 'name', 'text', '', { required: true, limit: LIMIT.name });
  const form = h('form', { class: 'save-view', onsubmit: async (e) => {
    e.preventDefault();
    const filters = {};
    for (const k of FILTERS) if (s[k]) filters[k] = apiQuery(s)[k];
    try {
      const v = await api('POST', '/api/v1/queue/saved', { name: form.elements.name.value.trim(), view: s.view || 'mine', sort: s.sort || undefined, filters });
      announce(t('cases.saved.done'));
      go({ saved: v.id });
    } catch (err) { form.append(errorBox(err, t('cases.saved.notsaved'))); }
  } }, name, h('button', { type: 'submit' }, t('cases.saved.save')));
  return h('details', { class: 'save' }, h('summary', {}, t('cases.saved.save')), form);
}

function caseRow(c, onToggle) {
  const id = uid('sel');
  const box = h('input', { type: 'checkbox', id, value: c.id, 'data-number': c.number, onchange: onToggle });
  return h('li', { class: 'case-row' }, box, h('label', { for: id, class: 'sr-only' }, t('cases.select', c.number)),
    h('div', { class: 'case-main' },
      h('a', { href: '/cases/' + encodeURIComponent(c.id), dir: 'auto' }, h('span', { class: 'num' }, '#' + c.number), ' ', c.subject),
      h('div', { class: 'meta' },
        h('span', { class: ['badge', 'st-' + c.status] }, words(c.status)),
        c.at_risk ? h('span', { class: 'badge st-at_risk' }, t('cases.atrisk')) : null,
        h('span', { dir: 'auto' }, c.customer ? c.customer.name : ''),
        c.owner ? h('span', {}, t('cases.row.owner'), c.owner.name) : null,
        h('span', {}, words(c.channel)),
        c.due_at ? h('span', {}, t('cases.row.due'), timeEl(c.due_at)) : null,
        h('span', {}, t('cases.row.changed'), timeEl(c.updated_at)))));
}

function bulkBar(list, ch, refresh) {
  const count = h('span', { class: 'count', 'aria-live': 'polite' }, t('cases.sel.none'));
  const out = h('div', { class: 'bulk-results' });
  const people = [['', t('cases.bulk.choose')]].concat(ch.people.map((p) => [p.email, p.name + (p.team ? ' · ' + p.team : '')]));
  const fields = {
    to: select(t('cases.bulk.person'), 'to', people),
    note: input(t('cases.bulk.fornote'), 'note', 'text', '', { limit: LIMIT.text }),
    resolution: input(t('cases.bulk.resolution'), 'resolution', 'text', '', { limit: LIMIT.text }),
    body: input(t('cases.bulk.body'), 'body', 'text', '', { limit: LIMIT.text }),
  };
  const shown = { offer: ['to', 'note'], assign: ['to', 'note'], resolve: ['resolution'], note: ['body'] };
  const act = select(t('cases.bulk.action'), 'action', ACTIONS());
  const update = () => { for (const [k, f] of Object.entries(fields)) f.hidden = !shown[form.elements.action.value].includes(k); };
  const form = h('form', { class: 'bulk', 'aria-label': t('cases.bulk.title'), onsubmit: async (e) => {
    e.preventDefault();
    const sel = [...list.querySelectorAll('input[type=checkbox]:checked')];
    if (!sel.length) { flash(out, t('cases.bulk.selectfirst'), 'error'); return; }
    clear(out);
    if (overLimit(form, out)) return;
    const body = { cases: sel.map((b) => b.value), action: form.elements.action.value };
    for (const k of shown[body.action]) if (form.elements[k].value) body[k] = form.elements[k].value;
    clear(out);
    try {
      const r = await api('POST', '/api/v1/queue/bulk', body);
      const num = Object.fromEntries(sel.map((b) => [b.value, b.dataset.number]));
      out.append(h('p', { role: 'status', class: r.failed ? '' : 'ok' }, r.failed ? t('cases.bulk.some', r.succeeded, r.failed) : t('cases.bulk.all', r.succeeded)),
        h('ul', { class: 'items' }, r.items.map((i) => h('li', { class: i.ok ? 'ok' : 'error' }, '#' + (num[i.case] || i.case) + ': ',
          i.ok ? t('cases.bulk.itemdone') : i.error.message))));
      announce(t('cases.bulk.said', r.succeeded, r.failed));
      refresh();
    } catch (err) { out.append(errorBox(err, t('cases.bulk.nothing'))); }
  } }, count, act, Object.values(fields), h('button', { type: 'submit' }, t('cases.bulk.apply')));
  form.elements.action.addEventListener('change', update);
  update();
  const toggled = () => { const n = list.querySelectorAll('input[type=checkbox]:checked').length; count.textContent = n ? t('cases.sel.n', n) : t('cases.sel.none'); };
  return { el: h('section', { class: 'card', 'aria-label': t('cases.bulk.aria') }, form, out), toggled };
}

export async function casesPage() {
  const s = settings();
  const [counts, saved, ch] = await Promise.all([get('/api/v1/queue/counts'), get('/api/v1/queue/saved'), choices()]);
  const page = h('div', { class: 'cases-page' });
  const title = s.saved ? ((saved.items.find((v) => v.id === s.saved) || {}).name || t('cases.saved.view'))
    : ((counts.items.find((v) => v.view === (s.view || 'mine')) || {}).label || t('nav.cases'));
  page.append(h('h1', {}, t('cases.title', title)));
  const list = h('ul', { class: 'items case-list', 'aria-label': t('nav.cases') });
  const more = h('div', {});
  let bulk;
  let cursor = null;
  const load = async (reset) => {
    if (reset) { clear(list); cursor = null; }
    clear(more);
    const r = await get(withQuery('/api/v1/queue', { ...apiQuery(s), limit: 50, cursor: cursor || undefined }));
    if (reset && !r.items.length) list.append(h('li', {}, notice(t('cases.empty'))));
    for (const c of r.items) list.append(caseRow(c, () => bulk.toggled()));
    cursor = r.next;
    if (cursor) more.append(h('button', { type: 'button', onclick: () => load(false).catch((e) => more.append(errorBox(e, t('cases.more.failed')))) }, t('cases.more')));
    bulk.toggled();
  };
  bulk = bulkBar(list, ch, () => load(true).catch((e) => list.append(errorBox(e, t('cases.reload.failed')))));
  const selectAll = h('button', { type: 'button', class: 'link', onclick: () => {
    const boxes = [...list.querySelectorAll('input[type=checkbox]')];
    const all = boxes.every((b) => b.checked);
    boxes.forEach((b) => { b.checked = !all; });
    bulk.toggled();
  } }, t('cases.selectall'));
  page.append(h('div', { class: 'cases-layout' },
    h('aside', { class: 'card' }, viewTabs(counts, saved, s)),
    h('div', { class: 'cases-body' },
      h('details', { class: 'card', open: Object.keys(s).some((k) => FILTERS.includes(k) || k === 'sort') ? true : null },
        h('summary', {}, t('cases.filtersort')), filterForm(s, ch), saveForm(s)),
      bulk.el,
      h('section', { class: 'card', 'aria-label': t('cases.inview') }, selectAll, list, more))));
  try { await load(true); } catch (e) { list.append(h('li', {}, errorBox(e, t('cases.load.failed')))); }
  liveCounts(page);
  return page;
}

// The views' counts follow changes made anywhere, live (lib/live.js); a burst of changes asks once.
function liveCounts(page) {
  let timer = null;
  onPage('case', () => {
    if (timer) return;
    timer = setTimeout(async () => {
      timer = null;
      try {
        for (const v of (await get('/api/v1/queue/counts')).items) {
          const el = page.querySelector('.views a[href="' + withQuery('/cases', { view: v.view }) + '"] .count');
          if (el) el.textContent = v.more ? v.count.toLocaleString() + '+' : String(v.count);
        }
      } catch (e) { /* the next change asks again */ }
    }, 500);
  });
}

// "New case": the customer found or added, the case opened; a customer who looks like one we
// already have (same email or phone) is shown with the choice to merge the two.
export async function newCasePage() {
  const page = h('div', {});
  page.append(h('h1', {}, t('nav.newcase')));
  const result = h('div', {});
  const form = h('form', { class: 'card new-case', onsubmit: async (e) => {
    e.preventDefault();
    clear(result);
    const f = form.elements;
    const body = { subject: f.subject.value.trim(), channel: f.channel.value };
    if (f.customer_id.value) body.customer_id = f.customer_id.value;
    else {
      body.customer_name = f.customer_name.value.trim();
      if (f.customer_email.value.trim()) body.customer_email = f.customer_email.value.trim();
      if (f.customer_phone.value.trim()) body.customer_phone = f.customer_phone.value.trim();
    }
    if (f.summary.value.trim()) body.summary = f.summary.value.trim();
    try {
      const c = await api('POST', '/api/v1/cases', body);
      if (!c.possible_duplicates || !c.possible_duplicates.length) { window.frontlineNavigate('/cases/' + c.id); return; }
      result.append(duplicates(c));
      announce(t('newcase.maybeknown', c.number));
    } catch (err) { result.append(errorBox(err, t('newcase.failed'))); }
  } },
  input(t('newcase.subject'), 'subject', 'text', '', { required: true, limit: LIMIT.subject }),
  select(t('cases.f.channel'), 'channel', CHANNELS.map((c) => [c, words(c)]), 'phone'),
  h('fieldset', {}, h('legend', {}, t('newcase.customer')),
    input(t('newcase.find'), 'customer_q', 'search', '', { autocomplete: 'off' }),
    h('div', { class: 'found', 'aria-live': 'polite' }),
    h('input', { type: 'hidden', name: 'customer_id', value: '' }),
    input(t('newcase.name'), 'customer_name', 'text', '', { limit: LIMIT.name }),
    input(t('cust.email'), 'customer_email', 'email', '', { limit: LIMIT.email }),
    input(t('newcase.phone'), 'customer_phone', 'tel', '', { limit: LIMIT.phone })),
  input(t('newcase.summary'), 'summary', 'text', '', { limit: LIMIT.text }),
  h('button', { type: 'submit' }, t('newcase.open')));
  const found = form.querySelector('.found');
  let timer = null;
  form.elements.customer_q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = form.elements.customer_q.value.trim();
      clear(found);
      if (q.length < 2) return;
      try {
        const r = await get(withQuery('/api/v1/customers', { q, limit: 8 }));
        if (!r.items.length) { found.append(notice(t('newcase.nomatch'))); return; }
        found.append(h('ul', { class: 'items' }, r.items.map((cu) => h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => {
          form.elements.customer_id.value = cu.id;
          clear(found).append(h('p', { class: 'ok', dir: 'auto' }, t('newcase.chosen', cu.name + (cu.email ? ' · ' + cu.email : ''))),
            h('button', { type: 'button', class: 'link', onclick: () => { form.elements.customer_id.value = ''; clear(found); } }, t('newcase.another')));
        } }, cu.name), h('span', { class: 'muted' }, ' ', [cu.email, cu.phone].filter(Boolean).join(' · '))))));
      } catch (err) { found.append(errorBox(err, t('newcase.searchfailed'))); }
    }, 250);
  });
  page.append(form, result);
  return page;
}

// Whether the signed-in person may merge customers (the server's permission list; the server
// refuses anyway when it is absent).
function mayMerge() {
  const p = session.me && session.me.permissions;
  return !Array.isArray(p) || p.includes('merge_customers');
}

function duplicates(c) {
  const may = mayMerge();
  const box = h('section', { class: 'card duplicates', 'aria-label': t('dup.aria') },
    h('h2', {}, t('dup.title', c.number)),
    h('p', { dir: 'auto' }, t('dup.same', c.customer.name)));
  box.append(h('ul', { class: 'items' }, c.possible_duplicates.map((d) => h('li', {},
    h('a', { href: '/customers/' + encodeURIComponent(d.id), dir: 'auto' }, d.name),
    h('span', { class: 'muted' }, ' ', t('dup.match', words(d.match)), ' · ', [d.email, d.phone].filter(Boolean).join(' · ')), ' ',
    may && h('button', { type: 'button', onclick: async (e) => {
      try {
        const r = await api('POST', '/api/v1/customers/' + encodeURIComponent(c.customer.id) + '/merge', { into: d.id, reason: 'same ' + d.match + ', found when opening case #' + c.number });
        clear(box).append(h('p', { class: 'ok', role: 'status' }, t('dup.merged', c.number, r.name)),
          h('a', { href: '/cases/' + encodeURIComponent(c.id) }, t('dup.goto', c.number)));
        announce(t('dup.merged.said'));
      } catch (err) { e.target.after(errorBox(err, t('dup.notmerged'))); }
    } }, t('dup.merge', d.name))))),
  may ? null : h('p', { class: 'muted' }, t('dup.maynot')),
  h('p', {}, h('a', { href: '/cases/' + encodeURIComponent(c.id) }, may ? t('dup.keepapart', c.number) : t('dup.goto', c.number))));
  return box;
}
