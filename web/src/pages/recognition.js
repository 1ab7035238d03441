// Owning it gets seen (docs/recognition.md): ownership acts recognised from the record, thanks from
// colleagues, and scorecards that count what the essays ask to reward.  Used by My day, the case page,
// the leadership page and the person's own page (/recognition?person=...).
import { h } from '../lib/dom.js';
import { get, optional, post, session, withQuery } from '../lib/api.js';
import { asyncSection, errorBox, notice, table, timeEl, csvLink, later } from '../lib/ui.js';
import { action, limitCounter } from '../lib/forms.js';
import { words } from '../lib/fmt.js';

const MONTH = 30 * 86400e3;
const period = () => ({ from: new Date(Date.now() - MONTH).toISOString() });
const personPath = (id) => '/recognition?person=' + encodeURIComponent(id);

function actList(items, empty) {
  if (!items.length) return notice(empty);
  return h('ul', { class: 'items acts' }, items.map((a) => h('li', {},
    a.case ? h('a', { href: '/cases/' + encodeURIComponent(a.case.id) }, a.label) : h('span', {}, a.label),
    h('div', { class: 'meta' }, a.case ? h('span', {}, '#' + a.case.number + ' ' + a.case.subject) : h('span', {}, words(a.subject_type)),
      h('span', {}, timeEl(a.at))))));
}

function thanksList(items, empty) {
  if (!items.length) return notice(empty);
  return h('ul', { class: 'items thanks' }, items.map((t) => h('li', {},
    h('a', { href: '/cases/' + encodeURIComponent(t.case.id) }, h('q', { dir: 'auto' }, t.text)),
    h('div', { class: 'meta' }, h('span', {}, 'from ' + (t.from ? t.from.name : 'a colleague')), h('span', {}, '#' + t.case.number + ' ' + t.case.subject),
      h('span', {}, timeEl(t.at))))));
}

// A scorecard: each measure with its explanation, the acts by kind, and what it deliberately leaves out.
export function scorecard(card, caption) {
  return [
    table(card.measures, [{ key: 'label', label: 'Measure' }, { key: 'value', label: 'Count' }, { key: 'explains', label: 'What it counts' }], caption, { captionVisible: true }),
    table(card.acts_by_kind.filter((k) => k.value), [{ key: 'label', label: 'Ownership act' }, { key: 'value', label: 'Count' }], 'Ownership acts by kind', { empty: 'No ownership acts recognised in this period yet.' }),
    h('details', { class: 'not-counted' }, h('summary', {}, 'What this scorecard deliberately does not count'),
      h('ul', {}, card.not_counted.map((s) => h('li', {}, s)))),
  ];
}

// The start of "this month" for recognition (My day asks GET /api/v1/me/day for the same period).
export const recognitionFrom = () => period().from;

// My day: "What you owned this month".  read: a promise of {recognition, thanks} already read (My day's
// one read), or nothing to read them here.
export function ownedSection(read) {
  return asyncSection('What you owned this month', async () => {
    const pre = read ? await read : null;
    const acts = pre ? pre.recognition : await optional(withQuery('/api/v1/recognition', period()));
    if (!acts) return null;
    const thanks = pre && pre.thanks ? pre.thanks : await get(withQuery('/api/v1/thanks', period()));
    return [actList(acts.items, 'Nothing recognised yet this month. Taking a customer in for another team, following up before a request is due, or rescuing a promise at risk all count.'),
      ...(thanks.items.length ? [h('h3', {}, 'Thanks from colleagues'), thanksList(thanks.items)] : []),
      h('p', {}, h('a', { href: personPath(session.me.id) }, 'Your scorecard'))];
  });
}

// The case page: thank a colleague for what they did on this case.
export function thankForm(caseId, people) {
  const status = h('div', { 'aria-live': 'polite' });
  const to = h('select', { id: 'thank-to', name: 'to', required: true }, h('option', { value: '' }, 'Choose a colleague…'),
    people.filter((p) => p.id !== session.me.id && p.active !== false).map((p) => h('option', { value: p.id }, p.name + (p.team ? ' · ' + p.team : ''))));
  const text = h('textarea', { id: 'thank-text', name: 'text', rows: 2, required: true, dir: 'auto', placeholder: 'What they did, in a sentence' });
  const form = h('form', { class: 'api-form', 'aria-label': 'Thank a colleague' },
    h('div', { class: 'field' }, h('label', { for: 'thank-to' }, 'Colleague'), to),
    h('div', { class: 'field' }, h('label', { for: 'thank-text' }, 'What for'), text, limitCounter(text, 500), h('small', { class: 'hint' }, 'Each person gives a few thanks a day, so each one means something.')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Send thanks')), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!to.value || !text.value.trim()) { status.replaceChildren(errorBox({ message: 'Choose a colleague and say what for.' }, 'Not sent')); return; }
    if (text.limitOver()) { status.replaceChildren(errorBox({ message: 'Too long: shorten it before sending.' }, 'Not sent')); return; }
    try {
      const t = await post('/api/v1/cases/' + encodeURIComponent(caseId) + '/thanks', { to: to.value, text: text.value.trim() });
      form.reset(); text.dispatchEvent(new Event('input'));
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, 'Thanks sent to ' + t.to.name + '.'));
    } catch (err) { status.replaceChildren(errorBox(err, 'Not sent')); }
  });
  return h('details', { class: 'action' }, h('summary', {}, 'Thank a colleague'), form);
}

// The case page: who asked for a request (or owns the case) records checking on its progress.
export function followUps(requests, ownerId, refresh) {
  const me = session.me;
  return requests.filter((r) => ['open', 'accepted', 'deferred'].includes(r.status) && ((r.asked_by && r.asked_by.id === me.id) || ownerId === me.id))
    .map((r) => h('div', { class: 'follow-up' }, h('p', {}, h('strong', {}, 'You asked: '), r.what, r.overdue ? ' (overdue)' : ''),
      later(action('Record a follow-up', 'POST', '/api/v1/requests/{id}/follow-up', { pathParams: { id: r.id }, onDone: refresh,
        submit: 'Record follow-up', doneText: 'Follow-up recorded.', labels: { note: 'What you checked' } }))));
}

// The leadership page: every team's scorecard side by side (open to every employee).
export function teamScorecards() {
  return asyncSection('Team scorecards: ownership, follow-ups and promises kept', async () => {
    const path = withQuery('/api/v1/scorecards/teams', period());
    const r = await optional(path);
    if (!r) return null;
    const cols = [{ key: 'team', label: 'Team' }, { key: 'acts', label: 'Ownership acts' }, { key: 'thanks', label: 'Thanks' },
      { key: 'kept_as_made', label: 'Promises kept as made' }, { key: 'kept_renegotiated', label: 'Kept after renegotiation' },
      { key: 'follow_ups', label: 'Follow-ups before overdue' }, { key: 'breaches', label: 'Breaches attributed' },
      { key: 'duties_kept', label: 'Updates kept' }, { key: 'duties_lapsed', label: 'Updates lapsed' }];
    return [h('p', { class: 'muted' }, 'The last 30 days. A breach counts only against the team it is attributed to; handle time and tickets closed are not counted.'),
      table(r.items, cols, 'Team scorecards'), csvLink(path, 'Download team scorecards (CSV)')];
  }, { class: 'wide' });
}

// Coaching starts from strengths: the coaching-note form shows the person's recent acts beside the
// essays' forward-looking questions (keys as POST /api/v1/coaching-notes takes them).
const QUESTIONS = [['ideal', 'In an ideal situation, what could you have done?'], ['prevented', 'What prevented you from doing it?'],
  ['whose_problem', 'Whose problem is this?'], ['overcome', 'What would it take to overcome it?'],
  ['help', 'What can I or others do to help you?'], ['next_time', 'What will you do next time?']];

function coachingForm(person, acts) {
  const status = h('div', { 'aria-live': 'polite' });
  const fields = QUESTIONS.map(([key, q]) => ({ key, el: h('textarea', { id: 'coach-' + key, rows: 2, maxlength: 10000 }), q }));
  const summary = h('textarea', { id: 'coach-summary', rows: 2, maxlength: 10000 });
  const cases = [...new Map(acts.filter((a) => a.case).map((a) => [a.case.id, a.case])).values()];
  const boxes = cases.map((c) => ({ id: c.id, el: h('input', { type: 'checkbox', id: 'coach-case-' + c.id, value: c.id }), c }));
  const form = h('form', { class: 'api-form', 'aria-label': 'Coaching note for ' + person.name },
    h('p', {}, 'Start from what ' + person.name.split(' ')[0] + ' owned:'), actList(acts.slice(0, 5), 'No recognised acts in the last 30 days.'),
    boxes.length ? h('fieldset', { class: 'field choices' }, h('legend', {}, 'Cases this conversation is about'),
      boxes.map((b) => h('div', { class: 'field check' }, b.el, h('label', { for: b.el.id }, '#' + b.c.number + ' ' + b.c.subject)))) : null,
    fields.map((f) => h('div', { class: 'field' }, h('label', { for: f.el.id }, f.q), f.el)),
    h('div', { class: 'field' }, h('label', { for: 'coach-summary' }, 'What you agreed'), summary),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save coaching note')), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const answers = {};
    for (const f of fields) if (f.el.value.trim()) answers[f.key] = f.el.value.trim();
    const body = { employee: person.id, answers, cases: boxes.filter((b) => b.el.checked).map((b) => b.id) };
    if (summary.value.trim()) body.summary = summary.value.trim();
    try {
      await post('/api/v1/coaching-notes', body);
      form.reset();
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, 'Coaching note saved. Only you and ' + person.name + ' see it.'));
    } catch (err) { status.replaceChildren(errorBox(err, 'Not saved')); }
  });
  return form;
}

// /recognition?person=ID: a person's acts, thanks and scorecard (themselves and the managers above them).
export async function recognitionPage() {
  const who = new URLSearchParams(location.search).get('person') || session.me.id;
  const q = { person: who, ...period() };
  const page = h('div', { class: 'recognition' });
  let acts;
  try { acts = await get(withQuery('/api/v1/recognition', q)); } catch (e) {
    page.append(h('h1', {}, 'Recognition'), e.code === 'not_in_reporting_line'
      ? notice('Only this person and the managers above them see their recognition and scorecard. Team scorecards are on the Leadership page.')
      : errorBox(e, 'Could not load'));
    return page;
  }
  const self = acts.person && acts.person.id === session.me.id;
  page.append(h('h1', {}, self ? 'What you owned' : 'What ' + acts.person.name + ' owned'),
    h('p', { class: 'muted' }, 'The last 30 days, recognised from the record. Visible to ' + (self ? 'you and the managers above you.' : acts.person.name + ' and the managers above them.')));
  const grid = h('div', { class: 'grid' });
  grid.append(
    asyncSection('Ownership acts', async () => actList(acts.items, 'Nothing recognised in the last 30 days.')),
    asyncSection('Thanks from colleagues', async () => thanksList((await get(withQuery('/api/v1/thanks', q))).items, 'No thanks yet.')),
    asyncSection('Scorecard', async () => scorecard(await get(withQuery('/api/v1/scorecards/people/' + encodeURIComponent(who), period())), 'Scorecard, last 30 days'), { class: 'wide' }),
    self ? null : asyncSection('Coaching starts from strengths', async () => coachingForm(acts.person, acts.items), { class: 'wide' }));
  page.append(grid);
  return page;
}
