// Frontline's web workspace: a small single-page application over the public JSON API.
import { h, clear, announce } from './lib/dom.js';
import { api, get, session, may, hooks } from './lib/api.js';
import { startLive, stopLive, onLive, clearPageSubs, liveState } from './lib/live.js';
import { signInAgain } from './lib/reauth.js';
import { alertsPage } from './pages/alerts.js';
import { exceptionsPage } from './pages/exceptions.js';
import { accountPage } from './pages/admin.js';
import { errorBox, loading, keptNotices } from './lib/ui.js';
import { t } from './lib/msg.js';
import { setZone } from './lib/fmt.js';
import { loginPage } from './pages/login.js';
import { mydayPage } from './pages/myday.js';
import { casePage, customerPage } from './pages/case.js';
import { findPage } from './pages/find.js';
import { casesPage, newCasePage } from './pages/cases.js';
import { directoryPage } from './pages/directory.js';
import { adminPage } from './pages/admin.js';
import { portalPage } from './pages/portal.js';
import { recognitionPage } from './pages/recognition.js';
import { mePage } from './pages/me.js';
import { webhooksPage } from './pages/webhooks.js';
import { mailboxesPage } from './pages/mailboxes.js';

const ROUTES = [
  [/^\/$/, mydayPage, 'nav.myday'],
  [/^\/cases$/, casesPage, 'nav.cases'],
  [/^\/cases\/new$/, newCasePage, 'nav.newcase'],
  [/^\/cases\/([^/]+)$/, casePage, 'title.case'],
  [/^\/customers\/([^/]+)$/, customerPage, 'title.customer'],
  [/^\/find$/, findPage, 'nav.find'],
  [/^\/leadership$/, (...a) => import('./pages/leadership.js').then((m) => m.leadershipPage(...a)), 'nav.leadership'], // with chart.js: loaded when opened
  [/^\/directory$/, directoryPage, 'nav.directory'],
  [/^\/admin$/, adminPage, 'nav.admin'],
  [/^\/alerts$/, alertsPage, 'nav.alerts'],
  [/^\/exceptions$/, exceptionsPage, 'nav.exceptions'],
  [/^\/account$/, accountPage, 'account.title'],
  [/^\/recognition$/, recognitionPage, 'rec.title'],
  [/^\/admin\/webhooks$/, webhooksPage, 'hook.title'],
  [/^\/admin\/mailboxes$/, mailboxesPage, 'mbx.title'],
  [/^\/me$/, mePage, 'nav.mynotifications'],
];
// Each entry shows only to those who may use the page (permission names from GET /api/v1/me).
const NAV = [['/', t('nav.myday')], ['/cases', t('nav.cases')], ['/find', t('nav.find')], ['/exceptions', t('nav.exceptions')], ['/leadership', t('nav.leadership'), ['read_people_reports']], ['/directory', t('nav.directory')],
  ['/admin', t('nav.admin'), ['manage_people', 'manage_org', 'edit_settings', 'edit_templates', 'manage_policies']]];

// The unread alert count in the header, kept current by the live stream.
function alertsLink() {
  const count = h('span', { class: 'count' });
  const a = h('a', { href: '/alerts', class: 'alerts-link', id: 'alerts-link' }, t('nav.alerts') + ' ', count);
  const show = (n) => {
    count.replaceChildren(n ? String(n) : '', h('span', { class: 'sr-only' }, n ? t('alerts.unread') : t('alerts.none')));
    count.classList.toggle('none', !n);
    a.dataset.unread = String(n || 0);
  };
  show(liveState.unread || 0);
  // the stream's hello says the count at once; ask the API only when the stream stays silent
  if (liveState.unread === null) {
    setTimeout(() => {
      if (liveState.unread === null && a.isConnected) get('/api/v1/alerts?unread=true&limit=1').then((r) => { if (liveState.unread === null) show(r.unread); }).catch(() => {});
    }, liveState.connected || typeof EventSource !== 'undefined' ? 3000 : 0);
  }
  onLive('alerts', (d) => { if (a.isConnected) show(d.unread); });
  return a;
}

const root = document.getElementById('app');

export function navigate(path, replace) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  render();
}
window.frontlineNavigate = navigate;

function shell(main) {
  const me = session.me;
  const q = new URLSearchParams(location.search).get('q') || '';
  const search = h('form', { role: 'search', class: 'search', action: '/find', onsubmit: (e) => {
    e.preventDefault();
    const v = e.target.elements.q.value.trim();
    navigate('/find?q=' + encodeURIComponent(v));
  } }, h('label', { for: 'global-search', class: 'sr-only' }, t('search.label')),
  h('input', { id: 'global-search', name: 'q', type: 'search', placeholder: t('search.placeholder'), value: q, autocomplete: 'off', dir: 'auto' }),
  h('button', { type: 'submit' }, t('search.go')));
  const here = location.pathname;
  const nav = h('nav', { 'aria-label': t('nav.main') }, h('ul', {}, NAV.filter((n) => !n[2] || may(...n[2])).map(([href, label]) => h('li', {},
    h('a', { href, 'aria-current': (href === '/' ? here === '/' : here.startsWith(href)) ? 'page' : null }, label)))));
  const signout = h('button', { type: 'button', class: 'link', onclick: async () => {
    try { await api('POST', '/api/v1/auth/logout'); } catch (e) { /* the session may already be gone */ }
    session.me = null; session.csrf = null;
    stopLive();
    navigate('/login');
  } }, t('nav.signout'));
  // On a phone the header is one line (brand, New case, alerts, the menu button) and the search
  // box: the navigation and the person's links open from the menu, so the header stays small.
  const menu = h('button', { type: 'button', class: 'menu-toggle', 'aria-expanded': 'false', 'aria-controls': 'top-more' }, t('nav.menu'));
  const more = h('div', { class: 'top-more', id: 'top-more' }, nav,
    h('div', { class: 'who' }, me ? h('a', { href: '/me', title: t('nav.mynotifications'), dir: 'auto' }, me.name, me.team ? ' · ' + me.team : '') : null,
      h('a', { href: '/account', class: 'me-link' }, t('nav.account')), signout));
  menu.addEventListener('click', () => { const open = menu.getAttribute('aria-expanded') !== 'true'; menu.setAttribute('aria-expanded', String(open)); more.classList.toggle('open', open); });
  const header = h('header', { class: 'top' },
    h('div', { class: 'brand' }, h('a', { href: '/' }, t('app.name')), me && me.org ? h('span', { class: 'org' }, me.org.name) : null),
    h('a', { href: '/cases/new', class: 'button new-case' }, t('nav.newcase')), alertsLink(), menu, more, search);
  return [h('a', { href: '#main', class: 'skip' }, t('nav.skip')), header, main];
}

async function ensureMe() {
  if (session.me) return session.me;
  try {
    const me = await get('/api/v1/me');
    session.me = me; session.csrf = me.csrf_token || null;
    // one time zone per person: their chosen one (GET /api/v1/me says it), else this browser's
    setZone(me.tz_chosen ? me.tz : '');
    return me;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

function safeNext() {
  const n = new URLSearchParams(location.search).get('next') || '/';
  return /^\/(?!\/)/.test(n) ? n : '/';
}

// A session that ends while a page is open: a sign-in prompt over the page keeps what was typed.
hooks.signInAgain = signInAgain;
onLive('signed_out', () => { signInAgain().then(startLive).catch(() => {}); });

let renderSeq = 0;
let firstRender = true;
export async function render() {
  const seq = ++renderSeq;
  const path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/portal') {
    clear(root).append(h('main', { id: 'main', tabindex: '-1' }, loading()));
    const page = await portalPage();
    if (seq !== renderSeq) return;
    clear(root).append(...[page].flat());
    const m = document.getElementById('main');
    if (m) m.focus({ preventScroll: true });
    return;
  }
  clear(root).append(h('main', { id: 'main', tabindex: '-1' }, loading(t('signing.in'))));
  let me;
  try { me = await ensureMe(); } catch (e) {
    clear(root).append(h('main', { id: 'main' }, errorBox(e, t('page.unreachable'))));
    return;
  }
  if (seq !== renderSeq) return;
  if (!me || path === '/login') {
    if (me && path === '/login') return navigate(safeNext(), true);
    document.title = t('title.signin') + t('title.suffix');
    // a deep link opened while signed out lands where it pointed after signing in
    const next = path === '/login' ? safeNext() : location.pathname + location.search + location.hash;
    clear(root).append(loginPage(() => navigate(next, true)));
    return;
  }
  startLive();
  clearPageSubs();
  let match = null;
  for (const [re, fn, title] of ROUTES) { const m = path.match(re); if (m) { match = { fn, title, args: m.slice(1).map(decodeURIComponent) }; break; } }
  const main = h('main', { id: 'main', tabindex: '-1' });
  clear(root).append(...shell(main));
  if (!match) {
    document.title = t('page.notfound') + t('title.suffix');
    main.append(h('h1', {}, t('page.notfound')), h('p', {}, t('page.notfound.text'), h('a', { href: '/' }, t('page.notfound.home'))));
    return;
  }
  document.title = t(match.title) + t('title.suffix');
  const wait = loading();
  main.append(wait);
  main.setAttribute('aria-busy', 'true');
  try {
    const content = await match.fn(...match.args);
    if (seq !== renderSeq) return;
    wait.remove();
    const kept = keptNotices();
    main.append(...[kept, content].flat().filter(Boolean));
  } catch (e) {
    wait.remove();
    main.append(errorBox(e, t('page.failed')));
  }
  main.removeAttribute('aria-busy');
  const h1 = main.querySelector('h1');
  if (h1) document.title = h1.textContent + t('title.suffix');
  // after a move inside the app, focus the new content (the first load keeps the browser's order)
  if (!firstRender) { main.focus({ preventScroll: true }); announce(document.title); }
  firstRender = false;
}

// Internal links move without reloading; everything else behaves normally.
document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const href = a.getAttribute('href');
  if (!href || !href.startsWith('/') || href.startsWith('/api/') || a.hasAttribute('download')) return;
  e.preventDefault();
  navigate(href);
});
// Skip link: focus the main region.
document.addEventListener('click', (e) => {
  const a = e.target.closest && e.target.closest('a.skip');
  if (!a) return;
  e.preventDefault();
  const m = document.getElementById('main'); if (m) m.focus();
});
window.addEventListener('popstate', render);
// "/" focuses the search box (when not typing somewhere else).
document.addEventListener('keydown', (e) => {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
  const s = document.getElementById('global-search');
  if (s) { e.preventDefault(); s.focus(); }
});

render();
