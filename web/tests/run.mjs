// Browser tests: a real `frontline serve --test-clock` on a demo database, driven through Debian's
// Chromium by playwright-core.  Prints "N passed, N failed" and exits non-zero on failure.
//
//   node web/tests/run.mjs              all tests
//   TEST_ONLY=portal node web/tests/run.mjs   tests whose name contains "portal"
//   FRONTLINE_BIN=./frontline ...       another binary (default build/san/frontline)
//   SCREENSHOTS=0                       don't rewrite docs/screenshots/*.png
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));
const WEB = dirname(HERE);
const ROOT = dirname(WEB);
const BIN = process.env.FRONTLINE_BIN || join(ROOT, 'build/san/frontline');
const SHOTS = join(ROOT, 'docs/screenshots');
const TAKE_SHOTS = process.env.SCREENSHOTS !== '0';
const PASSWORD = 'frontline-demo';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const XSS = {
  script: '<script>window.__xss=1</script>',
  img: '<img src=x onerror="window.__xss=2">',
  js: 'javascript:window.__xss=3',
  a: '<a href="javascript:window.__xss=4">click me</a>',
};

// ---------------------------------------------------------------- the server
function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

function cli(...args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 180000 });
  if (r.status !== 0) throw new Error(BIN + ' ' + args.join(' ') + ' failed: ' + r.stderr);
  return r.stdout;
}

async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'fl-web-'));
  const db = join(dir, 'web.db');
  cli('init', '--db', db);
  cli('demo', '--db', db);
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:' + port, '--threads', '4', '--test-clock'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; if (log.length > 200000) log = log.slice(-100000); });
  const url = 'http://127.0.0.1:' + port;
  for (let i = 0; i < 200; i++) {
    try { const r = await fetch(url + '/healthz'); if (r.ok) break; } catch (e) { /* not yet */ }
    if (proc.exitCode !== null) throw new Error('server exited: ' + log);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, proc, dir, log: () => log };
}

// A signed-in API client (Bearer token) for setting the scene.
async function apiAs(srv, org, email) {
  const r = await fetch(srv.url + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ org, email, password: PASSWORD }) });
  const s = await r.json();
  if (!r.ok) throw new Error('login ' + email + ': ' + JSON.stringify(s));
  const call = async (method, path, body) => {
    const resp = await fetch(srv.url + path, { method, headers: { Authorization: 'Bearer ' + s.token, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await resp.text();
    const data = text ? JSON.parse(text) : null;
    if (!resp.ok) throw Object.assign(new Error(method + ' ' + path + ' -> ' + resp.status + ' ' + text), { status: resp.status, data });
    return data;
  };
  return { call, person: s.person, get: (p) => call('GET', p), post: (p, b) => call('POST', p, b || {}) };
}

let openapiDoc = null;
async function hasRoute(srv, method, pattern) {
  if (!openapiDoc) openapiDoc = await (await fetch(srv.url + '/api/v1/openapi.json')).json();
  const item = openapiDoc.paths[pattern];
  return !!(item && item[method.toLowerCase()]);
}

// ---------------------------------------------------------------- the browser
let browser;
let openPages = [];
async function newPage(opts = {}) {
  const ctx = await browser.newContext({ timezoneId: opts.tz || 'America/Chicago', locale: 'en-US', viewport: opts.viewport || { width: 1280, height: 900 }, isMobile: !!opts.mobile, hasTouch: !!opts.mobile });
  const page = await ctx.newPage();
  page.cspViolations = [];
  page.jsErrors = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) page.cspViolations.push(m.text()); });
  page.on('pageerror', (e) => page.jsErrors.push(String(e)));
  page.on('dialog', (d) => { page.jsErrors.push('dialog opened: ' + d.message()); d.dismiss(); });
  page.setDefaultTimeout(15000);
  openPages.push(page);
  return page;
}

async function signIn(page, srv, org, email) {
  await page.goto(srv.url + '/login');
  await page.getByLabel('Organization').fill(org);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'My day' }).waitFor();
}

// Wait until no section is still loading.
async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && !document.querySelector('main .loading'), null, { timeout: 20000 });
}

async function axe(page, label) {
  await settled(page);
  await page.evaluate(AXE);
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, 'axe on ' + label + ': ' + JSON.stringify(bad));
}

async function shot(page, name) {
  if (!TAKE_SHOTS) return;
  await settled(page);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: false });
}

function clean(page, label) {
  check(page.cspViolations.length === 0, label + ': no CSP violations: ' + page.cspViolations.join(' | '));
  check(page.jsErrors.length === 0, label + ': no script errors: ' + page.jsErrors.join(' | '));
}

// ---------------------------------------------------------------- a tiny runner
let failures = [];
function check(cond, msg) { if (!cond) failures.push(msg); return cond; }
function eq(a, b, msg) { return check(a === b, msg + ': expected ' + JSON.stringify(b) + ', got ' + JSON.stringify(a)); }
class Skip extends Error {}
function skipUnless(cond, why) { if (!cond) throw new Skip(why); }

const TESTS = [];
const test = (name, fn) => TESTS.push({ name, fn });

// ---------------------------------------------------------------- the tests
test('dist is built from the sources', async () => {
  const r = spawnSync(process.execPath, [join(WEB, 'build.mjs'), '--check'], { encoding: 'utf8' });
  check(r.status === 0, 'web/dist is up to date: ' + r.stderr + r.stdout);
});

test('served with a Content-Security-Policy and no inline script', async (srv) => {
  for (const path of ['/', '/cases/case_x', '/portal']) {
    const r = await fetch(srv.url + path);
    const csp = r.headers.get('content-security-policy') || '';
    check(/script-src 'self'/.test(csp) && !/unsafe-inline|unsafe-eval/.test(csp.split(';').find((d) => d.includes('script-src')) || ''), path + ' CSP forbids inline script: ' + csp);
    const html = await r.text();
    check(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), path + ' has no inline <script>');
    check(!/\sstyle=/.test(html) && !/\son[a-z]+=/.test(html), path + ' has no inline style or handlers');
  }
  const js = await fetch(srv.url + '/app.js');
  eq(js.status, 200, 'app.js served');
  check(/javascript/.test(js.headers.get('content-type')), 'app.js content type');
});

test('sign in: wrong password is a clear error, then My day', async (srv) => {
  const page = await newPage();
  await page.goto(srv.url + '/');
  await page.getByRole('heading', { name: 'Sign in to Frontline' }).waitFor();
  await axe(page, 'sign in');
  await shot(page, 'sign-in');
  await page.getByLabel('Organization').fill('vendor-co');
  await page.getByLabel('Email').fill('chris@vendor-co.example');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  check(/wrong organization, email or password/.test(await alert.textContent()), 'the error says what is wrong');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'My day' }).waitFor();
  const cookies = await page.evaluate(() => document.cookie);
  check(!/fl_session/.test(cookies), 'the session cookie is HttpOnly (not visible to scripts)');
  await page.reload();
  await page.getByRole('heading', { name: 'My day' }).waitFor();
  check(/Chris Young/.test(await page.locator('header').textContent()), 'still signed in after a reload (GET /me)');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Frontline' }).waitFor();
  await page.goto(srv.url + '/');
  await page.getByRole('heading', { name: 'Sign in to Frontline' }).waitFor();
  clean(page, 'sign in');
  await page.context().close();
});

test('CSRF: a cookie session refuses changes without the token', async (srv) => {
  const page = await newPage();
  await signIn(page, srv, 'vendor-co', 'chris@vendor-co.example');
  const r = await page.evaluate(async () => {
    const a = await fetch('/api/v1/customers', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'Forged' }) });
    const me = await (await fetch('/api/v1/me')).json();
    const b = await fetch('/api/v1/customers', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: JSON.stringify({ name: 'Real customer', email: 'real@example.com' }) });
    return [a.status, (await a.json()).error.code, b.status];
  });
  eq(r[0], 403, 'no CSRF header: refused');
  eq(r[1], 'csrf', 'refusal code');
  eq(r[2], 201, 'with the CSRF header: accepted');
  await page.context().close();
});

test('find, case page and acting on a case (Chris to Pat, in Chicago time)', async (srv) => {
  const chris = await apiAs(srv, 'vendor-co', 'chris@vendor-co.example');
  const page = await newPage({ tz: 'America/Chicago' });
  await signIn(page, srv, 'vendor-co', 'chris@vendor-co.example');
  await axe(page, 'my day');
  // find Sam by phone from the search box on every page
  await page.keyboard.press('/');
  check(await page.evaluate(() => document.activeElement && document.activeElement.id === 'global-search'), '"/" focuses the search box');
  await page.keyboard.type('217 555 0142');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /Find: 217 555 0142/ }).waitFor();
  await settled(page);
  await page.getByRole('link', { name: 'Sam Carter' }).click();
  await page.getByRole('heading', { name: 'Sam Carter' }).waitFor();
  await settled(page);
  await page.getByText('Open a new case for Sam Carter').click();
  await page.getByLabel('Subject').fill('Two phones, buy one get one half price');
  await page.getByLabel('Channel').selectOption('chat');
  await page.getByLabel('Summary').fill('Sam wants two phones');
  await page.getByRole('button', { name: 'Open case' }).click();
  await page.getByRole('heading', { name: /Two phones, buy one/ }).waitFor();
  await settled(page);
  const caseId = page.url().split('/cases/')[1];
  // times in the viewer's zone
  const c = await chris.get('/api/v1/cases/' + caseId);
  const local = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hour: 'numeric', minute: '2-digit' }).format(new Date(c.created_at));
  const utc = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', hour: 'numeric', minute: '2-digit' }).format(new Date(c.created_at));
  const opened = await page.locator('dl.facts time').first().textContent();
  check(opened.includes(local) && !opened.includes(utc), 'opening time shown in Chicago time (' + local + '), not UTC (' + utc + '): ' + opened);
  // record a touchpoint and an internal note through the forms
  await page.getByText('Record a contact (touchpoint)').click();
  const tp = page.locator('details.action[open] form');
  await tp.getByLabel('Channel').selectOption('chat');
  await tp.getByLabel('Direction').selectOption('outbound');
  await tp.getByLabel('Summary').fill('Told Sam the phones cannot be ordered online');
  await tp.getByRole('button', { name: 'Record contact' }).click();
  await page.locator('.timeline').getByText('Told Sam the phones cannot be ordered online').waitFor();
  await page.getByText('Add a note').click();
  const note = page.locator('details.action[open] form');
  await note.getByLabel('Body').fill('Online ordering is down for this model');
  await note.getByRole('button', { name: 'Add note' }).click();
  await page.locator('.timeline').getByText('Online ordering is down for this model').waitFor();
  check(await page.locator('.timeline .internal').count() >= 1, 'the internal note is marked internal');
  // empty required field: a clear error, nothing sent
  await page.getByText('Offer this case to someone').click();
  const offer = page.locator('details.action[open] form');
  await offer.getByRole('button', { name: 'Offer case' }).click();
  await offer.getByRole('alert').waitFor();
  check(/To is required/.test(await offer.getByRole('alert').textContent()), 'missing field is named');
  await offer.getByLabel('To').fill('pat@vendor-co.example');
  await offer.getByLabel('Note').fill("phones can't be ordered online");
  await offer.getByRole('button', { name: 'Offer case' }).click();
  await page.getByRole('heading', { name: 'Pending offer' }).waitFor();
  await settled(page);
  await axe(page, 'case page');
  await shot(page, 'case');
  clean(page, 'case page (Chris)');
  // Pat accepts from My day
  const pat = await newPage({ tz: 'America/New_York' });
  await signIn(pat, srv, 'vendor-co', 'pat@vendor-co.example');
  await settled(pat);
  const offers = pat.locator('section', { has: pat.getByRole('heading', { name: 'Offers waiting for me' }) });
  check(/Chris Young/.test(await offers.textContent()), "Pat's My day shows Chris's offer");
  await shot(pat, 'my-day');
  await offers.getByRole('button', { name: 'Accept' }).first().click();
  await pat.waitForFunction(() => /You own no open cases/.test(document.body.textContent) === false && /#\d+ Two phones/.test(document.body.textContent));
  await settled(pat);
  await pat.locator('a[href="/cases/' + caseId + '"]').first().click();
  await pat.getByRole('heading', { name: /Two phones/ }).waitFor();
  await settled(pat);
  check(/Pat Morgan/.test(await pat.locator('.case-head').textContent()), 'Pat now owns the case');
  const tl = await pat.locator('.timeline').textContent();
  check(/Offered/.test(tl) && /Offer accepted/.test(tl), 'the timeline shows the offer and the acceptance');
  await pat.getByText('Resolve', { exact: true }).click();
  const res = pat.locator('details.action[open] form');
  await res.getByLabel('Resolution').fill('Ordered by phone');
  await res.getByRole('button', { name: 'Resolve case' }).click();
  await pat.locator('.case-head').getByText('Resolved').waitFor();
  clean(pat, 'case page (Pat)');
  await pat.context().close();
  await page.context().close();
});

test('customer text is never rendered as HTML', async (srv) => {
  const chris = await apiAs(srv, 'vendor-co', 'chris@vendor-co.example');
  const cust = await chris.post('/api/v1/customers', { name: XSS.script + ' Mallory', email: 'mallory@example.com', phone: '+1 555 0199' });
  const cs = await chris.post('/api/v1/cases', { customer_id: cust.id, subject: XSS.img + ' broken', channel: 'web', summary: XSS.a });
  await chris.post('/api/v1/cases/' + cs.id + '/touchpoints', { channel: 'email', direction: 'outbound', summary: XSS.js });
  await chris.post('/api/v1/cases/' + cs.id + '/notes', { body: XSS.img + XSS.script, visibility: 'customer' });
  await chris.post('/api/v1/cases/' + cs.id + '/offers', { to: 'pat@vendor-co.example', note: XSS.a });
  if (await hasRoute(srv, 'POST', '/api/v1/cases/{id}/promises')) {
    const now = Date.parse((await (await fetch(srv.url + '/api/v1/test/clock')).json()).now);
    const p = await chris.post('/api/v1/cases/' + cs.id + '/promises', { what: XSS.script + ' promise', due_at: new Date(now + 86400e3).toISOString(), channel: 'web' });
    await chris.post('/api/v1/cases/' + cs.id + '/requests', { what: XSS.img + ' request', due_at: new Date(now + 3600e3).toISOString(), to_team: 'Store 12', blocks: [p.id] });
  }
  const page = await newPage();
  await signIn(page, srv, 'vendor-co', 'chris@vendor-co.example');
  const pages = ['/cases/' + cs.id, '/customers/' + cust.id, '/find?q=Mallory', '/'];
  for (const p of pages) {
    await page.goto(srv.url + p);
    await settled(page);
    const r = await page.evaluate(() => ({
      xss: window.__xss,
      imgs: [...document.querySelectorAll('main img')].length,
      scripts: [...document.querySelectorAll('main script')].length,
      jsLinks: [...document.querySelectorAll('a')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') || '')).length,
      text: document.querySelector('main').textContent,
    }));
    eq(r.xss, undefined, p + ': no injected script ran');
    eq(r.imgs + r.scripts + r.jsLinks, 0, p + ': no element made from customer text');
    check(r.text.includes('<script>') || r.text.includes('<img'), p + ': the text is shown as text: ' + r.text.slice(0, 400));
  }
  // the portal shows the customer-visible note as text too
  const link = await chris.post('/api/v1/customers/' + cust.id + '/portal-link', {});
  const portal = await newPage();
  await portal.goto(srv.url + link.link);
  await portal.getByRole('heading', { name: /Hello/ }).waitFor();
  const pr = await portal.evaluate(() => ({ xss: window.__xss, imgs: document.querySelectorAll('img,main script').length, text: document.body.textContent }));
  eq(pr.xss, undefined, 'portal: no injected script ran');
  eq(pr.imgs, 0, 'portal: no element from customer text');
  check(pr.text.includes('<img src=x'), 'portal: the text is shown as text');
  await portal.getByLabel(/Write to us/).first().fill(XSS.script + XSS.img);
  await portal.getByRole('button', { name: 'Send reply' }).first().click();
  await portal.getByText('Sent. We will get back to you.').waitFor();
  eq(await portal.evaluate(() => window.__xss), undefined, 'portal reply: no injected script ran');
  clean(page, 'xss pages');
  clean(portal, 'xss portal');
  await portal.context().close();
  await page.context().close();
});

test('customer portal: single use, own cases only, internal notes hidden, reply becomes a touchpoint', async (srv) => {
  const chris = await apiAs(srv, 'vendor-co', 'chris@vendor-co.example');
  const sam = (await chris.get('/api/v1/customers?q=sam.carter@example.com')).items[0];
  const erin = (await chris.get('/api/v1/customers?q=erin.park@example.com')).items[0];
  const cs = await chris.post('/api/v1/cases', { customer_id: sam.id, subject: 'Phones for pickup', channel: 'chat' });
  await chris.post('/api/v1/cases/' + cs.id + '/notes', { body: 'INTERNAL stock system is flaky' });
  await chris.post('/api/v1/cases/' + cs.id + '/notes', { body: 'Your phones are reserved at Store 12.', visibility: 'customer' });
  const erinCase = await chris.post('/api/v1/cases', { customer_id: erin.id, subject: 'Erin refund question', channel: 'phone' });
  // staff make the link on the customer page
  const staff = await newPage();
  await signIn(staff, srv, 'vendor-co', 'chris@vendor-co.example');
  await staff.goto(srv.url + '/customers/' + sam.id);
  await settled(staff);
  await staff.getByRole('button', { name: 'Make a portal sign-in link' }).click();
  const url = (await staff.locator('code.link-text').textContent()).trim();
  check(url.startsWith(srv.url + '/portal#token='), 'the link is shown to staff: ' + url);
  // the customer opens it
  const cust = await newPage({ viewport: { width: 390, height: 844 }, mobile: true });
  await cust.goto(url);
  await cust.getByRole('heading', { name: 'Hello, Sam Carter' }).waitFor();
  check(!cust.url().includes('token='), 'the token leaves the address bar');
  const body = await cust.locator('main').textContent();
  check(body.includes('Phones for pickup'), 'Sam sees his case');
  check(body.includes('Your phones are reserved at Store 12.'), 'Sam sees the update addressed to him');
  check(!body.includes('INTERNAL'), 'Sam never sees internal notes');
  check(!body.includes('Erin refund question'), "Sam never sees Erin's case");
  check(/Chris \(Web Chat\)/.test(body) && !body.includes('Chris Young'), "owner's first name and team only");
  await axe(cust, 'portal');
  await shot(cust, 'portal-phone');
  const card = cust.locator('section', { has: cust.getByRole('heading', { name: /Phones for pickup/ }) });
  await card.getByLabel(/Write to us/).fill('I will come at 7pm, thanks');
  await card.getByRole('button', { name: 'Send reply' }).click();
  await card.getByText('Sent. We will get back to you.').waitFor();
  const after = await chris.get('/api/v1/cases/' + cs.id);
  const tps = after.touchpoints.filter((t) => t.channel === 'portal');
  check(tps.length === 1 && tps[0].direction === 'inbound' && tps[0].summary === 'I will come at 7pm, thanks', 'the reply is an inbound portal touchpoint');
  // the portal session never reaches staff routes
  const st = await cust.evaluate(async (ids) => {
    const out = [];
    for (const p of ['/api/v1/me', '/api/v1/cases', '/api/v1/cases/' + ids[0], '/api/v1/customers']) out.push((await fetch(p)).status);
    const other = await fetch('/api/v1/portal/cases/' + ids[1] + '/replies', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"body":"x"}' });
    out.push(other.status);
    return out;
  }, [cs.id, erinCase.id]);
  check(st.slice(0, 4).every((s) => s === 401), 'portal session refused on staff routes: ' + st);
  check(st[4] === 403 || st[4] === 404, "portal can't reply on another customer's case: " + st[4]);
  // the same link again: refused
  const again = await newPage();
  await again.goto(url);
  await again.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
  check(/expired or was already used/.test(await again.locator('main').textContent()), 'a used link says so');
  // Erin's link shows only Erin's case
  const erinLink = await chris.post('/api/v1/customers/' + erin.id + '/portal-link', {});
  const ep = await newPage();
  await ep.goto(srv.url + erinLink.link);
  await ep.getByRole('heading', { name: 'Hello, Erin Park' }).waitFor();
  const et = await ep.locator('main').textContent();
  check(et.includes('Erin refund question') && !et.includes('Phones for pickup'), "Erin's link never shows Sam's case");
  // an expired link
  const late = await chris.post('/api/v1/customers/' + erin.id + '/portal-link', { hours: 1 });
  await fetch(srv.url + '/api/v1/test/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advance_ms: 61 * 60000 }) });
  const lp = await newPage();
  await lp.goto(srv.url + late.link);
  await lp.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
  clean(cust, 'portal');
  for (const p of [staff, cust, again, ep, lp]) await p.context().close();
});

test('leadership, directory and admin pages', async (srv) => {
  const page = await newPage({ viewport: { width: 1280, height: 1400 } });
  await signIn(page, srv, 'vendor-co', 'admin@vendor-co.example');
  for (const [path, heading, name] of [['/leadership', 'Leadership', 'leadership'], ['/directory', 'Directory', 'directory'], ['/admin', 'Admin', 'admin']]) {
    await page.goto(srv.url + path);
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    await settled(page);
    await axe(page, path);
    if (name !== 'directory' || !(await hasRoute(srv, 'GET', '/api/v1/oncall/who'))) await shot(page, name);
    check(await page.locator('.error').count() === 0, path + ': no errors shown: ' + (await page.locator('.error').allTextContents()).join(' | '));
  }
  // charts: every chart also has a table and a CSV link
  await page.goto(srv.url + '/leadership');
  await settled(page);
  const charts = await page.locator('canvas').count();
  eq(await page.locator('figure.chart ~ details table, figure.chart + details table').count() >= charts, true, 'every chart has its table');
  check(await page.locator('a.csv').count() >= charts, 'every chart has a CSV link');
  // admin: change a setting through the form
  await page.goto(srv.url + '/admin');
  await settled(page);
  await page.getByLabel('Update cadence hours').fill('12');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Settings saved.').waitFor();
  const admin = await apiAs(srv, 'vendor-co', 'admin@vendor-co.example');
  eq((await admin.get('/api/v1/org/settings')).settings['update.cadence_hours'], 12, 'the setting is saved');
  clean(page, 'leadership/directory/admin');
  await page.context().close();
});

test('phone layout: no sideways scrolling', async (srv) => {
  const dana = await apiAs(srv, 'vendor-co', 'dana@vendor-co.example');
  const some = (await dana.get('/api/v1/cases?q=Sam')).items;
  const page = await newPage({ viewport: { width: 390, height: 844 }, mobile: true });
  await signIn(page, srv, 'vendor-co', 'dana@vendor-co.example');
  for (const p of ['/', '/find?q=Sam', '/directory', '/admin', '/leadership'].concat(some.length ? ['/cases/' + some[some.length - 1].id] : [])) {
    await page.goto(srv.url + p);
    await settled(page);
    const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    check(w[0] <= w[1] + 1, p + ' fits a phone screen: ' + w);
  }
  if (some.length) { await page.goto(srv.url + '/cases/' + some[some.length - 1].id); await settled(page); await shot(page, 'case-phone'); }
  await page.goto(srv.url + '/');
  await settled(page);
  await shot(page, 'my-day-phone');
  await page.context().close();
});

test('keyboard: skip link first, every control reachable', async (srv) => {
  const page = await newPage();
  await signIn(page, srv, 'vendor-co', 'chris@vendor-co.example');
  await page.goto(srv.url + '/');
  await settled(page);
  await page.keyboard.press('Tab');
  eq(await page.evaluate(() => document.activeElement.textContent), 'Skip to content', 'first Tab reaches the skip link');
  await page.keyboard.press('Enter');
  eq(await page.evaluate(() => document.activeElement.id), 'main', 'the skip link moves focus to the content');
  // Tab through the header: every nav link can be reached
  const seen = new Set();
  await page.evaluate(() => document.querySelector('.skip').focus());
  for (let i = 0; i < 12; i++) { await page.keyboard.press('Tab'); seen.add(await page.evaluate(() => document.activeElement.textContent.trim())); }
  for (const n of ['My day', 'Find', 'Leadership', 'Directory', 'Admin']) check(seen.has(n), n + ' reachable by keyboard');
  await page.context().close();
});

// --- the stories (their steps through the capabilities' APIs; a story whose API has not landed is skipped)
test('S1: Dana finds Sam\'s promise', async (srv) => {
  skipUnless(await hasRoute(srv, 'POST', '/api/v1/cases/{id}/promises'), 'promises API not on this server');
  const pat = await apiAs(srv, 'vendor-co', 'pat@vendor-co.example');
  const sam = (await pat.get('/api/v1/customers?q=sam.carter@example.com')).items[0];
  const cs = await pat.post('/api/v1/cases', { customer_id: sam.id, subject: 'Order two phones for store pickup', channel: 'phone' });
  const due = new Date(Date.parse((await (await fetch(srv.url + '/api/v1/test/clock')).json()).now) + 3 * 3600e3).toISOString();
  const body = await promiseBody(srv, 'Two phones ready for pickup at Store 12', due);
  await pat.post('/api/v1/cases/' + cs.id + '/promises', body);
  const page = await newPage();
  await signIn(page, srv, 'vendor-co', 'dana@vendor-co.example');
  await page.getByRole('searchbox').fill('Sam Carter');
  await page.keyboard.press('Enter');
  await settled(page);
  await page.getByRole('link', { name: /Order two phones/ }).click();
  await page.getByRole('heading', { name: /Order two phones/ }).waitFor();
  await settled(page);
  check((await page.locator('main').textContent()).includes('Two phones ready for pickup at Store 12'), "Dana sees Sam's promise on the case");
  await axe(page, 'case with promise');
  await page.context().close();
});

async function promiseBody(srv, text, due) {
  if (!openapiDoc) await hasRoute(srv, 'GET', '/');
  const op = openapiDoc.paths['/api/v1/cases/{id}/promises'].post;
  const props = op.requestBody.content['application/json'].schema.properties;
  const b = {};
  for (const k of ['text', 'what', 'summary', 'description']) if (props[k]) { b[k] = text; break; }
  for (const k of ['due_at', 'due']) if (props[k]) { b[k] = due; break; }
  if (props.channel) b.channel = 'phone';
  return b;
}

test('S2: Alex sees the paperwork words', async (srv) => {
  skipUnless(await hasRoute(srv, 'GET', '/api/v1/cases/{id}/suggested-words') && await hasRoute(srv, 'POST', '/api/v1/cases/{id}/requests'), 'suggested words API not on this server');
  const alex = await apiAs(srv, 'lee-practice', 'alex@lee-practice.example');
  const jones = (await alex.get('/api/v1/customers?q=r.jones@example.com')).items[0];
  const now = Date.parse((await (await fetch(srv.url + '/api/v1/test/clock')).json()).now);
  const cs = await alex.post('/api/v1/cases', { customer_id: jones.id, subject: 'Insurance forms for the appointment', channel: 'in_person' });
  const prom = await alex.post('/api/v1/cases/' + cs.id + '/promises', { what: 'insurance forms ready at your appointment', due_at: new Date(now + 24 * 3600e3).toISOString(), channel: 'in_person' });
  await alex.post('/api/v1/cases/' + cs.id + '/requests', { what: "sign Mr. Jones's forms", due_at: new Date(now + 3600e3).toISOString(), to_person: 'lee@lee-practice.example', blocks: [prom.id] });
  await fetch(srv.url + '/api/v1/test/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advance_ms: 2 * 3600e3 }) });
  const page = await newPage({ tz: 'America/New_York' });
  await signIn(page, srv, 'lee-practice', 'alex@lee-practice.example');
  await settled(page);
  check(/sign Mr\. Jones's forms|insurance forms ready/.test(await page.locator('main').textContent()), "Alex's My day shows the case's trouble");
  await page.goto(srv.url + '/cases/' + cs.id);
  await settled(page);
  const words = await page.locator('section', { has: page.getByRole('heading', { name: 'Suggested words' }) }).textContent();
  check(/haven't received/.test(words) && /track it down/.test(words), 'the suggested words apologise for the paperwork: ' + words.slice(0, 400));
  check(/speak with Dr\. Jordan Lee/.test(words), 'and offer Dr. Lee: ' + words.slice(0, 400));
  check(await page.getByRole('button', { name: 'Copy these words' }).count() > 0, 'with a copy button');
  const reqs = await page.locator('#requests').textContent();
  check(/Overdue/.test(reqs) && /Dr\. Jordan Lee/.test(reqs), 'the case shows the overdue request held by Dr. Lee');
  await shot(page, 'case-suggested-words');
  await axe(page, 'case with suggested words');
  clean(page, 'S2');
});

test('S3: Noah co-signs Mia\'s exception', async (srv) => {
  skipUnless(await hasRoute(srv, 'POST', '/api/v1/exceptions/{id}/cosign'), 'exceptions API not on this server');
  const mia = await apiAs(srv, 'harbor-financial', 'mia@harbor-financial.example');
  const ana = (await mia.get('/api/v1/customers?q=ana.rivera@example.com')).items[0];
  const cs = await mia.post('/api/v1/cases', { customer_id: ana.id, subject: '$120 in fees from our posting error', channel: 'phone' });
  const exc = await mia.post('/api/v1/cases/' + cs.id + '/exceptions', { policy: 'Frontline may refund fees up to $50', kind: 'refund', amount: 120,
    description: 'Refund all $120 in fees', reasoning: 'the fees exist only because we posted her deposit late' });
  // Mia sees no co-sign button on her own proposal
  const mp = await newPage();
  await signIn(mp, srv, 'harbor-financial', 'mia@harbor-financial.example');
  await mp.goto(srv.url + '/cases/' + cs.id);
  await settled(mp);
  eq(await mp.locator('#exceptions').getByRole('button', { name: 'Co-sign' }).count(), 0, 'Mia cannot co-sign her own proposal');
  // Noah finds it on My day and co-signs on the case page
  const page = await newPage();
  await signIn(page, srv, 'harbor-financial', 'noah@harbor-financial.example');
  await settled(page);
  const sec = page.locator('section', { has: page.getByRole('heading', { name: 'Exceptions waiting for my co-signature' }) });
  await sec.getByRole('link', { name: 'Refund all $120 in fees' }).click();
  await page.getByRole('heading', { name: /\$120 in fees/ }).waitFor();
  await settled(page);
  await shot(page, 'case-exception');
  await page.locator('#exceptions').getByRole('button', { name: 'Co-sign' }).click();
  await page.waitForFunction(() => /Approved/.test((document.querySelector('#exceptions') || {}).textContent || ''));
  const after = await mia.get('/api/v1/exceptions/' + exc.id);
  eq(after.status, 'approved', 'the exception is approved at the co-signature');
  await axe(page, 'case with exception');
  clean(page, 'S3');
});

test('S4: Omar finds Rosa', async (srv) => {
  skipUnless(await hasRoute(srv, 'GET', '/api/v1/oncall/who'), 'directory API not on this server');
  const page = await newPage();
  await signIn(page, srv, 'northwind', 'omar@northwind.example');
  // anyone can open a case
  await page.getByRole('searchbox').fill('Lena Fischer');
  await page.keyboard.press('Enter');
  await settled(page);
  await page.getByText('Open a case for a new customer').click();
  await page.getByLabel('Subject').fill('Billing problem: charged twice');
  await page.getByLabel('Channel').selectOption('in_person');
  await page.getByLabel('Customer email').fill('lena@example.com');
  await page.getByRole('button', { name: 'Open case' }).click();
  await page.getByRole('heading', { name: /Billing problem/ }).waitFor();
  const caseUrl = page.url();
  // who can help with billing near Chicago now
  await page.getByRole('link', { name: 'Directory' }).click();
  await page.getByRole('heading', { name: 'Directory' }).waitFor();
  await settled(page);
  const sec = page.locator('section', { has: page.getByRole('heading', { name: 'Who can help now' }) });
  await sec.getByLabel('Help with').selectOption('billing');
  await sec.getByLabel('Near').selectOption('Chicago');
  await sec.getByRole('button', { name: 'Search' }).click();
  await sec.getByText('Rosa Alvarez').waitFor();
  const txt = await sec.textContent();
  check(txt.includes('+1 312 555 0150'), 'with her contact');
  check(txt.indexOf('Rosa Alvarez') < (txt.indexOf('Ben Weber') < 0 ? Infinity : txt.indexOf('Ben Weber')), 'Rosa, in Chicago, comes first');
  // knowledge: "billing dispute" finds the first-steps article
  const kn = page.locator('section', { has: page.getByRole('heading', { name: 'Knowledge search' }) });
  await kn.getByLabel('Search the knowledge base').fill('billing dispute');
  await kn.getByRole('button', { name: 'Search' }).click();
  await kn.getByText('How to take the first steps on a billing dispute').waitFor();
  await settled(page);
  await shot(page, 'directory');
  await axe(page, 'directory with answers');
  // offer the case to Rosa
  await page.goto(caseUrl);
  await settled(page);
  await page.getByText('Offer this case to someone').click();
  const offer = page.locator('details.action[open] form');
  await offer.getByLabel('To').fill('rosa@northwind.example');
  await offer.getByRole('button', { name: 'Offer case' }).click();
  await page.getByRole('heading', { name: 'Pending offer' }).waitFor();
  const rosa = await newPage();
  await signIn(rosa, srv, 'northwind', 'rosa@northwind.example');
  await settled(rosa);
  await rosa.locator('section', { has: rosa.getByRole('heading', { name: 'Offers waiting for me' }) }).getByRole('button', { name: 'Accept' }).click();
  await rosa.waitForFunction(() => /Billing problem: charged twice/.test(document.body.textContent));
  await page.reload();
  await settled(page);
  const head = await page.locator('.case-head').textContent();
  check(/Owner\s*Rosa Alvarez/.test(head) && /Taken in by\s*Omar Haddad/.test(head), 'Rosa owns it; Omar is credited for the intake: ' + head);
  clean(page, 'S4');
});

test('S5: Jo answers the pulse survey; the leader responds to the system issue', async (srv) => {
  skipUnless(await hasRoute(srv, 'POST', '/api/v1/system-issues/{id}/respond') && await hasRoute(srv, 'POST', '/api/v1/surveys/{id}/responses'), 'learning API not on this server');
  const avery = await apiAs(srv, 'vendor-co', 'avery@vendor-co.example');
  const issues = (await avery.get('/api/v1/system-issues?mine=true&status=open')).items;
  skipUnless(issues.length > 0, 'no open system issue in the demo');
  const jo = await newPage();
  await signIn(jo, srv, 'vendor-co', 'jo@vendor-co.example');
  await settled(jo);
  const surveys = jo.locator('section', { has: jo.getByRole('heading', { name: 'Reviews I owe' }) });
  if (await surveys.getByText('Answer the survey').count()) {
    await surveys.getByText('Answer the survey').first().click();
    const f = surveys.locator('details.action[open] form');
    await f.getByLabel('Rating (1 = not at all, 5 = fully)').first().selectOption('4');
    await f.getByLabel('In your words').nth(1).fill('the dispatch screen does not show resend status');
    await f.getByRole('button', { name: 'Send answers' }).click();
    await f.getByText('Thank you. Your answers are confidential.').waitFor();
  }
  await axe(jo, 'my day with a survey');
  const page = await newPage();
  await signIn(page, srv, 'vendor-co', 'avery@vendor-co.example');
  await settled(page);
  const sec = page.locator('section', { has: page.getByRole('heading', { name: 'System issues I owe a response to' }) });
  check((await sec.textContent()).includes(issues[0].title), 'the leader sees the issue he owes a response to');
  await sec.getByText('Respond').first().click();
  const f = sec.locator('details.action[open] form');
  await f.getByLabel('Response').fill('Resend status will be on the dispatch screen by next sprint');
  await f.getByRole('button', { name: 'Send response' }).click();
  await page.waitForFunction(() => {
    const h2 = [...document.querySelectorAll('h2')].find((x) => x.textContent === 'System issues I owe a response to');
    const sec = h2 && h2.closest('section');
    return sec && !sec.getAttribute('aria-busy') && (/No system issues wait for you/.test(sec.textContent) || /Response recorded/.test(sec.textContent));
  });
  const after = await avery.get('/api/v1/system-issues/' + issues[0].id);
  eq(after.status, 'responded', 'the issue is responded to');
  clean(page, 'S5');
});

// ---------------------------------------------------------------- main
async function main() {
  if (!existsSync(BIN)) { console.error('no binary at ' + BIN + ' (make build/san/frontline)'); console.log('0 passed, 1 failed'); process.exit(1); }
  const only = process.env.TEST_ONLY;
  let srv;
  let passed = 0, failed = 0, skipped = 0;
  const userDir = mkdtempSync(join(tmpdir(), 'fl-chromium-'));
  try {
    srv = await startServer();
    // Playwright gives every launch a fresh profile; a fresh --user-data-dir is only allowed with
    // launchPersistentContext, so the profile directory is Playwright's own temporary one.
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disk-cache-dir=' + userDir],
    });
    for (const t of TESTS) {
      if (only && !t.name.includes(only)) continue;
      failures = [];
      const t0 = Date.now();
      let status = 'ok  ';
      try { await t.fn(srv); } catch (e) {
        if (e instanceof Skip) { status = 'skip'; } else { failures.push(t.name + ' raised ' + (e && e.stack ? e.stack.split('\n').slice(0, 4).join(' | ') : e)); }
      }
      if (failures.length) {
        // what the browser showed, for whoever reads the failure
        const dir = join(WEB, 'test-results');
        mkdirSync(dir, { recursive: true });
        let i = 0;
        for (const p of openPages) { if (!p.isClosed()) { i++; await p.screenshot({ path: join(dir, t.name.replace(/\W+/g, '-') + '-' + i + '.png'), fullPage: true }).catch(() => {}); } }
      }
      for (const p of openPages) if (!p.isClosed()) await p.context().close().catch(() => {});
      openPages = [];
      if (failures.length) { status = 'FAIL'; failed++; for (const f of failures) console.log('  FAIL: ' + f); } else if (status === 'skip') { skipped++; } else { passed++; }
      console.log(status + ' ' + t.name + ' (' + ((Date.now() - t0) / 1000).toFixed(1) + 's)');
    }
  } catch (e) {
    console.log('  FAIL: setup: ' + (e && e.stack ? e.stack : e));
    failed++;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (srv) {
      srv.proc.kill('SIGTERM');
      await new Promise((r) => { if (srv.proc.exitCode !== null) r(); else srv.proc.on('exit', r); setTimeout(r, 15000); });
      if (srv.proc.exitCode && srv.proc.exitCode !== 0) { console.log('  FAIL: server exited with ' + srv.proc.exitCode + ':\n' + srv.log().slice(-3000)); failed++; }
      rmSync(srv.dir, { recursive: true, force: true });
    }
    rmSync(userDir, { recursive: true, force: true });
  }
  if (skipped) console.log(skipped + ' skipped (their APIs are not on this server yet)');
  console.log(passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
}
main();
