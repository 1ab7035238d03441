// The estimate beside the promise form (issue 18): while the frontline person fills in who delivers,
// the kind of request and the due time, the form shows how likely that due time is to be met, the
// times it is 50/80/95% likely by (in the intake location's time), the evidence in one sentence, the
// known policy risks, and below the threshold a warning with a one-click "use the 80% time".
import { h } from '../lib/dom.js';
import { get, optional, withQuery } from '../lib/api.js';
import { toLocalInput, fromLocalInput } from '../lib/fmt.js';
import { t } from '../lib/msg.js';

function zoned(iso, tz) {
  if (!iso) return t('est.never');
  const f = new Intl.DateTimeFormat(undefined, { timeZone: tz || undefined, weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false });
  return f.format(new Date(iso));
}

function place(tz) { return tz ? t('zone.time', tz.split('/').pop().replace(/_/g, ' ')) : 'UTC'; }

// The panel for one estimate; `use` sets the due time to the offered one.
export function estimatePanel(e, tz, use) {
  const where = place(tz);
  const kids = [h('h4', {}, t('est.title'))];
  if (!e.enough_history) {
    kids.push(h('p', { class: 'estimate-none' }, t('est.nohistory'), t('est.sentence', e.evidence)));
    return h('div', { class: 'card estimate', role: 'status', 'aria-live': 'polite', 'data-level': e.level }, kids);
  }
  if (e.probability !== null) {
    const pct = Math.round(100 * e.probability);
    kids.push(h('p', { class: 'estimate-chance' }, h('strong', {}, t('est.chance', pct)), t('est.bydue', e.due_closed ? t('est.closed') : '')));
  }
  kids.push(h('p', { class: 'estimate-times' }, t('est.likely'), h('span', { 'data-q': '50' }, t('est.q', 50, zoned(e.likely_by.p50, tz))), ' · ',
    h('strong', { 'data-q': '80' }, t('est.q', 80, zoned(e.likely_by.p80, tz))), ' · ', h('span', { 'data-q': '95' }, t('est.q', 95, zoned(e.likely_by.p95, tz))), t('est.where', where)));
  kids.push(h('p', { class: 'estimate-evidence' }, t('est.sentence', e.evidence), e.fallbacks.length ? t('est.fallback', e.level.replace(/_/g, ' + ')) : ''));
  for (const r of e.policy_risks) kids.push(h('p', { class: 'estimate-risk' }, t(r.count === 1 ? 'est.risk.one' : 'est.risk.many', r.policy.name, r.count)));
  if (e.warning) {
    kids.push(h('p', { class: 'estimate-warning', role: 'alert' }, t('est.below', Math.round(100 * e.threshold)),
      e.suggested_due_at ? h('button', { type: 'button', class: 'primary', onclick: () => use(e.suggested_due_at) }, t('est.use80', zoned(e.suggested_due_at, tz))) : null));
  }
  return h('div', { class: ['card', 'estimate', e.warning ? 'warn' : null], role: 'status', 'aria-live': 'polite', 'data-level': e.level }, kids);
}

// Attach the live estimate to the promise form among `forms` (the case page's action forms).
export async function attachEstimate(forms, c) {
  const box = forms.find((f) => f && f.querySelector && ((f.querySelector('summary') || {}).textContent || '').includes(t('act.record_a_promise_to_the_customer')));
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
      const q = { holder, kind: val('kind') || undefined, due: val('due_at') ? fromLocalInput(val('due_at')) : undefined };
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
        if (mine === seq) slot.replaceChildren(h('p', { class: 'muted' }, t('est.failed', err.message)));
      }
    }, 250);
  };
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('reset', () => setTimeout(() => slot.replaceChildren(), 0));
}
