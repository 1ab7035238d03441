import { h, clear } from '../lib/dom.js';
import { get, optional, post, session, hasRoute, operation } from '../lib/api.js';
import { asyncSection, timeEl, notice, errorBox, table, copyButton, loading, cell } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { brief, words, isTime } from '../lib/fmt.js';
import { itemList } from '../lib/items.js';

const KNOWN = new Set(['touchpoints', 'notes', 'offers', 'history']);

const EVENT_LABELS = {
  'case.opened': 'Case opened', 'touchpoint.added': 'Contact', 'note.added': 'Note', 'case.offered': 'Offered',
  'case.accepted': 'Offer accepted', 'case.declined': 'Offer declined', 'case.withdrawn': 'Offer withdrawn',
  'case.assigned': 'Assigned', 'case.resolved': 'Resolved', 'case.reopened': 'Reopened',
};

function person(p) {
  if (!p) return '';
  return p.name + (p.team ? ' (' + p.team + ')' : '') + (p.role && p.role !== 'customer' ? ', ' + p.role : '');
}

function eventText(ev) {
  const d = ev.data || {};
  const parts = [];
  for (const k of ['summary', 'body', 'text', 'subject', 'note', 'reason', 'resolution', 'what']) if (typeof d[k] === 'string' && d[k]) parts.push(d[k]);
  if (!parts.length) {
    const rest = Object.entries(d).filter(([k, v]) => !k.endsWith('_id') && k !== 'id' && (typeof v !== 'object' || v === null) && v !== '').map(([k, v]) => words(k) + ': ' + brief(v));
    if (rest.length) parts.push(rest.join('; '));
  }
  return parts.join(' — ');
}

// The whole story of the case, across channels, in one list (newest last).
function timeline(c) {
  const evs = (c.history || []).slice();
  if (!evs.length) return notice('No history yet.');
  return h('ol', { class: 'timeline' }, evs.map((ev) => {
    const d = ev.data || {};
    const label = EVENT_LABELS[ev.kind] || words(ev.kind.replace('.', ' '));
    const internal = ev.kind === 'note.added' && d.visibility !== 'customer';
    return h('li', { class: ['ev', 'ev-' + ev.kind.split('.')[0], internal ? 'internal' : null] },
      h('div', { class: 'when' }, timeEl(ev.at)),
      h('div', { class: 'what' },
        h('span', { class: 'kind' }, label),
        d.channel ? h('span', { class: 'badge' }, words(d.channel)) : null,
        d.direction ? h('span', { class: 'badge' }, d.direction === 'inbound' ? 'from customer' : 'to customer') : null,
        ev.kind === 'note.added' ? h('span', { class: ['badge', internal ? 'warn' : 'ok'] }, internal ? 'internal' : 'customer can see') : null,
        h('span', { class: 'by' }, ' by ' + (ev.actor ? ev.actor.name : 'someone')),
        h('p', { class: 'text' }, eventText(ev))));
  }));
}

// Attribution: why a promise broke, said plainly.
export function attributionText(a) {
  if (!a) return [];
  if (typeof a === 'string') return [a];
  if (typeof a.summary === 'string') return [a.summary];
  const out = [];
  const causes = a.causes || a.items || a.held_by || a.requests || [];
  for (const x of [causes].flat()) {
    if (!x) continue;
    if (typeof x === 'string') { out.push(x); continue; }
    const who = x.holder ? person(x.holder) : x.team ? (typeof x.team === 'string' ? x.team : x.team.name) : x.person ? person(x.person) : '';
    const bits = [words(x.kind || x.cause || x.type || 'cause')];
    if (who) bits.push('held by ' + who);
    if (x.level !== undefined) bits.push('level ' + brief(x.level));
    if (x.what || x.text) bits.push('"' + (x.what || x.text) + '"');
    if (x.policy) bits.push('policy: ' + brief(x.policy));
    if (x.reason) bits.push('reason: ' + x.reason);
    out.push(bits.join(', '));
  }
  if (a.owner_at_fault !== undefined) out.push(a.owner_at_fault ? 'The case owner is responsible.' : 'No personal fault for the case owner.');
  if (!out.length) out.push(brief(a));
  return out;
}

function breachesOf(c) {
  const list = [];
  for (const b of c.breaches || []) list.push(b);
  for (const p of c.promises || []) if (p.attribution || p.breach) list.push({ promise: p, attribution: p.attribution || (p.breach && p.breach.attribution), at: p.broken_at || (p.breach && p.breach.at) });
  return list;
}

async function suggestedWords(caseId) {
  const r = await optional('/api/v1/cases/' + encodeURIComponent(caseId) + '/suggested-words');
  if (!r) return notice('Suggested words are not available on this server yet.');
  const list = r.items || r.words || r.suggestions || (Array.isArray(r) ? r : []);
  if (!list.length) return notice('Nothing to suggest right now.');
  return h('ul', { class: 'words' }, list.map((w) => {
    const text = typeof w === 'string' ? w : (w.text || w.words || w.message || brief(w));
    return h('li', {}, h('blockquote', {}, text), h('div', { class: 'meta' }, w.purpose || w.kind ? h('span', { class: 'badge' }, words(w.purpose || w.kind)) : null, copyButton(text, 'Copy these words')));
  }));
}

function offerButtons(c, refresh) {
  const mine = (c.offers || []).filter((o) => o.status === 'pending');
  if (!mine.length) return null;
  return h('div', { class: 'card', role: 'region', 'aria-label': 'Pending offers' }, h('h2', {}, 'Pending offer'), mine.map((o) => h('div', { class: 'offer' },
    h('p', {}, 'Offered by ' + (o.from ? o.from.name : '?') + ' to ' + (o.to ? o.to.name : '?') + ' ', timeEl(o.created_at), o.note ? ': ' : '', o.note ? h('q', {}, o.note) : null),
    o.to && o.to.id === session.me.id ? h('button', { type: 'button', class: 'primary', onclick: async (e) => {
      e.target.disabled = true;
      try { await post('/api/v1/offers/' + encodeURIComponent(o.id) + '/accept'); refresh(); } catch (err) { e.target.after(errorBox(err, 'Not accepted')); e.target.disabled = false; }
    } }, 'Accept this case') : null)));
}

function extraParts(c, refresh) {
  const out = [];
  for (const [k, v] of Object.entries(c)) {
    if (KNOWN.has(k) || !Array.isArray(v) || !v.length || typeof v[0] !== 'object') continue;
    const id = 'part-' + k;
    out.push(h('section', { class: 'card', id: k, 'aria-labelledby': id }, h('h2', { id }, words(k)), partTable(k, v, c, refresh)));
  }
  return out;
}

function partTable(k, rows, c, refresh) {
  const cols = [];
  const keys = [];
  for (const r of rows) for (const [key, val] of Object.entries(r)) {
    if (keys.includes(key) || key === 'id' || key.endsWith('_id') || key === 'attribution' || key === 'history') continue;
    if (Array.isArray(val) && val.length && typeof val[0] === 'object') continue;
    keys.push(key);
  }
  for (const key of keys.slice(0, 9)) cols.push({ key });
  if (k === 'exceptions') cols.push({ key: 'act', label: 'Act', render: (x) => exceptionActions(x, refresh) });
  if (k === 'requests') cols.push({ key: 'act', label: 'Act', render: (x) => requestActions(x, refresh) });
  if (k === 'promises') cols.push({ key: 'act', label: 'Act', render: (x) => promiseActions(x, refresh) });
  return table(rows, cols, words(k));
}

function doButton(label, method, path, refresh, body) {
  return h('button', { type: 'button', class: 'small', onclick: async (e) => {
    e.target.disabled = true;
    try { await post(path, body || {}); refresh(); } catch (err) { e.target.after(errorBox(err, label + ' failed')); e.target.disabled = false; }
  } }, label);
}

const routeCache = {};
function routeExists(method, pattern) {
  if (!(pattern in routeCache)) routeCache[pattern] = null;
  return routeCache[pattern];
}

function exceptionActions(x, refresh) {
  const span = h('span', { class: 'acts' });
  const status = x.status || x.state;
  if (status === 'proposed' && (!x.proposer || x.proposer.id !== session.me.id) && (!x.proposed_by || (x.proposed_by.id || x.proposed_by) !== session.me.id)) {
    hasRoute('POST', '/api/v1/exceptions/{id}/cosign').then((ok) => { if (ok) span.append(doButton('Co-sign', 'POST', '/api/v1/exceptions/' + encodeURIComponent(x.id) + '/cosign', refresh)); });
  }
  return span;
}

function requestActions(x, refresh) {
  const span = h('span', { class: 'acts' });
  const holder = x.holder || x.to || {};
  const open = !['done', 'completed', 'declined', 'cancelled', 'canceled'].includes(x.status);
  if (open && holder && (holder.id === session.me.id || holder.team_id === session.me.team_id || holder.id === session.me.team_id)) {
    hasRoute('POST', '/api/v1/requests/{id}/complete').then((ok) => { if (ok) span.append(doButton('Complete', 'POST', '/api/v1/requests/' + encodeURIComponent(x.id) + '/complete', refresh)); });
  }
  return span;
}

function promiseActions(x, refresh) {
  const span = h('span', { class: 'acts' });
  if (['pending', 'at_risk'].includes(x.status)) {
    hasRoute('POST', '/api/v1/promises/{id}/keep').then((ok) => { if (ok) span.append(doButton('Mark kept', 'POST', '/api/v1/promises/' + encodeURIComponent(x.id) + '/keep', refresh)); });
  }
  return span;
}

async function portalLinkBox(customer) {
  if (!(await hasRoute('POST', '/api/v1/customers/{id}/portal-link'))) return null;
  const out = h('div', { 'aria-live': 'polite' });
  const btn = h('button', { type: 'button', onclick: async () => {
    btn.disabled = true;
    try {
      const r = await post('/api/v1/customers/' + encodeURIComponent(customer.id) + '/portal-link', {});
      const url = location.origin + r.link;
      out.replaceChildren(h('p', {}, 'Send this single-use sign-in link to ' + customer.name + ' (valid until ', timeEl(r.expires_at), '):'),
        h('p', {}, h('code', { class: 'link-text' }, url), ' ', copyButton(url, 'Copy the portal link')));
    } catch (e) { out.replaceChildren(errorBox(e, 'No link made')); } finally { btn.disabled = false; }
  } }, 'Make a portal sign-in link');
  return h('div', { class: 'portal-link' }, btn, out);
}

export async function casePage(id) {
  const c = await get('/api/v1/cases/' + encodeURIComponent(id));
  const refresh = () => window.frontlineNavigate(location.pathname, true);
  const page = h('div', { class: 'case' });
  const cust = c.customer || {};
  page.append(
    h('h1', {}, '#' + c.number + ' ', c.subject),
    h('div', { class: 'case-head card' },
      h('dl', { class: 'facts' },
        h('dt', {}, 'Status'), h('dd', {}, h('span', { class: ['badge', 'st-' + c.status] }, words(c.status)), c.resolution ? ' — ' + c.resolution : ''),
        h('dt', {}, 'Customer'), h('dd', {}, h('a', { href: '/customers/' + encodeURIComponent(cust.id) }, cust.name || '?'),
          cust.email ? h('span', { class: 'muted' }, ' · ' + cust.email) : null, cust.phone ? h('span', { class: 'muted' }, ' · ' + cust.phone) : null),
        h('dt', {}, 'Owner'), h('dd', {}, person(c.owner)),
        h('dt', {}, 'Taken in by'), h('dd', {}, person(c.intake_by), ' via ', words(c.channel), ', ', timeEl(c.created_at)),
        h('dt', {}, 'Last change'), h('dd', {}, timeEl(c.updated_at)))),
  );
  const offers = offerButtons(c, refresh);
  if (offers) page.append(offers);

  const breaches = breachesOf(c);
  if (breaches.length) {
    page.append(h('section', { class: 'card attribution', 'aria-labelledby': 'attr-h' }, h('h2', { id: 'attr-h' }, 'What broke, and why'),
      h('ul', {}, breaches.map((b) => h('li', {},
        h('strong', {}, (b.promise ? 'Promise "' + (b.promise.text || b.promise.what || '') + '"' : 'A promise') + ' broke'), b.at ? [' ', timeEl(b.at)] : null,
        h('ul', {}, attributionText(b.attribution || b).map((t) => h('li', {}, t))))))));
  }

  const cols = h('div', { class: 'case-cols' });
  const left = h('div', { class: 'col-main' });
  const right = h('div', { class: 'col-side' });
  cols.append(left, right);
  page.append(cols);

  right.append(asyncSection('Suggested words', () => suggestedWords(c.id)));
  const acts = h('section', { class: 'card', 'aria-labelledby': 'act-h' }, h('h2', { id: 'act-h' }, 'Act on this case'));
  right.append(acts);
  const pp = { id: c.id };
  const ownerish = true;
  const forms = await Promise.all([
    action('Record a contact (touchpoint)', 'POST', '/api/v1/cases/{id}/touchpoints', { pathParams: pp, onDone: refresh, doneText: 'Contact recorded.', submit: 'Record contact' }),
    action('Add a note', 'POST', '/api/v1/cases/{id}/notes', { pathParams: pp, onDone: refresh, doneText: 'Note added.', submit: 'Add note' }),
    action('Record a promise to the customer', 'POST', '/api/v1/cases/{id}/promises', { pathParams: pp, onDone: refresh, doneText: 'Promise recorded.', submit: 'Record promise' }),
    action('Ask a colleague or team (request)', 'POST', '/api/v1/cases/{id}/requests', { pathParams: pp, onDone: refresh, doneText: 'Request sent.', submit: 'Send request' }),
    action('Propose an exception to a policy', 'POST', '/api/v1/cases/{id}/exceptions', { pathParams: pp, onDone: refresh, doneText: 'Exception proposed.', submit: 'Propose exception' }),
    ownerish ? action('Offer this case to someone', 'POST', '/api/v1/cases/{id}/offers', { pathParams: pp, onDone: refresh, doneText: 'Offer made.', submit: 'Offer case' }) : null,
    c.status === 'open' ? action('Resolve', 'POST', '/api/v1/cases/{id}/resolve', { pathParams: pp, onDone: refresh, doneText: 'Resolved.', submit: 'Resolve case' })
      : action('Reopen', 'POST', '/api/v1/cases/{id}/reopen', { pathParams: pp, onDone: refresh, doneText: 'Reopened.', submit: 'Reopen case' }),
  ]);
  acts.append(...forms.filter(Boolean));
  const pl = await portalLinkBox(cust);
  if (pl) acts.append(pl);

  for (const part of extraParts(c, refresh)) left.append(part);
  left.append(h('section', { class: 'card', 'aria-labelledby': 'tl-h' }, h('h2', { id: 'tl-h' }, 'Timeline (all channels)'), timeline(c)));
  return page;
}

export async function customerPage(id) {
  const cu = await get('/api/v1/customers/' + encodeURIComponent(id));
  const cases = cu.cases || (await get('/api/v1/cases?customer_id=' + encodeURIComponent(id))).items;
  const page = h('div', {});
  page.append(h('h1', {}, cu.name),
    h('dl', { class: 'facts card' }, h('dt', {}, 'Email'), h('dd', {}, cu.email || '—'), h('dt', {}, 'Phone'), h('dd', {}, cu.phone || '—'), h('dt', {}, 'Customer since'), h('dd', {}, timeEl(cu.created_at))),
    h('section', { class: 'card', 'aria-labelledby': 'cc-h' }, h('h2', { id: 'cc-h' }, 'Cases'),
      itemList(cases, { empty: 'No cases yet.', text: (c) => '#' + c.number + ' ' + c.subject, href: (c) => '/cases/' + encodeURIComponent(c.id),
        meta: (c) => [h('span', { class: ['badge', 'st-' + c.status] }, words(c.status)), c.owner ? h('span', {}, 'owner ' + c.owner.name) : null, h('span', {}, 'updated ', timeEl(c.updated_at))] })));
  const pl = await portalLinkBox(cu);
  if (pl) page.append(h('section', { class: 'card', 'aria-label': 'Customer portal' }, h('h2', {}, 'Customer portal'), pl));
  const open = await action('Open a new case for ' + cu.name, 'POST', '/api/v1/cases', { fixed: { customer_id: cu.id }, hide: ['customer_name', 'customer_email', 'customer_phone'],
    onDone: (r) => window.frontlineNavigate('/cases/' + r.id), submit: 'Open case' });
  if (open) page.append(h('section', { class: 'card', 'aria-label': 'New case' }, open));
  return page;
}
