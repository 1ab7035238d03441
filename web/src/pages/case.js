import { h, clear } from '../lib/dom.js';
import { get, optional, post, session, may } from '../lib/api.js';
import { asyncSection, timeEl, notice, errorBox, table, copyButton, later } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { brief, words, money, zoneName } from '../lib/fmt.js';
import { t } from '../lib/msg.js';
import { timeline, namesOf } from './timeline.js';
import { itemList } from '../lib/items.js';
import { mailPart, attachmentsPart } from './case_mail.js';
import { caseActions, promiseActs, withdrawButton, exceptionReview } from './case_acts.js';
import { teamChoices, policyChoices, skillChoices, locationChoices, peopleChoices, articleChoices, forgetChoices } from '../lib/pick.js';
import { onPage } from '../lib/live.js';
import { thankForm, followUps } from './recognition.js';
import { attachEstimate } from './estimate.js';

// Parts shown elsewhere on the page (each section appears once): the head, offers, the timeline,
// the reply box (mail_proposals) and the failure reviews (loaded with their actions).
const KNOWN = new Set(['touchpoints', 'notes', 'offers', 'history', 'policy_conflicts', 'breaches', 'reviews', 'mail_proposals']);

function person(p) {
  if (!p) return '';
  return p.name + (p.team ? ' (' + p.team + ')' : '') + (p.role && p.role !== 'customer' ? ', ' + words(p.role).toLowerCase() : '');
}

// Attribution: why a promise broke, said plainly.
const CAUSES = ['request_overdue', 'request_deferred', 'request_declined', 'policy_conflict', 'no_request', 'lapsed_updates', 'owner'];
function holderText(x) {
  if (!x) return '';
  if (typeof x === 'string') return x;
  if (x.name) return x.name + (x.team ? ' (' + x.team + ')' : '');
  return x.team ? t('code.team', x.team) : (x.role || '');
}
export function attributionText(a) {
  if (!a) return [];
  if (typeof a === 'string') return [a];
  if (typeof a.summary === 'string') return [a.summary];
  const out = [];
  for (const x of a.causes || []) {
    if (typeof x === 'string') { out.push(x); continue; }
    let s = t('case.cause.because', CAUSES.includes(x.cause) ? t('case.cause.' + x.cause) : words(x.cause || 'cause').toLowerCase());
    if (x.what) s += t('case.cause.what', x.what);
    const who = holderText(x.holder);
    if (who) s += t('case.cause.heldby', who);
    if (x.level !== undefined && x.level !== null) s += t('case.cause.level', brief(x.level));
    if (x.cause === 'policy_conflict' && x.policy && x.promise_policy) s += t('case.cause.against', brief(x.policy), brief(x.promise_policy));
    else if (x.policy) s += t('case.cause.citing', brief(x.policy));
    out.push(s + '.');
  }
  if (a.lapsed_updates) out.push(t('case.cause.lapsed', a.lapsed_updates));
  const owner = a.owner ? a.owner.name : t('case.cause.owner');
  if (a.owner_at_fault !== undefined) out.push(a.owner_at_fault ? t('case.cause.fault', owner) : t('case.cause.nofault', owner));
  if (!out.length) out.push(brief(a));
  return out;
}

async function suggestedWords(caseId, place) {
  const r = await optional('/api/v1/cases/' + encodeURIComponent(caseId) + '/suggested-words');
  if (!r) return notice(t('case.words.unavailable'));
  const list = r.messages || r.items || [];
  if (!list.length) return notice(t('case.words.none'));
  return [h('p', { class: 'muted' }, t('case.words.intro')),
    h('p', { class: 'muted words-zone' }, place && place.tz ? t('case.words.zone', zoneName(place.tz), place.label) : t('case.words.zone.utc')),
    h('ul', { class: 'words' }, list.map((w) => {
      const text = typeof w === 'string' ? w : (w.text || brief(w));
      return h('li', {}, h('blockquote', { dir: 'auto' }, text), h('div', { class: 'meta' }, copyButton(text, t('case.words.copy'))));
    }))];
}

function offerButtons(c, refresh) {
  const mine = (c.offers || []).filter((o) => o.status === 'pending');
  if (!mine.length) return null;
  return h('div', { class: 'card', role: 'region', 'aria-label': t('case.offers') }, h('h2', {}, t('case.offer.pending')), mine.map((o) => h('div', { class: 'offer' },
    h('p', {}, t('case.offer.by', o.from ? o.from.name : '?', o.to ? o.to.name : '?'), timeEl(o.created_at), o.note ? ': ' : '', o.note ? h('q', {}, o.note) : null),
    o.to && o.to.id === session.me.id ? h('button', { type: 'button', class: 'primary', onclick: async (e) => {
      e.target.disabled = true;
      try { await post('/api/v1/offers/' + encodeURIComponent(o.id) + '/accept'); refresh(); } catch (err) { e.target.after(errorBox(err, t('offer.notaccepted'))); e.target.disabled = false; }
    } }, t('case.accept')) : null, withdrawButton(o, refresh))));
}

function doButton(label, path, refresh, body) {
  return h('button', { type: 'button', class: 'small', onclick: async (e) => {
    e.target.disabled = true;
    try { await post(path, body || {}); refresh(); } catch (err) { e.target.after(errorBox(err, t('case.failed', label))); e.target.disabled = false; }
  } }, label);
}

const who = (p) => (p ? p.name + (p.team ? ' (' + p.team + ')' : '') : '');
const statusBadge = (st, extra) => h('span', { class: ['badge', 'st-' + String(st).replace(/[^a-z_]/g, '')] }, words(st), extra || '');

function promisesPart(list, refresh, policies, c) {
  return table(list, [
    { key: 'what', label: t('case.col.promise') },
    { key: 'due_at', label: t('field.due_at') },
    { key: 'status', render: (p) => h('span', {}, statusBadge(p.status), p.at_risk && p.status === 'pending' ? statusBadge('at_risk') : null) },
    { key: 'made_by', label: t('case.col.madeby'), render: (p) => who(p.made_by) + (p.channel ? ', ' + words(p.channel).toLowerCase() : '') + (p.renegotiated_by ? t('case.movedby', who(p.renegotiated_by)) : '') },
    { key: 'deliver', label: t('case.col.deliveredby'), render: (p) => who(p.deliver_person) || (p.deliver_team ? p.deliver_team.name : '') },
    { key: 'policy', render: (p) => (p.policy ? p.policy.name : '') },
    { key: 'act', label: t('dir.act'), render: (p) => promiseActs(p, c, refresh) },
  ], t('case.promises.caption'));
}

function requestsPart(list, refresh, policies, c) {
  const me = session.me;
  return h('div', {}, table(list, [
    { key: 'what', label: t('case.col.request') },
    { key: 'holder', label: t('case.col.askedof'), render: (r) => who(r.holder_person) || (r.holder_team ? t('case.teamname', r.holder_team.name) : '') },
    { key: 'due_at', label: t('field.due_at') },
    { key: 'status', render: (r) => h('span', {}, statusBadge(r.status), r.overdue ? statusBadge('overdue') : null) },
    { key: 'reason', render: (r) => [r.reason, r.policy ? t('exc.policy', r.policy.name) : ''].join('') },
    { key: 'asked_by', label: t('case.col.askedby'), render: (r) => who(r.asked_by) },
  ], t('case.requests.caption')),
  list.filter((r) => ['open', 'accepted', 'deferred'].includes(r.status) && ((r.holder_person && r.holder_person.id === me.id) || (r.holder_team && r.holder_team.id === me.team_id)))
    .map((r) => h('div', { class: 'holder-acts' }, h('p', {}, h('strong', {}, t('case.youhold')), r.what),
      r.status === 'open' ? doButton(t('offer.accept'), '/api/v1/requests/' + encodeURIComponent(r.id) + '/accept', refresh) : null,
      doButton(t('case.complete'), '/api/v1/requests/' + encodeURIComponent(r.id) + '/complete', refresh),
      deferred(action(t('case.defer'), 'POST', '/api/v1/requests/{id}/defer', { pathParams: { id: r.id }, onDone: refresh, submit: t('case.defer.submit'), choices: { policy: policies } })),
      deferred(action(t('offer.decline'), 'POST', '/api/v1/requests/{id}/decline', { pathParams: { id: r.id }, onDone: refresh, submit: t('case.decline.submit'), choices: { policy: policies } })))),
  followUps(list, c.owner && c.owner.id, refresh));
}

// A node now, filled when the promise resolves (for forms built from the API document).
function deferred(promise) {
  const slot = h('div', {});
  Promise.resolve(promise).then((el) => { if (el) slot.replaceWith(el); else slot.remove(); });
  return slot;
}

function exceptionsPart(list, refresh) {
  const me = session.me;
  return table(list, [
    { key: 'description', label: t('exc.col.exception') },
    { key: 'policy', render: (x) => (x.policy ? x.policy.name : '') },
    { key: 'amount', render: (x) => (x.amount_cents ? money(x.amount_cents) : x.value || '') },
    { key: 'reasoning' },
    { key: 'proposer', label: t('exc.col.proposer'), render: (x) => who(x.proposer) },
    { key: 'status', render: (x) => h('span', {}, statusBadge(x.status), t('case.cosignatures', x.signature_count || 0, x.needed || 1)) },
    { key: 'expires_at', label: t('exc.col.expires') },
    { key: 'act', label: t('dir.act'), render: (x) => (x.status === 'proposed' && (!x.proposer || x.proposer.id !== me.id) && may('cosign_exception') ? doButton(t('case.cosign'), '/api/v1/exceptions/' + encodeURIComponent(x.id) + '/cosign', refresh) : exceptionReview(x, refresh)) },
  ], t('exc.title'));
}

function actionsPart(list) {
  return table(list, [
    { key: 'description', label: t('field.what'), render: (x) => x.description || words(x.kind || '') },
    { key: 'amount', render: (x) => (x.amount_cents ? money(x.amount_cents) : x.value || '') },
    { key: 'policy', label: t('case.col.beyond'), render: (x) => (x.policy ? x.policy.name : '') },
    { key: 'by', label: t('case.col.doneby'), render: (x) => who(x.by) },
    { key: 'at', label: t('field.at'), render: (x) => x.at || x.created_at || '' },
  ], t('case.part.actions'));
}

function articlesPart(list) {
  return table(list, [{ key: 'title', label: t('field.article'), render: (a) => a.title || (a.article && a.article.title) || '' },
    { key: 'by', label: t('case.col.linkedby'), render: (a) => (a.linked_by && a.linked_by.name) || '' }, { key: 'at', label: t('field.at'), render: (a) => a.at || a.linked_at || '' }], t('case.part.articles'));
}

function extraParts(c, refresh, policies) {
  const out = [];
  const PARTS = { promises: [t('case.part.promises'), promisesPart], requests: [t('case.part.requests'), requestsPart], exceptions: [t('case.part.exceptions'), exceptionsPart], mail: [t('case.part.mail'), mailPart], attachments: [t('case.part.attachments'), attachmentsPart], actions: [t('case.part.actions'), actionsPart], articles: [t('case.part.articles'), articlesPart] };
  for (const [k, v] of Object.entries(c)) {
    if (KNOWN.has(k) || !Array.isArray(v) || !v.length || typeof v[0] !== 'object') continue;
    const id = 'part-' + k;
    const [title, fn] = PARTS[k] || [words(k), (rows) => table(rows, null, words(k))];
    out.push(h('section', { class: 'card', id: k, 'aria-labelledby': id }, h('h2', { id }, title), fn(v, refresh, policies, c)));
  }
  const ud = c.update_duty;
  if (ud && typeof ud === 'object' && (ud.next || (ud.duties || []).length)) {
    out.push(h('section', { class: 'card', id: 'update-duty', 'aria-labelledby': 'ud-h' }, h('h2', { id: 'ud-h' }, t('case.updates')),
      ud.next ? h('p', {}, h('strong', {}, t('case.nextupdate')), timeEl(ud.next.due_at), ' ', statusBadge(ud.next.status || 'pending'), ud.next.kind === 'at_risk' ? t('tl.atrisk') : '') : h('p', { class: 'muted' }, t('case.noupdate')),
      table(ud.duties || [], [{ key: 'kind', render: (d) => words(d.kind) }, { key: 'due_at', label: t('field.due_at') }, { key: 'status', render: (d) => statusBadge(d.status) }, { key: 'closed_at', label: t('case.col.closed') }], t('case.duties.caption'))));
  }
  return out;
}

async function portalLinkBox(customer) {
  const out = h('div', { 'aria-live': 'polite' });
  const btn = h('button', { type: 'button', onclick: async () => {
    btn.disabled = true;
    try {
      const r = await post('/api/v1/customers/' + encodeURIComponent(customer.id) + '/portal-link', {});
      const url = location.origin + r.link;
      out.replaceChildren(h('p', {}, t('case.portal.send', customer.name), timeEl(r.expires_at), t('case.portal.send.end')),
        h('p', {}, h('code', { class: 'link-text' }, url), ' ', copyButton(url, t('case.portal.copy'))));
    } catch (e) { out.replaceChildren(errorBox(e, t('case.portal.notmade'))); } finally { btn.disabled = false; }
  } }, t('case.portal.make'));
  // shown without asking the API document first (it loads only when a form needs it); a server without the route says so when pressed
  const mail = customer.email
    ? h('button', { type: 'button', onclick: async () => {
      mail.disabled = true;
      try {
        const r = await post('/api/v1/customers/' + encodeURIComponent(customer.id) + '/portal-link/email', {});
        out.replaceChildren(h('p', {}, t('case.portal.sent', r.to), timeEl(r.expires_at), t('case.portal.sent.end')));
      } catch (e) { out.replaceChildren(errorBox(e, t('case.portal.notsent'))); } finally { mail.disabled = false; }
    } }, t('case.portal.email'))
    : null;
  return h('div', { class: 'portal-link' }, btn, mail ? ' ' : null, mail, out);
}

// Someone else changed this case: show it at once, unless the person is typing into a form here
// (then say so, and let them refresh when they are ready).
function liveCase(c, page, refresh) {
  const banner = h('div', { class: 'card live-banner', role: 'status', hidden: true });
  page.prepend(banner);
  onPage('case', (ev) => {
    if (ev.case_id !== c.id || ev.actor_id === session.me.id) return;
    const typing = [...page.querySelectorAll('input:not([type=checkbox]):not([type=radio]), textarea')].some((el) => el.value && el.value !== el.defaultValue);
    if (!typing) { refresh(); return; }
    banner.hidden = false;
    banner.replaceChildren(t('live.changed'), h('button', { type: 'button', class: 'small', onclick: refresh }, t('live.show')), t('live.typing'));
  });
}

export async function casePage(id) {
  const c = await get('/api/v1/cases/' + encodeURIComponent(id));
  const refresh = () => window.frontlineNavigate(location.pathname, true);
  const page = h('div', { class: 'case' });
  const cust = c.customer || {};
  page.append(
    h('h1', {}, '#' + c.number + ' ', h('bdi', {}, c.subject)),
    h('p', { class: 'jump' }, h('a', { href: '#act', class: 'button' }, t('case.actions.jump'))),
    h('div', { class: 'case-head card' },
      h('dl', { class: 'facts' },
        h('dt', {}, t('case.fact.status')), h('dd', {}, h('span', { class: ['badge', 'st-' + c.status] }, words(c.status)), c.resolution ? ' — ' + c.resolution : ''),
        h('dt', {}, t('case.fact.customer')), h('dd', {}, h('a', { href: '/customers/' + encodeURIComponent(cust.id), dir: 'auto' }, cust.name || '?'),
          cust.email ? [' · ', h('span', { class: 'muted', dir: 'ltr' }, cust.email)] : null, cust.phone ? [' · ', h('span', { class: 'muted tel', dir: 'ltr' }, cust.phone)] : null),
        h('dt', {}, t('case.fact.owner')), h('dd', {}, person(c.owner)),
        h('dt', {}, t('case.fact.intake')), h('dd', {}, person(c.intake_by), ' via ', words(c.channel), ', ', timeEl(c.created_at)),
        h('dt', {}, t('case.fact.changed')), h('dd', {}, timeEl(c.updated_at)))),
  );
  const offers = offerButtons(c, refresh);
  if (offers) page.append(offers);

  const breaches = c.breaches || [];
  if (breaches.length) {
    page.append(h('section', { class: 'card attribution', 'aria-labelledby': 'attr-h' }, h('h2', { id: 'attr-h' }, t('case.broke')),
      h('ul', {}, breaches.map((b) => h('li', {},
        h('strong', {}, t('case.promise.broke', (b.attribution && b.attribution.promise && b.attribution.promise.what) || (b.promise && b.promise.what) || '')), b.at ? [' ', timeEl(b.at)] : null,
        h('ul', {}, attributionText(b.attribution).map((line) => h('li', {}, line))))))));
  }
  for (const pc of c.policy_conflicts || []) {
    page.append(h('p', { class: 'card conflict', role: 'note' }, h('strong', {}, t('case.conflict')), t('case.conflict.pair', brief(pc.policy), brief(pc.promise_policy)), pc.by ? t('case.conflict.by', pc.by.name) : ' ', timeEl(pc.at)));
  }

  const cols = h('div', { class: 'case-cols' });
  const left = h('div', { class: 'col-main' });
  const right = h('div', { class: 'col-side' });
  cols.append(left, right);
  page.append(cols);

  forgetChoices();
  const reviewsLoad = optional('/api/v1/reviews?case_id=' + encodeURIComponent(c.id)).catch(() => null);
  articleChoices(); // asked beside the others, not after them (pick.js keeps the answers)
  const [teams, policies, skills, locations, people] = await Promise.all([teamChoices(), policyChoices(), skillChoices(), locationChoices(), peopleChoices()]);
  const place = locations.find((l) => l.id === c.intake_location_id) || null;
  const acts = h('section', { class: 'card', id: 'act', 'aria-labelledby': 'act-h' }, h('h2', { id: 'act-h' }, t('case.actions')));
  right.append(acts, asyncSection(t('case.words'), () => suggestedWords(c.id, place), { id: 'words' }));
  const policyNames = policies.map((p) => ({ value: p.value, label: p.label }));
  const forms = await caseActions(c, refresh, { teams, policies, skills, locations });
  acts.append(...forms.filter(Boolean), thankForm(c.id, (await peopleChoices()).map((x) => x.person)));
  await attachEstimate(forms, c);
  const pl = await portalLinkBox(cust);
  if (pl) acts.append(pl);

  for (const part of extraParts(c, refresh, policyNames)) left.append(part);
  const reviews = await reviewsLoad;
  if (reviews && reviews.items.length) left.append(h('section', { class: 'card', id: 'reviews', 'aria-labelledby': 'rv-h' }, h('h2', { id: 'rv-h' }, t('case.reviews')),
    reviews.items.map((rv) => h('div', { class: 'review' },
      h('p', {}, statusBadge(rv.status), ' ', words(rv.trigger || 'review'), t('case.review.led', rv.owner ? rv.owner.name : '?'), timeEl(rv.due_at), rv.overdue ? [' ', statusBadge('overdue')] : null),
      rv.summary ? h('p', {}, rv.summary) : null,
      rv.status === 'open' && rv.owner && rv.owner.id === session.me.id ? [
        later(action(t('case.review.cause'), 'POST', '/api/v1/reviews/{id}/causes', { pathParams: { id: rv.id }, onDone: refresh, submit: t('case.review.cause.submit') })),
        later(action(t('case.review.action'), 'POST', '/api/v1/reviews/{id}/actions', { pathParams: { id: rv.id }, onDone: refresh, submit: t('case.review.action.submit') })),
        later(action(t('case.review.close'), 'POST', '/api/v1/reviews/{id}/close', { pathParams: { id: rv.id }, onDone: refresh, submit: t('case.review.close.submit') }))] : null))));
  left.append(h('section', { class: 'card', id: 'timeline', 'aria-labelledby': 'tl-h' }, h('h2', { id: 'tl-h' }, t('case.timeline')), timeline(c, namesOf(c, { people, teams, policies }))));
  liveCase(c, page, refresh);
  return page;
}

export async function customerPage(id) {
  const cu = await get('/api/v1/customers/' + encodeURIComponent(id));
  const cases = cu.cases || (await get('/api/v1/cases?customer_id=' + encodeURIComponent(id))).items;
  const page = h('div', {});
  page.append(h('h1', {}, cu.name),
    h('dl', { class: 'facts card' }, h('dt', {}, t('cust.email')), h('dd', {}, cu.email || '—'), h('dt', {}, t('field.phone')), h('dd', {}, cu.phone || '—'), h('dt', {}, t('cust.since')), h('dd', {}, timeEl(cu.created_at))),
    h('section', { class: 'card', 'aria-labelledby': 'cc-h' }, h('h2', { id: 'cc-h' }, t('nav.cases')),
      itemList(cases, { empty: t('cust.nocases'), text: (c) => '#' + c.number + ' ' + c.subject, href: (c) => '/cases/' + encodeURIComponent(c.id),
        meta: (c) => [h('span', { class: ['badge', 'st-' + c.status] }, words(c.status)), c.owner ? h('span', {}, 'owner ' + c.owner.name) : null, h('span', {}, 'updated ', timeEl(c.updated_at))] })));
  const pl = await portalLinkBox(cu);
  if (pl) page.append(h('section', { class: 'card', 'aria-label': t('case.portal') }, h('h2', {}, t('case.portal')), pl));
  const open = await action(t('cust.newcase', cu.name), 'POST', '/api/v1/cases', { fixed: { customer_id: cu.id }, hide: ['customer_name', 'customer_email', 'customer_phone'],
    onDone: (r) => window.frontlineNavigate('/cases/' + r.id), submit: t('newcase.open') });
  if (open) page.append(h('section', { class: 'card', 'aria-label': t('nav.newcase') }, open));
  return page;
}
