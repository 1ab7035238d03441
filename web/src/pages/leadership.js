import { h } from '../lib/dom.js';
import { get, optional, operation, withQuery } from '../lib/api.js';
import { asyncSection, notice, table, csvLink } from '../lib/ui.js';
import { chartFigure, rowsOf } from '../lib/charts.js';
import { words } from '../lib/fmt.js';

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
  { title: 'Root causes (Pareto)', paths: ['/api/v1/reports/root-causes', '/api/v1/reports/pareto', '/api/v1/reports/causes'] },
  { title: 'Survey results', paths: ['/api/v1/reports/surveys', '/api/v1/reports/survey'] },
  { title: 'System issues and their responses', paths: ['/api/v1/reports/system-issues', '/api/v1/system-issues'] },
];

async function firstReport(paths) {
  for (const p of paths) {
    if (!(await operation('GET', p.split('?')[0]))) continue;
    const r = await optional(p);
    if (r) return { path: p, report: r };
  }
  return null;
}

// Promise keeping over time: the promise-keeping report asked week by week.
async function keepingOverTime() {
  if (!(await operation('GET', '/api/v1/reports/promise-keeping'))) return notice('This report is not available on this server yet.');
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
  page.append(grid);
  return page;
}
