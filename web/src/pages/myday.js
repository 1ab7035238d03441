import { h } from '../lib/dom.js';
import { get, optional, post, session, withQuery, operation } from '../lib/api.js';
import { asyncSection, timeEl, notice, errorBox } from '../lib/ui.js';
import { itemList } from '../lib/items.js';
import { words, sameDay } from '../lib/fmt.js';

// Query parameters meaning "mine" for a list route, read from the API document.
export async function mineQuery(pattern, extra) {
  const op = await operation('GET', pattern);
  if (!op) return null;
  const names = (op.parameters || []).filter((p) => p.in === 'query').map((p) => p.name);
  const q = { ...(extra || {}) };
  for (const k of Object.keys(q)) if (!names.includes(k)) delete q[k];
  if (names.includes('mine')) q.mine = 'true';
  else if (names.includes('holder')) q.holder = session.me.email;
  else if (names.includes('assignee')) q.assignee = session.me.email;
  else if (names.includes('to')) q.to = session.me.email;
  return withQuery(pattern, q);
}

async function listOf(pattern, extra) {
  const path = await mineQuery(pattern, extra);
  if (!path) return null;
  const r = await optional(path);
  return r ? (r.items || []) : null;
}

function missing() { return notice('Not available on this server yet.'); }

function offerList(items, refresh) {
  return itemList(items, {
    empty: 'No offers waiting for you.',
    text: (o) => 'Case offered by ' + (o.from ? o.from.name : 'someone'),
    meta: (o) => [o.note ? h('span', { class: 'quote' }, o.note) : null, h('span', {}, 'offered ', timeEl(o.created_at)),
      h('button', { type: 'button', class: 'small', onclick: async (e) => {
        e.target.disabled = true;
        try { await post('/api/v1/offers/' + encodeURIComponent(o.id) + '/accept'); refresh(); } catch (err) { e.target.after(errorBox(err, 'Not accepted')); e.target.disabled = false; }
      } }, 'Accept')],
  });
}

export async function mydayPage() {
  const me = session.me;
  const page = h('div', { class: 'myday' });
  const refresh = () => window.frontlineNavigate(location.pathname + location.search, true);
  page.append(h('h1', {}, 'My day'), h('p', { class: 'muted' }, 'Good to see you, ' + me.name.split(' ')[0] + '. Times are shown in your time zone (' + Intl.DateTimeFormat().resolvedOptions().timeZone + ').'));
  const grid = h('div', { class: 'grid' });
  page.append(grid);
  grid.append(
    asyncSection('Offers waiting for me', async () => offerList((await get('/api/v1/offers')).items, refresh)),
    asyncSection('Alerts', async () => {
      const items = await listOf('/api/v1/alerts', {});
      if (!items) return missing();
      return itemList(items, { empty: 'No alerts.' });
    }),
    asyncSection('Requests I owe', async () => {
      const items = await listOf('/api/v1/requests', { status: 'open' });
      if (!items) return missing();
      items.sort((a, b) => String(a.due_at || '').localeCompare(String(b.due_at || '')));
      return itemList(items, { empty: 'You owe no requests.' });
    }),
    asyncSection('Promises at risk or due today', async () => {
      const items = await listOf('/api/v1/promises', {});
      if (!items) return missing();
      const hot = items.filter((p) => p.status === 'at_risk' || (p.status === 'pending' && p.due_at && (sameDay(p.due_at) || new Date(p.due_at) < new Date())));
      return itemList(hot, { empty: 'No promise at risk or due today.' });
    }),
    asyncSection('Update duties due', async () => {
      const items = await listOf('/api/v1/update-duties', {});
      if (!items) return missing();
      return itemList(items, { empty: 'No customer is waiting for an update from you.' });
    }),
    asyncSection('Exceptions waiting for my co-signature', async () => {
      const items = await listOf('/api/v1/exceptions', { status: 'proposed', cosignable: 'true' });
      if (!items) return missing();
      return itemList(items.filter((x) => !x.proposer || x.proposer.id !== me.id), { empty: 'Nothing to co-sign.', href: (x) => '/cases/' + (x.case_id || (x.case && x.case.id)) + '#exceptions' });
    }),
    asyncSection('Reviews I owe', async () => {
      const items = await listOf('/api/v1/reviews', { status: 'open' });
      if (!items) return missing();
      return itemList(items, { empty: 'No reviews waiting for you.' });
    }),
    asyncSection('System issues I owe a response to', async () => {
      const items = await listOf('/api/v1/system-issues', { status: 'open' });
      if (!items) return missing();
      return itemList(items, { empty: 'No system issues waiting for you.' });
    }),
    asyncSection('Cases I own', async () => {
      const r = await get(withQuery('/api/v1/cases', { mine: 'true', status: 'open' }));
      return itemList(r.items, {
        empty: 'You own no open cases.',
        text: (c) => '#' + c.number + ' ' + c.subject,
        meta: (c) => [h('span', {}, c.customer ? c.customer.name : ''), h('span', {}, words(c.channel)), h('span', {}, 'updated ', timeEl(c.updated_at))],
      });
    }, { class: 'wide' }),
  );
  return page;
}
