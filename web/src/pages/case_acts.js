// What a person may do on a case, and only that: each control appears when the permission table
// (GET /api/v1/me's permissions) and the case (owner, status) allow it, so nobody meets a
// role_required they could have been spared.  Pickers stand wherever a person, team, location,
// policy, skill or article is asked for.
import { t } from '../lib/msg.js';
import { h, uid, announce } from '../lib/dom.js';
import { post, session, may } from '../lib/api.js';
import { errorBox } from '../lib/ui.js';
import { action, limitCounter } from '../lib/forms.js';
import { peopleChoices, leaderChoices, articleChoices } from '../lib/pick.js';
import { replyForm } from './case_mail.js';

const OPEN_REQ = ['open', 'accepted', 'deferred'];

export function roleOn(c) {
  const me = session.me;
  const owner = !!(c.owner && c.owner.id === me.id);
  return { me, owner, manage: may('manage_cases'), open: c.status === 'open' };
}

// The resolve form: asks what happens to open requests (keep or cancel) and to pending promises
// (kept, renegotiate first, or broken: recorded and told to the customer).  Never a false "kept".
export function resolveForm(c, refresh) {
  const reqs = (c.requests || []).filter((r) => OPEN_REQ.includes(r.status));
  const proms = (c.promises || []).filter((p) => p.status === 'pending');
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const rid = uid('res');
  const text = h('textarea', { id: rid, name: 'resolution', rows: 2, required: true, dir: 'auto' });
  const complaint = h('input', { type: 'checkbox', id: rid + '-c', name: 'complaint' });
  const radios = (name, legend, opts) => h('fieldset', { class: 'field choices' }, h('legend', {}, legend), opts.map(([value, label]) => {
    const id = uid('r');
    return h('div', { class: 'field check' }, h('input', { type: 'radio', id, name, value }), h('label', { for: id }, label));
  }));
  const form = h('form', { class: 'api-form', novalidate: true, 'aria-label': t('act.resolve_the_case') },
    h('div', { class: 'field' }, h('label', { for: rid }, t('act.resolution'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')), text, limitCounter(text, 10000)),
    h('div', { class: 'field check' }, complaint, h('label', { for: rid + '-c' }, t('act.complained'))),
    reqs.length ? radios('open_requests', t('act.requests_open', reqs.length, reqs.map((r) => '"' + r.what + '"').join(', ')),
      [['keep', t('act.requests_keep')], ['cancel', t('act.requests_cancel')]]) : null,
    proms.length ? radios('pending_promises', t('act.promises_pending', proms.length, proms.map((p) => '"' + p.what + '"').join(', ')),
      [['kept', t('act.promises_kept')], ['renegotiate', t('act.promises_renegotiate')], ['broken', t('act.promises_broken')]]) : null,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('act.resolve_case'))), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const el = form.elements;
    const fail = (msg) => status.replaceChildren(errorBox({ message: msg }, t('act.not_resolved')));
    if (!text.value.trim()) { text.setAttribute('aria-invalid', 'true'); text.focus(); return fail(t('act.say_how')); }
    if (text.limitOver()) { text.focus(); return fail(t('act.too_long')); }
    const body = { resolution: text.value.trim() };
    if (complaint.checked) body.complaint = true;
    if (reqs.length) { if (!el.open_requests.value) return fail(t('act.choose_requests')); body.open_requests = el.open_requests.value; }
    const pp = proms.length ? el.pending_promises.value : '';
    if (proms.length && !pp) return fail(t('act.choose_promises'));
    if (pp === 'renegotiate') {
      const target = document.getElementById('promises');
      if (target) target.scrollIntoView();
      return fail(t('act.renegotiate_first'));
    }
    if (pp === 'broken') body.pending_promises = 'broken';
    status.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('act.resolving')));
    try {
      if (pp === 'kept') for (const p of proms) await post('/api/v1/promises/' + encodeURIComponent(p.id) + '/keep', { note: t('act.kept_note') });
      await post('/api/v1/cases/' + encodeURIComponent(c.id) + '/resolve', body);
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, pp === 'broken' ? t('act.resolved_broken') : t('act.resolved')));
      announce(t('ev.case.resolved'));
      refresh();
    } catch (err) { status.replaceChildren(errorBox(err, t('act.not_resolved'))); }
  });
  return h('details', { class: 'action' }, h('summary', {}, t('act.resolve')), form);
}

// The forms of "Act on this case", in the order people reach for them.
export async function caseActions(c, refresh, ctx) {
  const { owner, manage, open } = roleOn(c);
  const pp = { id: c.id };
  const people = await peopleChoices();
  const others = people.filter((p) => p.id !== session.me.id);
  const promiseChoices = (c.promises || []).filter((p) => p.status === 'pending').map((p) => ({ value: p.id, label: p.what }));
  const forms = [];
  const add = (cond, f) => { if (cond) forms.push(f); };
  add(open, replyForm(c, refresh));
  add(true, action(t('act.record_a_contact_touchpoint'), 'POST', '/api/v1/cases/{id}/touchpoints', { pathParams: pp, onDone: refresh, doneText: t('act.contact_recorded'), submit: t('act.record_contact') }));
  add(true, action(t('act.add_a_note'), 'POST', '/api/v1/cases/{id}/notes', { pathParams: pp, onDone: refresh, doneText: t('act.note_added'), submit: t('act.add_note') }));
  add(open, action(t('act.record_a_promise_to_the_customer'), 'POST', '/api/v1/cases/{id}/promises', { pathParams: pp, onDone: refresh, doneText: t('act.promise_recorded'), submit: t('act.record_promise'),
    pickers: { deliver_person: people, deliver_team: ctx.teams, policy: ctx.policies }, labels: { what: t('act.what_promised'), due_at: t('field.due_at'), deliver_person: t('field.deliver_person'), deliver_team: t('field.deliver_team') } }));
  add(open && (owner || may('request_on_any_case')), action(t('act.ask_a_colleague_or_team_request'), 'POST', '/api/v1/cases/{id}/requests', { pathParams: pp, onDone: refresh, doneText: t('act.request_sent'), submit: t('act.send_request'),
    choices: { blocks: promiseChoices }, pickers: { to_person: others, to_team: ctx.teams }, labels: { what: t('act.what_you_need'), due_at: t('field.due_at'), to_person: t('field.to_person'), to_team: t('field.to_team'), blocks: t('field.blocks') } }));
  add(open && may('propose_exception'), action(t('act.propose_an_exception_to_a_policy'), 'POST', '/api/v1/cases/{id}/exceptions', { pathParams: pp, onDone: refresh, doneText: t('act.exception_proposed'), submit: t('act.propose_exception'),
    only: ['policy', 'kind', 'amount', 'description', 'reasoning'], hide: ['limit', 'amount_cents', 'value', 'channel'], pickers: { policy: ctx.policies } }));
  add(open && (owner || manage), action(t('act.offer_this_case_to_someone'), 'POST', '/api/v1/cases/{id}/offers', { pathParams: pp, onDone: refresh, doneText: t('act.offer_made'), submit: t('act.offer_case'), pickers: { to: others } }));
  add(open && manage, action(t('act.assign_it_supervisor'), 'POST', '/api/v1/cases/{id}/assign', { pathParams: pp, onDone: refresh, doneText: t('act.assigned'), submit: t('act.assign_case'), pickers: { to: people }, labels: { to: t('act.new_owner') } }));
  add(open && ctx.skills.length > 0, action(t('act.offer_it_to_whoever_is_on_call'), 'POST', '/api/v1/cases/{id}/route', { pathParams: pp, onDone: refresh, doneText: t('act.offered_to_the_person_on_call'), submit: t('act.route_case'),
    pickers: { skill: ctx.skills, location: ctx.locations }, labels: { skill: t('act.help_needed_with'), location: t('dir.who.near') } }));
  add(true, action(t('act.link_a_knowledge_article'), 'POST', '/api/v1/cases/{id}/articles', { pathParams: pp, onDone: refresh, doneText: t('act.article_linked'), submit: t('act.link_article'), pickers: { article: await articleChoices() } }));
  add(true, action(t('act.raise_a_system_issue_from_this_case'), 'POST', '/api/v1/system-issues', { fixed: { cases: [c.id] }, doneText: t('act.raised_a_leader_owes_a_response'), submit: t('act.raise_issue'),
    pickers: { owner: await leaderChoices() }, labels: { title: t('issue.title'), owner: t('issue.owner') } }));
  add(may('write_coaching_note') && c.owner && !owner, action(t('act.coaching_note_with') + (c.owner ? c.owner.name : t('act.the_owner')), 'POST', '/api/v1/coaching-notes', {
    fixed: { employee: c.owner ? c.owner.id : '', cases: [c.id] }, hide: ['answers'], submit: t('act.save_coaching_note'), doneText: t('act.coaching_note_saved_only_the_two_of_you_') }));
  if (open && (owner || manage)) forms.push(resolveForm(c, refresh));
  add(!open && (owner || manage), action(t('act.reopen'), 'POST', '/api/v1/cases/{id}/reopen', { pathParams: pp, onDone: refresh, doneText: t('act.reopened'), submit: t('act.reopen_case') }));
  return (await Promise.all(forms)).filter(Boolean);
}

// Promise controls for one pending promise: mark kept (only if it was), renegotiate with the
// customer's consent recorded.
export function promiseActs(p, c, refresh) {
  const { owner, manage } = roleOn(c);
  if (p.status !== 'pending' || !(owner || manage || may('settle_any_promise'))) return '';
  const kept = h('button', { type: 'button', class: 'small', onclick: async (e) => {
    e.target.disabled = true;
    try { await post('/api/v1/promises/' + encodeURIComponent(p.id) + '/keep'); refresh(); } catch (err) { e.target.after(errorBox(err, t('act.not_marked_kept'))); e.target.disabled = false; }
  } }, t('act.mark_kept'));
  const slot = h('div', { class: 'promise-acts' }, kept);
  action(t('act.renegotiate'), 'POST', '/api/v1/promises/{id}/renegotiate', { pathParams: { id: p.id }, onDone: refresh, submit: t('act.record_the_new_promise'), doneText: t('act.renegotiated'),
    only: ['due_at', 'what', 'consent', 'consent_channel'], preset: { what: p.what },
    labels: { due_at: t('act.new_due_time'), what: t('act.new_wording'), consent: t('act.consent'), consent_channel: t('act.consent_channel') } }).then((f) => { if (f) slot.append(f); });
  return slot;
}

// Withdraw an offer still waiting (its maker, or a supervisor).
export function withdrawButton(o, refresh) {
  if (o.status !== 'pending' || !((o.from && o.from.id === session.me.id) || may('manage_cases'))) return null;
  return h('button', { type: 'button', class: 'small', onclick: async (e) => {
    e.target.disabled = true;
    try { await post('/api/v1/offers/' + encodeURIComponent(o.id) + '/withdraw'); refresh(); } catch (err) { e.target.after(errorBox(err, t('act.not_withdrawn'))); e.target.disabled = false; }
  } }, t('act.withdraw_offer'));
}

// An approved exception's review, for those who review them.
export function exceptionReview(x, refresh) {
  if (!may('review_exception') || x.status !== 'approved' || (x.review_status && x.review_status !== 'pending')) return '';
  const slot = h('div', {});
  action(t('act.review_it'), 'POST', '/api/v1/exceptions/{id}/review', { pathParams: { id: x.id }, onDone: refresh, submit: t('act.record_the_verdict'),
    only: ['verdict', 'reasoning', 'proposal', 'note'], hide: ['proposal_id', 'limits', 'also', 'policy_text'],
    labels: { proposal: t('exc.review.proposal'), note: t('exc.review.note') } }).then((f) => { if (f) slot.append(f); });
  return slot;
}
