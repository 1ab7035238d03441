// My notifications (/me): how each kind of alert reaches me, my time zone, quiet hours and digest hour.
import { h } from '../lib/dom.js';
import { patch, optional, session } from '../lib/api.js';
import { setZone } from '../lib/fmt.js';
import { asyncSection, notice, errorBox, timeEl } from '../lib/ui.js';
import { t } from '../lib/msg.js';

const CHANNELS = [['app', 'notif.ch.app'], ['email', 'notif.ch.email'], ['digest', 'notif.ch.digest']];

function hhmm(v) { return v || ''; }

function prefsForm(p) {
  const status = h('div', { 'aria-live': 'polite' });
  const q = p.quiet_hours || {};
  const field = (id, label, input, hint) => h('div', { class: 'field' }, h('label', { for: id }, label), input,
    hint ? h('small', { class: 'hint' }, hint) : null);
  const tz = h('input', { id: 'n-tz', name: 'tz', value: p.tz_chosen ? p.tz : '', placeholder: p.tz, autocomplete: 'off' });
  const from = h('input', { id: 'n-from', name: 'quiet_from', type: 'time', value: hhmm(q.from) });
  const to = h('input', { id: 'n-to', name: 'quiet_to', type: 'time', value: hhmm(q.to) });
  const hour = h('input', { id: 'n-hour', name: 'digest_hour', type: 'number', min: 0, max: 23, value: String(p.digest_hour) });
  const rows = p.kinds.map((k) => {
    const id = 'n-k-' + k.kind.replace(/\W/g, '-');
    const sel = h('select', { id, name: 'kind:' + k.kind },
      CHANNELS.map(([v, label]) => h('option', { value: v, selected: k.channel === v }, t(label) + (k.default === v ? t('notif.default.mark') : ''))));
    return h('tr', {}, h('th', { scope: 'row' }, h('label', { for: id }, k.about)), h('td', {}, sel),
      h('td', {}, k.chosen ? h('span', { class: 'badge' }, t('notif.mine')) : h('span', { class: 'muted' }, t('notif.default'))));
  });
  const form = h('form', { class: 'api-form', 'aria-label': t('nav.mynotifications') },
    field('n-tz', t('notif.tz'), tz, t('notif.tz.hint', p.tz)),
    h('fieldset', { class: 'field' }, h('legend', {}, t('notif.quiet')),
      field('n-from', t('notif.quiet.from'), from), field('n-to', t('notif.quiet.to'), to),
      h('small', { class: 'hint' }, t('notif.quiet.hint'))),
    field('n-hour', t('notif.hour'), hour),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('notif.channels') },
      h('table', {}, h('caption', {}, t('notif.caption')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('notif.col.alert')), h('th', { scope: 'col' }, t('notif.col.channel')), h('th', { scope: 'col' }, ''))),
        h('tbody', {}, rows))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('notif.save'))), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { tz: tz.value.trim(), quiet_from: from.value, quiet_to: to.value, digest_hour: Number(hour.value) };
    const channels = {};
    for (const k of p.kinds) {
      const v = form.elements['kind:' + k.kind].value;
      if (v !== k.channel) channels[k.kind] = v === k.default ? 'default' : v;
    }
    if (Object.keys(channels).length) body.channels = channels;
    try {
      const out = await patch('/api/v1/me/notifications', body);
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, t('notif.saved')));
      p.kinds = out.kinds;
      // the zone every time is shown in follows at once
      if (session.me) Object.assign(session.me, { tz: out.tz, tz_chosen: out.tz_chosen });
      setZone(out.tz_chosen ? out.tz : '');
    } catch (err) { status.replaceChildren(errorBox(err, t('notif.notsaved'))); }
  });
  return form;
}

function summary(p) {
  return h('ul', { class: 'items' },
    h('li', {}, p.on_call_now ? t('notif.oncall') : t('notif.notoncall')),
    h('li', {}, p.in_quiet_hours_now ? t('notif.inquiet') : t('notif.notinquiet')),
    h('li', {}, p.digest_waiting ? [t('notif.digest.waiting', p.digest_waiting), timeEl(p.next_digest_at), t('notif.digest.end')] : t('notif.digest.none')));
}

export async function mePage() {
  const page = h('div', {});
  page.append(h('h1', {}, t('nav.mynotifications')));
  page.append(asyncSection(t('notif.section'), async () => {
    const p = await optional('/api/v1/me/notifications');
    if (!p) return notice(t('notif.unavailable'));
    return [summary(p), prefsForm(p)];
  }, { class: 'wide' }));
  return page;
}
