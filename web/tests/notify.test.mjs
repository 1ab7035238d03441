// My notifications (/me) and the webhooks admin page (/admin/webhooks).
import { apiAs, newPage, signIn, settled, axe, shot, clean, check, eq, test } from './lib.mjs';

test('my notifications: choose a channel, quiet hours and digest hour', async (srv) => {
  const page = await newPage();
  await signIn(page, srv, 'northwind', 'rosa@northwind.example');
  await page.getByRole('link', { name: /Rosa Alvarez/ }).click();
  await page.getByRole('heading', { name: 'My notifications' }).waitFor();
  await settled(page);
  await axe(page, '/me');
  await page.getByLabel('a request for you or your team').selectOption('email');
  await page.getByLabel('Quiet from').fill('21:30');
  await page.getByLabel('Quiet until').fill('06:30');
  await page.getByLabel('Hour of my daily digest').fill('9');
  await page.getByRole('button', { name: 'Save notifications' }).click();
  await page.getByText('Notifications saved.').waitFor();
  const rosa = await apiAs(srv, 'northwind', 'rosa@northwind.example');
  const p = await rosa.get('/api/v1/me/notifications');
  eq(p.kinds.find((k) => k.kind === 'request_new').channel, 'email', 'the channel is saved');
  eq(JSON.stringify(p.quiet_hours), JSON.stringify({ from: '21:30', to: '06:30' }), 'the quiet hours are saved');
  eq(p.digest_hour, 9, 'the digest hour is saved');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'my-notifications');
  await page.getByLabel('Time zone').fill('Mars/Olympus');
  await page.getByRole('button', { name: 'Save notifications' }).click();
  const refused = page.locator('[role=alert][data-code="unknown_time_zone"]');
  await refused.waitFor();
  check(!/unknown_time_zone/.test(await refused.textContent()), 'a refused change says why in words; its code stays out of sight: ' + await refused.textContent());
  clean(page, '/me');
  await page.context().close();
});

test('webhooks admin page: add one, see its secret once, disable it', async (srv) => {
  const page = await newPage({ viewport: { width: 1280, height: 1200 } });
  await signIn(page, srv, 'northwind', 'admin@northwind.example');
  await page.goto(srv.url + '/admin');
  await page.getByRole('link', { name: 'Webhooks and their delivery log' }).click();
  await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
  await settled(page);
  await page.getByText('Add webhook', { exact: true }).first().click();
  await page.getByLabel('Url').fill('https://hooks.example.com/northwind');
  await page.getByLabel('breach').check();
  await page.getByRole('button', { name: 'Add webhook' }).click();
  const secret = await page.locator('code', { hasText: 'whsec_' }).textContent();
  check(secret.startsWith('whsec_'), 'the secret is shown once');
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('heading', { name: 'https://hooks.example.com/northwind' }).waitFor();
  await axe(page, '/admin/webhooks');
  await shot(page, 'webhooks');
  await page.getByRole('button', { name: 'Disable' }).click();
  await page.getByText('disabled', { exact: true }).waitFor();
  const admin = await apiAs(srv, 'northwind', 'admin@northwind.example');
  const hooks = (await admin.get('/api/v1/webhooks')).items;
  eq(hooks.map((w) => w.status).join(), 'disabled', 'disabled through the page');
  await page.getByText('Delivery log').click();
  await page.getByText('No attempts yet.').waitFor();
  clean(page, '/admin/webhooks');
  await page.context().close();
});
