// The served application shell: web/dist is built from the sources; every page is served with a
// Content-Security-Policy and no inline script or style.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { WEB, apiAs, newPage, signIn, settled, check, eq, test } from './lib.mjs';

test('dist is built from the sources', async () => {
  const r = spawnSync(process.execPath, [join(WEB, 'build.mjs'), '--check'], { encoding: 'utf8' });
  check(r.status === 0, 'web/dist is up to date: ' + r.stderr + r.stdout);
});

test('served with a Content-Security-Policy and no inline script', async (srv) => {
  for (const path of ['/', '/cases/case_x', '/portal']) {
    const r = await fetch(srv.url + path);
    const csp = r.headers.get('content-security-policy') || '';
    check(/script-src 'self'/.test(csp) && !/unsafe-inline|unsafe-eval/.test(csp.split(';').find((d) => d.includes('script-src')) || ''), path + ' CSP forbids inline script: ' + csp);
    const html = await r.text();
    check(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), path + ' has no inline <script>');
    check(!/\sstyle=/.test(html) && !/\son[a-z]+=/.test(html), path + ' has no inline style or handlers');
  }
  const html = await (await fetch(srv.url + '/')).text();
  const src = (html.match(/src="(\/assets\/app-[A-Z0-9]+\.js)"/) || [])[1];
  check(!!src, 'index.html names the hashed script: ' + html);
  const js = await fetch(srv.url + src);
  eq(js.status, 200, 'the script is served');
  check(/javascript/.test(js.headers.get('content-type')), 'the script\'s content type');
});

// Page weight (issue 15): loading My day, a case and the Cases page does not fetch the API
// document (forms load it when one is opened), and a second load takes the hashed assets from the
// browser's cache without asking the server.
test('page loads fetch no API document and reuse the cached assets', async (srv) => {
  const dana = await apiAs(srv, 'vendor-co', 'dana@vendor-co.example');
  const sam = (await dana.get('/api/v1/cases?q=Sam&limit=1')).items[0];
  const page = await newPage();
  const asked = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await signIn(page, srv, 'vendor-co', 'dana@vendor-co.example');
  const seen = new Set();
  for (const path of ['/', '/cases/' + sam.id, '/cases']) {
    asked.length = 0;
    await page.goto(srv.url + path);
    await settled(page);
    check(!asked.includes('/api/v1/openapi.json'), path + ' loads without the API document: ' + asked.join(' '));
    const assets = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/assets/')).map((e) => ({ name: e.name, size: e.transferSize, body: e.decodedBodySize })));
    check(assets.length >= 2, path + ' loads the script and the style sheet: ' + JSON.stringify(assets));
    const code = assets.reduce((n, a) => n + a.body, 0);
    check(code < 250000, path + ' loads ' + code + ' bytes of script and style');
    for (const a of assets) seen.add(a.name);
    if (path !== '/') check(assets.every((a) => a.size === 0), path + ' takes them from the browser cache: ' + JSON.stringify(assets));
  }
  // chart.js (about 180 KB) comes with the Leadership page only: what it loads beyond the pages above
  await page.goto(srv.url + '/leadership');
  await settled(page);
  const more = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/assets/')).map((e) => ({ name: e.name, body: e.decodedBodySize })));
  const extra = more.filter((a) => !seen.has(a.name));
  check(extra.reduce((n, a) => n + a.body, 0) > 150000, 'chart.js is loaded by the Leadership page, and by none of the pages above: ' + JSON.stringify(extra));
  await page.goto(srv.url + '/cases/' + sam.id);
  await settled(page);
  asked.length = 0;
  await page.locator('summary', { hasText: 'Add a note' }).click();
  await page.locator('details.action[open] form').waitFor();
  check(asked.includes('/api/v1/openapi.json'), 'opening a form loads the API document');
});
