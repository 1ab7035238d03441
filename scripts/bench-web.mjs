#!/usr/bin/env node
// Cold page loads in Chromium (issue 15): My day, a case page with 50 timeline entries and the Cases
// page, each loaded ROUNDS times in a fresh browser context (empty HTTP cache, signed in), against a
// blank page loaded from the same server in the same rounds (GET /healthz as a document: one round
// trip and Chromium's navigation, nothing of ours).  Also the same pages loaded again in the same
// context (warm: the hashed assets come from the browser's cache).
//
//   node scripts/bench-web.mjs                 (release ./frontline, fresh demo database)
//   ROUNDS=15 FRONTLINE_BIN=./frontline node scripts/bench-web.mjs
//   SERVE_BIN=/other/frontline node scripts/bench-web.mjs     (serve the demo with another build)
//   SERVE_BIN_B=/other/frontline node scripts/bench-web.mjs   (and that build beside this one, on a
//                                                             copy of the same data, in the same rounds)
//
// A page counts as loaded when its heading is shown and no section is still loading (what a person
// waits for: the first render with data), measured from the navigation start by performance.now().
// Prints a Markdown table (median and 90th percentile in ms, and the median as a ratio to the blank
// page) with the load average before and after.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(ROOT, 'web/package.json'));
const { chromium } = require('playwright-core');
const BIN = process.env.FRONTLINE_BIN || join(ROOT, 'frontline');
const SERVE_BIN = process.env.SERVE_BIN || BIN;
const ROUNDS = parseInt(process.env.ROUNDS || '11', 10);
const PASSWORD = 'frontline-demo';

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const port = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
function cli(...args) {
  const t0 = Date.now();
  const r = spawnSync(BIN, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(args.join(' ') + ': ' + r.stderr);
  return Date.now() - t0;
}

async function api(url, token, method, path, body) {
  const r = await fetch(url + path, { method, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  if (!r.ok) throw new Error(method + ' ' + path + ': ' + r.status + ' ' + await r.text());
  return r.json();
}

// A case with 50 entries on its timeline: opened, then contacts and notes as a busy case gathers.
async function busyCase(url) {
  const s = await (await fetch(url + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ org: 'vendor-co', email: 'dana@vendor-co.example', password: PASSWORD }) })).json();
  const c = await api(url, s.token, 'POST', '/api/v1/cases', { subject: 'A case with a long history', channel: 'phone', customer_name: 'Bench Mark', customer_phone: '+1 217 555 0199' });
  for (let i = 0; ; i++) {
    const h = await api(url, s.token, 'GET', '/api/v1/cases/' + c.id + '/history');
    const n = (h.items || h.events || []).length;
    if (n >= 50) return { id: c.id, entries: n };
    if (i % 2) await api(url, s.token, 'POST', '/api/v1/cases/' + c.id + '/notes', { body: 'Checked with the store, entry ' + i });
    else await api(url, s.token, 'POST', '/api/v1/cases/' + c.id + '/touchpoints', { channel: 'phone', direction: i % 4 ? 'inbound' : 'outbound', summary: 'Called about the order, entry ' + i });
  }
}

const ready = () => {
  const main = document.querySelector('main');
  return !!(main && main.querySelector('h1') && !document.querySelector('[aria-busy="true"]') && !main.querySelector('.loading'));
};

async function timeLoad(page, url, blank) {
  await page.goto(url, { waitUntil: blank ? 'load' : 'commit' });
  if (!blank) await page.waitForFunction(ready, null, { polling: 'raf', timeout: 30000 });
  return page.evaluate(() => performance.now());
}

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const p90 = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]; };

async function serve(bin, file) {
  const p = await port();
  const proc = spawn(bin, ['serve', '--db', file, '--listen', '127.0.0.1:' + p, '--threads', '4'], { stdio: ['ignore', 'ignore', 'ignore'] });
  const url = 'http://127.0.0.1:' + p;
  for (let i = 0; i < 200; i++) { try { if ((await fetch(url + '/healthz')).ok) break; } catch (e) { /* not yet */ } await new Promise((r) => setTimeout(r, 50)); }
  return { proc, url };
}

async function signedIn(browser, url) {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await p.goto(url + '/login');
  await p.getByLabel('Organization').fill('vendor-co');
  await p.getByLabel('Email').fill('dana@vendor-co.example');
  await p.getByLabel('Password').fill(PASSWORD);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'My day' }).waitFor();
  const state = await ctx.storageState();
  await ctx.close();
  return state;
}

function report(label, pages, cold, warm) {
  const b = median(cold[0]), bw = median(warm[0]);
  console.log('\n' + label + '\n');
  console.log('| page | cold median ms | cold p90 ms | cold / blank | warm median ms | warm / blank |');
  console.log('|---|---|---|---|---|---|');
  pages.forEach(([name], i) => console.log('| ' + name + ' | ' + median(cold[i]).toFixed(0) + ' | ' + p90(cold[i]).toFixed(0) + ' | ' + (median(cold[i]) / b).toFixed(1) + ' | ' + median(warm[i]).toFixed(0) + ' | ' + (median(warm[i]) / bw).toFixed(1) + ' |'));
}

// With SERVE_BIN_B, a second server (that build) on a copy of the same database, measured in the
// same rounds, page by page in turn: an A/B of two web UIs on the same data and the same machine.
const B_BIN = process.env.SERVE_BIN_B;
const dir = mkdtempSync(join(tmpdir(), 'fl-bench-web-'));
const db = join(dir, 'web.db');
cli('init', '--db', db);
const demoMs = cli('demo', '--db', db);
const servers = [];
try {
  servers.push(await serve(SERVE_BIN, db));
  const bc = await busyCase(servers[0].url);
  if (B_BIN) {
    cli('backup', '--db', db, join(dir, 'b.db'));
    servers.push(await serve(B_BIN, join(dir, 'b.db')));
  }
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const states = [];
  for (const s of servers) states.push(await signedIn(browser, s.url));
  const pages = [['blank page (/healthz)', '/healthz', true], ['My day', '/'], ['case page, ' + bc.entries + ' timeline entries', '/cases/' + bc.id], ['Cases page', '/cases']];
  const cold = servers.map(() => pages.map(() => [])), warm = servers.map(() => pages.map(() => []));
  const before = loadavg();
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < pages.length; i++) {
      for (let k = 0; k < servers.length; k++) {
        const ctx = await browser.newContext({ storageState: states[k], viewport: { width: 1366, height: 768 } });
        const page = await ctx.newPage();
        cold[k][i].push(await timeLoad(page, servers[k].url + pages[i][1], pages[i][2]));
        warm[k][i].push(await timeLoad(page, servers[k].url + pages[i][1], pages[i][2]));
        await ctx.close();
      }
    }
  }
  const after = loadavg();
  await browser.close();
  console.log('cold and warm page loads in Chromium, ' + ROUNDS + ' rounds; load average ' + before + ' before, ' + after + ' after; the demo (' + BIN + ') loaded in ' + demoMs + ' ms');
  report('served by ' + SERVE_BIN, pages, cold[0], warm[0]);
  if (B_BIN) {
    report('served by ' + B_BIN + ' (same rounds)', pages, cold[1], warm[1]);
    console.log('\n| page | cold, ' + B_BIN + ' / ' + SERVE_BIN + ' (medians) |\n|---|---|');
    pages.forEach(([name], i) => console.log('| ' + name + ' | ' + (median(cold[1][i]) / median(cold[0][i])).toFixed(2) + ' |'));
  }
} finally {
  for (const s of servers) s.proc.kill();
  rmSync(dir, { recursive: true, force: true });
}
