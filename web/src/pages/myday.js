import { h, announce } from '../lib/dom.js';
import { t } from '../lib/msg.js';
import { get, optional, post, session, withQuery, may } from '../lib/api.js';
import { asyncSection, refreshable, timeEl, notice, errorBox, later } from '../lib/ui.js';
import { action, limitCounter } from '../lib/forms.js';
import { onPage, liveState } from '../lib/live.js';
import { alertList } from './alerts.js';
import { peopleChoices, leaderChoices } from '../lib/pick.js';
import { itemList } from '../lib/items.js';
import { words, sameDay, zoneName } from '../lib/fmt.js';
import { ownedSection, recognitionFrom } from './recognition.js';

function missing() { return notice(t('myday.unavailable')); }

// An offer, as the person deciding sees it: the case's number, subject and customer, who offers it
// and why; Accept, or Decline with a reason; a confirmation either way.
// done(text, link): the confirmation, kept on the page above the sections (a reload of the list
// after a live event must not take it away before it is read).
function offerItem(o, done) {
  const cs = o.case || {};
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const answered = (text, link) => { li.remove(); done(text, link); };
  const accept = h('button', { type: 'button', class: 'primary small', onclick: async () => {
    accept.disabled = true;
    try {
      await post('/api/v1/offers/' + encodeURIComponent(o.id) + '/accept');
      answered(t('offer.accepted', cs.number), h('a', { href: '/cases/' + encodeURIComponent(o.case_id) }, t('offer.open', cs.number)));
    } catch (err) { status.replaceChildren(errorBox(err, t('offer.notaccepted'))); accept.disabled = false; }
  } }, t('offer.accept'));
  // the server's limit in bytes (FL_MAX_TEXT), counted as it counts
  const reason = h('input', { type: 'text', id: 'decline-' + o.id, required: true, dir: 'auto' });
  const decline = h('details', { class: 'action inline' }, h('summary', {}, t('offer.decline')),
    h('form', { class: 'api-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      if (!reason.value.trim()) { reason.setAttribute('aria-invalid', 'true'); status.replaceChildren(errorBox({ message: t('offer.sayswhy', o.from ? o.from.name : t('offer.they')) }, t('offer.notdeclined'))); reason.focus(); return; }
      if (reason.limitOver()) { status.replaceChildren(errorBox({ message: t('limit.over', Number(reason.dataset.bytes) - 10000) }, t('offer.notdeclined'))); reason.focus(); return; }
      try {
        await post('/api/v1/offers/' + encodeURIComponent(o.id) + '/decline', { reason: reason.value.trim() });
        answered(t('offer.declined', cs.number, o.from ? o.from.name : t('offer.offerer')));
      } catch (err) { status.replaceChildren(errorBox(err, t('offer.notdeclined'))); }
    } }, h('div', { class: 'field' }, h('label', { for: 'decline-' + o.id }, t('offer.why')), reason, limitCounter(reason, 10000)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('offer.decline.submit')))));
  const li = h('li', { class: 'offer' },
    h('a', { href: '/cases/' + encodeURIComponent(o.case_id) }, cs.number ? '#' + cs.number + ' ' + cs.subject : t('offer.acase')),
    h('div', { class: 'meta' }, cs.customer ? h('span', { dir: 'auto' }, t('offer.customer', cs.customer)) : null, h('span', {}, t('offer.by', o.from ? o.from.name : t('someone')), timeEl(o.created_at))),
    o.note ? h('p', { class: 'quote', dir: 'auto' }, o.note) : null,
    h('div', { class: 'actions' }, accept, decline), status);
  return li;
}

function offerList(items, done) {
  if (!items.length) return notice(t('offer.none'));
  return h('ul', { class: 'items offers' }, items.map((o) => offerItem(o, done)));
}

// A pulse survey: a rating (1-5) and words for each question; answers are confidential.
function surveyForm(sv, refresh) {
  const status = h('div', { 'aria-live': 'polite' });
  const qs = (sv.questions || []).map((q, i) => {
    const rid = 'sv-' + sv.id + '-r' + i, tid = 'sv-' + sv.id + '-t' + i;
    return { n: i + 1, el: h('fieldset', { class: 'field' }, h('legend', {}, q),
      h('label', { for: rid }, t('survey.rating')), h('select', { id: rid }, h('option', { value: '' }, '—'), [1, 2, 3, 4, 5].map((v) => h('option', { value: String(v) }, String(v)))),
      h('label', { for: tid }, t('survey.words')), h('textarea', { id: tid, rows: 2, dir: 'auto' })) };
  });
  const form = h('form', { class: 'api-form', 'aria-label': t('survey.answer', sv.title) }, qs.map((q) => q.el), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('survey.send'))), status);
  // each answer's words: the server's limit in bytes (FL_MAX_TEXT), counted as it counts
  for (const q of qs) { const ta = q.el.querySelector('textarea'); ta.after(limitCounter(ta, 10000)); }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const answers = [];
    for (const q of qs) {
      const [sel, ta] = [q.el.querySelector('select'), q.el.querySelector('textarea')];
      const a = { question: q.n };
      if (sel.value) a.rating = Number(sel.value);
      if (ta.value.trim()) a.text = ta.value.trim();
      if (a.rating || a.text) answers.push(a);
    }
    const over = qs.map((q) => q.el.querySelector('textarea')).find((ta) => ta.limitOver());
    if (over) { over.focus(); status.replaceChildren(errorBox({ message: t('limit.over', Number(over.dataset.bytes) - 10000) }, t('rec.notsent'))); return; }
    if (!answers.length) { status.replaceChildren(errorBox({ message: t('survey.none') }, t('rec.notsent'))); return; }
    try { await post('/api/v1/surveys/' + encodeURIComponent(sv.id) + '/responses', { answers }); status.replaceChildren(h('p', { class: 'ok', role: 'status' }, t('survey.thanks'))); }
    catch (err) { status.replaceChildren(errorBox(err, t('rec.notsent'))); }
  });
  return h('details', { class: 'action' }, h('summary', {}, t('survey.open')), form);
}

// Coaching notes I wrote or that are about me (private to the two), and a new one for those who coach.
async function coachingSection(read) {
  const r = await read('coaching_notes', '/api/v1/coaching-notes');
  if (!r) return missing();
  const list = itemList(r.items, { empty: t('coach.none'), text: (n) => n.summary || t('coach.conversation'),
    href: () => null, meta: (n) => [h('span', {}, t('coach.with', n.supervisor ? n.supervisor.name : '', n.employee ? n.employee.name : '')), h('span', {}, timeEl(n.created_at || n.at))] });
  if (!may('write_coaching_note')) return list;
  const form = await action(t('coach.write'), 'POST', '/api/v1/coaching-notes', { submit: t('act.save_coaching_note'), only: ['employee', 'summary'], hide: ['answers', 'cases'],
    pickers: { employee: peopleChoices }, labels: { employee: t('coach.employee'), summary: t('coach.agreed') }, doneText: t('act.coaching_note_saved_only_the_two_of_you_'),
    onDone: () => window.frontlineNavigate(location.pathname, true) });
  return [list, form];
}

async function raiseIssue() {
  const f = await action(t('issue.describe'), 'POST', '/api/v1/system-issues', { submit: t('act.raise_issue'), hide: ['cases'], pickers: { owner: leaderChoices },
    labels: { title: t('issue.title'), owner: t('issue.owner') }, doneText: t('issue.raised') });
  return f ? [h('p', { class: 'muted' }, t('issue.intro')), f] : missing();
}

export async function mydayPage() {
  const me = session.me;
  const page = h('div', { class: 'myday' });
  const refresh = () => window.frontlineNavigate(location.pathname + location.search, true);
  page.append(h('h1', {}, t('nav.myday')), h('p', { class: 'muted' }, t('myday.hello', me.name.split(' ')[0]), t('times.in', zoneName())));
  const grid = h('div', { class: 'grid' });
  page.append(grid);
  // My day in one read (GET /api/v1/me/day): every section's first load comes from it; a live
  // update reloads only the section it concerns, from that section's own route.  Without the route
  // (an older server) each section asks its own.
  const day = optional(withQuery('/api/v1/me/day', { from: recognitionFrom() })).catch(() => null);
  const read = async (key, path) => { const d = await day; return d ? d[key] : optional(path); };
  const mineQuery = withQuery('/api/v1/cases', { mine: 'true', status: 'open', limit: 50 });
  // promises and update duties live on the cases I own, as their case pages show them
  const myCases = async () => {
    const d = await day;
    if (d) return { list: d.cases ? d.cases.items : [], views: d.case_views || [] };
    const r = await get(mineQuery);
    const views = await Promise.all(r.items.map((c) => get('/api/v1/cases/' + encodeURIComponent(c.id)).catch(() => null)));
    return { list: r.items, views: views.filter(Boolean) };
  };
  const fresh = { offers: true, alerts: true, owned: true };
  const firstOr = (key, path, name) => { if (fresh[name]) { fresh[name] = false; return read(key, path); } return optional(path); };
  const caseLabel = (v) => '#' + v.number + ' ' + v.subject;
  const confirmations = h('div', { class: 'confirmations', 'aria-live': 'polite' });
  grid.before(confirmations);
  const offerDone = (text, link) => {
    confirmations.prepend(h('p', { class: 'ok card' }, text, link ? [' ', link] : null));
    announce(text);
    offers.reload();
  };
  const offers = refreshable(t('myday.offers'), async () => { const r = await firstOr('offers', '/api/v1/offers', 'offers'); return r ? offerList(r.items, offerDone) : missing(); });
  let unreadShown = null;
  const alerts = refreshable(t('myday.alerts'), async () => {
    const r = await firstOr('alerts', withQuery('/api/v1/alerts', { limit: 10 }), 'alerts');
    if (!r) return missing();
    unreadShown = r.unread;
    // a change the stream told of before this list was read
    if (liveState.unread !== null && liveState.unread !== r.unread) setTimeout(() => alerts.reload());
    return [alertList(r.items, () => alerts.reload()), h('p', {}, h('a', { href: '/alerts' }, r.unread ? t('myday.allalerts.unread', r.unread) : t('myday.allalerts')))];
  });
  const owned = refreshable(t('myday.owned'), async () => {
    const r = fresh.owned ? (fresh.owned = false, await myCases()) : { list: (await get(mineQuery)).items };
    const list = r.list;
    return itemList(list, {
      empty: t('myday.owned.none'),
      text: (c) => '#' + c.number + ' ' + c.subject,
      meta: (c) => [h('span', { dir: 'auto' }, c.customer ? c.customer.name : ''), h('span', {}, words(c.channel)), h('span', {}, t('find.updated'), timeEl(c.updated_at))],
    });
  }, { class: 'wide' });
  onPage('case', (ev) => {
    if (/^case\.(offered|declined|offer_withdrawn|offer_expired|accepted|assigned)$/.test(ev.kind)) offers.reload();
    if (ev.kind.startsWith('case.')) owned.reload();
  });
  // the stream's hello (and each change) says the unread count: reload only when it moved
  onPage('alerts', (d) => { if (unreadShown !== null && (!d || d.unread !== unreadShown)) alerts.reload(); });
  grid.append(
    offers,
    asyncSection(t('myday.requests'), async () => {
      const r = await read('requests', '/api/v1/requests');
      if (!r) return missing();
      const items = r.items.filter((q) => ['open', 'accepted', 'deferred'].includes(q.status));
      items.sort((a, b) => String(a.due_at || '').localeCompare(String(b.due_at || '')));
      return itemList(items, { empty: t('myday.requests.none'), text: (q) => q.what,
        meta: (q) => [h('span', {}, t('cases.row.due'), timeEl(q.due_at)), q.overdue ? h('span', { class: 'badge st-overdue' }, t('myday.overdue')) : h('span', { class: ['badge', 'st-' + q.status] }, words(q.status)),
          q.asked_by ? h('span', {}, t('myday.askedby', q.asked_by.name)) : null, q.holder_team && !q.holder_person ? h('span', {}, t('myday.forteam', q.holder_team.name)) : null] });
    }),
    asyncSection(t('myday.promises'), async () => {
      const { views } = await myCases();
      const hot = [];
      for (const v of views) for (const p of v.promises || []) {
        if (p.status !== 'pending') continue;
        if (p.at_risk || sameDay(p.due_at) || new Date(p.due_at) < new Date()) hot.push({ ...p, caseLabel: caseLabel(v) });
      }
      hot.sort((a, b) => String(a.due_at).localeCompare(String(b.due_at)));
      return itemList(hot, { empty: t('myday.promises.none'), text: (p) => p.what,
        meta: (p) => [h('span', {}, t('cases.row.due'), timeEl(p.due_at)), p.at_risk ? h('span', { class: 'badge st-at_risk' }, words('at_risk')) : null, h('span', { dir: 'auto' }, p.caseLabel)] });
    }),
    asyncSection(t('myday.duties'), async () => {
      const { views } = await myCases();
      const due = views.filter((v) => v.update_duty && v.update_duty.next).map((v) => ({ ...v.update_duty.next, case_id: v.id, caseLabel: caseLabel(v) }));
      if (views.length && !views.some((v) => 'update_duty' in v)) return missing();
      due.sort((a, b) => String(a.due_at).localeCompare(String(b.due_at)));
      return itemList(due, { empty: t('myday.duties.none'), text: (d) => t('myday.duty', d.caseLabel),
        meta: (d) => [h('span', {}, t('cases.row.due'), timeEl(d.due_at)), d.kind === 'at_risk' ? h('span', { class: 'badge st-at_risk' }, t('myday.duty.atrisk')) : h('span', { class: 'badge' }, words('cadence'))] });
    }),
    asyncSection(t('myday.cosign'), async () => {
      const r = await read('cosign', withQuery('/api/v1/exceptions', { waiting_for_me: 'true' }));
      if (!r) return missing();
      return itemList(r.items, { empty: t('myday.cosign.none'), text: (x) => x.description, href: (x) => '/cases/' + encodeURIComponent(x.case ? x.case.id : x.case_id) + '#exceptions',
        meta: (x) => [x.proposer ? h('span', {}, t('myday.cosign.by', x.proposer.name)) : null, x.policy ? h('span', {}, t('myday.cosign.policy', x.policy.name)) : null, h('span', {}, t('myday.cosign.expires'), timeEl(x.expires_at))] });
    }),
    asyncSection(t('myday.reviews'), async () => {
      const parts = [];
      if (may('review_exception')) {
        const q = await read('exception_reviews', '/api/v1/exception-reviews');
        if (q) parts.push(itemList(q.items, { empty: t('myday.xreview.none'), text: (x) => t('myday.xreview', x.description || ''), href: (x) => '/cases/' + encodeURIComponent(x.case ? x.case.id : x.case_id) + '#exceptions' }));
      }
      const r = await read('reviews', withQuery('/api/v1/reviews', { mine: 'true', status: 'open' }));
      if (r) parts.push(itemList(r.items, { empty: t('myday.freview.none'), text: (x) => t('myday.freview', x.case ? '#' + x.case.number + ' ' + (x.case.subject || '') : ''),
        href: (x) => '/cases/' + encodeURIComponent(x.case_id || (x.case && x.case.id)) + '#reviews',
        meta: (x) => [h('span', {}, t('cases.row.due'), timeEl(x.due_at)), x.overdue ? h('span', { class: 'badge st-overdue' }, t('myday.overdue')) : null, x.case_owner ? h('span', {}, t('myday.caseowner', x.case_owner.name)) : null] }));
      const a = await read('review_actions', withQuery('/api/v1/review-actions', { status: 'open' }));
      if (a && a.items.length) parts.push(h('h3', {}, t('myday.ractions')), itemList(a.items, { text: (x) => x.title,
        meta: (x) => [h('span', {}, t('cases.row.due'), timeEl(x.due_at)), x.overdue ? h('span', { class: 'badge st-overdue' }, t('myday.overdue')) : null,
          later(action(t('myday.markdone'), 'POST', '/api/v1/review-actions/{id}/done', { pathParams: { id: x.id }, onDone: refresh, submit: t('myday.markdone.submit'), doneText: t('myday.markdone.done') }))] }));
      const sv = await read('surveys', withQuery('/api/v1/surveys', { mine: 'true' }));
      const todo = sv ? sv.items.filter((x) => x.open && !x.answered) : [];
      if (todo.length) parts.push(h('h3', {}, t('myday.surveys')), itemList(todo, { text: (x) => x.title, href: (x) => (x.case_id ? '/cases/' + encodeURIComponent(x.case_id) : null),
        meta: (x) => [h('span', {}, t('myday.openuntil'), timeEl(x.closes_at)), surveyForm(x, refresh)] }));
      return parts.length ? parts : notice(t('myday.reviews.none'));
    }),
    asyncSection(t('myday.issues'), async () => {
      const r = await read('system_issues', withQuery('/api/v1/system-issues', { mine: 'true', status: 'open' }));
      if (!r) return missing();
      return itemList(r.items, { empty: t('myday.issues.none'), text: (x) => x.title, href: () => '/leadership',
        meta: (x) => [h('span', {}, t('myday.responsedue'), timeEl(x.response_due_at)), x.overdue ? h('span', { class: 'badge st-overdue' }, t('myday.overdue')) : null, x.raised_by ? h('span', {}, t('myday.raisedby', x.raised_by.name)) : null,
          x.description ? h('p', { class: 'quote' }, x.description) : null,
          later(action(t('myday.respond'), 'POST', '/api/v1/system-issues/{id}/respond', { pathParams: { id: x.id }, onDone: refresh, submit: t('myday.respond.submit'), doneText: t('myday.respond.done') }))] });
    }),
    alerts,
    asyncSection(t('myday.coaching'), () => coachingSection(read)),
    asyncSection(t('myday.raise'), raiseIssue),
    ownedSection(day.then((d) => (d ? { recognition: d.recognition, thanks: d.thanks } : null))),
    owned,
  );
  return page;
}
