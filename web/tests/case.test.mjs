// The case page: find a customer, open and act on a case (as two people in two time zones), and
// customer text that is never rendered as HTML on any page or in the portal.
import { XSS, apiAs, clockNow, hasRoute, newPage, signIn, settled, axe, shot, clean, check, eq, test } from './lib.mjs';

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
    const now = await clockNow(srv);
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
