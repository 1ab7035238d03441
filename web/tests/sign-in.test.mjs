// Signing in and out, and the cookie session's CSRF protection.
import { PASSWORD, newPage, signIn, axe, shot, clean, check, eq, test } from './lib.mjs';

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
