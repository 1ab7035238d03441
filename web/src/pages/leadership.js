import { h } from '../lib/dom.js';
import { get, optional, withQuery } from '../lib/api.js';
import { asyncSection, notice, table, csvLink } from '../lib/ui.js';
import { chartFigure, rowsOf } from '../lib/charts.js';
import { words, fmtDate, dayOf, startOfDay, zoneName } from '../lib/fmt.js';
import { t } from '../lib/msg.js';
import { teamScorecards } from './recognition.js';

// The period every report is asked for: ?days=N (default 90, the quarter) or ?from=&to= (dates),
// kept in the address so a view can be shared.
const DAY = 86400e3;
export function periodOf(search) {
  const q = new URLSearchParams(search);
  const now = Date.now();
  if (q.get('from') && q.get('to')) {
    const from = startOfDay(q.get('from')), to = startOfDay(q.get('to'));
    const end = new Date(Date.parse(to) + DAY).toISOString();
    if (Date.parse(from) < Date.parse(end)) return { from, to: end, days: null, label: t('lead.period.custom') };
  }
  const days = [7, 30, 90, 365].includes(Number(q.get('days'))) ? Number(q.get('days')) : 90;
  return { from: new Date(now - days * DAY).toISOString(), to: new Date(now).toISOString(), days, label: t('lead.period.' + days) };
}
const inPeriod = (path, p) => (path.startsWith('/api/v1/reports/') ? withQuery(path, { from: p.from, to: p.to }) : path);

function periodPicker(p) {
  const sel = h('select', { id: 'period', name: 'days' }, [7, 30, 90, 365].map((d) => h('option', { value: String(d) }, t('lead.period.' + d))), h('option', { value: 'custom' }, t('lead.period.custom')));
  sel.value = p.days ? String(p.days) : 'custom';
  const from = h('input', { type: 'date', id: 'period-from', name: 'from', value: dayOf(p.from) });
  const to = h('input', { type: 'date', id: 'period-to', name: 'to', value: dayOf(new Date(Date.parse(p.to) - 1).toISOString()) });
  const custom = h('span', { class: 'period-custom', hidden: p.days ? true : null },
    h('label', { for: 'period-from' }, t('lead.from')), from, h('label', { for: 'period-to' }, t('lead.to')), to);
  sel.addEventListener('change', () => { custom.hidden = sel.value !== 'custom'; });
  const form = h('form', { class: 'inline period', 'aria-label': t('lead.period.choose') },
    h('div', { class: 'field' }, h('label', { for: 'period' }, t('lead.period')), sel), custom,
    h('button', { type: 'submit', class: 'primary' }, t('lead.show')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const qs = sel.value === 'custom' ? '?from=' + encodeURIComponent(from.value) + '&to=' + encodeURIComponent(to.value) : '?days=' + sel.value;
    window.frontlineNavigate('/leadership' + qs);
  });
  return [form, h('p', { class: 'muted', role: 'status' }, t('lead.period.said', fmtDate(p.from), fmtDate(new Date(Date.parse(p.to) - 1).toISOString()), zoneName()))];
}

// Each chart names the report routes it can draw from; the first the server has is used.
export const REPORTS = [
  { title: 'lead.r.cause', paths: ['/api/v1/reports/breaches?by=cause'] },
  { title: 'lead.r.level', paths: ['/api/v1/reports/breaches?by=level'] },
  { title: 'lead.r.team', paths: ['/api/v1/reports/breaches?by=team'] },
  { title: 'lead.r.overdue', paths: ['/api/v1/reports/overdue-requests'], values: ['overdue', 'still_open', 'escalated'] },
  { title: 'lead.r.keep.team', paths: ['/api/v1/reports/promise-keeping?by=team'], values: ['kept', 'broken'] },
  { title: 'lead.r.keep.channel', paths: ['/api/v1/reports/promise-keeping?by=channel'], values: ['kept', 'broken'] },
  { title: 'lead.r.conflicts', paths: ['/api/v1/reports/policy-conflicts'], label: 'pair', prepare: (r) => ({ items: rowsOf(r).map((x) => ({ pair: t('lead.vs', x.policy, x.promise_policy), conflicts: x.conflicts, cases: (x.cases || []).map((c) => '#' + c.number).join(' ') })) }), values: ['conflicts'] },
  { title: 'lead.r.duties', paths: ['/api/v1/reports/update-duties'], label: 'owner', values: ['kept', 'lapsed'] },
  { title: 'lead.r.exceptions', paths: ['/api/v1/reports/exceptions'], label: 'policy', prepare: (r) => ({ items: r.by_policy || [] }), values: ['proposed', 'cosigned', 'expired', 'withdrawn', 'adopted'], totals: (r) => r.totals },
  { title: 'lead.r.calibration', paths: ['/api/v1/reports/calibration'], label: 'estimated',
    prepare: (r) => ({ items: (r.bins || []).filter((b) => b.promises).map((b) => ({ estimated: b.percent_from + '–' + b.percent_to + '%', estimated_percent: Math.round(100 * b.mean_predicted), kept_percent: Math.round(100 * b.kept_share), promises: b.promises })) }),
    values: ['estimated_percent', 'kept_percent'] },
  { title: 'lead.r.at80', paths: ['/api/v1/reports/calibration'], label: 'team',
    prepare: (r) => ({ items: (r.by_team || []).map((row) => ({ team: row.team.name, made_at_80_percent: row.at_threshold, kept: row.at_threshold_kept, made_against_a_warning: row.warned })) }), values: ['made_at_80_percent', 'kept', 'made_against_a_warning'] },
  { title: 'lead.r.capacity', paths: ['/api/v1/reports/root-causes?view=capacity'], label: 'standard',
    prepare: (r) => ({ items: (r.by_capacity || []).map((g) => ({ standard: g.policy.name + ' — ' + g.team.name + ', ' + g.weekday + ' ' + g.part, promises: g.promises, likely_percent: Math.round(100 * g.mean_probability), kept: g.kept })) }),
    values: ['promises', 'likely_percent', 'kept'] },
  { title: 'lead.r.pareto', paths: ['/api/v1/reports/root-causes?view=pareto'], label: 'category',
    prepare: (r) => ({ items: (r.pareto || []).map((x) => ({ category: words(x.category), count: x.count, cumulative_percent: Math.round(100 * (x.cumulative_share || 0)), cases: (x.cases || []).length })) }), values: ['count'], line: 'cumulative_percent' },
];

async function firstReport(paths, period) {
  for (const p of paths) {
    const path = inPeriod(p, period);
    const r = await optional(path);
    if (r) return { path, report: r };
  }
  return null;
}

// Promise keeping over time: the promise-keeping report asked day, week or month by month across the period.
async function keepingOverTime(period) {
  const end = Date.parse(period.to), start = Date.parse(period.from);
  const step = end - start > 120 * DAY ? 28 * DAY : end - start > 21 * DAY ? 7 * DAY : DAY; // months, weeks or days: at most ~14 points
  const weeks = [];
  for (let to = end; to > start; to -= step) weeks.unshift({ from: new Date(Math.max(start, to - step)), to: new Date(to) });
  const rows = await Promise.all(weeks.map(async (w) => {
    const r = await get(withQuery('/api/v1/reports/promise-keeping', { by: 'team', from: w.from.toISOString(), to: w.to.toISOString() }));
    const kept = rowsOf(r).reduce((a, x) => a + (x.kept || 0), 0);
    const broken = rowsOf(r).reduce((a, x) => a + (x.broken || 0), 0);
    return { week: fmtDate(w.from.toISOString()), kept, broken, kept_percent: kept + broken ? Math.round((100 * kept) / (kept + broken)) : null };
  }));
  const last = weeks[weeks.length - 1];
  return chartFigure(t('lead.keeping'), { items: rows }, { label: 'week', values: ['kept', 'broken'], type: 'line', csv: withQuery('/api/v1/reports/promise-keeping', { by: 'team', from: weeks[0].from.toISOString(), to: last.to.toISOString() }) });
}

// Survey results: the most recent surveys' reports (ratings 1-5 per question; small teams hidden).
async function surveyResults() {
  const list = await optional('/api/v1/surveys');
  if (!list) return notice(t('lead.surveys.unavailable'));
  if (!list.items.length) return notice(t('lead.surveys.none'));
  const recent = list.items.slice(0, 3);
  const out = [];
  for (const sv of recent) {
    const path = '/api/v1/surveys/' + encodeURIComponent(sv.id) + '/report';
    const r = await optional(path);
    if (!r) continue;
    const rows = ((r.overall && r.overall.questions) || []).map((q) => ({ question: t('lead.survey.q', q.question, q.text.split('?')[0]), ratings: q.ratings, average: q.average }));
    out.push(h('h3', {}, sv.title), h('p', { class: 'muted' }, t('lead.survey.published', r.responses) + (r.hidden_teams ? t('lead.survey.hidden', r.hidden_teams, r.min_respondents) : '') + (r.closed ? '' : t('lead.survey.step', r.publish_step))),
      chartFigure(sv.title, { items: rows }, { label: 'question', values: ['average'], csv: path }));
  }
  return out.length ? out : notice(t('lead.surveys.noresults'));
}

// System issues with their response status: who owes a response, by when, overdue or answered.
async function systemIssues() {
  const r = await optional('/api/v1/system-issues?limit=200');
  if (!r) return notice(t('lead.issues.unavailable'));
  const counts = {};
  for (const x of r.items) { const k = x.overdue ? 'overdue' : x.status; counts[k] = (counts[k] || 0) + 1; }
  const rows = Object.entries(counts).map(([status, issues]) => ({ status, issues }));
  return [chartFigure(t('lead.issues.chart'), { items: rows }, { label: 'status', values: ['issues'], csv: '/api/v1/system-issues?limit=200' }),
    table(r.items, [{ key: 'title', label: t('lead.issues.col.issue') }, { key: 'owner', render: (x) => (x.owner ? x.owner.name : '') }, { key: 'status', render: (x) => h('span', { class: ['badge', 'st-' + (x.overdue ? 'overdue' : x.status)] }, x.overdue ? t('lead.issues.overdue') : words(x.status)) },
      { key: 'response_due_at', label: t('lead.issues.col.due') }, { key: 'response', label: t('lead.issues.col.response') }, { key: 'raised_by', label: t('lead.issues.col.raisedby'), render: (x) => (x.raised_by ? x.raised_by.name : '') }], t('lead.issues.caption'), { empty: t('lead.issues.none') })];
}

export async function leadershipPage() {
  const page = h('div', { class: 'leadership' });
  const period = periodOf(location.search);
  page.append(h('h1', {}, t('lead.title')), h('div', { class: 'card period-bar' }, periodPicker(period)), h('p', { class: 'muted' }, t('lead.intro')));
  const grid = h('div', { class: 'grid charts' });
  grid.append(asyncSection(t('lead.keeping'), () => keepingOverTime(period)));
  for (const rep of REPORTS) {
    const title = t(rep.title);
    grid.append(asyncSection(title, async () => {
      const found = await firstReport(rep.paths, period);
      if (!found) return notice(t('lead.unavailable'));
      const data = rep.prepare ? rep.prepare(found.report) : found.report;
      const fig = chartFigure(title, data, { csv: found.path, label: rep.label, values: rep.values, line: rep.line });
      const totals = rep.totals ? rep.totals(found.report) : null;
      if (totals) fig.append(table([totals], Object.keys(totals).map((k) => ({ key: k, label: words(k) })), t('lead.totals', title)));
      return fig;
    }));
  }
  grid.append(teamScorecards(), asyncSection(t('lead.surveys'), surveyResults), asyncSection(t('lead.issues'), systemIssues, { class: 'wide' }));
  page.append(grid);
  return page;
}
