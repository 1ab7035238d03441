import { h } from '../lib/dom.js';
import { optional, operation } from '../lib/api.js';
import { asyncSection, notice } from '../lib/ui.js';
import { chartFigure } from '../lib/charts.js';

// Each chart names the report routes it can draw from; the first the server has is used.
export const REPORTS = [
  { title: 'Promise keeping over time', paths: ['/api/v1/reports/promise-keeping', '/api/v1/reports/promises'] },
  { title: 'Breaches by cause', paths: ['/api/v1/reports/breaches-by-cause', '/api/v1/reports/breaches?by=cause'] },
  { title: 'Breaches by level (leaders included)', paths: ['/api/v1/reports/breaches-by-level', '/api/v1/reports/breaches?by=level'] },
  { title: 'Overdue requests by holder level', paths: ['/api/v1/reports/overdue-requests', '/api/v1/reports/requests-overdue'] },
  { title: 'Policy conflicts', paths: ['/api/v1/reports/policy-conflicts', '/api/v1/reports/conflicts'] },
  { title: 'Exceptions and review outcomes', paths: ['/api/v1/reports/exceptions'] },
  { title: 'Root causes (Pareto)', paths: ['/api/v1/reports/root-causes', '/api/v1/reports/pareto', '/api/v1/reports/causes'] },
  { title: 'Survey results', paths: ['/api/v1/reports/surveys', '/api/v1/reports/survey'] },
  { title: 'System issues and their responses', paths: ['/api/v1/reports/system-issues', '/api/v1/system-issues'] },
  { title: 'Coverage gaps', paths: ['/api/v1/reports/coverage', '/api/v1/coverage'] },
];

async function firstReport(paths) {
  for (const p of paths) {
    const pattern = p.split('?')[0];
    if (!(await operation('GET', pattern))) continue;
    const r = await optional(p);
    if (r) return { path: p, report: r };
  }
  return null;
}

export async function leadershipPage() {
  const page = h('div', { class: 'leadership' });
  page.append(h('h1', {}, 'Leadership'), h('p', { class: 'muted' }, 'Every chart\'s numbers are in the table under it and can be downloaded as CSV.'));
  const grid = h('div', { class: 'grid charts' });
  for (const rep of REPORTS) {
    grid.append(asyncSection(rep.title, async () => {
      const found = await firstReport(rep.paths);
      if (!found) return notice('This report is not available on this server yet.');
      return chartFigure(rep.title, found.report, { csv: found.path });
    }));
  }
  page.append(grid);
  return page;
}
