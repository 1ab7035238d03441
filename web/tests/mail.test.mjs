// The case page's email (issue 16): a message with an attachment piped to the real mailgate opens a
// case; when its promise becomes at risk the reply box opens with the honest words in it, and
// sending them queues the reply; the attachment is a download link (never shown inline); the
// proposal form is there for the pending promise.
import { spawnSync } from 'node:child_process';
import { apiAs, clockNow, newPage, signIn, settled, axe, shot, clean, check, eq, test } from './lib.mjs';

const V = 'vendor-co';

function mailgate(srv, raw, mailbox = 'support@vendor-co.example') {
  const r = spawnSync(srv.bin, ['mailgate', '--db', srv.db, '--mailbox', mailbox], { input: raw, encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error('mailgate: ' + r.status + ' ' + r.stderr);
  return JSON.parse(r.stdout);
}

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

test('case page email: the at-risk words in the reply box, attachments to download, a proposal form', async (srv) => {
  const pdf = Buffer.from('%PDF-1.4 receipt').toString('base64');
  const got = mailgate(srv, 'From: Robin Web <robin.web@example.com>\nTo: support@vendor-co.example\nSubject: Browser mail receipt\n'
    + 'Message-ID: <browser-mail-1@example.com>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n'
    + '--B\nContent-Type: text/plain\n\nMy order never came; receipt attached.\n'
    + '--B\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="receipt <b>.pdf"\nContent-Transfer-Encoding: base64\n\n' + pdf + '\n--B--\n');
  eq(got.status, 'opened', 'the mail opened a case');
  const kim = await apiAs(srv, V, 'kim@vendor-co.example');
  const now = await clockNow(srv);
  const p = await kim.post('/api/v1/cases/' + got.case_id + '/promises', { what: 'a replacement order shipped', due_at: iso(now + 2 * 86400000), channel: 'email' });
  const req = await kim.post('/api/v1/cases/' + got.case_id + '/requests', { what: 'ship a replacement', due_at: iso(now + 86400000), to_team: 'Dispatch', blocks: [p.id] });
  const who = await apiAs(srv, V, 'devon@vendor-co.example'); // Dispatch
  await who.post('/api/v1/requests/' + req.id + '/decline', { reason: 'the warehouse is out of stock' }).catch(async () => {
    await who.post('/api/v1/requests/' + req.id + '/accept', {});
    await who.post('/api/v1/requests/' + req.id + '/decline', { reason: 'the warehouse is out of stock' });
  });
  const view = await kim.get('/api/v1/cases/' + got.case_id);
  check(view.mail_draft && view.mail_draft.reason === 'at_risk', 'the case has the at-risk draft');

  const page = await newPage({ viewport: { width: 1366, height: 900 } });
  await signIn(page, srv, V, 'kim@vendor-co.example');
  await page.goto(srv.url + '/cases/' + encodeURIComponent(got.case_id));
  await page.getByRole('heading', { name: /Browser mail receipt/ }).waitFor();
  await settled(page);
  const box = page.getByLabel('Your reply');
  await box.waitFor();
  const text = await box.inputValue();
  check(/at risk/.test(text) && /a replacement order shipped/.test(text) && /out of stock|declined/.test(text), 'the honest words are in the reply box: ' + text);
  check(await page.getByText('Propose a new time by email for "a replacement order shipped"').count() === 1, 'a proposal form for the pending promise');
  await axe(page, 'case page with email');
  await shot(page, 'case-mail');
  await page.getByRole('button', { name: 'Send reply' }).click();
  // the confirmation, unless the live update of the case (the reply changed it) redrew the page first:
  // then the reply itself is on the case
  const queued = async () => (await kim.get('/api/v1/cases/' + got.case_id)).mail.some((m) => m.direction === 'outbound' && m.kind === 'reply');
  for (let i = 0; i < 150 && !(await page.getByText('Reply queued').count()) && !(await queued()); i++) await page.waitForTimeout(100);
  const after = await kim.get('/api/v1/cases/' + got.case_id);
  eq(after.mail_draft, null, 'told: the draft is gone');
  check(after.mail.some((m) => m.direction === 'outbound' && m.kind === 'reply'), 'the reply is in the outbox');
  // the attachment: a download link, never rendered
  await page.reload();
  await page.getByRole('heading', { name: /Browser mail receipt/ }).waitFor();
  await settled(page);
  await page.getByRole('button', { name: 'Show original' }).first().click();
  const link = page.getByRole('region', { name: 'Email in and out of this case' }).getByRole('link', { name: 'receipt <b>.pdf' });
  await link.waitFor();
  // the case's files list it too, with the same download
  eq(await page.getByRole('list', { name: 'Files' }).getByRole('link', { name: 'receipt <b>.pdf' }).getAttribute('href'), await link.getAttribute('href'), 'listed with the case\'s files');
  check(/^\/api\/v1\/mail\/attachments\//.test(await link.getAttribute('href')), 'it links to the download');
  check((await link.getAttribute('download')) === 'receipt <b>.pdf', 'as a download, the name as text');
  const res = await page.request.get(srv.url + (await link.getAttribute('href')));
  eq(res.headers()['content-type'], 'application/octet-stream', 'served as bytes');
  check(/^attachment;/.test(res.headers()['content-disposition']), 'never inline');
  eq(await page.evaluate(() => window.__xss), undefined, 'no markup ran');
  clean(page, 'case mail');
  await page.close();
});

test('alerts: mail held for review is released onto a case by a person, and its case says so', async (srv) => {
  const admin = await apiAs(srv, V, 'admin@vendor-co.example');
  await admin.post('/api/v1/mailboxes', { name: 'checked-web', address: 'checked-web@vendor-co.example', team: 'Customer Care',
    owner: 'kim@vendor-co.example', authserv_id: 'mx.vendor-co.example' });
  const held = mailgate(srv, 'From: Quinn Held <quinn.held@example.com>\nTo: checked-web@vendor-co.example\nSubject: Held in the browser\n'
    + 'Message-ID: <browser-held-1@example.com>\nAuthentication-Results: mx.vendor-co.example; dmarc=fail header.from=example.com\n\n'
    + 'My own provider fails DMARC, sorry.\n', 'checked-web@vendor-co.example');
  eq(held.status, 'held', 'held for review');
  const page = await newPage({ viewport: { width: 1366, height: 900 } });
  await signIn(page, srv, V, 'kim@vendor-co.example');
  await page.goto(srv.url + '/alerts');
  await settled(page);
  await axe(page, 'alerts-held');
  await page.getByRole('button', { name: /Release onto a case: Mail from quinn\.held@example\.com/ }).click();
  await page.getByRole('heading', { name: /Held in the browser/ }).waitFor(); // taken to the case it is on now
  const kim = await apiAs(srv, V, 'kim@vendor-co.example');
  const cs = await kim.get(new URL(page.url()).pathname.replace('/cases/', '/api/v1/cases/'));
  check(cs.history.some((e) => e.kind === 'mail.released'), 'the case history records the release');
  clean(page, 'alerts');
  await page.context().close();
});
