// The case's timeline: every event across channels, in true time order, each said as a sentence a
// person reads ("Exception approved — Noah Brooks co-signed (1 of 1)"), never as codes or ids.
import { h } from '../lib/dom.js';
import { t } from '../lib/msg.js';
import { fmtTime, words, money } from '../lib/fmt.js';
import { timeEl, notice } from '../lib/ui.js';

const q = (s) => '“' + String(s).trim().replace(/[.;:,\s]+$/, '') + '”';
const when = (v) => (v === null || v === undefined || v === '' ? '' : fmtTime(typeof v === 'number' ? new Date(v).toISOString() : v));

// Names for the ids events carry: people, teams and policies the page already knows.
export function namesOf(c, extra = {}) {
  const n = new Map();
  const add = (id, name) => { if (id && name && !n.has(id)) n.set(id, name); };
  for (const p of extra.people || []) add(p.id, p.person ? p.person.name : p.label);
  for (const x of extra.teams || []) add(x.id, x.label);
  for (const x of extra.policies || []) add(x.id, x.label);
  for (const p of [c.owner, c.intake_by, ...(c.history || []).map((e) => e.actor)]) if (p) add(p.id, p.name);
  for (const x of [...(c.exceptions || []), ...(c.actions || [])]) if (x.policy) add(x.policy.id, x.policy.name);
  return (id) => n.get(id) || '';
}

// The sentence for one event; `all` is the whole history (an approval names who co-signed it).
export function sentence(ev, name, all) {
  const d = ev.data || {};
  const k = ev.kind;
  const parts = [];
  const say = (...xs) => { for (const x of xs) if (x) parts.push(x); };
  const pol = (id) => (name(id) ? t('ev.policy', name(id)) : '');
  const holder = () => name(d.to_person) || (name(d.to_team) ? t('code.team', name(d.to_team)) : '');
  switch (k) {
    case 'case.opened': say(t('ev.case.opened') + (d.channel ? ' (' + words(d.channel).toLowerCase() + ')' : ''), d.subject ? q(d.subject) : ''); break;
    case 'case.offered': say(t('ev.case.offered', { to: name(d.to) || t('someone') }), d.note ? q(d.note) : ''); break;
    case 'case.assigned': say(t('ev.case.assigned', { to: name(d.to) || name(d.owner) || t('someone') }), d.note ? q(d.note) : ''); break;
    case 'case.accepted': say(t('ev.case.accepted'), name(d.to) ? t('tl.owns', name(d.to)) : ''); break;
    case 'case.resolved': say(t('ev.case.resolved') + (d.complaint ? t('tl.complained') : ''), d.resolution ? q(d.resolution) : ''); break;
    case 'case.action_applied': say(t('tl.applied', words(d.kind || 'action'), d.amount_cents ? t('tl.of', money(d.amount_cents)) : '')); break;
    case 'case.article_linked': say(t('tl.article')); break;
    case 'promise.made': say(t('ev.promise.made', { what: (d.what || '').replace(/[.\s]+$/, ''), due_at: when(d.due_at) }), holder() ? t('tl.deliveredby', holder()) : ''); break;
    case 'promise.kept': say(t('ev.promise.kept'), d.note ? q(d.note) : ''); break;
    case 'promise.at_risk': say(t('ev.promise.at_risk') + (d.why ? ': ' + d.why : '')); break;
    case 'promise.renegotiated': say(t('tl.moved', when(d.due_at)), d.consent ? q(d.consent) : ''); break;
    case 'promise.proposed': say(t('tl.proposed', when(d.due_at), d.old_due_at ? t('tl.was', when(d.old_due_at)) : '')); break;
    case 'promise.proposal_answered': say(t(d.answer === 'accepted' ? 'tl.answer.yes' : 'tl.answer.no')); break;
    case 'request.made': say(t('tl.asked', holder() || t('tl.colleague'), q(d.what || '')), d.due_at ? t('tl.due', when(d.due_at)) : ''); break;
    case 'request.deferred': say(t('ev.request.deferred', { due_at: when(d.until) || '?' }), d.reason ? t('ev.reason', d.reason) : '', pol(d.policy_id)); break;
    case 'request.declined': say(t('ev.request.declined'), d.reason ? t('ev.reason', d.reason) : '', pol(d.policy_id)); break;
    case 'request.completed': say(t('ev.request.completed'), d.note ? q(d.note) : ''); break;
    case 'request.escalated': say(t('ev.request.escalated') + (name(d.to) ? t('tl.to', name(d.to)) : '')); break;
    case 'request.followed_up': say(t('tl.followedup'), d.note ? q(d.note) : ''); break;
    case 'request.follow_up_due': say(t('tl.followupdue')); break;
    case 'request.reminded': say(t('tl.reminded')); break;
    case 'exception.proposed': say(t('ev.exception.proposed') + (pol(d.policy_id) ? t('tl.to', pol(d.policy_id)) : ''), d.description ? q(d.description) : '',
      d.amount_cents && !(d.description || '').includes('$') ? money(d.amount_cents) : '', d.reasoning ? t('ev.reason', d.reasoning) : ''); break;
    case 'exception.cosigned': say(t('ev.cosigned', d.signatures || 1, d.needed || 1)); break;
    case 'exception.approved': {
      const signed = all.filter((e) => e.kind === 'exception.cosigned' && e.entity_id === ev.entity_id).pop();
      say(t('ev.exception.approved'), signed ? t('ev.signed', signed.actor ? signed.actor.name : t('someone'), (signed.data || {}).signatures || 1, (signed.data || {}).needed || 1) : '');
      break;
    }
    case 'exception.reviewed': say(t('tl.reviewed', ['adopt', 'one_off', 'coach'].includes(d.verdict) ? t('tl.verdict.' + d.verdict) : words(d.verdict || '')), d.reasoning ? q(d.reasoning) : ''); break;
    case 'breach.recorded': say(t('tl.broke') + ((d.causes || []).length ? ': ' + d.causes.map((x) => words(x.cause || '').toLowerCase() + (x.holder && x.holder.name ? ' (' + x.holder.name + ')' : '')).join('; ') : '')); break;
    case 'policy.conflict': say(t('tl.conflict') + (pol(d.policy_id) ? ': ' + pol(d.policy_id) : '')); break;
    case 'mail.queued': say(t('tl.mail.queued', d.to || t('tl.customer'), d.auto ? t('tl.auto') : ''), d.subject ? q(d.subject) : ''); break;
    case 'mail.received': say(t('tl.mail.from', d.from || t('tl.customer')), d.subject ? q(d.subject) : '', d.reason ? words(d.reason) : ''); break;
    case 'estimate.recorded': say(t('tl.estimated', d.probability !== null && d.probability !== undefined ? t('tl.likely', Math.round(100 * d.probability)) : t('tl.nohistory'), d.warned ? t('tl.warned') : ''), d.evidence || ''); break;
    case 'update_duty.started': say(t('tl.owed', d.due_at ? t('tl.by', when(d.due_at)) : '', d.kind === 'at_risk' ? t('tl.atrisk') : '')); break;
    case 'update_duty.met': say(t('tl.updated')); break;
    case 'update_duty.lapsed': say(t('ev.update.lapsed')); break;
    case 'review.opened': say(t('tl.review', name(d.owner_id) ? t('tl.ledby', name(d.owner_id)) : '', d.due_at ? t('tl.review.due', when(d.due_at)) : '')); break;
    case 'review.cause_added': say(t('tl.cause', words(d.category || '').toLowerCase()), d.evidence || d.reason || ''); break;
    case 'review.action_added': say(t('tl.action', q(d.title || '')), (name(d.owner_id) ? t('tl.ownedby', name(d.owner_id)) : ''), d.due_at ? t('tl.due', when(d.due_at)) : ''); break;
    case 'thanks.given': say(t('tl.thanks', name(d.to) || t('tl.colleague')), d.text ? q(d.text) : ''); break;
    case 'survey.offered': say(t('tl.survey')); break;
    case 'system_issue.case_linked': say(t('tl.issue')); break;
    case 'recognition.recognised': say(t('tl.recognised', words(d.kind || '').toLowerCase(), name(d.person_id) ? t('tl.person', name(d.person_id)) : '')); break;
    default: {
      say(t.has('ev.' + k) ? t('ev.' + k) : words(k.replace('.', ' ')));
      for (const key of ['summary', 'body', 'text', 'subject', 'note', 'reason', 'resolution', 'what']) if (typeof d[key] === 'string' && d[key]) say(d[key]);
    }
  }
  return parts.join(' — ');
}

const LABEL = { 'touchpoint.added': 'ev.touchpoint.added', 'note.added': 'ev.note.added' };

// Newest last; events with the same time keep the order they were written in.
export function timeline(c, name) {
  const evs = (c.history || []).slice().sort((a, b) => (Date.parse(a.at) - Date.parse(b.at)) || ((a.seq || 0) - (b.seq || 0)));
  if (!evs.length) return notice(t('history.none'));
  return h('ol', { class: 'timeline' }, evs.map((ev) => {
    const d = ev.data || {};
    const internal = ev.kind === 'note.added' && d.visibility !== 'customer';
    const plain = LABEL[ev.kind];
    return h('li', { class: ['ev', 'ev-' + ev.kind.split('.')[0], internal ? 'internal' : null], id: 'ev-' + ev.seq },
      h('div', { class: 'when' }, timeEl(ev.at)),
      h('div', { class: 'what' },
        plain ? h('span', { class: 'kind' }, t(plain)) : null,
        d.channel && plain ? h('span', { class: 'badge' }, words(d.channel)) : null,
        d.direction && plain ? h('span', { class: 'badge' }, d.direction === 'inbound' ? t('ev.from.customer') : t('ev.to.customer')) : null,
        ev.kind === 'note.added' ? h('span', { class: ['badge', internal ? 'warn' : 'ok'] }, internal ? t('ev.internal') : t('ev.visible')) : null,
        ev.kind === 'touchpoint.added' && d.direction === 'outbound' ? h('span', { class: ['badge', d.customer_visible ? 'ok' : 'warn'] }, d.customer_visible ? t('ev.visible') : t('ev.staff')) : null,
        h('span', { class: 'by' }, t('by', ev.actor ? ev.actor.name : t('system'))),
        h('p', { class: 'text', dir: 'auto' }, plain ? (d.summary || d.body || '') : sentence(ev, name, evs))));
  }));
}
