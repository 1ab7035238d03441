// Times are UTC on the wire; people read them in their own time zone.
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;
export const isTime = (v) => typeof v === 'string' && ISO.test(v);

const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
export const viewerZone = zone;

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return full.format(d);
}

export function relative(iso, now) {
  const d = new Date(iso).getTime() - (now || Date.now());
  const m = Math.round(Math.abs(d) / 60000);
  const t = m < 60 ? m + ' min' : m < 48 * 60 ? Math.round(m / 60) + ' h' : Math.round(m / 1440) + ' days';
  return d >= 0 ? 'in ' + t : t + ' ago';
}

export function sameDay(iso) {
  const a = new Date(iso), b = new Date();
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

export function words(key) {
  return String(key).replace(/[._]/g, ' ').replace(/\bid\b/g, 'ID').replace(/^./, (c) => c.toUpperCase());
}

// A short readable form of any value from the API (objects with a name show the name).
export function brief(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  if (isTime(v)) return fmtTime(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(brief).filter(Boolean).join(', ');
  if (typeof v === 'object') {
    for (const k of ['name', 'text', 'title', 'label', 'subject', 'summary', 'email', 'id']) if (typeof v[k] === 'string') return v[k];
    return Object.entries(v).filter(([, x]) => typeof x !== 'object').map(([k, x]) => words(k) + ': ' + brief(x)).join('; ');
  }
  return String(v);
}
