// The sign-in prompt for a session that ended while the page was open: a modal dialog over the
// page, so whatever the person was typing stays where it was.  After signing in, the request that
// met the ended session is sent again (lib/api.js).
import { h } from './dom.js';
import { post, get, session } from './api.js';
import { errorBox } from './ui.js';
import { t } from './msg.js';

let waiting = null;

export function signInAgain() {
  if (waiting) return waiting;
  waiting = new Promise((resolve, reject) => {
    const me = session.me || {};
    const status = h('div', { 'aria-live': 'polite' });
    const pw = h('input', { id: 'reauth-password', name: 'password', type: 'password', required: true, autocomplete: 'current-password' });
    const dlg = h('dialog', { class: 'reauth', 'aria-labelledby': 'reauth-title' });
    const done = (ok, err) => { dlg.close(); dlg.remove(); waiting = null; if (ok) resolve(); else reject(err); };
    const form = h('form', { method: 'dialog', class: 'api-form', onsubmit: async (e) => {
      e.preventDefault();
      status.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('login.signing')));
      try {
        const s = await post('/api/v1/auth/login', { org: me.org ? me.org.slug : '', email: me.email, password: pw.value });
        session.csrf = s.csrf_token;
        try { session.me = await get('/api/v1/me'); session.csrf = session.me.csrf_token || session.csrf; } catch (e2) { /* keep the old one */ }
        done(true);
      } catch (err) { status.replaceChildren(errorBox(err, t('login.failed'))); pw.value = ''; pw.focus(); }
    } },
    h('h2', { id: 'reauth-title' }, t('reauth.title')),
    h('p', {}, t('reauth.text', me.name || me.email || t('reauth.yourself'))),
    h('div', { class: 'field' }, h('label', { for: 'reauth-password' }, t('login.password')), pw),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('login.submit')),
      h('button', { type: 'button', onclick: () => done(false, Object.assign(new Error(t('reauth.notnow.error')), { code: 'unauthenticated' })) }, t('reauth.notnow'))), status);
    dlg.append(form);
    dlg.addEventListener('cancel', (e) => e.preventDefault());
    document.body.append(dlg);
    dlg.showModal();
    pw.focus();
  });
  return waiting;
}
