// The Cases page (views, counts, filters, saved views, bulk actions), the search box, and a new
// case whose customer looks like one already known (merge), on a desktop and on a phone.
import { apiAs, newPage, signIn, settled, axe, shot, clean, check, eq, test } from './lib.mjs';

const V = 'vendor-co';

async function openCase(api, subject, name, channel) {
  return api.post('/api/v1/cases', { subject, channel: channel || 'phone', customer_name: name });
}

test('cases page: views with counts, filters, a saved view and bulk actions', async (srv) => {
  const chris = await apiAs(srv, V, 'chris@vendor-co.example');
  const kim = await apiAs(srv, V, 'kim@vendor-co.example');
  const mine = [];
  for (let i = 1; i <= 3; i++) mine.push(await openCase(chris, 'Queue browser ' + i, 'Qbrowser Customer ' + i, i === 2 ? 'chat' : 'phone'));
  const kims = await openCase(kim, 'Queue browser Kim', 'Qbrowser Kim Customer');
  const page = await newPage({ viewport: { width: 1366, height: 900 } });
  await signIn(page, srv, V, 'chris@vendor-co.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
  await page.getByRole('heading', { name: 'Cases: Mine' }).waitFor();
  await settled(page);
  await axe(page, 'cases page');
  // the counts beside each view are the API's
  const counts = await chris.get('/api/v1/queue/counts');
  const views = page.getByRole('navigation', { name: 'Views' });
  for (const v of counts.items) {
    const text = await views.getByRole('link', { name: new RegExp('^' + v.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }).textContent();
    check(text.includes(String(v.count)), v.label + ' shows its count ' + v.count + ': ' + text);
  }
  for (const c of mine) check(await page.getByRole('link', { name: '#' + c.number + ' ' + c.subject }).count() === 1, 'case #' + c.number + ' listed with its number');
  // filter by channel; the address keeps it
  await page.getByText('Filter and sort').click();
  await page.getByLabel('Channel').selectOption('chat');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.waitForURL(/channel=chat/);
  await settled(page);
  check(await page.getByRole('link', { name: '#' + mine[1].number + ' ' + mine[1].subject }).count() === 1, 'the chat case stays');
  eq(await page.getByRole('link', { name: '#' + mine[0].number + ' ' + mine[0].subject }).count(), 0, 'a phone case is filtered out');
  // save it as a view of mine
  await page.getByText('Save this view', { exact: true }).first().click();
  await page.getByLabel('Name', { exact: true }).fill('Chats, from the browser');
  await page.getByRole('button', { name: 'Save this view' }).click();
  await page.getByRole('heading', { name: 'Cases: Chats, from the browser' }).waitFor();
  await settled(page);
  const saved = await chris.get('/api/v1/queue/saved');
  const mineSaved = saved.items.find((v) => v.name === 'Chats, from the browser');
  check(!!mineSaved, 'saved for Chris: ' + saved.items.map((v) => v.name).join());
  eq(JSON.stringify(mineSaved && mineSaved.filters), '{"channel":"chat"}', 'with its filter');
  // bulk: a note on two of mine
  await page.goto(srv.url + '/cases?view=team&q=Queue%20browser');
  await page.getByRole('heading', { name: "Cases: My team's" }).waitFor();
  await settled(page);
  await page.getByLabel('Select case #' + mine[0].number).check();
  await page.getByLabel('Select case #' + mine[2].number).check();
  await page.getByText('2 selected').waitFor();
  await page.getByLabel('Action', { exact: true }).selectOption('note');
  // the limit is counted as the server counts it, in bytes: 5,001 "é" are 10,002 bytes, over 10,000
  const noteField = page.getByLabel('Note', { exact: true });
  await noteField.fill('é'.repeat(5001));
  eq((await noteField.inputValue()).length, 5001, 'no character limit cuts the text');
  await page.getByText('2 bytes too long: shorten it before sending').first().waitFor();
  await page.getByRole('button', { name: 'Apply to selected' }).click();
  check(/2 bytes too long/.test(await page.locator('.bulk-results').textContent()), 'refused in the form');
  eq(await noteField.getAttribute('aria-invalid'), 'true', 'the field is marked');
  check((await chris.get('/api/v1/cases/' + mine[0].id)).notes.every((n) => !/^é+$/.test(n.body)), 'nothing was sent');
  await noteField.fill('Checked in bulk from the Cases page');
  check(/\d+ of 10000 bytes/.test(await page.locator('.bulk').textContent()), 'the count under the field');
  await page.getByRole('button', { name: 'Apply to selected' }).click();
  await page.getByText('2 done.').waitFor();
  for (const c of [mine[0], mine[2]]) {
    const full = await chris.get('/api/v1/cases/' + c.id);
    check(full.notes.some((n) => n.body === 'Checked in bulk from the Cases page'), 'noted: #' + c.number);
  }
  // bulk resolve with Kim's case among them: each case answers for itself
  await settled(page);
  await page.getByLabel('Select case #' + mine[0].number).check();
  await page.getByLabel('Select case #' + kims.number).check();
  await page.getByLabel('Action', { exact: true }).selectOption('resolve');
  await page.getByLabel('Resolution').fill('Sorted in bulk');
  await page.getByRole('button', { name: 'Apply to selected' }).click();
  await page.getByText('1 done, 1 not done.').waitFor();
  const lines = await page.locator('.bulk-results li').allTextContents();
  check(lines.some((l) => l.startsWith('#' + kims.number + ':') && /only the case owner/.test(l)), 'Kim\'s case says why: ' + lines.join(' | '));
  check(lines.every((l) => !/\b[a-z]+_[a-z]+\b/.test(l)), 'in words, with no code: ' + lines.join(' | '));
  eq((await chris.get('/api/v1/cases/' + mine[0].id)).status, 'resolved', 'mine resolved');
  eq((await chris.get('/api/v1/cases/' + kims.id)).status, 'open', 'Kim\'s untouched');
  await shot(page, 'cases');
  clean(page, 'cases page');
  await page.context().close();
});

test('the search box finds the S3 refund by "Mia" and by "refund", and a case by its number', async (srv) => {
  const page = await newPage();
  await signIn(page, srv, 'harbor-financial', 'sofia@harbor-financial.example');
  for (const word of ['Mia', 'refund']) {
    await page.getByRole('search').getByRole('searchbox').fill(word);
    await page.getByRole('search').getByRole('searchbox').press('Enter');
    await page.getByRole('heading', { name: 'Find: ' + word }).waitFor();
    await settled(page);
    check(await page.getByRole('link', { name: /\$120 in fees from our posting error/ }).count() >= 1, 'the S3 case found by ' + word);
  }
  const link = page.getByRole('link', { name: /\$120 in fees from our posting error/ }).first();
  const number = (await link.textContent()).match(/#(\d+)/)[1];
  await page.getByRole('search').getByRole('searchbox').fill('#' + number);
  await page.getByRole('search').getByRole('searchbox').press('Enter');
  await page.getByRole('heading', { name: 'Find: #' + number }).waitFor();
  await settled(page);
  check(/posting error/.test(await page.locator('section:has(h2:text("Cases")) li a').first().textContent()), 'case #' + number + ' first');
  clean(page, 'search box');
  await page.context().close();
});

test('new case: a customer already known is flagged and merged (support is told to ask, with no button)', async (srv) => {
  const page = await newPage({ viewport: { width: 1366, height: 900 } });
  await signIn(page, srv, V, 'chris@vendor-co.example');
  await page.getByRole('link', { name: 'New case' }).click();
  await page.getByRole('heading', { name: 'New case' }).waitFor();
  await settled(page);
  await axe(page, 'new case page');
  await page.getByLabel('Subject').fill('Phones again, by email');
  await page.getByLabel('Name (a new customer)').fill('Samuel Carter');
  await page.getByLabel('Email', { exact: true }).fill('sam.carter@example.com');
  await page.getByRole('button', { name: 'Open case' }).click();
  await page.getByRole('heading', { name: /Is this a customer we already know\?/ }).waitFor();
  await axe(page, 'possible duplicates');
  await shot(page, 'new-case-duplicate');
  await page.getByRole('button', { name: 'Merge into Sam Carter' }).click();
  await page.getByText(/now belongs to Sam Carter/).waitFor();
  const chris = await apiAs(srv, V, 'chris@vendor-co.example');
  const found = (await chris.get('/api/v1/cases?q=' + encodeURIComponent('Phones again, by email'))).items[0];
  eq(found.customer.name, 'Sam Carter', 'the case is Sam\'s now');
  check((await chris.get('/api/v1/cases/' + found.id)).history.some((e) => e.kind === 'case.customer_merged'), 'its history says so');
  clean(page, 'new case and merge');
  await page.context().close();
  // Devon (support) is told plainly that merging is not his to do, and nothing changes
  const devonPage = await newPage();
  await signIn(devonPage, srv, V, 'devon@vendor-co.example');
  await devonPage.goto(srv.url + '/cases/new');
  await devonPage.getByLabel('Subject').fill('Erin again');
  await devonPage.getByLabel('Name (a new customer)').fill('E. Park');
  await devonPage.getByLabel('Phone', { exact: true }).fill('217-555-0177');
  await devonPage.getByRole('button', { name: 'Open case' }).click();
  await devonPage.getByRole('heading', { name: /Is this a customer we already know\?/ }).waitFor();
  await devonPage.getByText(/Merging customers is for frontline colleagues/).waitFor();
  eq(await devonPage.getByRole('button', { name: 'Merge into Erin Park' }).count(), 0, 'no merge button for support');
  const devon = await apiAs(srv, V, 'devon@vendor-co.example');
  const erinCase = (await devon.get('/api/v1/cases?q=' + encodeURIComponent('Erin again'))).items[0];
  eq(erinCase.customer.name, 'E. Park', 'not merged');
  await devonPage.context().close();
});

test('cases pages on a phone: no sideways scrolling', async (srv) => {
  const page = await newPage({ viewport: { width: 390, height: 844 }, mobile: true });
  await signIn(page, srv, V, 'chris@vendor-co.example');
  const chris = await apiAs(srv, V, 'chris@vendor-co.example');
  await openCase(chris, 'A very long subject ' + 'withoutanyspacesatallbecausecustomersdothat'.repeat(3), 'Longname ' + 'x'.repeat(80));
  for (const p of ['/cases', '/cases?view=team&channel=phone&sort=due', '/cases?view=open', '/cases/new']) {
    await page.goto(srv.url + p);
    await settled(page);
    if (p.includes('channel')) await page.getByText('Filter and sort').click();
    const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    check(w[0] <= w[1] + 1, p + ' fits a phone screen: ' + w);
  }
  await page.goto(srv.url + '/cases');
  await settled(page);
  await shot(page, 'cases-phone');
  clean(page, 'cases on a phone');
  await page.context().close();
});
