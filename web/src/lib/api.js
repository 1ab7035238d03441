// The public JSON API, and nothing else.  Cookie sessions send the CSRF token on every change.
import { t } from './msg.js';
export const session = { csrf: null, me: null, portal: false };

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message || ('HTTP ' + status));
    this.status = status; this.code = code || 'http_' + status; this.field = field || null;
  }
}

// What the signed-in person may do: the permission names of the table in src/core/roles.c, as
// GET /api/v1/me lists them.  Screens show a control only when this says yes.
export function may(...perms) {
  const have = (session.me && session.me.permissions) || [];
  return perms.some((p) => have.includes(p));
}

// Set by main.js: called when a signed-in person's session ended; resolves once they signed in
// again (the page, and whatever they were typing, stays as it was), or rejects if they gave up.
export const hooks = { signInAgain: null };

export async function api(method, path, body, retried) {
  const r = await once(method, path, body);
  if (r.status === 401 && !retried && hooks.signInAgain && session.me && !path.startsWith('/api/v1/auth/')) {
    await hooks.signInAgain();
    return api(method, path, body, true);
  }
  return finish(r);
}

async function once(method, path, body) {
  const headers = { Accept: 'application/json' };
  const opts = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) { headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  try { return await fetch(path, opts); } catch (e) { throw new ApiError(0, 'network', t('api.unreachable')); }
}

async function finish(r) {
  let data = null;
  const text = await r.text();
  if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
  if (!r.ok) {
    const err = (data && data.error) || {};
    throw new ApiError(r.status, err.code, err.message || r.statusText, err.field);
  }
  return data;
}

export const get = (p) => api('GET', p);
export const post = (p, b) => api('POST', p, b || {});
export const patch = (p, b) => api('PATCH', p, b || {});

// A GET that answers null when the route does not exist (a capability not installed yet).
export async function optional(path) {
  try { return await get(path); } catch (e) {
    if (e.status === 404 && e.code === 'not_found') return null;
    if (e.status === 405) return null;
    throw e;
  }
}

export function withQuery(path, q) {
  const parts = [];
  for (const [k, v] of Object.entries(q || {})) if (v !== undefined && v !== null && v !== '') parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
  if (!parts.length) return path;
  return path + (path.includes('?') ? '&' : '?') + parts.join('&');
}

export const csvHref = (path) => withQuery(path, { format: 'csv' });

let openapiDoc = null;
export async function openapi() {
  if (!openapiDoc) openapiDoc = await get('/api/v1/openapi.json');
  return openapiDoc;
}

// The operation for METHOD path-pattern, or null when the server does not have it.
export async function operation(method, pattern) {
  const doc = await openapi();
  const item = doc.paths && doc.paths[pattern];
  return (item && item[method.toLowerCase()]) || null;
}

export async function hasRoute(method, pattern) { return !!(await operation(method, pattern)); }
