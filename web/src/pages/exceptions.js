// Exceptions to policy: the list (expired ones included), their review (adopt, one-off, coach) for
// those who review them, and the policy proposals adoption opens, accepted or rejected by those
// who manage policies.
import { h, uid } from '../lib/dom.js';
import { get, optional, withQuery, may } from '../lib/api.js';
import { asyncSection, table, notice, refreshable } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { words } from '../lib/fmt.js';
import { onPage } from '../lib/live.js';
import { t } from '../lib/msg.js';

const STATUSES = ['', 'proposed', 'approved', 'expired', 'withdrawn'];
const caseLink = (x) => (x.case ? h('a', { href: '/cases/' + encodeURIComponent(x.case.id) + '#exceptions' }, '#' + x.case.number + ' ' + (x.case.subject || '')) : '');
const badge = (st) => h('span', { class: ['badge', 'st-' + String(st).replace(/[^a-z_]/g, '')] }, words(st));
const reload = () => window.frontlineNavigate(location.pathname + location.search, true);

function listTable(items) {
  return table(items, [
    { key: 'case', label: t('exc.col.case'), render: caseLink },
    { key: 'description', label: t('exc.col.exception') },
    { key: 'policy', render: (x) => (x.policy ? x.policy.name : '') },
    { key: 'proposer', label: t('exc.col.proposer'), render: (x) => (x.proposer ? x.proposer.name : '') },
    { key: 'status', render: (x) => badge(x.status) },
    { key: 'review', label: t('exc.col.review'), render: (x) => (x.verdict ? words(x.verdict) : x.review_status ? words(x.review_status) : '') },
    { key: 'expires_at', label: t('exc.col.expires') },
  ], t('exc.caption'), { empty: t('exc.none') });
}

function statusFilter(current) {
  const id = uid('st');
  const sel = h('select', { id, onchange: (e) => window.frontlineNavigate(withQuery('/exceptions', { status: e.target.value })) },
    STATUSES.map((s) => h('option', { value: s, selected: s === current ? true : null }, s ? words(s) : t('exc.all'))));
  return h('div', { class: 'field inline' }, h('label', { for: id }, t('exc.show')), sel);
}

async function reviewQueue() {
  const r = await optional('/api/v1/exception-reviews');
  if (!r) return notice(t('exc.reviews.unavailable'));
  if (!r.items.length) return notice(t('exc.reviews.none'));
  return h('ul', { class: 'items' }, await Promise.all(r.items.map(async (x) => h('li', {},
    h('p', {}, h('strong', {}, x.description || ''), ' — ', caseLink(x), x.policy ? t('exc.policy', x.policy.name) : ''),
    x.reasoning ? h('p', { class: 'quote' }, x.reasoning) : null,
    await action(t('exc.review'), 'POST', '/api/v1/exceptions/{id}/review', { pathParams: { id: x.id }, onDone: reload, submit: t('act.record_the_verdict'),
      only: ['verdict', 'reasoning', 'proposal', 'note'], hide: ['proposal_id', 'limits', 'also', 'policy_text'],
      labels: { proposal: t('exc.review.proposal'), note: t('exc.review.note') }, doneText: t('exc.review.done') })))));
}

async function proposals() {
  const r = await optional(withQuery('/api/v1/policy-proposals', { status: 'open' }));
  if (!r) return notice(t('exc.proposals.unavailable'));
  if (!r.items.length) return notice(t('exc.proposals.none'));
  const canDecide = may('manage_policies');
  return h('ul', { class: 'items' }, await Promise.all(r.items.map(async (p) => h('li', {},
    h('p', {}, h('strong', {}, p.proposal || p.text || ''), p.policy ? t('exc.proposal.policy', p.policy.name) : ''),
    h('div', { class: 'meta' }, badge(p.status), p.exceptions ? h('span', {}, t('exc.proposal.behind', p.exceptions.length || p.exceptions)) : null),
    canDecide ? await action(t('exc.accept'), 'POST', '/api/v1/policy-proposals/{id}/accept', { pathParams: { id: p.id }, onDone: reload, submit: t('exc.accept.submit'), hide: ['limits'], doneText: t('exc.accept.done') }) : null,
    canDecide ? await action(t('exc.reject'), 'POST', '/api/v1/policy-proposals/{id}/reject', { pathParams: { id: p.id }, onDone: reload, submit: t('exc.reject.submit'), doneText: t('exc.reject.done') }) : null))));
}

export async function exceptionsPage() {
  const status = new URLSearchParams(location.search).get('status') || '';
  const page = h('div', {});
  page.append(h('h1', {}, t('exc.title')),
    h('p', { class: 'muted' }, t('exc.intro')));
  const grid = h('div', { class: 'grid' });
  const list = refreshable(t('exc.caption'), async () => [statusFilter(status), listTable((await get(withQuery('/api/v1/exceptions', { status, limit: 200 }))).items)], { class: 'wide' });
  grid.append(list);
  if (may('review_exception')) grid.append(asyncSection(t('exc.mine'), reviewQueue, { class: 'wide' }));
  grid.append(asyncSection(t('exc.proposals'), proposals, { class: 'wide' }));
  page.append(grid);
  onPage('case', (ev) => { if (ev.kind.startsWith('exception.')) list.reload(); });
  return page;
}
