// Charts of reports (chart.js, built into the served files).  Every chart's numbers are also a
// table and a CSV download, so nothing is only a picture.
import { Chart, BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip } from 'chart.js';
import { h, uid } from './dom.js';
import { brief, isTime, words } from './fmt.js';
import { table, csvLink, notice } from './ui.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);

const COLORS = ['#1f5fa8', '#b5470b', '#2d7d46', '#7a3e9d', '#8a6d00', '#a3213b', '#0f6e78'];
const LABEL_KEYS = ['label', 'name', 'period', 'week', 'day', 'month', 'date', 'cause', 'level', 'team', 'policy', 'pair', 'holder_level', 'channel', 'status', 'kind', 'category', 'question', 'owner'];

// Find the rows of a report: its `items`, or the first array of objects in it.
export function rowsOf(report) {
  if (!report || typeof report !== 'object') return [];
  if (Array.isArray(report.items)) return report.items;
  for (const v of Object.values(report)) if (Array.isArray(v) && v.length && typeof v[0] === 'object') return v;
  return [];
}

export function shape(rows, opts = {}) {
  if (!rows.length) return null;
  const keys = Object.keys(rows[0]);
  const label = (opts.label && keys.includes(opts.label) && opts.label) || LABEL_KEYS.find((k) => keys.includes(k) && rows.every((r) => typeof r[k] !== 'number')) ||
    keys.find((k) => rows.every((r) => typeof r[k] === 'string' || (r[k] && typeof r[k] === 'object')));
  const values = (opts.values && opts.values.filter((k) => keys.includes(k))) || keys.filter((k) => k !== label && rows.every((r) => typeof r[k] === 'number' || r[k] === null));
  return { label, values };
}

export function chartFigure(title, report, opts = {}) {
  const rows = rowsOf(report);
  const s = shape(rows, opts);
  if (!s || !s.values.length) return h('div', {}, notice('No numbers yet for this period.'), opts.csv ? csvLink(opts.csv, 'Download ' + title + ' as CSV') : null);
  const labels = rows.map((r) => { const v = brief(r[s.label]) || '—'; return /^[a-z]+(_[a-z]+)+$/.test(v) ? words(v) : v; });
  const kind = opts.type || (s.label && rows.some((r) => isTime(r[s.label]) || /week|day|month|period|date/.test(s.label)) ? 'line' : 'bar');
  const canvasId = uid('chart');
  const canvas = h('canvas', { id: canvasId, role: 'img', 'aria-label': title + ' (chart; the same numbers are in the table below)' });
  const fig = h('figure', { class: 'chart' }, h('div', { class: 'chart-box' }, canvas),
    h('figcaption', { class: 'sr-only' }, title));
  // draw after the canvas is in the page
  requestAnimationFrame(() => {
    if (!canvas.isConnected) return;
    new Chart(canvas, {
      type: kind,
      data: { labels, datasets: s.values.map((k, i) => ({ label: words(k), data: rows.map((r) => r[k]), backgroundColor: COLORS[i % COLORS.length], borderColor: COLORS[i % COLORS.length] })) },
      options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { position: 'bottom' } } },
    });
  });
  const cols = [{ key: s.label, label: words(s.label || 'item') }, ...s.values.map((k) => ({ key: k }))];
  return h('div', {}, fig, h('details', { class: 'numbers', open: opts.openTable ? true : null }, h('summary', {}, 'The numbers'), table(rows, cols, title + ' — numbers')),
    opts.csv ? csvLink(opts.csv, 'Download ' + title + ' as CSV') : null);
}
