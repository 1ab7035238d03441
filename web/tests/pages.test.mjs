// The leadership, directory and admin pages; every page on a phone; keyboard reachability.
import { apiAs, hasRoute, newPage, signIn, settled, axe, shot, clean, check, eq, test } from './lib.mjs';

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
  // every page, and each of Sam's cases (one has a promise table with a policy column, wider than a phone)
  for (const p of ['/', '/find?q=Sam', '/cases', '/cases/new', '/directory', '/admin', '/leadership', '/exceptions', '/alerts', '/account', '/me', '/recognition'].concat(some.map((c) => '/cases/' + c.id))) {
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
  for (const n of ['My day', 'Find', 'Exceptions', 'Directory']) check(seen.has(n), n + ' reachable by keyboard');
  // role-aware: a frontline agent is not offered pages they may not use
  for (const n of ['Leadership', 'Admin']) check(!seen.has(n), n + ' is not in a frontline agent\'s menu');
  await page.context().close();
});
