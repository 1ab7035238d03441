// Exceptions to policy: the list (expired ones included), their review (adopt, one-off, coach) for
// those who review them, and the policy proposals adoption opens, accepted or rejected by those
// who manage policies.
import { h, uid } from '../lib/dom.js';
import { get, optional, withQuery, may } from '../lib/api.js';
import { asyncSection, table, notice, refreshable } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { words } from '../lib/fmt.js';
import { onPage } from '../lib/live.js';

const STATUSES = ['', 'proposed', 'approved', 'expired', 'withdrawn'];
const caseLink = (x) => (x.case ? h('a', { href: '/cases/' + encodeURIComponent(x.case.id) + '#exceptions' }, '#' + x.case.number + ' ' + (x.case.subject || '')) : '');
const badge = (st) => h('span', { class: ['badge', 'st-' + String(st).replace(/[^a-z_]/g, '')] }, words(st));
const reload = () => window.frontlineNavigate(location.pathname + location.search, true);

function listTable(items) {
  return table(items, [
    { key: 'case', label: 'Case', render: caseLink },
    { key: 'description', label: 'Exception' },
    { key: 'policy', render: (x) => (x.policy ? x.policy.name : '') },
    { key: 'proposer', label: 'Proposed by', render: (x) => (x.proposer ? x.proposer.name : '') },
    { key: 'status', render: (x) => badge(x.status) },
    { key: 'review', label: 'Review', render: (x) => (x.verdict ? words(x.verdict) : x.review_status ? words(x.review_status) : '') },
    { key: 'expires_at', label: 'Expires' },
  ], 'Exceptions', { empty: 'No exceptions with this status.' });
}

function statusFilter(current) {
  const id = uid('st');
  const sel = h('select', { id, onchange: (e) => window.frontlineNavigate(withQuery('/exceptions', { status: e.target.value })) },
    STATUSES.map((s) => h('option', { value: s, selected: s === current ? true : null }, s ? words(s) : 'All, expired included')));
  return h('div', { class: 'field inline' }, h('label', { for: id }, 'Show'), sel);
}

async function reviewQueue() {
  const r = await optional('/api/v1/exception-reviews');
  if (!r) return notice('Reviews are not available on this server.');
  if (!r.items.length) return notice('No approved exception waits for a review.');
  return h('ul', { class: 'items' }, await Promise.all(r.items.map(async (x) => h('li', {},
    h('p', {}, h('strong', {}, x.description || ''), ' — ', caseLink(x), x.policy ? ' (policy: ' + x.policy.name + ')' : ''),
    x.reasoning ? h('p', { class: 'quote' }, x.reasoning) : null,
    await action('Review: adopt, one-off or coach', 'POST', '/api/v1/exceptions/{id}/review', { pathParams: { id: x.id }, onDone: reload, submit: 'Record the verdict',
      only: ['verdict', 'reasoning', 'proposal', 'note'], hide: ['proposal_id', 'limits', 'also', 'policy_text'],
      labels: { proposal: 'Adopt: the policy change', note: 'Coach: the forward-looking note' }, doneText: 'Verdict recorded.' })))));
}

async function proposals() {
  const r = await optional(withQuery('/api/v1/policy-proposals', { status: 'open' }));
  if (!r) return notice('Policy proposals are not available on this server.');
  if (!r.items.length) return notice('No open policy proposal.');
  const canDecide = may('manage_policies');
  return h('ul', { class: 'items' }, await Promise.all(r.items.map(async (p) => h('li', {},
    h('p', {}, h('strong', {}, p.proposal || p.text || ''), p.policy ? ' — policy "' + p.policy.name + '"' : ''),
    h('div', { class: 'meta' }, badge(p.status), p.exceptions ? h('span', {}, (p.exceptions.length || p.exceptions) + ' exception(s) behind it') : null),
    canDecide ? await action('Accept this change', 'POST', '/api/v1/policy-proposals/{id}/accept', { pathParams: { id: p.id }, onDone: reload, submit: 'Accept proposal', hide: ['limits'], doneText: 'Accepted: the policy has a new version.' }) : null,
    canDecide ? await action('Reject it', 'POST', '/api/v1/policy-proposals/{id}/reject', { pathParams: { id: p.id }, onDone: reload, submit: 'Reject proposal', doneText: 'Rejected.' }) : null))));
}

export async function exceptionsPage() {
  const status = new URLSearchParams(location.search).get('status') || '';
  const page = h('div', {});
  page.append(h('h1', {}, 'Exceptions to policy'),
    h('p', { class: 'muted' }, 'Out-of-policy resolutions: proposed, co-signed, expired unsigned or withdrawn, and what their review decided.'));
  const grid = h('div', { class: 'grid' });
  const list = refreshable('Exceptions', async () => [statusFilter(status), listTable((await get(withQuery('/api/v1/exceptions', { status, limit: 200 }))).items)], { class: 'wide' });
  grid.append(list);
  if (may('review_exception')) grid.append(asyncSection('Waiting for my review', reviewQueue, { class: 'wide' }));
  grid.append(asyncSection('Policy proposals', proposals, { class: 'wide' }));
  page.append(grid);
  onPage('case', (ev) => { if (ev.kind.startsWith('exception.')) list.reload(); });
  return page;
}
