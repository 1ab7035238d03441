import { h } from '../lib/dom.js';
import { post, session } from '../lib/api.js';
import { errorBox } from '../lib/ui.js';
import { t } from '../lib/msg.js';

export function loginPage(onDone) {
  const status = h('div', { 'aria-live': 'polite' });
  const last = (() => { try { return localStorage.getItem('frontline.org') || ''; } catch (e) { return ''; } })();
  const form = h('form', { class: 'login', 'aria-labelledby': 'login-title', onsubmit: async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    const btn = e.target.querySelector('button');
    btn.disabled = true;
    status.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('login.signing')));
    try {
      const s = await post('/api/v1/auth/login', { org: f.org.value.trim(), email: f.email.value.trim(), password: f.password.value });
      session.csrf = s.csrf_token; session.me = null;
      try { localStorage.setItem('frontline.org', f.org.value.trim()); } catch (e2) { /* private mode */ }
      onDone();
    } catch (err) {
      status.replaceChildren(errorBox(err, t('login.failed')));
      f.password.value = ''; f.password.focus();
    } finally { btn.disabled = false; }
  } },
  h('h1', { id: 'login-title' }, t('login.title')),
  h('div', { class: 'field' }, h('label', { for: 'org' }, t('login.org')), h('input', { id: 'org', name: 'org', required: true, autocomplete: 'organization', value: last, placeholder: t('login.org.placeholder') })),
  h('div', { class: 'field' }, h('label', { for: 'email' }, t('login.email')), h('input', { id: 'email', name: 'email', type: 'email', required: true, autocomplete: 'username' })),
  h('div', { class: 'field' }, h('label', { for: 'password' }, t('login.password')), h('input', { id: 'password', name: 'password', type: 'password', required: true, autocomplete: 'current-password' })),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('login.submit'))), status);
  return h('main', { id: 'main', tabindex: '-1', class: 'narrow' }, form);
}
