// The estimate beside the promise form (issue 18): while the frontline person fills in who delivers,
// the kind of request and the due time, the form shows how likely that due time is to be met, the
// times it is 50/80/95% likely by (in the intake location's time), the evidence in one sentence, the
// known policy risks, and below the threshold a warning with a one-click "use the 80% time".
import { h } from '../lib/dom.js';
import { get, optional, withQuery } from '../lib/api.js';

function zoned(iso, tz) {
  if (!iso) return 'not within the next 60 days';
  const f = new Intl.DateTimeFormat(undefined, { timeZone: tz || undefined, weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false });
  return f.format(new Date(iso));
}

function toLocalInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}

function place(tz) { return tz ? tz.split('/').pop().replace(/_/g, ' ') + ' time' : 'UTC'; }

// The panel for one estimate; `use` sets the due time to the offered one.
export function estimatePanel(e, tz, use) {
  const where = place(tz);
  const kids = [h('h4', {}, 'Can we keep it?')];
  if (!e.enough_history) {
    kids.push(h('p', { class: 'estimate-none' }, 'Not enough history to estimate. ', e.evidence + '.'));
    return h('div', { class: 'card estimate', role: 'status', 'aria-live': 'polite', 'data-level': e.level }, kids);
  }
  if (e.probability !== null) {
    const pct = Math.round(100 * e.probability);
    kids.push(h('p', { class: 'estimate-chance' }, h('strong', {}, 'About ' + pct + '% likely'), ' to be done by the proposed time' + (e.due_closed ? ' (the holder is closed then)' : '') + '.'));
  }
  kids.push(h('p', { class: 'estimate-times' }, 'Likely by: ', h('span', { 'data-q': '50' }, '50% ' + zoned(e.likely_by.p50, tz)), ' · ',
    h('strong', { 'data-q': '80' }, '80% ' + zoned(e.likely_by.p80, tz)), ' · ', h('span', { 'data-q': '95' }, '95% ' + zoned(e.likely_by.p95, tz)), ' (' + where + ')'));
  kids.push(h('p', { class: 'estimate-evidence' }, e.evidence + '.', e.fallbacks.length ? ' (Not enough history for a narrower estimate; this uses ' + e.level.replace(/_/g, ' + ') + '.)' : ''));
  for (const r of e.policy_risks) kids.push(h('p', { class: 'estimate-risk' }, 'Known conflict: "' + r.policy.name + '" held up this kind of request ' + r.count + (r.count === 1 ? ' time' : ' times') + ' before.'));
  if (e.warning) {
    kids.push(h('p', { class: 'estimate-warning', role: 'alert' }, 'Below ' + Math.round(100 * e.threshold) + '%: this promise is unlikely to be kept. ',
      e.suggested_due_at ? h('button', { type: 'button', class: 'primary', onclick: () => use(e.suggested_due_at) }, 'Use the 80% time (' + zoned(e.suggested_due_at, tz) + ')') : null));
  }
  return h('div', { class: ['card', 'estimate', e.warning ? 'warn' : null], role: 'status', 'aria-live': 'polite', 'data-level': e.level }, kids);
}

// Attach the live estimate to the promise form among `forms` (the case page's action forms).
export async function attachEstimate(forms, c) {
  const box = forms.find((f) => f && f.querySelector && /promise to the customer/i.test((f.querySelector('summary') || {}).textContent || ''));
  if (box && box.formBuilt) box.formBuilt.then((form) => estimateOn(form, c));
}

async function estimateOn(form, c) {
  const loc = c.intake_location_id ? await optional('/api/v1/locations/' + encodeURIComponent(c.intake_location_id)).catch(() => null) : null;
  const slot = h('div', { class: 'estimate-slot' });
  form.querySelector('.actions').before(slot);
  const val = (n) => { const el = form.elements.namedItem(n); return el && el.value ? (el.dataset.value || el.value).trim() : ''; }; // a picker keeps its chosen value in data-value
  let timer = null, seq = 0;
  const update = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const holder = val('deliver_team') || val('deliver_person');
      if (!holder) { slot.replaceChildren(); return; }
      const q = { holder, kind: val('kind') || undefined, due: val('due_at') ? new Date(val('due_at')).toISOString() : undefined };
      const mine = ++seq;
      try {
        const e = await get(withQuery('/api/v1/estimates', q));
        if (mine !== seq) return;
        const tz = (loc && loc.tz) || (e.location && e.location.tz);
        slot.replaceChildren(estimatePanel(e, tz, (iso) => {
          const due = form.elements.namedItem('due_at');
          due.value = toLocalInput(iso);
          due.dispatchEvent(new Event('input', { bubbles: true }));
        }));
      } catch (err) {
        if (mine === seq) slot.replaceChildren(h('p', { class: 'muted' }, 'No estimate: ' + err.message));
      }
    }, 250);
  };
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('reset', () => setTimeout(() => slot.replaceChildren(), 0));
}
