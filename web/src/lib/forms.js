// Forms built from the API document: the request body schema of a route gives the fields, their
// types, limits and help text, so the forms always match what the server accepts.  A route the
// server does not have gives no form at all.
import { h, uid, announce } from './dom.js';
import { api, operation } from './api.js';
import { words, label as fieldLabel, apiText, toLocalInput, fromLocalInput, zoneName } from './fmt.js';
import { errorBox, keepNotice } from './ui.js';
import { t } from './msg.js';

// The server counts a text's limit in bytes of UTF-8 (src/svc/input.c in_text_ok), not in the
// characters a browser's maxlength counts: the count under the field says what the server will say.
export const byteLength = (v) => new TextEncoder().encode(v).length;
export function limitCounter(input, max) {
  const out = h('small', { class: 'limit', 'aria-live': 'polite' });
  const show = () => {
    const n = byteLength(input.value);
    out.textContent = n > max ? t('limit.over', n - max) : t('limit.count', n, max);
    out.classList.toggle('over', n > max);
    if (n > max) input.setAttribute('aria-invalid', 'true'); else if (input.dataset.limitMarked) input.removeAttribute('aria-invalid');
    input.dataset.limitMarked = n > max ? '1' : '';
    input.dataset.bytes = String(n);
  };
  input.addEventListener('input', show);
  show();
  input.limitOver = () => byteLength(input.value) > max;
  input.limitMax = max;
  return out;
}

// An array whose items are plain values (not objects): typed one per line.
const plainList = (s) => s.type === 'array' && !(s.items && (s.items.type === 'object' || s.items.properties));

function choiceField(name, s, required, preset, label, choices) {
  const id = uid('f');
  const hintId = s.description ? id + '-hint' : null;
  if (s.type === 'array') {
    const boxes = choices.map((c) => {
      const cid = uid('c');
      const input = h('input', { type: 'checkbox', id: cid, value: c.value, checked: Array.isArray(preset) && preset.includes(c.value) });
      return { input, el: h('div', { class: 'field check' }, input, h('label', { for: cid }, c.label)) };
    });
    const wrap = h('fieldset', { class: 'field choices', 'aria-describedby': hintId }, h('legend', {}, label), boxes.map((b) => b.el),
      hintId ? h('small', { id: hintId, class: 'hint' }, apiText(s.description)) : null, choices.length ? null : h('small', { class: 'hint' }, t('form.nochoice')));
    return { wrap, input: boxes[0] ? boxes[0].input : h('input', { type: 'hidden' }), schema: s, name, read: () => { const v = boxes.filter((b) => b.input.checked).map((b) => b.input.value); return v.length ? v : undefined; } };
  }
  const input = h('select', { id, name, 'aria-describedby': hintId, required: required || null }, h('option', { value: '' }, required ? t('form.choose') : '—'),
    choices.map((c) => h('option', { value: c.value }, c.label)));
  if (preset !== undefined && preset !== null) input.value = preset;
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null), input,
    hintId ? h('small', { id: hintId, class: 'hint' }, apiText(s.description)) : null);
  return { wrap, input, schema: s, name };
}

// A searchable picker: type part of a name (or team, title, email) and choose from the list.  Sends
// the choice's value (an email or a name the API takes); a typed exact value is accepted too.
export function pickerField(name, s, required, preset, label, choices) {
  const id = uid('f');
  const listId = id + '-list';
  const hintId = id + '-hint';
  const input = h('input', { id, name, type: 'text', list: listId, autocomplete: 'off', required: required || null,
    'aria-describedby': hintId, placeholder: t('pick.placeholder') });
  const byLabel = new Map(choices.map((c) => [c.label, c]));
  const byValue = new Map(choices.map((c) => [String(c.value).toLowerCase(), c]));
  const dl = h('datalist', { id: listId }, choices.map((c) => h('option', { value: c.label }, c.value !== c.label ? c.value : null)));
  if (preset !== undefined && preset !== null) { const c = byValue.get(String(preset).toLowerCase()); input.value = c ? c.label : String(preset); }
  const wrap = h('div', { class: 'field picker' }, h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null), input, dl,
    h('small', { id: hintId, class: 'hint' }, s.description ? apiText(s.description) + ' — ' : '', t('pick.hint')));
  wrap.dataset.field = name;
  // the value the choice stands for (an email, a name), for those reading the field as they type
  const mark = () => { try { const v = read(); if (v === undefined) delete input.dataset.value; else input.dataset.value = v; } catch (e) { delete input.dataset.value; } };
  input.addEventListener('input', mark);
  input.addEventListener('change', mark);
  const read = () => {
    const v = input.value.trim();
    if (!v) return undefined;
    return resolveChoice(choices, v, label, name, byLabel, byValue).value;
  };
  return { wrap, input, schema: s, name, read };
}

// The choice a typed text means: its label, its value, or the one label that contains it; else an
// error naming the field (code choose_from_list).
export function resolveChoice(choices, v, label, name, byLabel, byValue) {
  const lv = v.toLowerCase();
  const c = (byLabel && byLabel.get(v)) || (byValue ? byValue.get(lv) : choices.find((x) => String(x.value).toLowerCase() === lv)) || choices.find((x) => x.label.toLowerCase() === lv);
  if (c) return c;
  const some = choices.filter((x) => x.label.toLowerCase().includes(lv));
  if (some.length === 1) return some[0];
  throw Object.assign(new Error(some.length ? t('pick.several', label.toLowerCase(), some.length, v) : t('pick.none', label.toLowerCase(), v)), { code: 'choose_from_list', field: name });
}

function field(name, s, required, preset, labels, choices, pickers, custom) {
  // a field the page draws itself (custom: {field: (name, schema, required, preset, label) => {wrap, input, read}})
  if (custom && custom[name]) return { schema: s, name, ...custom[name](name, s, required, preset, (labels && labels[name]) || fieldLabel(name)) };
  if (pickers && pickers[name]) return pickerField(name, s, required, preset, (labels && labels[name]) || fieldLabel(name), pickers[name]);
  if (choices && choices[name]) return choiceField(name, s, required, preset, (labels && labels[name]) || fieldLabel(name), choices[name]);
  const id = uid('f');
  const hintId = s.description ? id + '-hint' : null;
  const label = (labels && labels[name]) || fieldLabel(name);
  const common = { id, name, 'aria-describedby': hintId, required: required || null };
  let input;
  if (s.enum) {
    input = h('select', common, required ? null : h('option', { value: '' }, '—'), s.enum.map((v) => h('option', { value: v }, words(v))));
  } else if (s.type === 'boolean') {
    input = h('input', { ...common, type: 'checkbox', required: null });
  } else if (s.type === 'integer' || s.type === 'number') {
    input = h('input', { ...common, type: 'number', min: s.minimum, max: s.maximum, step: s.type === 'integer' ? 1 : 'any' });
  } else if (s.format === 'date-time') {
    input = h('input', { ...common, type: 'datetime-local' });
  } else if (plainList(s)) {
    // a list of plain values (tags, questions, ids of cases): one per line, no JSON to type
    input = h('textarea', { ...common, rows: 3, dir: 'auto' });
  } else if (s.type === 'object' || s.type === 'array') {
    input = h('textarea', { ...common, rows: 2, placeholder: s.type === 'object' ? '{ }' : '[ ]' });
  } else if ((s.maxLength || 0) > 300) {
    input = h('textarea', { ...common, rows: 3, dir: 'auto' });
  } else {
    const ty = /email/.test(name) ? 'email' : /password/.test(name) ? 'password' : 'text';
    input = h('input', { ...common, type: ty, dir: ty === 'text' ? 'auto' : null, autocomplete: ty === 'password' ? 'new-password' : 'off' });
  }
  if (preset !== undefined && preset !== null) {
    if (s.type === 'boolean') input.checked = !!preset;
    else if (s.format === 'date-time') input.value = toLocalInput(preset);
    else if (plainList(s) && Array.isArray(preset)) input.value = preset.join('\n');
    else input.value = typeof preset === 'object' ? JSON.stringify(preset) : String(preset);
  }
  const counted = s.type === 'string' && s.maxLength && !s.enum && !s.format && input.tagName !== 'SELECT';
  const wrap = h('div', { class: ['field', s.type === 'boolean' ? 'check' : null] },
    s.type === 'boolean' ? [input, h('label', { for: id }, label)] : [h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null), input],
    hintId ? h('small', { id: hintId, class: 'hint' }, apiText(s.description)) : null);
  if (plainList(s)) wrap.append(h('small', { class: 'hint' }, t('form.perline')));
  if (s.format === 'date-time' && input.type === 'datetime-local') wrap.append(h('small', { class: 'hint zone' }, t('times.in', zoneName())));
  if (counted) wrap.append(limitCounter(input, s.maxLength));
  wrap.dataset.field = name;
  return { wrap, input, schema: s, name };
}

function readValue(f) {
  if (f.read) return f.read();
  const { input, schema: s } = f;
  if (input.tagName === 'SELECT' && !s.enum) return input.value === '' ? undefined : input.value;
  if (s.type === 'boolean') return input.checked ? true : undefined;
  const v = input.value.trim();
  if (v === '') return undefined;
  if (s.type === 'integer') return parseInt(v, 10);
  if (s.type === 'number') return Number(v);
  if (s.format === 'date-time') return fromLocalInput(v);
  if (plainList(s)) return v.split('\n').map((x) => x.trim()).filter(Boolean);
  if (s.type === 'object' || s.type === 'array') return JSON.parse(v);
  return input.value;
}

// opts: {title, submit, choices: {field: [{value, label}]} (a select, or checkboxes for arrays),
//        pickers: {field: [{value, label}] or a function giving them} (a searchable list: people, teams, locations, policies, skills), fixed: {field: value} (sent, not shown), preset: {field: value}, only: [...],
//        hide: [...], labels: {}, custom: {field: draw(name, schema, required, preset, label)} (a field the page draws itself, e.g. files: lib/attach.js), onDone(result, form), pathParams: {id: ...}, method}
export async function apiForm(method, pattern, opts = {}) {
  const op = await operation(method, pattern);
  if (!op) return null;
  const schema = (op.requestBody && op.requestBody.content['application/json'].schema) || { properties: {} };
  const req = new Set(schema.required || []);
  let names = Object.keys(schema.properties || {});
  if (opts.only) names = opts.only.filter((n) => names.includes(n)).concat(names.filter((n) => !opts.only.includes(n) && req.has(n)));
  names = names.filter((n) => !(opts.hide || []).includes(n) && !(n in (opts.fixed || {})) && n !== 'format');
  // a picker's choices may be given as a function (read when the form is first built, not with the page)
  const pickers = opts.pickers ? Object.fromEntries(await Promise.all(Object.entries(opts.pickers).map(async ([k, v]) => [k, await (typeof v === 'function' ? v() : v)]))) : null;
  const fields = names.map((n) => field(n, schema.properties[n], req.has(n), (opts.preset || {})[n], opts.labels, opts.choices, pickers, opts.custom));
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, opts.submit || apiText(op.summary) || t('form.save'));
  const titleId = uid('form');
  const form = h('form', { class: 'api-form', 'aria-labelledby': opts.title ? titleId : null, novalidate: true },
    opts.title ? h('h3', { id: titleId }, opts.title) : null,
    opts.intro ? h('p', { class: 'muted' }, opts.intro) : null,
    fields.map((f) => f.wrap), h('div', { class: 'actions' }, submit), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.replaceChildren();
    for (const f of fields) { f.input.removeAttribute('aria-invalid'); }
    const body = { ...(opts.fixed || {}) };
    try {
      for (const f of fields) {
        const v = readValue(f);
        if (f.input.limitOver && f.input.limitOver()) {
          throw Object.assign(new Error(t('limit.over', byteLength(f.input.value) - f.schema.maxLength)), { code: 'too_long', field: f.name });
        }
        if (v === undefined && req.has(f.name)) {
          f.input.setAttribute('aria-invalid', 'true'); f.input.focus();
          throw Object.assign(new Error(t('form.required', fieldLabel(f.name))), { code: 'required', field: f.name });
        }
        if (v !== undefined) body[f.name] = v;
      }
    } catch (e) {
      const bad = fields.find((f) => f.name === e.field);
      if (bad) { bad.input.setAttribute('aria-invalid', 'true'); bad.input.focus(); }
      status.replaceChildren(errorBox(e, t('form.check'))); return;
    }
    let path = pattern;
    for (const [k, v] of Object.entries(opts.pathParams || {})) path = path.replace('{' + k + '}', encodeURIComponent(v));
    submit.disabled = true; form.setAttribute('aria-busy', 'true');
    status.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('saving')));
    try {
      const out = await api(method, path, body);
      status.replaceChildren(h('p', { class: 'ok', role: 'status' }, opts.doneText || t('saved')));
      announce(opts.doneText || t('saved'));
      if (!opts.keep) { form.reset(); form.querySelectorAll('textarea, input').forEach((x) => x.dispatchEvent(new Event('input'))); }
      // the page may be drawn again now (its own refresh, or a live update): the confirmation stays
      if (opts.onDone) { keepNotice(opts.doneText || t('saved')); await opts.onDone(out, form, status); }
    } catch (e) {
      const bad = fields.find((f) => f.name === e.field);
      if (bad) { bad.input.setAttribute('aria-invalid', 'true'); bad.input.focus(); }
      status.replaceChildren(errorBox(e, t('not.saved')));
    } finally { submit.disabled = false; form.removeAttribute('aria-busy'); }
  });
  return form;
}

// A collapsible action: a disclosure button that reveals its form.  The form is built when the
// disclosure first opens, so a page shows its actions without loading the API document;
// d.formBuilt resolves to the form then (for what a page adds to it, such as the estimate).
export async function action(label, method, pattern, opts = {}) {
  const d = h('details', { class: 'action' }, h('summary', {}, label));
  let built;
  d.formBuilt = new Promise((resolve) => { built = resolve; });
  let started = false;
  d.addEventListener('toggle', async () => {
    if (!d.open || started) return;
    started = true;
    const slot = h('p', { class: 'loading', role: 'status' }, t('loading.ellipsis', t('loading')));
    d.append(slot);
    try {
      const form = await apiForm(method, pattern, opts);
      slot.replaceWith(form || h('p', { class: 'muted' }, t('form.unavailable')));
      if (form) built(form);
    } catch (e) { slot.replaceWith(errorBox(e, t('form.loadfailed'))); started = false; }
  });
  return d;
}
