// Charts of reports (chart.js, built into the served files).  Every chart's numbers are also a
// table and a CSV download, so nothing is only a picture.
import { Chart, BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip } from 'chart.js';
import { h, uid } from './dom.js';
import { brief, isTime, words } from './fmt.js';
import { t } from './msg.js';
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

const MAX_BARS = 12;
const short = (v) => (v.length > 32 ? v.slice(0, 31) + '…' : v);

// opts: {label, values, type, csv, line: a percent key drawn as a line on its own 0-100% axis
// (the Pareto's cumulative share), horizontal: bars sideways (long labels), stacked}
export function chartFigure(title, report, opts = {}) {
  const rows = rowsOf(report);
  const s = shape(rows, opts);
  if (!s || !s.values.length) return h('div', {}, notice(t('lead.none')), opts.csv ? csvLink(opts.csv, t('chart.csv', title)) : null);
  // codes ("team", "request_overdue") read as words; names ("Store 12") stay as they are
  const labelOf = (r) => { const v = brief(r[s.label]) || '—'; return /^[a-z][a-z_]*$/.test(v) ? words(v) : v; };
  const kind = opts.type || (s.label && rows.some((r) => isTime(r[s.label]) || /week|day|month|period|date/.test(s.label)) ? 'line' : 'bar');
  // real volumes: a bar chart shows the largest rows; every row is in the table and the CSV
  const size = (r) => s.values.reduce((a, k) => a + (Number(r[k]) || 0), 0);
  const shown = kind === 'bar' && rows.length > MAX_BARS ? rows.slice().sort((a, b) => size(b) - size(a)).slice(0, MAX_BARS) : rows;
  const labels = shown.map((r) => short(labelOf(r)));
  const horizontal = kind === 'bar' && !opts.line && (opts.horizontal || labels.some((l) => l.length > 14) || labels.length > 6);
  const canvasId = uid('chart');
  const canvas = h('canvas', { id: canvasId, role: 'img', 'aria-label': title + ' (chart; the same numbers are in the table below)' });
  const box = h('div', { class: ['chart-box', horizontal ? 'tall' : null] }, canvas);
  if (horizontal) box.dataset.rows = String(Math.min(shown.length, MAX_BARS));
  const fig = h('figure', { class: 'chart' }, box, h('figcaption', { class: 'sr-only' }, title));
  const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  const ink = dark ? '#c9d1da' : '#3b434c';
  const grid = dark ? '#39414a' : '#e3e6ea';
  // draw after the canvas is in the page
  requestAnimationFrame(() => {
    if (!canvas.isConnected) return;
    const datasets = s.values.map((k, i) => ({ type: kind, label: words(k), data: shown.map((r) => r[k]), backgroundColor: COLORS[i % COLORS.length], borderColor: COLORS[i % COLORS.length], yAxisID: 'y', order: 2 }));
    const scales = { x: { ticks: { color: ink, autoSkip: true, maxRotation: 0 }, grid: { color: grid }, stacked: !!opts.stacked },
      y: { beginAtZero: true, ticks: { precision: 0, color: ink }, grid: { color: grid }, stacked: !!opts.stacked } };
    if (opts.line) {
      datasets.push({ type: 'line', label: t('lead.cumulative'), data: shown.map((r) => r[opts.line]), borderColor: '#b5470b', backgroundColor: '#b5470b', yAxisID: 'y1', order: 1, tension: 0 });
      scales.y1 = { position: 'right', min: 0, max: 100, ticks: { color: ink, callback: (v) => v + '%' }, grid: { drawOnChartArea: false } };
    }
    canvas.dataset.series = datasets.map((d) => d.type).join(' '); // what is drawn, for those who test it
    if (horizontal) { const x = scales.x; scales.x = { ...scales.y }; scales.y = { ...x, ticks: { ...x.ticks, autoSkip: false } }; }
    new Chart(canvas, {
      type: kind, data: { labels, datasets },
      options: { animation: false, responsive: true, maintainAspectRatio: false, indexAxis: horizontal ? 'y' : 'x', scales,
        plugins: { legend: { position: 'bottom', labels: { color: ink } }, tooltip: { callbacks: { title: (items) => (items[0] ? labelOf(shown[items[0].dataIndex]) : '') } } } },
    });
  });
  const cols = [{ key: s.label, label: words(s.label || 'item'), render: (r) => labelOf(r) }, ...s.values.map((k) => ({ key: k })), ...(opts.line ? [{ key: opts.line }] : [])];
  return h('div', {}, fig, shown.length < rows.length ? h('p', { class: 'muted' }, t('lead.more', rows.length - shown.length)) : null,
    h('details', { class: 'numbers', open: opts.openTable ? true : null }, h('summary', {}, t('chart.numbers')), table(rows, cols, t('chart.numbers.caption', title))),
    opts.csv ? csvLink(opts.csv, t('chart.csv', title)) : null);
}
