// The Cases page: views with their counts, filters, sorts, saved views, and actions on the cases
// one selects.  Everything the page shows is in its address (/cases?view=team&channel=chat...), so
// a view can be bookmarked, shared and saved.
import { h, clear, uid, announce } from '../lib/dom.js';
import { get, api, withQuery } from '../lib/api.js';
import { errorBox, notice, timeEl, flash } from '../lib/ui.js';
import { words } from '../lib/fmt.js';

const FILTERS = ['owner', 'team', 'channel', 'status', 'location', 'from', 'to', 'q'];
const CHANNELS = ['web', 'chat', 'phone', 'email', 'store', 'social', 'in_person', 'portal'];
const SORTS = [['', 'Default for the view'], ['due', 'Due time (earliest first)'], ['updated', 'Last change (latest first)'], ['created', 'Created (latest first)']];
const ACTIONS = [['offer', 'Offer to…'], ['assign', 'Assign to…'], ['resolve', 'Resolve'], ['note', 'Add a note']];

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

function input(label, name, type, value, attrs = {}) {
  const id = uid('f');
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name, type, value: value || '', ...attrs }));
}

function viewTabs(counts, saved, s) {
  const here = s.saved ? null : (s.view || 'mine');
  const tabs = counts.items.map((v) => h('li', {}, h('a', {
    href: withQuery('/cases', { view: v.view }), 'aria-current': v.view === here ? 'page' : null,
  }, v.label, ' ', h('span', { class: 'count' }, v.more ? v.count.toLocaleString() + '+' : String(v.count)))));
  const mine = saved.items.map((v) => h('li', {}, h('a', { href: withQuery('/cases', { saved: v.id }), 'aria-current': s.saved === v.id ? 'page' : null }, v.name),
    h('button', { type: 'button', class: 'link', 'aria-label': 'Delete saved view ' + v.name, onclick: async (e) => {
      try { await api('DELETE', '/api/v1/queue/saved/' + encodeURIComponent(v.id)); go(s.saved === v.id ? {} : s); } catch (err) { e.target.closest('nav').append(errorBox(err, 'Could not delete')); }
    } }, '×')));
  return h('nav', { class: 'views', 'aria-label': 'Views' }, h('ul', {}, tabs),
    mine.length ? [h('h2', { class: 'sub' }, 'My saved views'), h('ul', {}, mine)] : null);
}

function filterForm(s, ch) {
  const people = [['', 'Anyone']].concat(ch.people.map((p) => [p.email, p.name]));
  const teams = [['', 'Any team']].concat(ch.teams.map((t) => [t.id, t.name]));
  const locs = [['', 'Anywhere']].concat(ch.locations.map((l) => [l.id, l.name]));
  const form = h('form', { class: 'filters', 'aria-label': 'Filters', onsubmit: (e) => {
    e.preventDefault();
    const next = { view: s.saved ? undefined : s.view, saved: s.saved };
    for (const k of [...FILTERS, 'sort']) { const el = form.elements[k]; if (el && el.value) next[k] = el.value; }
    go(next);
  } },
  input('Words, #number, name, email or phone', 'q', 'search', s.q),
  select('Owner', 'owner', people, s.owner), select('Team', 'team', teams, s.team),
  select('Channel', 'channel', [['', 'Any channel']].concat(CHANNELS.map((c) => [c, words(c)])), s.channel),
  select('Status', 'status', [['', 'As the view shows'], ['open', 'Open'], ['resolved', 'Resolved']], s.status),
  select('Location', 'location', locs, s.location),
  input('Opened from', 'from', 'date', s.from), input('Opened to', 'to', 'date', s.to),
  select('Sort by', 'sort', SORTS, s.sort),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply'), h('a', { href: withQuery('/cases', { view: s.view }) }, 'Clear filters')));
  return form;
}

function saveForm(s) {
  const name = input('Name', 'name', 'text', '', { required: true, maxlength: 200 });
  const form = h('form', { class: 'save-view', onsubmit: async (e) => {
    e.preventDefault();
    const filters = {};
    for (const k of FILTERS) if (s[k]) filters[k] = apiQuery(s)[k];
    try {
      const v = await api('POST', '/api/v1/queue/saved', { name: form.elements.name.value.trim(), view: s.view || 'mine', sort: s.sort || undefined, filters });
      announce('View saved');
      go({ saved: v.id });
    } catch (err) { form.append(errorBox(err, 'Could not save the view')); }
  } }, name, h('button', { type: 'submit' }, 'Save this view'));
  return h('details', { class: 'save' }, h('summary', {}, 'Save this view'), form);
}

function caseRow(c, onToggle) {
  const id = uid('sel');
  const box = h('input', { type: 'checkbox', id, value: c.id, 'data-number': c.number, onchange: onToggle });
  return h('li', { class: 'case-row' }, box, h('label', { for: id, class: 'sr-only' }, 'Select case #' + c.number),
    h('div', { class: 'case-main' },
      h('a', { href: '/cases/' + encodeURIComponent(c.id), dir: 'auto' }, h('span', { class: 'num' }, '#' + c.number), ' ', c.subject),
      h('div', { class: 'meta' },
        h('span', { class: ['badge', 'st-' + c.status] }, words(c.status)),
        c.at_risk ? h('span', { class: 'badge st-at_risk' }, 'At risk or overdue') : null,
        h('span', { dir: 'auto' }, c.customer ? c.customer.name : ''),
        c.owner ? h('span', {}, 'owner ', c.owner.name) : null,
        h('span', {}, words(c.channel)),
        c.due_at ? h('span', {}, 'due ', timeEl(c.due_at)) : null,
        h('span', {}, 'changed ', timeEl(c.updated_at)))));
}

function bulkBar(list, ch, refresh) {
  const count = h('span', { class: 'count', 'aria-live': 'polite' }, 'None selected');
  const out = h('div', { class: 'bulk-results' });
  const people = [['', 'Choose a person…']].concat(ch.people.map((p) => [p.email, p.name + (p.team ? ' · ' + p.team : '')]));
  const fields = {
    to: select('Person', 'to', people),
    note: input('Note for them (optional)', 'note', 'text'),
    resolution: input('Resolution', 'resolution', 'text', '', { maxlength: 4000 }),
    body: input('Note', 'body', 'text', '', { maxlength: 4000 }),
  };
  const shown = { offer: ['to', 'note'], assign: ['to', 'note'], resolve: ['resolution'], note: ['body'] };
  const act = select('Action', 'action', ACTIONS);
  const update = () => { for (const [k, f] of Object.entries(fields)) f.hidden = !shown[form.elements.action.value].includes(k); };
  const form = h('form', { class: 'bulk', 'aria-label': 'Act on the selected cases', onsubmit: async (e) => {
    e.preventDefault();
    const sel = [...list.querySelectorAll('input[type=checkbox]:checked')];
    if (!sel.length) { flash(out, 'Select cases first.', 'error'); return; }
    const body = { cases: sel.map((b) => b.value), action: form.elements.action.value };
    for (const k of shown[body.action]) if (form.elements[k].value) body[k] = form.elements[k].value;
    clear(out);
    try {
      const r = await api('POST', '/api/v1/queue/bulk', body);
      const num = Object.fromEntries(sel.map((b) => [b.value, b.dataset.number]));
      out.append(h('p', { role: 'status', class: r.failed ? '' : 'ok' }, r.succeeded + ' done' + (r.failed ? ', ' + r.failed + ' not done' : '') + '.'),
        h('ul', { class: 'items' }, r.items.map((i) => h('li', { class: i.ok ? 'ok' : 'error' }, '#' + (num[i.case] || i.case) + ': ',
          i.ok ? 'done' : i.error.message + ' (' + i.error.code + ')'))));
      announce(r.succeeded + ' done, ' + r.failed + ' not done');
      refresh();
    } catch (err) { out.append(errorBox(err, 'Nothing was changed')); }
  } }, count, act, Object.values(fields), h('button', { type: 'submit' }, 'Apply to selected'));
  form.elements.action.addEventListener('change', update);
  update();
  const toggled = () => { const n = list.querySelectorAll('input[type=checkbox]:checked').length; count.textContent = n ? n + ' selected' : 'None selected'; };
  return { el: h('section', { class: 'card', 'aria-label': 'Bulk actions' }, form, out), toggled };
}

export async function casesPage() {
  const s = settings();
  const [counts, saved, ch] = await Promise.all([get('/api/v1/queue/counts'), get('/api/v1/queue/saved'), choices()]);
  const page = h('div', { class: 'cases-page' });
  const title = s.saved ? ((saved.items.find((v) => v.id === s.saved) || {}).name || 'Saved view')
    : ((counts.items.find((v) => v.view === (s.view || 'mine')) || {}).label || 'Cases');
  page.append(h('h1', {}, 'Cases: ' + title));
  const list = h('ul', { class: 'items case-list', 'aria-label': 'Cases' });
  const more = h('div', {});
  let bulk;
  let cursor = null;
  const load = async (reset) => {
    if (reset) { clear(list); cursor = null; }
    clear(more);
    const r = await get(withQuery('/api/v1/queue', { ...apiQuery(s), limit: 50, cursor: cursor || undefined }));
    if (reset && !r.items.length) list.append(h('li', {}, notice('No case in this view.')));
    for (const c of r.items) list.append(caseRow(c, () => bulk.toggled()));
    cursor = r.next;
    if (cursor) more.append(h('button', { type: 'button', onclick: () => load(false).catch((e) => more.append(errorBox(e, 'Could not load more'))) }, 'Show more'));
    bulk.toggled();
  };
  bulk = bulkBar(list, ch, () => load(true).catch((e) => list.append(errorBox(e, 'Could not reload'))));
  const selectAll = h('button', { type: 'button', class: 'link', onclick: () => {
    const boxes = [...list.querySelectorAll('input[type=checkbox]')];
    const all = boxes.every((b) => b.checked);
    boxes.forEach((b) => { b.checked = !all; });
    bulk.toggled();
  } }, 'Select all / none');
  page.append(h('div', { class: 'cases-layout' },
    h('aside', { class: 'card' }, viewTabs(counts, saved, s)),
    h('div', { class: 'cases-body' },
      h('details', { class: 'card', open: Object.keys(s).some((k) => FILTERS.includes(k) || k === 'sort') ? true : null },
        h('summary', {}, 'Filter and sort'), filterForm(s, ch), saveForm(s)),
      bulk.el,
      h('section', { class: 'card', 'aria-label': 'Cases in this view' }, selectAll, list, more))));
  try { await load(true); } catch (e) { list.append(h('li', {}, errorBox(e, 'Could not load the cases'))); }
  return page;
}

// "New case": the customer found or added, the case opened; a customer who looks like one we
// already have (same email or phone) is shown with the choice to merge the two.
export async function newCasePage() {
  const page = h('div', {});
  page.append(h('h1', {}, 'New case'));
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
      announce('Case #' + c.number + ' opened; the customer may already be known');
    } catch (err) { result.append(errorBox(err, 'The case was not opened')); }
  } },
  input('Subject', 'subject', 'text', '', { required: true, maxlength: 200 }),
  select('Channel', 'channel', CHANNELS.map((c) => [c, words(c)]), 'phone'),
  h('fieldset', {}, h('legend', {}, 'Customer'),
    input('Find an existing customer (name, email or phone)', 'customer_q', 'search', '', { autocomplete: 'off' }),
    h('div', { class: 'found', 'aria-live': 'polite' }),
    h('input', { type: 'hidden', name: 'customer_id', value: '' }),
    input('Name (a new customer)', 'customer_name', 'text', '', { maxlength: 200 }),
    input('Email', 'customer_email', 'email', '', { maxlength: 254 }),
    input('Phone', 'customer_phone', 'tel', '', { maxlength: 40 })),
  input('What the customer said (first contact)', 'summary', 'text', '', { maxlength: 4000 }),
  h('button', { type: 'submit' }, 'Open case'));
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
        if (!r.items.length) { found.append(notice('No customer matches: fill in a new one below.')); return; }
        found.append(h('ul', { class: 'items' }, r.items.map((cu) => h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => {
          form.elements.customer_id.value = cu.id;
          clear(found).append(h('p', { class: 'ok' }, 'Customer: ' + cu.name + (cu.email ? ' · ' + cu.email : '')),
            h('button', { type: 'button', class: 'link', onclick: () => { form.elements.customer_id.value = ''; clear(found); } }, 'Choose another'));
        } }, cu.name), h('span', { class: 'muted' }, ' ', [cu.email, cu.phone].filter(Boolean).join(' · '))))));
      } catch (err) { found.append(errorBox(err, 'Could not search customers')); }
    }, 250);
  });
  page.append(form, result);
  return page;
}

function duplicates(c) {
  const box = h('section', { class: 'card duplicates', 'aria-label': 'Possible duplicate customers' },
    h('h2', {}, 'Case #' + c.number + ' opened. Is this a customer we already know?'),
    h('p', {}, c.customer.name + ' has the same ' + 'contact details as:'));
  box.append(h('ul', { class: 'items' }, c.possible_duplicates.map((d) => h('li', {},
    h('a', { href: '/customers/' + encodeURIComponent(d.id), dir: 'auto' }, d.name),
    h('span', { class: 'muted' }, ' same ' + d.match + ' · ' + [d.email, d.phone].filter(Boolean).join(' · ')), ' ',
    h('button', { type: 'button', onclick: async (e) => {
      try {
        const r = await api('POST', '/api/v1/customers/' + encodeURIComponent(c.customer.id) + '/merge', { into: d.id, reason: 'same ' + d.match + ', found when opening case #' + c.number });
        clear(box).append(h('p', { class: 'ok', role: 'status' }, 'Merged: case #' + c.number + ' now belongs to ' + r.name + '.'),
          h('a', { href: '/cases/' + encodeURIComponent(c.id) }, 'Go to case #' + c.number));
        announce('Customers merged');
      } catch (err) { e.target.after(errorBox(err, 'Could not merge')); }
    } }, 'Merge into ' + d.name)))),
  h('p', {}, h('a', { href: '/cases/' + encodeURIComponent(c.id) }, 'Keep them apart and go to case #' + c.number)));
  return box;
}
