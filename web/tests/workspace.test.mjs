// Presenting records (issue 15): one time zone per person, named on every time; the timeline in
// true order, as sentences; suggested words in the customer's time; the phone layout; input limits
// counted as the server counts; dark mode; the leadership page's period, Pareto and CSV names; a
// person's own confirmation kept when a live update redraws the page.
import { apiAs, clockNow, newPage, signIn, settled, axe, clean, check, eq, test } from './lib.mjs';

const caseByNumber = async (api, n) => (await api.get('/api/v1/cases?q=%23' + n)).items.find((c) => c.number === n);
// S3's case (the refund Noah co-signs), whatever number the demo's history gave it
const s3Case = async (api) => (await api.get('/api/v1/cases?q=' + encodeURIComponent('posting error'))).items.find((c) => /posting error/.test(c.subject));

test('workspace: one time zone per person: chosen in the account, named on every time', async (srv) => {
  const page = await newPage({ tz: 'America/Chicago' });
  await signIn(page, srv, 'harbor-financial', 'mia@harbor-financial.example');
  await page.goto(srv.url + '/account');
  await settled(page);
  const sel = page.getByLabel('Show times in');
  check(/This browser's zone \(America\/Chicago\)/.test(await sel.locator('option').first().textContent()), 'the default is the browser\'s zone');
  await sel.selectOption('Asia/Tokyo');
  await page.getByRole('button', { name: 'Save time zone' }).click();
  await page.getByText('Time zone saved: times now show in Tokyo time.').waitFor();
  const mia = await apiAs(srv, 'harbor-financial', 'mia@harbor-financial.example');
  const c = await caseByNumber(mia, 2);
  await page.goto(srv.url + '/cases/' + c.id);
  await settled(page);
  const opened = await page.locator('dd', { has: page.locator('time') }).first().locator('time').textContent();
  const tokyo = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', hour: 'numeric', minute: '2-digit' }).format(new Date(c.created_at));
  check(opened.includes(tokyo) && /GMT\+9/.test(opened), 'the opening time in Tokyo time, with its zone named: ' + opened + ' (' + tokyo + ')');
  const times = await page.locator('main time').allTextContents();
  check(times.length > 3 && times.every((x) => /GMT|[A-Z]{3}/.test(x)), 'every time names its zone: ' + times.slice(0, 5).join(' | '));
  const text = await page.locator('main').textContent();
  check(!/\d{4}-\d\d-\d\dT\d\d:\d\d/.test(text), 'no raw ISO time on the page');
  check(!/\b1[6-9]\d{11}\b/.test(text), 'no epoch milliseconds on the page');
  check(!/\/api\/v1\//.test(text), 'no API paths on the page');
  check(!/\b(amount_cents|policy_version|policy_id|[a-z]+_[a-z]+_id)\b/.test(text), 'no snake_case field names on the page');
  // back to the browser's zone
  await page.goto(srv.url + '/account');
  await settled(page);
  await page.getByLabel('Show times in').selectOption('');
  await page.getByRole('button', { name: 'Save time zone' }).click();
  await page.getByText('Time zone saved: times now show in Chicago time.').waitFor();
  clean(page, 'time zone');
});

test('workspace: timeline: true time order, sentences per event, each section once', async (srv) => {
  const page = await newPage({ tz: 'America/Chicago' });
  await signIn(page, srv, 'harbor-financial', 'mia@harbor-financial.example');
  const mia = await apiAs(srv, 'harbor-financial', 'mia@harbor-financial.example');
  const c = await s3Case(mia);
  await page.goto(srv.url + '/cases/' + c.id);
  await settled(page);
  const tl = page.locator('#timeline');
  const stamps = await tl.locator('time').evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime'))));
  check(stamps.length > 3 && stamps.every((x, i) => i === 0 || stamps[i - 1] <= x), 'the timeline is in time order');
  const text = await tl.textContent();
  check(/Exception approved — Noah \S+ co-signed \(1 of 1\)/.test(text), 'the approval names the co-signer: ' + text.slice(0, 600));
  check(!/Kind: |Policy version|Amount cents|policy_id/.test(text), 'no field dumps in the timeline');
  check((text.match(/\$120\.00/g) || []).length <= 1, 'the amount in currency once');
  const ids = await page.locator('main [id]').evaluateAll((els) => els.map((e) => e.id));
  eq(ids.length, new Set(ids).size, 'every anchor on the case page is unique');
  const titles = await page.locator('main section > h2').allTextContents();
  eq(titles.length, new Set(titles).size, 'each section once: ' + titles.join(' | '));
  await axe(page, 'case timeline');
  clean(page, 'timeline');
});

test('workspace: suggested words name the intake location\'s time and say so', async (srv) => {
  const pat = await apiAs(srv, 'vendor-co', 'pat@vendor-co.example');
  const cs = await pat.post('/api/v1/cases', { subject: 'Words in the store\'s time', channel: 'phone', customer_name: 'Sam Lee', customer_phone: '+1 312 555 0100' });
  await pat.post('/api/v1/cases/' + cs.id + '/promises', { what: 'a technician calls you back.', due_at: new Date((await clockNow(srv)) + 86400e3).toISOString(), channel: 'phone' });
  const page = await newPage({ tz: 'Europe/Berlin' });
  await signIn(page, srv, 'vendor-co', 'pat@vendor-co.example');
  await page.goto(srv.url + '/cases/' + cs.id);
  await settled(page);
  const words = await page.locator('#words').textContent();
  check(/We promised you “a technician calls you back” by .* time\./.test(words), 'the promise quoted whole: ' + words);
  check(/Times in these words are in \S+ time, where the case was taken in/.test(words), 'the words say whose time: ' + words);
  clean(page, 'words');
});

test('workspace: phone at 390x844: small header, actions first, long text wraps, bidi isolated', async (srv) => {
  const pat = await apiAs(srv, 'vendor-co', 'pat@vendor-co.example');
  const long = 'x'.repeat(250);
  const cs = await pat.post('/api/v1/cases', { subject: 'Long ' + long, channel: 'phone', customer_name: 'مريم الحسن', customer_phone: '+1 312 555 0199' });
  await pat.post('/api/v1/cases/' + cs.id + '/notes', { body: 'https://example.com/' + long, visibility: 'internal' });
  const page = await newPage({ viewport: { width: 390, height: 844 }, mobile: true });
  await signIn(page, srv, 'vendor-co', 'pat@vendor-co.example');
  await page.goto(srv.url + '/cases/' + cs.id);
  await settled(page);
  const header = await page.locator('header.top').boundingBox();
  check(header.height <= 0.15 * 844, 'the header takes at most 15% of the screen: ' + header.height + ' px');
  const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(w[0] <= w[1], 'no sideways scrolling with long unbroken text: ' + w.join(' > '));
  const act = await page.locator('#act').boundingBox();
  const tl = await page.locator('#timeline').boundingBox();
  check(act.y < tl.y && act.y < 2.5 * 844, 'the case\'s actions come before the timeline, near the top: ' + act.y);
  eq(await page.locator('main a', { hasText: 'مريم الحسن' }).first().getAttribute('dir'), 'auto', 'the customer\'s name is isolated');
  eq(await page.locator('main span', { hasText: '+1 312 555 0199' }).first().getAttribute('dir'), 'ltr', 'the phone number keeps its order');
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).waitFor();
  await axe(page, 'case on a phone');
  clean(page, 'phone');
});

test('workspace: input limits are shown before sending, counted in bytes as the server counts', async (srv) => {
  const pat = await apiAs(srv, 'vendor-co', 'pat@vendor-co.example');
  const cs = await pat.post('/api/v1/cases', { subject: 'Limits', channel: 'phone', customer_name: 'Ana Ruiz', customer_phone: '+1 312 555 0111' });
  const page = await newPage();
  await signIn(page, srv, 'vendor-co', 'pat@vendor-co.example');
  await page.goto(srv.url + '/cases/' + cs.id);
  await settled(page);
  await page.getByText('Add a note', { exact: true }).click();
  const form = page.locator('details', { hasText: 'Add a note' });
  const body = form.getByLabel('Body');
  await body.fill('café');
  check(/5 of 10000 bytes/.test(await form.locator('small.limit').first().textContent()), 'é counts as two bytes, as the server counts');
  await body.fill('é'.repeat(5001));
  check(/2 bytes too long/.test(await form.locator('small.limit').first().textContent()), 'over the limit, said before sending');
  await form.getByRole('button', { name: 'Add note' }).click();
  await form.getByRole('alert').waitFor();
  eq((await pat.get('/api/v1/cases/' + cs.id)).notes.length, 0, 'nothing was sent');
  clean(page, 'limits');
});

test('workspace: a person\'s own confirmation stays when a live update redraws the case', async (srv) => {
  const pat = await apiAs(srv, 'vendor-co', 'pat@vendor-co.example');
  const chris = await apiAs(srv, 'vendor-co', 'chris@vendor-co.example');
  const cs = await pat.post('/api/v1/cases', { subject: 'Redraw race', channel: 'phone', customer_name: 'Lu Chen', customer_phone: '+1 312 555 0122' });
  const page = await newPage();
  await signIn(page, srv, 'vendor-co', 'pat@vendor-co.example');
  await page.goto(srv.url + '/cases/' + cs.id);
  await settled(page);
  await page.waitForFunction(() => document.documentElement.dataset.live === 'on');
  await page.getByText('Add a note', { exact: true }).click();
  const form = page.locator('details', { hasText: 'Add a note' });
  await form.getByLabel('Body').fill('called the courier');
  await form.getByRole('button', { name: 'Add note' }).click();
  await page.locator('.kept-notices').getByText('Note added.').waitFor();
  // someone else changes the case: the page redraws live, the confirmation stays
  await chris.post('/api/v1/cases/' + cs.id + '/notes', { body: 'Chris was here', visibility: 'internal' });
  await page.locator('#timeline').getByText('Chris was here').waitFor();
  check(await page.locator('.kept-notices').getByText('Note added.').isVisible(), 'the confirmation survives the live redraw');
  clean(page, 'redraw race');
});

test('workspace: dark mode and the leadership page at 1366 px: period, Pareto line, named CSVs, nothing cut off', async (srv) => {
  const page = await newPage({ viewport: { width: 1366, height: 768 } });
  await page.emulateMedia({ colorScheme: 'dark' });
  await signIn(page, srv, 'vendor-co', 'riley@vendor-co.example');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check(bg === 'rgb(20, 23, 27)', 'dark mode follows prefers-color-scheme: ' + bg);
  await page.goto(srv.url + '/leadership?days=90');
  await settled(page);
  eq(await page.getByLabel('Period', { exact: true }).inputValue(), '90', 'the period picker shows the chosen period');
  check(/Showing .* to .* \(\S+ time\)|Showing .* to .* \(UTC\)/.test(await page.locator('.period-bar').textContent()), 'the period is said, with its zone');
  const links = await page.locator('a.csv').evaluateAll((els) => els.map((a) => [a.getAttribute('href'), a.getAttribute('download')]));
  check(links.length > 5 && links.every(([, d]) => d !== 'frontline.csv' && /^frontline-[a-z0-9-]+\.csv$/.test(d)), 'every CSV has a name that says what it is: ' + JSON.stringify(links.slice(0, 3)));
  const [href, name] = links.find(([hr]) => /breaches\?by=cause/.test(hr));
  const r = await page.evaluate(async (u) => (await fetch(u)).headers.get('Content-Disposition'), href);
  eq(r, 'attachment; filename="' + name + '"', 'the server names the file the same way');
  check(/from-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d/.test(name), 'the CSV name carries the period: ' + name);
  const pareto = page.locator('section', { has: page.getByRole('heading', { name: 'Root causes (Pareto)' }) });
  const ptext = await pareto.textContent();
  check(/Cumulative %/.test(ptext), 'the Pareto\'s table has its cumulative share: ' + ptext.slice(0, 200));
  eq(await pareto.locator('canvas').getAttribute('data-series'), 'bar line', 'the Pareto is drawn with its cumulative line');
  const overTime = await page.locator('section', { has: page.getByRole('heading', { name: 'Promise keeping over time' }) }).locator('table').textContent();
  check(!/\d{4}-\d\d-\d\d/.test(overTime), 'the weeks are dates a person reads, not ISO: ' + overTime.slice(0, 120));
  const cut = await page.evaluate(() => [...document.querySelectorAll('main .card')].filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.querySelector('h2') ? c.querySelector('h2').textContent : c.className));
  eq(cut.length, 0, 'nothing cut off at 1366 px: ' + cut.join(' | '));
  const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(w[0] <= w[1], 'no sideways scrolling at 1366 px');
  const codes = await page.locator('main table').allTextContents();
  check(!codes.some((x) => /\b[a-z]+_[a-z]+\b/.test(x)), 'tables use labels, not codes');
  await page.getByLabel('Period', { exact: true }).selectOption('custom');
  await page.locator('#period-from').fill('2026-01-01');
  await page.locator('#period-to').fill('2026-03-31');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/from=2026-01-01&to=2026-03-31/);
  await settled(page);
  check(await page.locator('a.csv[download*="from-2026-01-0"]').count() > 0, 'a chosen period reaches the reports');
  await axe(page, 'leadership in dark mode');
  clean(page, 'leadership');
});

test('workspace: My day and alerts say server-written times in the person\'s zone, never as ISO', async (srv) => {
  const pat = await apiAs(srv, 'vendor-co', 'pat@vendor-co.example');
  const raw = (await pat.get('/api/v1/alerts?limit=200')).items.filter((a) => /\d{4}-\d\d-\d\dT\d\d:\d\d/.test(a.message));
  const page = await newPage();
  await signIn(page, srv, 'vendor-co', 'pat@vendor-co.example');
  for (const path of ['/', '/alerts']) {
    await page.goto(srv.url + path);
    await settled(page);
    const text = await page.locator('main').textContent();
    check(!/\d{4}-\d\d-\d\dT\d\d:\d\d/.test(text), path + ': no ISO time (the server wrote ' + raw.length + ' alert(s) with one)');
  }
  if (raw.length) check(/is due \w{3} \d+, \d{4}, \d+:\d\d [AP]M C[SD]T/.test(await page.locator('main').textContent()), 'the alert\'s time said in Chicago time');
  clean(page, 'no raw times');
});

// My day reads everything in one request (GET /api/v1/me/day) besides who is signed in and the
// live stream: a section that asks the API on its own again would show here.  Alex owns an open
// case (its promises and update duties come with the one read).
test('workspace: My day loads with three requests: who I am, my day, the live stream', async (srv) => {
  const page = await newPage();
  await signIn(page, srv, 'lee-practice', 'alex@lee-practice.example');
  await settled(page);
  const asked = [];
  page.on('request', (r) => { const u = new URL(r.url()); if (u.pathname.startsWith('/api/')) asked.push(r.method() + ' ' + u.pathname); });
  await page.reload();
  await page.getByRole('heading', { name: 'My day' }).waitFor();
  await settled(page);
  await page.waitForTimeout(3500); // past the header's wait for the stream's unread count
  eq(asked.sort().join(', '), 'GET /api/v1/events/stream, GET /api/v1/me, GET /api/v1/me/day', 'the requests of a cold My day');
  check(await page.locator('.myday .promises, .myday section').count() > 8, 'the sections are shown');
  const owned = page.locator('section', { has: page.getByRole('heading', { name: 'Cases I own' }) });
  check(await owned.locator('li').count() > 0, 'Alex\'s open cases are listed');
  check(/\d+|none unread/.test(await page.locator('#alerts-link').textContent()), 'the header has its unread count from the stream');
  clean(page, 'my day requests');
});

test('workspace: every message key the UI uses is in the catalogue', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { EN } = await import('../src/lib/msg.js');
  const src = join(new URL('.', import.meta.url).pathname, '..', 'src');
  const files = ['lib', 'pages'].flatMap((d) => readdirSync(join(src, d)).filter((f) => f !== 'msg.js').map((f) => join(src, d, f))).concat([join(src, 'main.js')]);
  const missing = [];
  let used = 0;
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-z0-9_.]+[a-z0-9_])'(?! \+)/g)) {
      used++;
      if (!(m[1] in EN) && !m[1].startsWith('ev.') && !m[1].startsWith('code.')) missing.push(f.split('/src/')[1] + ': ' + m[1]);
    }
  }
  check(used > 100, 'the pages take their words from the catalogue (' + used + ' uses)');
  eq(missing.join(', '), '', 'keys missing from the catalogue');
});
