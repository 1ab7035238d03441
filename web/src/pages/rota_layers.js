// A rota's layers as forms, for the Directory's "Create a rota" and "Change this rota": each layer
// names its people in rotation order (each chosen from the organization's people, typed in part and
// picked from the list), its hand-over, how many days each person is on call and its first
// hand-over date.  Nobody types JSON, an id or an exact email.  A layer's hours of the week
// (windows), set through the API, are kept as they are, and so is the day its cover began
// (covers_from, before a first hand-over on a later weekday) while its date is not changed.
import { h, uid } from '../lib/dom.js';
import { t } from '../lib/msg.js';
import { words } from '../lib/fmt.js';
import { resolveChoice } from '../lib/forms.js';

const LAYERS = ['primary', 'secondary', 'tertiary'];

function labelled(text, input) {
  const id = uid('rl');
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, text), input);
}

// people: the picker choices of pick.js ({value: email, label, id}).  Returns the custom field
// drawer apiForm takes (opts.custom.layers).
export function layersField(people) {
  return (name, s, required, preset, label) => {
    const max = s.maxItems || LAYERS.length;
    const listId = uid('people');
    const rows = [];
    const box = h('fieldset', { class: 'field layers' }, h('legend', {}, label), h('datalist', { id: listId }, people.map((p) => h('option', { value: p.label }))));
    const labelOf = (m) => { const c = people.find((p) => p.id === m || p.value === m); return c ? c.label : String(m); };
    const addLayer = (l = {}) => {
      if (rows.length >= max) return;
      const n = rows.length + 1;
      const members = h('ol', { class: 'members' });
      const addMember = (v) => {
        const input = h('input', { type: 'text', list: listId, autocomplete: 'off', dir: 'auto', value: v ? labelOf(v) : '', placeholder: t('pick.placeholder') });
        members.append(h('li', {}, labelled(t('rota.member', members.children.length + 1), input)));
        return input;
      };
      const layer = h('select', {}, LAYERS.map((v) => h('option', { value: v }, words(v))));
      layer.value = l.layer || LAYERS[Math.min(rows.length, LAYERS.length - 1)];
      const handoff = h('input', { type: 'text', value: l.handoff || '', placeholder: '09:00' });
      const period = h('input', { type: 'number', min: 1, max: 28, value: l.period_days || '' });
      const start = h('input', { type: 'date', value: l.start || '' });
      (l.members && l.members.length ? l.members : [null]).forEach(addMember);
      const row = { layer, members, handoff, period, start, windows: l.windows, coversFrom: l.covers_from, startWas: l.start };
      const set = h('fieldset', { class: 'layer' }, h('legend', {}, t('rota.layer', n)),
        labelled(t('rota.layer.name'), layer),
        h('div', { class: 'field' }, h('span', { class: 'label' }, t('rota.members')), members,
          h('button', { type: 'button', class: 'small', onclick: () => addMember().focus() }, t('rota.member.add'))),
        labelled(t('rota.handoff'), handoff), labelled(t('rota.period'), period), labelled(t('rota.start'), start),
        l.windows && l.windows.length ? h('p', { class: 'hint' }, t('rota.windows.kept', l.windows.length)) : null,
        n > 1 ? h('button', { type: 'button', class: 'small link', onclick: () => { rows.splice(rows.indexOf(row), 1); set.remove(); more.hidden = rows.length >= max; } }, t('rota.layer.remove')) : null);
      rows.push(row);
      more.before(set);
      more.hidden = rows.length >= max;
    };
    const more = h('button', { type: 'button', class: 'small' }, t('rota.layer.add'));
    more.addEventListener('click', () => addLayer());
    box.append(more);
    (Array.isArray(preset) && preset.length ? preset : [{}]).forEach(addLayer);
    const read = () => rows.map((r, i) => {
      const ids = [...r.members.querySelectorAll('input')].map((x) => x.value.trim()).filter(Boolean)
        .map((v) => resolveChoice(people, v, t('rota.person'), name).value);
      if (!ids.length) throw Object.assign(new Error(t('rota.nomembers', i + 1)), { code: 'required', field: name });
      const l = { layer: r.layer.value, members: ids };
      if (r.handoff.value.trim()) l.handoff = r.handoff.value.trim();
      if (r.period.value) l.period_days = parseInt(r.period.value, 10);
      if (r.start.value) l.start = r.start.value;
      if (r.windows && r.windows.length) l.windows = r.windows;
      if (r.coversFrom && r.start.value === r.startWas) l.covers_from = r.coversFrom;
      return l;
    });
    return { wrap: box, input: more, read };
  };
}
