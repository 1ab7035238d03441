// S7, a promise that can be kept (issue 18): on a Saturday afternoon Chris, at the web chat, is about
// to promise Sam his phones in three hours at Store 12.  The promise form shows, live, that Store 12's
// own history makes that about a third likely, the honest 80% time in Chicago time, the evidence and
// the walk-in policy risk.  Chris takes the offered time with one click; the promise records the
// estimate; the store completes before it; the promise is kept.  Runs last: it moves the clock on.
import { apiAs, clockNow, advanceClock, hasRoute, newPage, signIn, settled, axe, shot, clean, check, eq, skipUnless, test } from './lib.mjs';

// The next Saturday 15:30 in Chicago after t (ms).
function nextSaturdayAfternoon(t) {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', weekday: 'short', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
  for (let x = Math.ceil(t / 900e3) * 900e3; x < t + 9 * 86400e3; x += 900e3) {
    const p = Object.fromEntries(f.formatToParts(new Date(x)).map((q) => [q.type, q.value]));
    if (p.weekday === 'Sat' && p.hour === '15' && p.minute === '30') return x;
  }
  throw new Error('no Saturday found');
}

function localInput(ms) { // datetime-local text in Chicago (the browser's zone in these tests)
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(ms)).map((q) => [q.type, q.value]));
  return p.year + '-' + p.month + '-' + p.day + 'T' + p.hour + ':' + p.minute;
}

test('S7: Chris sees the honest time for Store 12 and the promise is kept', async (srv) => {
  skipUnless(await hasRoute(srv, 'GET', '/api/v1/estimates'), 'estimates API not on this server');
  const now = await clockNow(srv);
  const sat = nextSaturdayAfternoon(now);
  await advanceClock(srv, sat - now);
  const chris = await apiAs(srv, 'vendor-co', 'chris@vendor-co.example');
  const sam = (await chris.get('/api/v1/customers?q=sam.carter@example.com')).items[0];
  const cs = await chris.post('/api/v1/cases', { customer_id: sam.id, subject: 'Two phones for pickup this afternoon', channel: 'chat' });

  const page = await newPage({ tz: 'America/Chicago' });
  await signIn(page, srv, 'vendor-co', 'chris@vendor-co.example');
  await page.goto(srv.url + '/cases/' + cs.id);
  await page.getByRole('heading', { name: /Two phones for pickup/ }).waitFor();
  await settled(page);
  await page.getByText('Record a promise to the customer').click();
  const form = page.locator('details.action[open] form');
  await form.getByLabel('What was promised').fill('Two phones ready for pickup at Store 12');
  await form.getByLabel('Channel').selectOption('chat');
  await form.getByLabel('Delivered by (team)').selectOption('Store 12');
  await form.getByLabel('Kind').fill('hold');
  await form.getByLabel('Due').fill(localInput(sat + 3 * 3600e3));
  const panel = form.locator('.estimate');
  await panel.locator('.estimate-warning').waitFor();
  const text = await panel.textContent();
  const pct = Number((text.match(/About (\d+)% likely/) || [])[1]);
  check(pct >= 20 && pct <= 50, 'a 3-hour pickup is about a third likely: ' + text);
  check(/Store 12 finished \d+ of its last \d+ Saturday-afternoon holds within/.test(text), 'the evidence in one sentence: ' + text);
  check(text.includes('Walk-in customers are served first'), 'the walk-in policy named as a risk: ' + text);
  check(/80% (Sat )?\d\d:\d\d/.test(text) && text.includes('Chicago time'), 'likely-by times in Chicago time: ' + text);
  const offered = (text.match(/Use the 80% time \(([^)]+)\)/) || [])[1];
  check(!!offered, 'the 80% time is offered: ' + text);
  await panel.scrollIntoViewIfNeeded();
  await axe(page, 'promise form with an estimate warning');
  await shot(page, 'estimate-warning');
  await panel.getByRole('button', { name: /Use the 80% time/ }).click();
  await page.waitForFunction(() => { const p = document.querySelector('details.action[open] .estimate'); return p && !p.querySelector('.estimate-warning') && /About \d+% likely/.test(p.textContent); });
  const after = await form.locator('.estimate').textContent();
  check(Number((after.match(/About (\d+)% likely/) || [])[1]) >= 80, 'at the offered time at least 80% likely: ' + after);
  await form.getByRole('button', { name: 'Record promise' }).click();
  let prom = null;
  for (let i = 0; i < 100 && !prom; i++) {
    prom = (await chris.get('/api/v1/cases/' + cs.id)).promises.find((p) => p.what === 'Two phones ready for pickup at Store 12');
    if (!prom) await new Promise((r) => setTimeout(r, 100));
  }
  await settled(page);
  check(!!prom && prom.estimate && !prom.estimate.warned && prom.estimate.probability >= 0.8, 'the promise records the honest estimate: ' + JSON.stringify(prom && prom.estimate));
  eq(prom.estimate.level, 'holder_kind_bucket', "Store 12's Saturday-afternoon holds");
  // the store holds the phones before the promised time, and the promise is kept
  const req = await chris.post('/api/v1/cases/' + cs.id + '/requests', { what: 'hold two phones for Sam', due_at: prom.due_at, to_team: 'Store 12', kind: 'hold', blocks: [prom.id] });
  await advanceClock(srv, Date.parse(prom.due_at) - 25 * 60e3 - (await clockNow(srv)));
  const dana = await apiAs(srv, 'vendor-co', 'dana@vendor-co.example');
  await dana.post('/api/v1/requests/' + req.id + '/complete', { note: 'two phones on hold at the counter' });
  const chris2 = await apiAs(srv, 'vendor-co', 'chris@vendor-co.example');
  const kept = await chris2.post('/api/v1/promises/' + prom.id + '/keep', { note: 'Sam picked up both phones' });
  eq(kept.status, 'kept', 'the promise is kept');
  clean(page, 'promise form with an estimate');
  await page.context().close();
});
