import { h } from '../lib/dom.js';
import { get, optional, withQuery } from '../lib/api.js';
import { asyncSection, notice, table, csvLink } from '../lib/ui.js';
import { chartFigure, rowsOf } from '../lib/charts.js';
import { words } from '../lib/fmt.js';
import { teamScorecards } from './recognition.js';

// Each chart names the report routes it can draw from; the first the server has is used.
export const REPORTS = [
  { title: 'Breaches by cause', paths: ['/api/v1/reports/breaches?by=cause'] },
  { title: 'Breaches by level (leaders included)', paths: ['/api/v1/reports/breaches?by=level'] },
  { title: 'Breaches by holding team', paths: ['/api/v1/reports/breaches?by=team'] },
  { title: 'Overdue requests by holder level', paths: ['/api/v1/reports/overdue-requests'], values: ['overdue', 'still_open', 'escalated'] },
  { title: 'Promise keeping by team', paths: ['/api/v1/reports/promise-keeping?by=team'], values: ['kept', 'broken'] },
  { title: 'Promise keeping by channel', paths: ['/api/v1/reports/promise-keeping?by=channel'], values: ['kept', 'broken'] },
  { title: 'Policy conflicts by policy pair', paths: ['/api/v1/reports/policy-conflicts'], label: 'pair', prepare: (r) => ({ items: rowsOf(r).map((x) => ({ pair: x.policy + ' vs ' + x.promise_policy, conflicts: x.conflicts, cases: (x.cases || []).map((c) => '#' + c.number).join(' ') })) }), values: ['conflicts'] },
  { title: 'Update duties kept and lapsed', paths: ['/api/v1/reports/update-duties'], label: 'owner', values: ['kept', 'lapsed'] },
  { title: 'Exceptions and review outcomes (by policy)', paths: ['/api/v1/reports/exceptions'], label: 'policy', prepare: (r) => ({ items: r.by_policy || [] }), values: ['proposed', 'cosigned', 'expired', 'withdrawn', 'adopted'], totals: (r) => r.totals },
  { title: 'Calibration: promises kept against how likely they were estimated (reliability)', paths: ['/api/v1/reports/calibration'], label: 'estimated',
    prepare: (r) => ({ items: (r.bins || []).filter((b) => b.promises).map((b) => ({ estimated: b.percent_from + '–' + b.percent_to + '%', estimated_percent: Math.round(100 * b.mean_predicted), kept_percent: Math.round(100 * b.kept_share), promises: b.promises })) }),
    values: ['estimated_percent', 'kept_percent'] },
  { title: 'Promises made at the offered 80% time, kept by team', paths: ['/api/v1/reports/calibration'], label: 'team',
    prepare: (r) => ({ items: (r.by_team || []).map((t) => ({ team: t.team.name, made_at_80_percent: t.at_threshold, kept: t.at_threshold_kept, made_against_a_warning: t.warned })) }), values: ['made_at_80_percent', 'kept', 'made_against_a_warning'] },
  { title: 'Promise standards beyond capacity (root cause)', paths: ['/api/v1/reports/root-causes?view=capacity'], label: 'standard',
    prepare: (r) => ({ items: (r.by_capacity || []).map((g) => ({ standard: g.policy.name + ' — ' + g.team.name + ', ' + g.weekday + ' ' + g.part, promises: g.promises, likely_percent: Math.round(100 * g.mean_probability), kept: g.kept })) }),
    values: ['promises', 'likely_percent', 'kept'] },
  { title: 'Root causes (Pareto)', paths: ['/api/v1/reports/root-causes?view=pareto'], label: 'category',
    prepare: (r) => ({ items: (r.pareto || []).map((x) => ({ category: x.category, count: x.count, cumulative_percent: Math.round(100 * (x.cumulative_share || 0)), cases: (x.cases || []).length })) }), values: ['count'] },
];

async function firstReport(paths) {
  for (const p of paths) {
    const r = await optional(p);
    if (r) return { path: p, report: r };
  }
  return null;
}

// Promise keeping over time: the promise-keeping report asked week by week.
async function keepingOverTime() {
  const now = new Date();
  const weeks = [];
  for (let i = 7; i >= 0; i--) {
    const to = new Date(now.getTime() - i * 7 * 86400e3);
    const from = new Date(to.getTime() - 7 * 86400e3);
    weeks.push({ from, to });
  }
  const rows = await Promise.all(weeks.map(async (w) => {
    const r = await get(withQuery('/api/v1/reports/promise-keeping', { by: 'team', from: w.from.toISOString(), to: w.to.toISOString() }));
    const kept = rowsOf(r).reduce((a, x) => a + (x.kept || 0), 0);
    const broken = rowsOf(r).reduce((a, x) => a + (x.broken || 0), 0);
    return { week: w.from.toISOString().slice(0, 10), kept, broken, kept_percent: kept + broken ? Math.round((100 * kept) / (kept + broken)) : null };
  }));
  const last = weeks[weeks.length - 1];
  return chartFigure('Promise keeping over time', { items: rows }, { label: 'week', values: ['kept', 'broken'], type: 'line', csv: withQuery('/api/v1/reports/promise-keeping', { by: 'team', from: weeks[0].from.toISOString(), to: last.to.toISOString() }) });
}

// Survey results: the most recent surveys' reports (ratings 1-5 per question; small teams hidden).
async function surveyResults() {
  const list = await optional('/api/v1/surveys');
  if (!list) return notice('Surveys are not available on this server yet.');
  if (!list.items.length) return notice('No surveys yet.');
  const recent = list.items.slice(0, 3);
  const out = [];
  for (const sv of recent) {
    const path = '/api/v1/surveys/' + encodeURIComponent(sv.id) + '/report';
    const r = await optional(path);
    if (!r) continue;
    const rows = ((r.overall && r.overall.questions) || []).map((q) => ({ question: 'Q' + q.question + ' ' + q.text.split('?')[0], ratings: q.ratings, average: q.average }));
    out.push(h('h3', {}, sv.title), h('p', { class: 'muted' }, r.responses + ' responses published' + (r.hidden_teams ? '; ' + r.hidden_teams + ' team(s) hidden (fewer than ' + r.min_respondents + ' answered)' : '') + (r.closed ? '' : '; while the survey is open, each team\'s numbers move in steps of ' + r.publish_step + ' answers, so no single answer can be told apart')),
      chartFigure(sv.title, { items: rows }, { label: 'question', values: ['average'], csv: path }));
  }
  return out.length ? out : notice('No survey results yet.');
}

// System issues with their response status: who owes a response, by when, overdue or answered.
async function systemIssues() {
  const r = await optional('/api/v1/system-issues?limit=200');
  if (!r) return notice('System issues are not available on this server yet.');
  const counts = {};
  for (const x of r.items) { const k = x.overdue ? 'overdue' : x.status; counts[k] = (counts[k] || 0) + 1; }
  const rows = Object.entries(counts).map(([status, issues]) => ({ status, issues }));
  return [chartFigure('System issues by response status', { items: rows }, { label: 'status', values: ['issues'], csv: '/api/v1/system-issues?limit=200' }),
    table(r.items, [{ key: 'title', label: 'Issue' }, { key: 'owner', render: (x) => (x.owner ? x.owner.name : '') }, { key: 'status', render: (x) => h('span', { class: ['badge', 'st-' + (x.overdue ? 'overdue' : x.status)] }, x.overdue ? 'Response overdue' : words(x.status)) },
      { key: 'response_due_at', label: 'Response due' }, { key: 'response', label: 'Response' }, { key: 'raised_by', label: 'Raised by', render: (x) => (x.raised_by ? x.raised_by.name : '') }], 'System issues', { empty: 'No system issues.' })];
}

export async function leadershipPage() {
  const page = h('div', { class: 'leadership' });
  page.append(h('h1', {}, 'Leadership'), h('p', { class: 'muted' }, 'Every chart\'s numbers are in the table under it and can be downloaded as CSV.'));
  const grid = h('div', { class: 'grid charts' });
  grid.append(asyncSection('Promise keeping over time (by week)', keepingOverTime));
  for (const rep of REPORTS) {
    grid.append(asyncSection(rep.title, async () => {
      const found = await firstReport(rep.paths);
      if (!found) return notice('This report is not available on this server yet.');
      const data = rep.prepare ? rep.prepare(found.report) : found.report;
      const fig = chartFigure(rep.title, data, { csv: found.path, label: rep.label, values: rep.values });
      const totals = rep.totals ? rep.totals(found.report) : null;
      if (totals) fig.append(table([totals], Object.keys(totals).map((k) => ({ key: k, label: words(k) })), rep.title + ' — totals'));
      return fig;
    }));
  }
  grid.append(teamScorecards(), asyncSection('Survey results', surveyResults), asyncSection('System issues and their responses', systemIssues, { class: 'wide' }));
  page.append(grid);
  return page;
}
