// The five stories of DESIGN.md, each through its pages (a story whose API is not on this server is
// skipped, and the skip is reported).
import { apiAs, clockNow, advanceClock, openapi, hasRoute, newPage, signIn, settled, axe, shot, clean, check, eq, skipUnless, test } from './lib.mjs';

test('S1: Dana finds Sam\'s promise', async (srv) => {
  skipUnless(await hasRoute(srv, 'POST', '/api/v1/cases/{id}/promises'), 'promises API not on this server');
  const pat = await apiAs(srv, 'vendor-co', 'pat@vendor-co.example');
  const sam = (await pat.get('/api/v1/customers?q=sam.carter@example.com')).items[0];
  const cs = await pat.post('/api/v1/cases', { customer_id: sam.id, subject: 'Order two phones for store pickup', channel: 'phone' });
  const due = new Date(await clockNow(srv) + 3 * 3600e3).toISOString();
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
  const op = (await openapi(srv)).paths['/api/v1/cases/{id}/promises'].post;
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
  const now = await clockNow(srv);
  const cs = await alex.post('/api/v1/cases', { customer_id: jones.id, subject: 'Insurance forms for the appointment', channel: 'in_person' });
  const prom = await alex.post('/api/v1/cases/' + cs.id + '/promises', { what: 'insurance forms ready at your appointment', due_at: new Date(now + 24 * 3600e3).toISOString(), channel: 'in_person' });
  await alex.post('/api/v1/cases/' + cs.id + '/requests', { what: "sign Mr. Jones's forms", due_at: new Date(now + 3600e3).toISOString(), to_person: 'lee@lee-practice.example', blocks: [prom.id] });
  await advanceClock(srv, 2 * 3600e3);
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
  // Rosa on call for billing whatever time of day the (shared, moving) test clock shows: the demo's
  // own rotas cover weekends and office hours only.  A "mon 00:00" layer begins at the first Monday
  // on or after its start (docs/directory.md), so a start a week back has begun by now whatever the
  // weekday (a start of yesterday left nobody on call from Tuesday to Sunday)
  const admin = await apiAs(srv, 'northwind', 'admin@northwind.example');
  const today = new Date((await clockNow(srv)) - 7 * 86400e3).toISOString().slice(0, 10);
  await admin.post('/api/v1/rotas', { name: 'Billing around the clock (browser test)', skill: 'billing', location: 'Chicago',
    layers: [{ layer: 'primary', members: ['rosa@northwind.example'], handoff: 'mon 00:00', start: today,
      windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }] }] });
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
  // the confirmation, not the subject: the offer itself shows the subject before it is accepted
  await rosa.locator('p.ok', { hasText: /You accepted case #\d+: it is yours now/ }).waitFor();
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
