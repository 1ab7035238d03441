import { h } from '../lib/dom.js';
import { get, withQuery, optional } from '../lib/api.js';
import { asyncSection, timeEl, notice } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { itemList } from '../lib/items.js';
import { words } from '../lib/fmt.js';

export async function findPage() {
  const q = (new URLSearchParams(location.search).get('q') || '').trim();
  const page = h('div', {});
  page.append(h('h1', {}, q ? 'Find: ' + q : 'Find'));
  if (!q) {
    page.append(h('p', {}, 'Type a customer\'s name, email or phone number, or words from a case, in the search box at the top of every page (shortcut: press /).'));
  } else {
    const grid = h('div', { class: 'grid' });
    grid.append(
      asyncSection('Customers', async () => {
        const r = await get(withQuery('/api/v1/customers', { q }));
        return itemList(r.items, { empty: 'No customer matches.', text: (c) => c.name, href: (c) => '/customers/' + encodeURIComponent(c.id),
          meta: (c) => [c.email ? h('span', {}, c.email) : null, c.phone ? h('span', {}, c.phone) : null] });
      }),
      asyncSection('Cases', async () => {
        const r = await get(withQuery('/api/v1/cases', { q }));
        return itemList(r.items, { empty: 'No case matches.', text: (c) => '#' + c.number + ' ' + c.subject, href: (c) => '/cases/' + encodeURIComponent(c.id),
          meta: (c) => [h('span', { class: ['badge', 'st-' + c.status] }, words(c.status)), h('span', {}, c.customer ? c.customer.name : ''), c.owner ? h('span', {}, 'owner ' + c.owner.name) : null, h('span', {}, 'updated ', timeEl(c.updated_at))] });
      }),
      asyncSection('Knowledge', async () => {
        for (const p of ['/api/v1/knowledge', '/api/v1/articles']) {
          const r = await optional(withQuery(p, { q }));
          if (r) return itemList(r.items || [], { empty: 'No article matches.', href: () => '/directory?kq=' + encodeURIComponent(q) });
        }
        return notice('Knowledge search is not available on this server yet.');
      }),
    );
    page.append(grid);
  }
  const open = await action('Open a case for a new customer', 'POST', '/api/v1/cases', { hide: ['customer_id'], preset: { customer_name: q && !/\d|@/.test(q) ? q : undefined },
    onDone: (r) => window.frontlineNavigate('/cases/' + r.id), submit: 'Open case' });
  if (open) page.append(h('section', { class: 'card', 'aria-label': 'New case' }, open));
  return page;
}
