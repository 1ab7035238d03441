// The browser tests' shared helpers: the server (a real `frontline serve --test-clock` on a demo
// database), signed-in API clients for setting a scene, the browser (Debian's Chromium through
// playwright-core) with page checks (axe, CSP, script errors, screenshots), and the runner.
//
// A test file registers its tests with test(name, fn); fn gets the server and uses check/eq (which
// record a failure and go on) or throws (a failure) or skipUnless (a skip, reported as such).
// web/tests/run.mjs imports the test files in order and calls runAll().
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));
export const WEB = dirname(HERE);
const ROOT = dirname(WEB);
const BIN = process.env.FRONTLINE_BIN || join(ROOT, 'build/san/frontline');
const SHOTS = join(ROOT, 'docs/screenshots');
const TAKE_SHOTS = process.env.SCREENSHOTS !== '0';
export const PASSWORD = 'frontline-demo';
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const XSS = {
  script: '<script>window.__xss=1</script>',
  img: '<img src=x onerror="window.__xss=2">',
  js: 'javascript:window.__xss=3',
  a: '<a href="javascript:window.__xss=4">click me</a>',
};

// ---------------------------------------------------------------- the server
function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

function cli(...args) {
  // the quarter's demo under the ASan build: minutes on a loaded machine (longer on PostgreSQL)
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: process.env.FRONTLINE_PG ? 900000 : 600000 });
  if (r.status !== 0) throw new Error(BIN + ' ' + args.join(' ') + ' failed: ' + r.stderr);
  return r.stdout;
}

// The database: a file, or with FRONTLINE_PG (scripts/pg-cluster.sh's URL) a new PostgreSQL database.
function newDb(dir) {
  const pg = process.env.FRONTLINE_PG;
  if (!pg) return join(dir, 'web.db');
  const name = 'fl_web_' + Math.random().toString(16).slice(2, 14);
  const r = spawnSync('psql', [pg + '/postgres', '-qc', 'CREATE DATABASE ' + name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('psql: ' + r.stderr);
  return pg + '/' + name;
}

async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'fl-web-'));
  const db = newDb(dir);
  cli('init', '--db', db);
  // FRONTLINE_DEMO_DAYS (as the e2e tests' lib.py): a shorter history before the stories (default: the quarter)
  cli('demo', '--db', db, ...(process.env.FRONTLINE_DEMO_DAYS ? ['--days', process.env.FRONTLINE_DEMO_DAYS] : []));
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:' + port, '--threads', '4', '--test-clock'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; if (log.length > 200000) log = log.slice(-100000); });
  const url = 'http://127.0.0.1:' + port;
  for (let i = 0; i < 200; i++) {
    try { const r = await fetch(url + '/healthz'); if (r.ok) break; } catch (e) { /* not yet */ }
    if (proc.exitCode !== null) throw new Error('server exited: ' + log);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, proc, dir, db, bin: BIN, log: () => log };
}

// A signed-in API client (Bearer token) for setting the scene.
export async function apiAs(srv, org, email) {
  const r = await fetch(srv.url + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ org, email, password: PASSWORD }) });
  const s = await r.json();
  if (!r.ok) throw new Error('login ' + email + ': ' + JSON.stringify(s));
  const call = async (method, path, body) => {
    const resp = await fetch(srv.url + path, { method, headers: { Authorization: 'Bearer ' + s.token, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await resp.text();
    const data = text ? JSON.parse(text) : null;
    if (!resp.ok) throw Object.assign(new Error(method + ' ' + path + ' -> ' + resp.status + ' ' + text), { status: resp.status, data });
    return data;
  };
  return { call, person: s.person, get: (p) => call('GET', p), post: (p, b) => call('POST', p, b || {}) };
}


// The server's manual clock: now (ms) and moving it forward.
export async function clockNow(srv) {
  return Date.parse((await (await fetch(srv.url + '/api/v1/test/clock')).json()).now);
}

export async function advanceClock(srv, ms) {
  await fetch(srv.url + '/api/v1/test/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advance_ms: ms }) });
}

// The server's OpenAPI document (fetched once).
let openapiDoc = null;
export async function openapi(srv) {
  if (!openapiDoc) openapiDoc = await (await fetch(srv.url + '/api/v1/openapi.json')).json();
  return openapiDoc;
}

export async function hasRoute(srv, method, pattern) {
  const item = (await openapi(srv)).paths[pattern];
  return !!(item && item[method.toLowerCase()]);
}

// ---------------------------------------------------------------- the browser
let browser;
let openPages = [];
export async function newPage(opts = {}) {
  const ctx = await browser.newContext({ timezoneId: opts.tz || 'America/Chicago', locale: 'en-US', viewport: opts.viewport || { width: 1280, height: 900 }, isMobile: !!opts.mobile, hasTouch: !!opts.mobile });
  const page = await ctx.newPage();
  page.cspViolations = [];
  page.jsErrors = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) page.cspViolations.push(m.text()); });
  page.on('pageerror', (e) => page.jsErrors.push(String(e)));
  page.on('dialog', (d) => { page.jsErrors.push('dialog opened: ' + d.message()); d.dismiss(); });
  page.setDefaultTimeout(15000);
  openPages.push(page);
  return page;
}

export async function signIn(page, srv, org, email) {
  await page.goto(srv.url + '/login');
  await page.getByLabel('Organization').fill(org);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'My day' }).waitFor();
}

// Wait until no section is still loading.
export async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && !document.querySelector('main .loading'), null, { timeout: 20000 });
}

export async function axe(page, label) {
  await settled(page);
  await page.evaluate(AXE);
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, 'axe on ' + label + ': ' + JSON.stringify(bad));
}

export async function shot(page, name) {
  if (!TAKE_SHOTS) return;
  await settled(page);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name + '.png'), fullPage: false });
}

export function clean(page, label) {
  check(page.cspViolations.length === 0, label + ': no CSP violations: ' + page.cspViolations.join(' | '));
  check(page.jsErrors.length === 0, label + ': no script errors: ' + page.jsErrors.join(' | '));
}


// ---------------------------------------------------------------- a tiny runner
let failures = [];
let checks = 0; // a test that made no check fails: it could not have failed
export function check(cond, msg) { checks++; if (!cond) failures.push(msg); return cond; }
export function eq(a, b, msg) { return check(a === b, msg + ': expected ' + JSON.stringify(b) + ', got ' + JSON.stringify(a)); }
class Skip extends Error {}
export function skipUnless(cond, why) { if (!cond) throw new Skip(why); }

const TESTS = [];
export const test = (name, fn) => TESTS.push({ name, fn });

// ---------------------------------------------------------------- running every registered test
export async function runAll() {
  if (!existsSync(BIN)) { console.error('no binary at ' + BIN + ' (make build/san/frontline)'); console.log('0 passed, 1 failed'); process.exit(1); }
  const only = process.env.TEST_ONLY;
  let srv;
  let passed = 0, failed = 0, skipped = 0;
  const userDir = mkdtempSync(join(tmpdir(), 'fl-chromium-'));
  try {
    srv = await startServer();
    // Playwright gives every launch a fresh profile; a fresh --user-data-dir is only allowed with
    // launchPersistentContext, so the profile directory is Playwright's own temporary one.
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disk-cache-dir=' + userDir],
    });
    for (const t of TESTS) {
      if (only && !t.name.includes(only)) continue;
      failures = [];
      checks = 0;
      const t0 = Date.now();
      let status = 'ok  ';
      try { await t.fn(srv); } catch (e) {
        if (e instanceof Skip) { status = 'skip'; } else { failures.push(t.name + ' raised ' + (e && e.stack ? e.stack.split('\n').slice(0, 4).join(' | ') : e)); }
      }
      if (status !== 'skip' && checks === 0 && !failures.length) failures.push(t.name + ' checked nothing (a test must be able to fail)');
      if (failures.length) {
        // what the browser showed, for whoever reads the failure
        const dir = join(WEB, 'test-results');
        mkdirSync(dir, { recursive: true });
        let i = 0;
        for (const p of openPages) { if (!p.isClosed()) { i++; await p.screenshot({ path: join(dir, t.name.replace(/\W+/g, '-') + '-' + i + '.png'), fullPage: true }).catch(() => {}); } }
      }
      for (const p of openPages) if (!p.isClosed()) await p.context().close().catch(() => {});
      openPages = [];
      if (failures.length) { status = 'FAIL'; failed++; for (const f of failures) console.log('  FAIL: ' + f); } else if (status === 'skip') { skipped++; } else { passed++; }
      console.log(status + ' ' + t.name + ' (' + ((Date.now() - t0) / 1000).toFixed(1) + 's)');
    }
  } catch (e) {
    console.log('  FAIL: setup: ' + (e && e.stack ? e.stack : e));
    failed++;
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (srv) {
      srv.proc.kill('SIGTERM');
      await new Promise((r) => { if (srv.proc.exitCode !== null) r(); else srv.proc.on('exit', r); setTimeout(r, 15000); });
      if (srv.proc.exitCode && srv.proc.exitCode !== 0) { console.log('  FAIL: server exited with ' + srv.proc.exitCode + ':\n' + srv.log().slice(-3000)); failed++; }
      rmSync(srv.dir, { recursive: true, force: true });
    }
    rmSync(userDir, { recursive: true, force: true });
  }
  if (skipped) console.log(skipped + ' skipped (their APIs are not on this server yet)');
  console.log(passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
}
