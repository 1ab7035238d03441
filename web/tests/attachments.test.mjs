// Files on replies and portal messages (issue 16), and the mailbox admin page: an agent attaches a
// file to a reply on the case page (a file over the organization's limit is refused as it is chosen,
// and is not sent); the case lists it as a download; the customer attaches one in the portal and
// sees both; an admin adds and changes a mailbox with pickers, and others only look.
import { spawnSync } from 'node:child_process';
import { apiAs, newPage, signIn, settled, axe, shot, clean, check, eq, test } from './lib.mjs';

const V = 'vendor-co';

function mailgate(srv, raw) {
  const r = spawnSync(srv.bin, ['mailgate', '--db', srv.db, '--mailbox', 'support@vendor-co.example'], { input: raw, encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error('mailgate: ' + r.status + ' ' + r.stderr);
  return JSON.parse(r.stdout);
}

const QUOTE = Buffer.from('%PDF-1.4\nquote for two phones\n%%EOF\n');

test('email desk: case page, a reply with a file attached, an oversize file refused, the case lists the file to download', async (srv) => {
  const got = mailgate(srv, 'From: Toni Files <toni.files@example.com>\nTo: support@vendor-co.example\nSubject: Quote for two phones please\n'
    + 'Message-ID: <browser-files-1@example.com>\n\nCould you send me a quote for two phones?\n');
  const kim = await apiAs(srv, V, 'kim@vendor-co.example');
  const page = await newPage({ viewport: { width: 1366, height: 900 } });
  await signIn(page, srv, V, 'kim@vendor-co.example');
  await page.goto(srv.url + '/cases/' + encodeURIComponent(got.case_id));
  await page.getByRole('heading', { name: /Quote for two phones please/ }).waitFor();
  await settled(page);
  await page.getByText('Reply by email to toni.files@example.com').click();
  const box = page.getByLabel('Your reply');
  await box.waitFor();
  await box.fill('Here is the quote you asked for.');
  const files = page.getByLabel('Attach files');
  await files.setInputFiles({ name: 'too-big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(600 * 1024, 1) });
  await page.getByText('too-big.bin was not added').waitFor();
  check(/attachments\.max_bytes/.test(await page.locator('.attach-status').textContent()), 'the limit is named');
  await files.setInputFiles({ name: 'Quote 2 phones.pdf', mimeType: 'application/pdf', buffer: QUOTE });
  await page.getByText('Quote 2 phones.pdf is ready to send.').waitFor();
  eq(await page.getByRole('list', { name: 'Files to send' }).getByRole('listitem').count(), 1, 'one file to send, not the refused one');
  await axe(page, 'reply with a file');
  await shot(page, 'case-reply-attachment');
  await page.getByRole('button', { name: 'Send reply' }).click();
  const sent = async () => (await kim.get('/api/v1/cases/' + got.case_id)).attachments || [];
  for (let i = 0; i < 150 && !(await sent()).length; i++) await page.waitForTimeout(100);
  const atts = await sent();
  eq(atts.map((a) => [a.filename, a.source, a.size]).join('|'), ['Quote 2 phones.pdf', 'reply', QUOTE.length].join(','), 'the reply carries the file');
  const view = await kim.get('/api/v1/cases/' + got.case_id);
  check(view.mail.some((m) => m.direction === 'outbound' && m.kind === 'reply' && m.touchpoint_id === atts[0].touchpoint_id), 'the reply is in the outbox with it');
  await page.reload();
  await page.getByRole('heading', { name: /Quote for two phones please/ }).waitFor();
  await settled(page);
  const link = page.getByRole('list', { name: 'Files' }).getByRole('link', { name: 'Quote 2 phones.pdf' });
  await link.waitFor();
  eq(await link.getAttribute('download'), 'Quote 2 phones.pdf', 'a download');
  const res = await page.request.get(srv.url + (await link.getAttribute('href')));
  eq(res.status(), 200, 'downloaded');
  eq(res.headers()['content-type'], 'application/octet-stream', 'served as bytes');
  eq(res.headers()['x-content-type-options'], 'nosniff', 'no sniffing');
  check(/^attachment;/.test(res.headers()['content-disposition'] || ''), 'never inline');
  check(Buffer.from(await res.body()).equals(QUOTE), 'the bytes as attached');
  clean(page, 'case reply with a file');
  await page.close();
});

test('email desk: portal, the customer attaches a file to a message and sees it with the files we sent', async (srv) => {
  const kim = await apiAs(srv, V, 'kim@vendor-co.example');
  const toni = (await kim.get('/api/v1/customers?q=toni.files@example.com')).items[0];
  const link = await kim.post('/api/v1/customers/' + toni.id + '/portal-link', {});
  const cust = await newPage({ viewport: { width: 390, height: 844 }, mobile: true });
  await cust.goto(srv.url + link.link);
  await cust.getByRole('heading', { name: /Hello, Toni Files/ }).waitFor();
  await settled(cust);
  const card = cust.locator('section', { has: cust.getByRole('heading', { name: /Quote for two phones please/ }) });
  await card.getByRole('link', { name: 'Quote 2 phones.pdf' }).waitFor();
  await card.getByLabel(/Write to us/).fill('Thanks! A photo of the model I mean is attached.');
  await card.getByLabel('Attach files').setInputFiles({ name: 'model.png', mimeType: 'image/png', buffer: Buffer.from('\x89PNG fake model photo') });
  await card.getByText('model.png is ready to send.').waitFor();
  await card.getByRole('button', { name: 'Send reply' }).click();
  await card.getByText('Sent. We will get back to you.').waitFor();
  const photo = card.getByRole('link', { name: 'model.png' });
  await photo.waitFor();
  check(/^\/api\/v1\/portal\/attachments\//.test(await photo.getAttribute('href')), 'downloaded through the portal');
  const res = await cust.request.get(srv.url + (await photo.getAttribute('href')));
  eq(res.status(), 200, 'the customer downloads their own file');
  check(/^attachment;/.test(res.headers()['content-disposition'] || ''), 'never inline');
  await axe(cust, 'portal with files');
  await shot(cust, 'portal-files');
  const cases = (await kim.get('/api/v1/cases?q=Quote%20for%20two%20phones')).items || [];
  const view = await kim.get('/api/v1/cases/' + (cases[0] ? cases[0].id : ''));
  check((view.attachments || []).some((a) => a.filename === 'model.png' && a.source === 'portal'), 'staff see the customer\'s file on the case');
  clean(cust, 'portal files');
  await cust.close();
});

test('email desk: mailboxes page, an admin adds and changes a mailbox with pickers; others only look', async (srv) => {
  const admin = await apiAs(srv, V, 'admin@vendor-co.example');
  const page = await newPage({ viewport: { width: 1366, height: 900 } });
  await signIn(page, srv, V, 'admin@vendor-co.example');
  await page.goto(srv.url + '/admin');
  await page.getByRole('link', { name: 'Mailboxes (email in and out)' }).click();
  await page.getByRole('heading', { name: 'Mailboxes', level: 1 }).waitFor();
  await settled(page);
  check((await page.locator('table').first().textContent()).includes('support@vendor-co.example'), 'the demo\'s mailbox is listed');
  await page.getByText('Add mailbox', { exact: true }).first().click();
  const add = page.locator('form', { has: page.getByRole('button', { name: 'Add mailbox' }) });
  await add.locator('input[name="name"]').fill('billing'); // its label is "Name *" (required)
  await add.getByLabel('Address').fill('billing@vendor-co.example');
  await add.getByLabel('Team queue').fill('Customer Care');
  await add.getByLabel('Owner of new cases').fill('kim@vendor-co.example');
  await add.getByLabel('Intake location').fill('Springfield');
  await add.getByRole('button', { name: 'Add mailbox' }).click();
  await page.getByRole('cell', { name: 'billing@vendor-co.example' }).waitFor();
  let box = (await admin.get('/api/v1/mailboxes')).items.find((m) => m.name === 'billing');
  check(box && box.owner && box.owner.name.startsWith('Kim') && box.location_id, 'added with the chosen owner and location');
  await settled(page);
  await page.getByText('Change billing', { exact: true }).click();
  const edit = page.locator('form', { has: page.getByRole('button', { name: 'Save billing' }) });
  await edit.getByLabel('Address').fill('invoices@vendor-co.example');
  await edit.getByLabel('On call out of hours (skill)').fill('support-mail');
  await axe(page, 'mailboxes page');
  await shot(page, 'admin-mailboxes');
  await edit.getByRole('button', { name: 'Save billing' }).click();
  await page.getByRole('cell', { name: 'invoices@vendor-co.example' }).waitFor();
  box = (await admin.get('/api/v1/mailboxes')).items.find((m) => m.name === 'billing');
  eq(box.address, 'invoices@vendor-co.example', 'the address changed');
  eq(box.on_call_skill && box.on_call_skill.name, 'support-mail', 'night mail goes to the on-call skill');
  await settled(page);
  await page.getByRole('button', { name: 'Stop offering billing\'s night mail to on-call (support-mail)' }).click();
  for (let i = 0; i < 100 && (await admin.get('/api/v1/mailboxes')).items.find((m) => m.name === 'billing').on_call_skill; i++) await page.waitForTimeout(100);
  eq((await admin.get('/api/v1/mailboxes')).items.find((m) => m.name === 'billing').on_call_skill, null, 'routing stopped');
  clean(page, 'mailboxes admin');
  await page.close();
  // an agent looks, without forms
  const sup = await newPage();
  await signIn(sup, srv, V, 'kim@vendor-co.example');
  await sup.goto(srv.url + '/admin/mailboxes');
  await sup.getByRole('heading', { name: 'Mailboxes', level: 1 }).waitFor();
  await settled(sup);
  await sup.getByText('You can look; changes need an administrator.').waitFor();
  eq(await sup.getByText('Add mailbox').count(), 0, 'no form to add');
  clean(sup, 'mailboxes look');
  await sup.close();
});
