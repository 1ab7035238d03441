import { h, announce } from '../lib/dom.js';
import { t } from '../lib/msg.js';
import { get, optional, post, session, withQuery, may } from '../lib/api.js';
import { asyncSection, refreshable, timeEl, notice, errorBox, later } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { onPage, liveState } from '../lib/live.js';
import { alertList } from './alerts.js';
import { peopleChoices, leaderChoices } from '../lib/pick.js';
import { itemList } from '../lib/items.js';
import { words, sameDay, zoneName } from '../lib/fmt.js';
import { ownedSection, recognitionFrom } from './recognition.js';

function missing() { return notice('Not available on this server yet.'); }

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
      answered('You accepted case #' + cs.number + ': it is yours now.', h('a', { href: '/cases/' + encodeURIComponent(o.case_id) }, 'Open case #' + cs.number));
    } catch (err) { status.replaceChildren(errorBox(err, 'Not accepted')); accept.disabled = false; }
  } }, 'Accept');
  const reason = h('input', { type: 'text', id: 'decline-' + o.id, maxlength: 4000, required: true });
  const decline = h('details', { class: 'action inline' }, h('summary', {}, 'Decline'),
    h('form', { class: 'api-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      if (!reason.value.trim()) { reason.setAttribute('aria-invalid', 'true'); status.replaceChildren(errorBox({ message: 'Say why, so ' + (o.from ? o.from.name : 'they') + ' can find someone else.' }, 'Not declined')); reason.focus(); return; }
      try {
        await post('/api/v1/offers/' + encodeURIComponent(o.id) + '/decline', { reason: reason.value.trim() });
        answered('You declined case #' + cs.number + '. ' + (o.from ? o.from.name : 'The person who offered it') + ' keeps it and is told why.');
      } catch (err) { status.replaceChildren(errorBox(err, 'Not declined')); }
    } }, h('div', { class: 'field' }, h('label', { for: 'decline-' + o.id }, 'Why not (they will see this)'), reason),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Decline offer'))));
  const li = h('li', { class: 'offer' },
    h('a', { href: '/cases/' + encodeURIComponent(o.case_id) }, cs.number ? '#' + cs.number + ' ' + cs.subject : 'An offered case'),
    h('div', { class: 'meta' }, cs.customer ? h('span', { dir: 'auto' }, 'customer ' + cs.customer) : null, h('span', {}, 'offered by ' + (o.from ? o.from.name : 'someone') + ' ', timeEl(o.created_at))),
    o.note ? h('p', { class: 'quote', dir: 'auto' }, o.note) : null,
    h('div', { class: 'actions' }, accept, decline), status);
  return li;
}

function offerList(items, done) {
  if (!items.length) return notice('No offers waiting for you.');
  return h('ul', { class: 'items offers' }, items.map((o) => offerItem(o, done)));
}

// A pulse survey: a rating (1-5) and words for each question; answers are confidential.
function surveyForm(sv, refresh) {
  const status = h('div', { 'aria-live': 'polite' });
  const qs = (sv.questions || []).map((q, i) => {
    const rid = 'sv-' + sv.id + '-r' + i, tid = 'sv-' + sv.id + '-t' + i;
    return { n: i + 1, el: h('fieldset', { class: 'field' }, h('legend', {}, q),
      h('label', { for: rid }, 'Rating (1 = not at all, 5 = fully)'), h('select', { id: rid }, h('option', { value: '' }, '—'), [1, 2, 3, 4, 5].map((v) => h('option', { value: String(v) }, String(v)))),
      h('label', { for: tid }, 'In your words'), h('textarea', { id: tid, rows: 2, maxlength: 2000 })) };
  });
  const form = h('form', { class: 'api-form', 'aria-label': 'Answer: ' + sv.title }, qs.map((q) => q.el), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Send answers')), status);
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
    if (!answers.length) { status.replaceChildren(errorBox({ message: 'Answer at least one question.' }, 'Not sent')); return; }
    try { await post('/api/v1/surveys/' + encodeURIComponent(sv.id) + '/responses', { answers }); status.replaceChildren(h('p', { class: 'ok', role: 'status' }, 'Thank you. Your answers are confidential.')); }
    catch (err) { status.replaceChildren(errorBox(err, 'Not sent')); }
  });
  return h('details', { class: 'action' }, h('summary', {}, 'Answer the survey'), form);
}

// Coaching notes I wrote or that are about me (private to the two), and a new one for those who coach.
async function coachingSection(read) {
  const r = await read('coaching_notes', '/api/v1/coaching-notes');
  if (!r) return missing();
  const list = itemList(r.items, { empty: 'No coaching notes.', text: (n) => n.summary || 'Coaching conversation',
    href: () => null, meta: (n) => [h('span', {}, (n.supervisor ? n.supervisor.name : '') + ' with ' + (n.employee ? n.employee.name : '')), h('span', {}, timeEl(n.created_at || n.at))] });
  if (!may('write_coaching_note')) return list;
  const form = await action('Write a coaching note', 'POST', '/api/v1/coaching-notes', { submit: 'Save coaching note', only: ['employee', 'summary'], hide: ['answers', 'cases'],
    pickers: { employee: peopleChoices }, labels: { employee: 'With', summary: 'What you agreed' }, doneText: 'Coaching note saved (only the two of you can read it).',
    onDone: () => window.frontlineNavigate(location.pathname, true) });
  return [list, form];
}

async function raiseIssue() {
  const f = await action('Describe the problem', 'POST', '/api/v1/system-issues', { submit: 'Raise issue', hide: ['cases'], pickers: { owner: leaderChoices },
    labels: { title: 'What is wrong', owner: 'Leader who owes a response (default: yours)' }, doneText: 'Raised. The leader owes you a response by its due time.' });
  return f ? [h('p', { class: 'muted' }, 'A tool, process or policy that keeps getting in the way? Say so: a leader owes you a response.'), f] : missing();
}

export async function mydayPage() {
  const me = session.me;
  const page = h('div', { class: 'myday' });
  const refresh = () => window.frontlineNavigate(location.pathname + location.search, true);
  page.append(h('h1', {}, 'My day'), h('p', { class: 'muted' }, 'Good to see you, ' + me.name.split(' ')[0] + '. ' + t('times.in', zoneName())));
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
    return [alertList(r.items, () => alerts.reload()), h('p', {}, h('a', { href: '/alerts' }, r.unread ? 'All alerts (' + r.unread + ' unread)' : 'All alerts'))];
  });
  const owned = refreshable(t('myday.owned'), async () => {
    const r = fresh.owned ? (fresh.owned = false, await myCases()) : { list: (await get(mineQuery)).items };
    const list = r.list;
    return itemList(list, {
      empty: 'You own no open cases.',
      text: (c) => '#' + c.number + ' ' + c.subject,
      meta: (c) => [h('span', { dir: 'auto' }, c.customer ? c.customer.name : ''), h('span', {}, words(c.channel)), h('span', {}, 'updated ', timeEl(c.updated_at))],
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
      return itemList(items, { empty: 'You owe no requests.', text: (q) => q.what,
        meta: (q) => [h('span', {}, 'due ', timeEl(q.due_at)), q.overdue ? h('span', { class: 'badge st-overdue' }, 'Overdue') : h('span', { class: ['badge', 'st-' + q.status] }, words(q.status)),
          q.asked_by ? h('span', {}, 'asked by ' + q.asked_by.name) : null, q.holder_team && !q.holder_person ? h('span', {}, 'for your team ' + q.holder_team.name) : null] });
    }),
    asyncSection(t('myday.promises'), async () => {
      const { views } = await myCases();
      const hot = [];
      for (const v of views) for (const p of v.promises || []) {
        if (p.status !== 'pending') continue;
        if (p.at_risk || sameDay(p.due_at) || new Date(p.due_at) < new Date()) hot.push({ ...p, caseLabel: caseLabel(v) });
      }
      hot.sort((a, b) => String(a.due_at).localeCompare(String(b.due_at)));
      return itemList(hot, { empty: 'No promise at risk or due today.', text: (p) => p.what,
        meta: (p) => [h('span', {}, 'due ', timeEl(p.due_at)), p.at_risk ? h('span', { class: 'badge st-at_risk' }, 'At risk') : null, h('span', {}, p.caseLabel)] });
    }),
    asyncSection(t('myday.duties'), async () => {
      const { views } = await myCases();
      const due = views.filter((v) => v.update_duty && v.update_duty.next).map((v) => ({ ...v.update_duty.next, case_id: v.id, caseLabel: caseLabel(v) }));
      if (views.length && !views.some((v) => 'update_duty' in v)) return missing();
      due.sort((a, b) => String(a.due_at).localeCompare(String(b.due_at)));
      return itemList(due, { empty: 'No customer is waiting for an update from you.', text: (d) => 'Update the customer: ' + d.caseLabel,
        meta: (d) => [h('span', {}, 'due ', timeEl(d.due_at)), d.kind === 'at_risk' ? h('span', { class: 'badge st-at_risk' }, 'Promise at risk') : h('span', { class: 'badge' }, 'Regular update')] });
    }),
    asyncSection(t('myday.cosign'), async () => {
      const r = await read('cosign', withQuery('/api/v1/exceptions', { waiting_for_me: 'true' }));
      if (!r) return missing();
      return itemList(r.items, { empty: 'Nothing to co-sign.', text: (x) => x.description, href: (x) => '/cases/' + encodeURIComponent(x.case ? x.case.id : x.case_id) + '#exceptions',
        meta: (x) => [x.proposer ? h('span', {}, 'proposed by ' + x.proposer.name) : null, x.policy ? h('span', {}, 'departs from "' + x.policy.name + '"') : null, h('span', {}, 'expires ', timeEl(x.expires_at))] });
    }),
    asyncSection(t('myday.reviews'), async () => {
      const parts = [];
      if (may('review_exception')) {
        const q = await read('exception_reviews', '/api/v1/exception-reviews');
        if (q) parts.push(itemList(q.items, { empty: 'No exception waits for your review.', text: (x) => 'Review exception: ' + (x.description || ''), href: (x) => '/cases/' + encodeURIComponent(x.case ? x.case.id : x.case_id) + '#exceptions' }));
      }
      const r = await read('reviews', withQuery('/api/v1/reviews', { mine: 'true', status: 'open' }));
      if (r) parts.push(itemList(r.items, { empty: 'No failure review waits for you.', text: (x) => 'Failure review: ' + (x.case ? '#' + x.case.number + ' ' + (x.case.subject || '') : 'case'),
        href: (x) => '/cases/' + encodeURIComponent(x.case_id || (x.case && x.case.id)) + '#reviews',
        meta: (x) => [h('span', {}, 'due ', timeEl(x.due_at)), x.overdue ? h('span', { class: 'badge st-overdue' }, 'Overdue') : null, x.case_owner ? h('span', {}, 'case owner ' + x.case_owner.name) : null] }));
      const a = await read('review_actions', withQuery('/api/v1/review-actions', { status: 'open' }));
      if (a && a.items.length) parts.push(h('h3', {}, 'Review actions I owe'), itemList(a.items, { text: (x) => x.title,
        meta: (x) => [h('span', {}, 'due ', timeEl(x.due_at)), x.overdue ? h('span', { class: 'badge st-overdue' }, 'Overdue') : null,
          later(action('Mark done', 'POST', '/api/v1/review-actions/{id}/done', { pathParams: { id: x.id }, onDone: refresh, submit: 'Mark it done', doneText: 'Done: the review owner is told.' }))] }));
      const sv = await read('surveys', withQuery('/api/v1/surveys', { mine: 'true' }));
      const todo = sv ? sv.items.filter((x) => x.open && !x.answered) : [];
      if (todo.length) parts.push(h('h3', {}, 'Pulse surveys for me'), itemList(todo, { text: (x) => x.title, href: (x) => (x.case_id ? '/cases/' + encodeURIComponent(x.case_id) : null),
        meta: (x) => [h('span', {}, 'open until ', timeEl(x.closes_at)), surveyForm(x, refresh)] }));
      return parts.length ? parts : notice('No reviews wait for you.');
    }),
    asyncSection(t('myday.issues'), async () => {
      const r = await read('system_issues', withQuery('/api/v1/system-issues', { mine: 'true', status: 'open' }));
      if (!r) return missing();
      return itemList(r.items, { empty: 'No system issues wait for you.', text: (x) => x.title, href: () => '/leadership',
        meta: (x) => [h('span', {}, 'response due ', timeEl(x.response_due_at)), x.overdue ? h('span', { class: 'badge st-overdue' }, 'Overdue') : null, x.raised_by ? h('span', {}, 'raised by ' + x.raised_by.name) : null,
          x.description ? h('p', { class: 'quote' }, x.description) : null,
          later(action('Respond', 'POST', '/api/v1/system-issues/{id}/respond', { pathParams: { id: x.id }, onDone: refresh, submit: 'Send response', doneText: 'Response recorded.' }))] });
    }),
    alerts,
    asyncSection(t('myday.coaching'), () => coachingSection(read)),
    asyncSection(t('myday.raise'), raiseIssue),
    ownedSection(day.then((d) => (d ? { recognition: d.recognition, thanks: d.thanks } : null))),
    owned,
  );
  return page;
}
