import { t } from '../lib/msg.js';
import { h } from '../lib/dom.js';
import { get, withQuery, optional } from '../lib/api.js';
import { asyncSection, timeEl, notice } from '../lib/ui.js';
import { action } from '../lib/forms.js';
import { itemList } from '../lib/items.js';
import { words } from '../lib/fmt.js';

export async function findPage() {
  const q = (new URLSearchParams(location.search).get('q') || '').trim();
  const page = h('div', {});
  page.append(h('h1', { dir: 'auto' }, q ? t('find.title', q) : t('nav.find')));
  if (!q) {
    page.append(h('p', {}, t('find.intro')));
  } else {
    const grid = h('div', { class: 'grid' });
    grid.append(
      asyncSection(t('find.customers'), async () => {
        const r = await get(withQuery('/api/v1/customers', { q }));
        return itemList(r.items, { empty: t('find.customers.none'), text: (c) => c.name, href: (c) => '/customers/' + encodeURIComponent(c.id),
          meta: (c) => [c.email ? h('span', {}, c.email) : null, c.phone ? h('span', { dir: 'ltr' }, c.phone) : null] });
      }),
      asyncSection(t('nav.cases'), async () => {
        const r = await get(withQuery('/api/v1/cases', { q }));
        return itemList(r.items, { empty: t('find.cases.none'), text: (c) => '#' + c.number + ' ' + c.subject, href: (c) => '/cases/' + encodeURIComponent(c.id),
          meta: (c) => [h('span', { class: ['badge', 'st-' + c.status] }, words(c.status)), h('span', { dir: 'auto' }, c.customer ? c.customer.name : ''), c.owner ? h('span', {}, t('cases.row.owner'), c.owner.name) : null, h('span', {}, t('find.updated'), timeEl(c.updated_at))] });
      }),
      asyncSection(t('find.knowledge'), async () => {
        const r = await optional(withQuery('/api/v1/articles/search', { q }));
        if (!r) return notice(t('find.knowledge.unavailable'));
        return itemList(r.items || [], { empty: t('dir.kb.none'), text: (a) => a.title, href: () => '/directory?kq=' + encodeURIComponent(q) });
      }),
    );
    page.append(grid);
  }
  const open = await action(t('find.open'), 'POST', '/api/v1/cases', { hide: ['customer_id'], preset: { customer_name: q && !/\d|@/.test(q) ? q : undefined },
    onDone: (r) => window.frontlineNavigate('/cases/' + r.id), submit: t('newcase.open') });
  if (open) page.append(h('section', { class: 'card', 'aria-label': t('nav.newcase') }, open));
  return page;
}
