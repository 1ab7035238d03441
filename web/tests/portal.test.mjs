// The customer portal: a single-use link made by staff, the customer's own cases only, internal
// notes hidden, a reply that becomes a touchpoint.
import { apiAs, advanceClock, newPage, signIn, settled, axe, shot, clean, check, test } from './lib.mjs';

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
  await advanceClock(srv, 61 * 60000);
  const lp = await newPage();
  await lp.goto(srv.url + late.link);
  await lp.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
  clean(cust, 'portal');
  for (const p of [staff, cust, again, ep, lp]) await p.context().close();
});

test('customer portal: staff email the sign-in link, which stays out of their sight', async (srv) => {
  const admin = await apiAs(srv, 'vendor-co', 'admin@vendor-co.example');
  await admin.call('PATCH', '/api/v1/org/settings', { settings: { 'portal.public_url': srv.url } });
  const chris = await apiAs(srv, 'vendor-co', 'chris@vendor-co.example');
  const sam = (await chris.get('/api/v1/customers?q=sam.carter@example.com')).items[0];
  const staff = await newPage();
  await signIn(staff, srv, 'vendor-co', 'chris@vendor-co.example');
  await staff.goto(srv.url + '/customers/' + sam.id);
  await settled(staff);
  await staff.getByRole('button', { name: 'Email a sign-in link' }).click();
  await staff.getByText(/on its way to sam\.carter@example\.com/).waitFor();
  check((await staff.locator('code.link-text').count()) === 0, 'the link itself is not shown');
  await axe(staff, 'customer-link-mailed');
  clean(staff, 'customer');
  await staff.context().close();
});
