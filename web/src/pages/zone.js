// The person's time zone (a profile setting): every time in the workspace is shown in it, and
// says so.  Stored with their notification settings (PATCH /api/v1/me/notifications {tz}); empty
// means this browser's zone for the screen (and their location's for notifications).
import { h } from '../lib/dom.js';
import { patch, session } from '../lib/api.js';
import { errorBox } from '../lib/ui.js';
import { t } from '../lib/msg.js';
import { browserZone, setZone, viewerZone, zoneName } from '../lib/fmt.js';

const zones = () => (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [browserZone, 'UTC']);

export function zoneSection() {
  const me = session.me || {};
  const chosen = me.tz_chosen ? me.tz : '';
  const sel = h('select', { id: 'my-tz', name: 'tz' }, h('option', { value: '' }, t('tz.browser', browserZone)),
    zones().map((z) => h('option', { value: z }, z.replace(/_/g, ' '))));
  sel.value = chosen;
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'api-form', 'aria-labelledby': 'tz-h' },
    h('div', { class: 'field' }, h('label', { for: 'my-tz' }, t('tz.label')), sel, h('small', { class: 'hint' }, t('tz.hint'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('tz.save'))), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const out = await patch('/api/v1/me/notifications', { tz: sel.value });
      if (session.me) Object.assign(session.me, { tz: out.tz, tz_chosen: out.tz_chosen });
      setZone(out.tz_chosen ? out.tz : '');
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, t('tz.saved', zoneName(viewerZone()))));
    } catch (err) { status.replaceChildren(errorBox(err, t('not.saved'))); }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'tz-h' }, h('h2', { id: 'tz-h' }, t('tz.title')), form);
}
