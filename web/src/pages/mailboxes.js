// Mailboxes (/admin/mailboxes): the organization's addresses for customers' mail, each tied to a team
// queue, an owner, an intake location and, out of its hours, an on-call skill.  Everyone may look;
// administrators (manage_org) add and change them, choosing from pickers.
import { h } from '../lib/dom.js';
import { get, patch, may } from '../lib/api.js';
import { asyncSection, table, notice, errorBox, button } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { t } from '../lib/msg.js';
import { peopleChoices, teamChoices, locationChoices, skillChoices } from '../lib/pick.js';

function reload() { window.frontlineNavigate(location.pathname, true); }

const nameOf = (choices, id) => { const c = choices.find((x) => x.id === id); return c ? c.value : undefined; };

async function mailboxPickers() {
  const [team, owner, location, onCall] = await Promise.all([teamChoices(), peopleChoices(), locationChoices(), skillChoices()]);
  return { team, owner, location, on_call_skill: onCall };
}

const labels = () => ({ address: t('field.address'), display_name: t('mbx.f.display_name'), team: t('mbx.f.team'), owner: t('mbx.f.owner'),
  location: t('mbx.f.location'), on_call_skill: t('mbx.f.on_call_skill'), authserv_id: t('mbx.f.authserv_id') });

// One mailbox's form to change it, and a button that stops its night routing.
async function editOf(m, pickers) {
  const status = h('div', { 'aria-live': 'polite' });
  const form = await action(t('mbx.change', m.name), 'PATCH', '/api/v1/mailboxes/{id}', {
    pathParams: { id: m.id }, keep: true, onDone: reload, submit: t('mbx.save', m.name), pickers, labels: labels(), doneText: t('mbx.saved'),
    preset: { address: m.address, display_name: m.display_name, team: nameOf(pickers.team, m.team_id),
      owner: m.owner ? nameOf(pickers.owner, m.owner.id) : undefined, location: nameOf(pickers.location, m.location_id),
      on_call_skill: m.on_call_skill ? m.on_call_skill.name : undefined, authserv_id: m.authserv_id || undefined },
  });
  const stop = m.on_call_skill ? button(t('mbx.stop', m.name, m.on_call_skill.name), async () => {
    try { await patch('/api/v1/mailboxes/' + encodeURIComponent(m.id), { on_call_skill: '' }); status.replaceChildren(h('p', { class: 'ok', role: 'status' }, t('mbx.stopped'))); reload(); } catch (e) { status.replaceChildren(errorBox(e, t('admin.notchanged'))); }
  }) : null;
  return h('div', { class: 'mailbox-edit' }, form, stop, status);
}

async function mailboxSection() {
  const r = await get('/api/v1/mailboxes');
  const admin = may('manage_org');
  const pickers = admin ? await mailboxPickers() : null;
  const teamName = (id) => (pickers ? nameOf(pickers.team, id) : null) || id;
  const LABELS = labels();
  const rows = r.items.length ? table(r.items, [{ key: 'name' }, { key: 'address', label: LABELS.address }, { key: 'display_name', label: LABELS.display_name },
    { key: 'team_id', label: LABELS.team, render: (m) => teamName(m.team_id) }, { key: 'owner', label: LABELS.owner, render: (m) => (m.owner ? m.owner.name : '') },
    { key: 'location_id', label: LABELS.location, render: (m) => (pickers ? nameOf(pickers.location, m.location_id) : m.location_id) || '—' },
    { key: 'on_call_skill', label: LABELS.on_call_skill, render: (m) => (m.on_call_skill ? m.on_call_skill.name : '—') }], t('mbx.title')) : notice(t('mbx.none'));
  if (!admin) return [rows, h('p', { class: 'muted' }, t('mbx.look'))];
  const add = await action(t('mbx.add'), 'POST', '/api/v1/mailboxes', { onDone: reload, submit: t('mbx.add'), pickers, labels: LABELS });
  const edits = await Promise.all(r.items.map((m) => editOf(m, pickers)));
  return [rows, add, ...edits];
}

export async function mailboxesPage() {
  const page = h('div', {});
  page.append(h('h1', {}, t('mbx.title')), h('p', { class: 'muted' }, t('mbx.intro'), ' ', h('a', { href: '/admin' }, 'Admin')));
  page.append(asyncSection(t('mbx.title'), mailboxSection, { class: 'wide' }));
  return page;
}
