// Times are UTC on the wire; each person reads them in one time zone: their own choice (a profile
// setting, PATCH /api/v1/me/notifications {tz}), else the browser's.  Every time shown names its zone.
import { t } from './msg.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;
export const isTime = (v) => typeof v === 'string' && ISO.test(v);

export const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
let zone = browserZone;
let fmts = null;

function validZone(z) {
  try { new Intl.DateTimeFormat('en-US', { timeZone: z }); return true; } catch (e) { return false; }
}

// The person's zone (from their profile); '' or an unknown name means the browser's.
export function setZone(z) {
  zone = z && validZone(z) ? z : browserZone;
  fmts = null;
}
export function viewerZone() { return zone; }

// "Chicago time" for America/Chicago: how a zone is named to a person.
export function zoneName(z) {
  const n = z || zone;
  return n === 'UTC' || n === 'Etc/UTC' ? 'UTC' : t('zone.time', n.split('/').pop().replace(/_/g, ' '));
}

function formats() {
  if (fmts) return fmts;
  const base = { timeZone: zone, year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' };
  fmts = {
    full: new Intl.DateTimeFormat(undefined, { ...base, timeZoneName: 'short' }),
    plain: new Intl.DateTimeFormat(undefined, base),
    parts: new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }),
    date: new Intl.DateTimeFormat(undefined, { timeZone: zone, year: 'numeric', month: 'short', day: 'numeric' }),
    day: new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  };
  return fmts;
}

// "Nov 30, 2026, 5:08 PM CST": the date, the time and the zone's short name, in the person's zone.
export function fmtTime(iso, opts = {}) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return t('time.unknown');
  return (opts.plain ? formats().plain : formats().full).format(d);
}

// Text from the server that carries a time as ISO ("... is due 2026-11-28T01:15:00.000Z"): each
// such time said in the person's zone instead.
const ISO_IN_TEXT = /\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)/g;
export function humanize(text) { return typeof text === 'string' ? text.replace(ISO_IN_TEXT, (m) => fmtTime(m)) : text; }

// The date alone ("Sep 2, 2026"), in the person's zone.
export function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? t('time.unknown') : formats().date.format(d);
}

// The calendar day (YYYY-MM-DD) of a moment in the person's zone.
export function dayOf(iso) { return formats().day.format(new Date(iso)); }

export function relative(iso, now) {
  const d = new Date(iso).getTime() - (now || Date.now());
  const m = Math.round(Math.abs(d) / 60000);
  const x = m < 60 ? t('dur.min', m) : m < 48 * 60 ? t('dur.h', Math.round(m / 60)) : t('dur.days', Math.round(m / 1440));
  return d >= 0 ? t('rel.in', x) : t('rel.ago', x);
}

export function sameDay(iso) { return dayOf(iso) === dayOf(new Date().toISOString()); }

// The zone's offset from UTC (ms) at a moment.
function offsetAt(ms) {
  const p = Object.fromEntries(formats().parts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000;
}

// A datetime-local input's text ("2026-03-02T19:15") for a moment, in the person's zone.
export function toLocalInput(iso) {
  const ms = new Date(iso).getTime();
  return new Date(ms + offsetAt(ms)).toISOString().slice(0, 16);
}

// The moment a datetime-local input's text means in the person's zone, as an ISO string.
export function fromLocalInput(v) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(v || '');
  if (!m) return new Date(v).toISOString();
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  let ms = wall - offsetAt(wall);
  ms = wall - offsetAt(ms); // once more across a change of offset
  return new Date(ms).toISOString();
}

// The first day (00:00) of a YYYY-MM-DD date in the person's zone, as an ISO string.
export function startOfDay(date) { return fromLocalInput(date + 'T00:00'); }

// Codes (snake_case, dotted kinds) as words a person reads; the catalogue names the known ones.
export function words(key) {
  const k = String(key);
  const known = t.has('code.' + k) ? t('code.' + k) : null;
  if (known) return known;
  return k.replace(/[._]/g, ' ').replace(/\bid\b/g, 'ID').replace(/^./, (c) => c.toUpperCase());
}

// A field's name from the API (a form's field, a table's column) as a person reads it: the catalogue's
// field.* entry, else its words.
export function label(name) { return t.has('field.' + name) ? t('field.' + name) : words(name); }

// Text the API document carries (a field's help, an operation's summary), in English on the wire: a
// translation gives it as an "api:<the English text>" entry of its catalogue; English shows as it is.
export function apiText(s) { return s && t.has('api:' + s) ? t('api:' + s) : s; }

// An amount of money, once: "$120.00" (cents from the API, or a plain number of units).
export function money(cents, currency) {
  if (cents === null || cents === undefined || cents === '') return '';
  const n = Number(cents);
  if (!isFinite(n)) return String(cents);
  try { return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency || 'USD' }).format(n / 100); } catch (e) { return (n / 100).toFixed(2); }
}

// A short readable form of any value from the API (objects with a name show the name).
export function brief(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? t('yes') : t('no');
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  if (isTime(v)) return fmtTime(v);
  if (typeof v === 'string') return /^[a-z]+(_[a-z]+)+$/.test(v) ? words(v) : humanize(v);
  if (Array.isArray(v)) return v.map(brief).filter(Boolean).join(', ');
  if (typeof v === 'object') {
    for (const k of ['name', 'text', 'title', 'label', 'subject', 'summary', 'email']) if (typeof v[k] === 'string') return v[k];
    return Object.entries(v).filter(([k, x]) => typeof x !== 'object' && k !== 'id' && !k.endsWith('_id')).map(([k, x]) => words(k) + ': ' + brief(x)).join('; ');
  }
  return String(v);
}
