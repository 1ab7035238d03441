// Lists of work items (requests, promises, alerts, exceptions ...) whose exact shape belongs to
// other capabilities: shown by their common fields, each linking to where it is acted on.
import { h } from './dom.js';
import { brief, isTime, words, humanize } from './fmt.js';
import { timeEl, notice } from './ui.js';
import { t } from './msg.js';

const TEXT_KEYS = ['text', 'title', 'what', 'subject', 'summary', 'message', 'question', 'proposal', 'body', 'name', 'kind'];
const DUE_KEYS = ['due_at', 'due', 'respond_by', 'expires_at', 'deadline', 'at', 'created_at'];

export function caseIdOf(it) {
  if (!it) return null;
  if (typeof it.case_id === 'string') return it.case_id;
  if (it.case && typeof it.case === 'object' && typeof it.case.id === 'string') return it.case.id;
  if (typeof it.id === 'string' && it.id.startsWith('case_')) return it.id;
  return null;
}

export function textOf(it) {
  for (const k of TEXT_KEYS) if (typeof it[k] === 'string' && it[k]) return humanize(it[k]);
  return brief(it);
}

export function dueOf(it) {
  for (const k of DUE_KEYS) if (isTime(it[k])) return [k, it[k]];
  return null;
}

// opts: {href(it), meta(it) -> array of nodes/text, empty}
export function itemList(items, opts = {}) {
  if (!items || !items.length) return notice(opts.empty || t('nothing.waiting'));
  return h('ul', { class: 'items' }, items.map((it) => {
    const href = opts.href ? opts.href(it) : (caseIdOf(it) ? '/cases/' + caseIdOf(it) : null);
    const text = opts.text ? opts.text(it) : textOf(it);
    const due = dueOf(it);
    const status = it.status || it.state;
    const meta = opts.meta ? opts.meta(it) : [
      status ? h('span', { class: ['badge', 'st-' + String(status).replace(/[^a-z_]/g, '')] }, words(status)) : null,
      due ? h('span', {}, words(due[0].replace(/_at$/, '')) + ' ', timeEl(due[1])) : null,
      it.case && it.case.number ? h('span', {}, 'case #' + it.case.number) : null,
    ];
    return h('li', {}, href ? h('a', { href }, text) : h('span', {}, text), h('div', { class: 'meta' }, meta));
  }));
}
