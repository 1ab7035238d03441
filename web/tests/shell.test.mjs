// The served application shell: web/dist is built from the sources; every page is served with a
// Content-Security-Policy and no inline script or style.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { WEB, check, eq, test } from './lib.mjs';

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
  const js = await fetch(srv.url + '/app.js');
  eq(js.status, 200, 'app.js served');
  check(/javascript/.test(js.headers.get('content-type')), 'app.js content type');
});
