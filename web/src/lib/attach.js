// Files on a reply or a portal message: each chosen file is uploaded at once (so a file the server
// refuses — too large, empty, a bad name — says so before anything is sent), listed with a button
// to take it back, and sent by id with the message.  Files on a case are listed as download links
// (the server always answers them as attachments, never inline).
import { h, uid } from './dom.js';
import { api, post } from './api.js';
import { errorBox, timeEl } from './ui.js';
import { t } from './msg.js';

export function fileSize(n) {
  if (n < 1024) return t('attach.bytes', n);
  if (n < 1024 * 1024) return t('attach.kib', Math.round(n / 102.4) / 10);
  return t('attach.mib', Math.round(n / 104857.6) / 10);
}

const base64Of = (file) => new Promise((resolve, reject) => {
  const r = new FileReader();
  r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
  r.onerror = () => reject(r.error || new Error(t('attach.unreadable')));
  r.readAsDataURL(file);
});

// A field for apiForm's opts.custom (or a hand-made form): uploadPath is POST /api/v1/attachments or
// /api/v1/portal/attachments.  read() gives the ids (undefined when none); reset() forgets them.
export function fileField(uploadPath, name = 'attachment_ids') {
  const id = uid('f');
  const input = h('input', { id, type: 'file', multiple: true, 'aria-describedby': id + '-hint' });
  const list = h('ul', { class: 'attach-chosen', 'aria-label': t('attach.chosen') });
  const status = h('div', { class: 'attach-status', 'aria-live': 'polite' });
  let files = [];
  const draw = () => list.replaceChildren(...files.map((f) => h('li', {}, f.filename, ' ', h('span', { class: 'muted' }, '(' + fileSize(f.size) + ')'), ' ',
    h('button', { type: 'button', class: 'small secondary', onclick: async (e) => {
      e.target.disabled = true;
      try { await api('DELETE', uploadPath + '/' + encodeURIComponent(f.id)); } catch (err) { /* already gone: forget it anyway */ }
      files = files.filter((x) => x !== f); draw();
    } }, t('attach.remove', f.filename)))));
  const reset = () => { files = []; draw(); status.replaceChildren(); };
  input.addEventListener('change', async () => {
    status.replaceChildren();
    if (input.form && !input.form.dataset.attachReset) { input.form.dataset.attachReset = '1'; input.form.addEventListener('reset', reset); }
    const chosen = [...input.files];
    input.disabled = true;
    for (const file of chosen) {
      status.append(h('p', { class: 'loading', role: 'status' }, t('attach.uploading', file.name)));
      try {
        const body = { filename: file.name, data_base64: await base64Of(file) };
        if (file.type) body.content_type = file.type;
        files.push(await post(uploadPath, body));
        draw();
        status.lastChild.replaceWith(h('p', { class: 'ok', role: 'status' }, t('attach.uploaded', file.name)));
      } catch (err) { status.lastChild.replaceWith(errorBox(err, t('attach.refused', file.name))); }
    }
    input.disabled = false;
    input.value = '';
  });
  const wrap = h('div', { class: 'field attach' }, h('label', { for: id }, t('attach.label')), input,
    h('small', { id: id + '-hint', class: 'hint' }, t('attach.hint')), list, status);
  wrap.dataset.field = name;
  return { wrap, input, name, schema: { type: 'array' }, read: () => (files.length ? files.map((f) => f.id) : undefined), reset };
}

// The files of a case as download links: hrefOf(file) is where to download it.
export function fileList(files, hrefOf, label) {
  return h('ul', { class: 'attach-list', 'aria-label': label || t('attach.files') }, files.map((f) => h('li', {},
    h('a', { href: hrefOf(f), download: f.filename || 'attachment' }, f.filename || 'attachment'), ' ',
    h('span', { class: 'muted' }, '(' + fileSize(f.size) + (f.from ? ', ' + t(f.from === 'you' ? 'attach.from.you' : 'attach.from.us') : '')
      + (f.source ? ', ' + t('attach.source.' + f.source) : '') + ') '), f.at ? timeEl(f.at) : null)));
}
