// Owning it gets seen (docs/recognition.md): ownership acts recognised from the record, thanks from
// colleagues, and scorecards that count what the essays ask to reward.  Used by My day, the case page,
// the leadership page and the person's own page (/recognition?person=...).
import { t } from '../lib/msg.js';
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
  return h('ul', { class: 'items thanks' }, items.map((th) => h('li', {},
    h('a', { href: '/cases/' + encodeURIComponent(th.case.id) }, h('q', { dir: 'auto' }, th.text)),
    h('div', { class: 'meta' }, h('span', {}, t('rec.from', th.from ? th.from.name : t('rec.colleague'))), h('span', { dir: 'auto' }, '#' + th.case.number + ' ' + th.case.subject),
      h('span', {}, timeEl(th.at))))));
}

// A scorecard: each measure with its explanation, the acts by kind, and what it deliberately leaves out.
export function scorecard(card, caption) {
  return [
    table(card.measures, [{ key: 'label', label: t('rec.measure') }, { key: 'value', label: t('rec.count') }, { key: 'explains', label: t('rec.explains') }], caption, { captionVisible: true }),
    table(card.acts_by_kind.filter((k) => k.value), [{ key: 'label', label: t('rec.act') }, { key: 'value', label: t('rec.count') }], t('rec.bykind'), { empty: t('rec.bykind.none') }),
    h('details', { class: 'not-counted' }, h('summary', {}, t('rec.notcounted')),
      h('ul', {}, card.not_counted.map((s) => h('li', {}, s)))),
  ];
}

// The start of "this month" for recognition (My day asks GET /api/v1/me/day for the same period).
export const recognitionFrom = () => period().from;

// My day: "What you owned this month".  read: a promise of {recognition, thanks} already read (My day's
// one read), or nothing to read them here.
export function ownedSection(read) {
  return asyncSection(t('rec.owned.month'), async () => {
    const pre = read ? await read : null;
    const acts = pre ? pre.recognition : await optional(withQuery('/api/v1/recognition', period()));
    if (!acts) return null;
    const thanks = pre && pre.thanks ? pre.thanks : await get(withQuery('/api/v1/thanks', period()));
    return [actList(acts.items, t('rec.owned.none')),
      ...(thanks.items.length ? [h('h3', {}, t('rec.thanks')), thanksList(thanks.items)] : []),
      h('p', {}, h('a', { href: personPath(session.me.id) }, t('rec.yourcard')))];
  });
}

// The case page: thank a colleague for what they did on this case.
export function thankForm(caseId, people) {
  const status = h('div', { 'aria-live': 'polite' });
  const to = h('select', { id: 'thank-to', name: 'to', required: true }, h('option', { value: '' }, t('rec.thank.choose')),
    people.filter((p) => p.id !== session.me.id && p.active !== false).map((p) => h('option', { value: p.id }, p.name + (p.team ? ' · ' + p.team : ''))));
  const text = h('textarea', { id: 'thank-text', name: 'text', rows: 2, required: true, dir: 'auto', placeholder: t('rec.thank.placeholder') });
  const form = h('form', { class: 'api-form', 'aria-label': t('rec.thank') },
    h('div', { class: 'field' }, h('label', { for: 'thank-to' }, t('rec.thank.to')), to),
    h('div', { class: 'field' }, h('label', { for: 'thank-text' }, t('rec.thank.what')), text, limitCounter(text, 500), h('small', { class: 'hint' }, t('rec.thank.hint'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('rec.thank.send'))), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!to.value || !text.value.trim()) { status.replaceChildren(errorBox({ message: t('rec.thank.missing') }, t('rec.notsent'))); return; }
    if (text.limitOver()) { status.replaceChildren(errorBox({ message: t('limit.over', Number(text.dataset.bytes) - 500) }, t('rec.notsent'))); return; }
    try {
      const sent = await post('/api/v1/cases/' + encodeURIComponent(caseId) + '/thanks', { to: to.value, text: text.value.trim() });
      form.reset(); text.dispatchEvent(new Event('input'));
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, t('rec.thank.sent', sent.to.name)));
    } catch (err) { status.replaceChildren(errorBox(err, t('rec.notsent'))); }
  });
  return h('details', { class: 'action' }, h('summary', {}, t('rec.thank')), form);
}

// The case page: who asked for a request (or owns the case) records checking on its progress.
export function followUps(requests, ownerId, refresh) {
  const me = session.me;
  return requests.filter((r) => ['open', 'accepted', 'deferred'].includes(r.status) && ((r.asked_by && r.asked_by.id === me.id) || ownerId === me.id))
    .map((r) => h('div', { class: 'follow-up' }, h('p', {}, h('strong', {}, t('rec.asked')), h('span', { dir: 'auto' }, r.what), r.overdue ? t('rec.overdue') : ''),
      later(action(t('rec.followup'), 'POST', '/api/v1/requests/{id}/follow-up', { pathParams: { id: r.id }, onDone: refresh,
        submit: t('rec.followup.submit'), doneText: t('rec.followup.done'), labels: { note: t('rec.followup.note') } }))));
}

// The leadership page: every team's scorecard side by side (open to every employee).
export function teamScorecards() {
  return asyncSection(t('rec.teams'), async () => {
    const path = withQuery('/api/v1/scorecards/teams', period());
    const r = await optional(path);
    if (!r) return null;
    const cols = ['team', 'acts', 'thanks', 'kept_as_made', 'kept_renegotiated', 'follow_ups', 'breaches', 'duties_kept', 'duties_lapsed'].map((key) => ({ key, label: t('rec.col.' + key) }));
    return [h('p', { class: 'muted' }, t('rec.teams.intro')),
      table(r.items, cols, t('rec.teams.caption')), csvLink(path, t('rec.teams.csv'))];
  }, { class: 'wide' });
}

// Coaching starts from strengths: the coaching-note form shows the person's recent acts beside the
// essays' forward-looking questions (keys as POST /api/v1/coaching-notes takes them).
const QUESTIONS = ['ideal', 'prevented', 'whose_problem', 'overcome', 'help', 'next_time'];

function coachingForm(person, acts) {
  const status = h('div', { 'aria-live': 'polite' });
  // limits in bytes, as the server counts them (FL_MAX_TEXT)
  const fields = QUESTIONS.map((key) => ({ key, el: h('textarea', { id: 'coach-' + key, rows: 2, dir: 'auto' }), q: t('coach.q.' + key) }));
  const summary = h('textarea', { id: 'coach-summary', rows: 2, dir: 'auto' });
  const cases = [...new Map(acts.filter((a) => a.case).map((a) => [a.case.id, a.case])).values()];
  const boxes = cases.map((c) => ({ id: c.id, el: h('input', { type: 'checkbox', id: 'coach-case-' + c.id, value: c.id }), c }));
  const form = h('form', { class: 'api-form', 'aria-label': t('coach.for', person.name) },
    h('p', {}, t('coach.start', person.name.split(' ')[0])), actList(acts.slice(0, 5), t('coach.noacts')),
    boxes.length ? h('fieldset', { class: 'field choices' }, h('legend', {}, t('coach.cases')),
      boxes.map((b) => h('div', { class: 'field check' }, b.el, h('label', { for: b.el.id }, '#' + b.c.number + ' ' + b.c.subject)))) : null,
    fields.map((f) => h('div', { class: 'field' }, h('label', { for: f.el.id }, f.q), f.el, limitCounter(f.el, 10000))),
    h('div', { class: 'field' }, h('label', { for: 'coach-summary' }, t('coach.agreed')), summary, limitCounter(summary, 10000)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('act.save_coaching_note'))), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const over = [...fields.map((f) => f.el), summary].find((el) => el.limitOver());
    if (over) { over.focus(); status.replaceChildren(errorBox({ message: t('limit.over', Number(over.dataset.bytes) - 10000) }, t('not.saved'))); return; }
    const answers = {};
    for (const f of fields) if (f.el.value.trim()) answers[f.key] = f.el.value.trim();
    const body = { employee: person.id, answers, cases: boxes.filter((b) => b.el.checked).map((b) => b.id) };
    if (summary.value.trim()) body.summary = summary.value.trim();
    try {
      await post('/api/v1/coaching-notes', body);
      form.reset();
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, t('coach.saved', person.name)));
    } catch (err) { status.replaceChildren(errorBox(err, t('not.saved'))); }
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
    page.append(h('h1', {}, t('rec.title')), e.code === 'not_in_reporting_line'
      ? notice(t('rec.notline'))
      : errorBox(e, t('error.load', t('rec.title').toLowerCase())));
    return page;
  }
  const self = acts.person && acts.person.id === session.me.id;
  page.append(h('h1', {}, self ? t('rec.owned.you') : t('rec.owned.them', acts.person.name)),
    h('p', { class: 'muted' }, self ? t('rec.visible.you') : t('rec.visible.them', acts.person.name)));
  const grid = h('div', { class: 'grid' });
  grid.append(
    asyncSection(t('rec.acts'), async () => actList(acts.items, t('coach.noacts'))),
    asyncSection(t('rec.thanks'), async () => thanksList((await get(withQuery('/api/v1/thanks', q))).items, t('rec.thanks.none'))),
    asyncSection(t('rec.card'), async () => scorecard(await get(withQuery('/api/v1/scorecards/people/' + encodeURIComponent(who), period())), t('rec.card.caption')), { class: 'wide' }),
    self ? null : asyncSection(t('coach.strengths'), async () => coachingForm(acts.person, acts.items), { class: 'wide' }));
  page.append(grid);
  return page;
}
