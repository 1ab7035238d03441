// My notifications (/me): how each kind of alert reaches me, my time zone, quiet hours and digest hour.
import { h } from '../lib/dom.js';
import { patch, optional, session } from '../lib/api.js';
import { setZone } from '../lib/fmt.js';
import { asyncSection, notice, errorBox, timeEl } from '../lib/ui.js';

const CHANNELS = [['app', 'In the app only'], ['email', 'Email at once'], ['digest', 'Daily digest']];

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
      CHANNELS.map(([v, label]) => h('option', { value: v, selected: k.channel === v }, label + (k.default === v ? ' (default)' : ''))));
    return h('tr', {}, h('th', { scope: 'row' }, h('label', { for: id }, k.about)), h('td', {}, sel),
      h('td', {}, k.chosen ? h('span', { class: 'badge' }, 'my choice') : h('span', { class: 'muted' }, 'default')));
  });
  const form = h('form', { class: 'api-form', 'aria-label': 'My notifications' },
    field('n-tz', 'Time zone', tz, 'An IANA name such as America/Chicago; empty = your location\'s (' + p.tz + ').'),
    h('fieldset', { class: 'field' }, h('legend', {}, 'Quiet hours (empty = none)'),
      field('n-from', 'Quiet from', from), field('n-to', 'Quiet until', to),
      h('small', { class: 'hint' }, 'While you are on call, alerts reach you whatever your quiet hours say.')),
    field('n-hour', 'Hour of my daily digest', hour),
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Channels per kind of alert' },
      h('table', {}, h('caption', {}, 'How each kind of alert reaches me (every alert is also in the app)'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Alert'), h('th', { scope: 'col' }, 'Channel'), h('th', { scope: 'col' }, ''))),
        h('tbody', {}, rows))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save notifications')), status);
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
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, 'Notifications saved.'));
      p.kinds = out.kinds;
      // the zone every time is shown in follows at once
      if (session.me) Object.assign(session.me, { tz: out.tz, tz_chosen: out.tz_chosen });
      setZone(out.tz_chosen ? out.tz : '');
    } catch (err) { status.replaceChildren(errorBox(err, 'Notifications not saved')); }
  });
  return form;
}

function summary(p) {
  return h('ul', { class: 'items' },
    h('li', {}, p.on_call_now ? 'You are on call now: alerts by email reach you at once.' : 'You are not on call now.'),
    h('li', {}, p.in_quiet_hours_now ? 'You are in your quiet hours now.' : 'You are not in quiet hours now.'),
    h('li', {}, p.digest_waiting ? [String(p.digest_waiting) + ' alert(s) wait for your digest at ', timeEl(p.next_digest_at), '.'] : 'Nothing waits for your digest.'));
}

export async function mePage() {
  const page = h('div', {});
  page.append(h('h1', {}, 'My notifications'));
  page.append(asyncSection('Notifications', async () => {
    const p = await optional('/api/v1/me/notifications');
    if (!p) return notice('Notification preferences are not available on this server yet.');
    return [summary(p), prefsForm(p)];
  }, { class: 'wide' }));
  return page;
}
