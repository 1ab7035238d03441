// Live pages: one Server-Sent Events stream per tab (GET /api/v1/events/stream).  The browser's
// EventSource reconnects by itself and sends Last-Event-ID, so nothing is missed across a drop.
// Pages subscribe with onLive(kind, fn) and unsubscribe with the function it returns.
const subs = { case: new Set(), alerts: new Set(), hello: new Set(), signed_out: new Set() };
let source = null;
export const liveState = { unread: null, connected: false };

export function onLive(kind, fn) {
  subs[kind].add(fn);
  return () => subs[kind].delete(fn);
}

function emit(kind, data) { for (const fn of [...subs[kind]]) { try { fn(data); } catch (e) { /* one page's trouble stays its own */ } } }

export function startLive() {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/v1/events/stream');
  source.addEventListener('open', () => { liveState.connected = true; document.documentElement.dataset.live = 'on'; });
  source.addEventListener('error', () => { liveState.connected = false; document.documentElement.dataset.live = 'off'; });
  source.addEventListener('hello', (e) => { const d = JSON.parse(e.data); liveState.unread = d.unread; emit('hello', d); emit('alerts', d); });
  source.addEventListener('alerts', (e) => { const d = JSON.parse(e.data); liveState.unread = d.unread; emit('alerts', d); });
  source.addEventListener('case', (e) => emit('case', JSON.parse(e.data)));
  source.addEventListener('signed_out', () => { stopLive(); emit('signed_out', {}); });
}

export function stopLive() {
  if (source) source.close();
  source = null;
  liveState.connected = false;
  document.documentElement.dataset.live = 'off';
}

// Subscriptions that belong to the page on screen: main.js drops them when another page is shown.
const pageSubs = [];
export function onPage(kind, fn) { pageSubs.push(onLive(kind, fn)); }
export function clearPageSubs() { while (pageSubs.length) pageSubs.pop()(); }
