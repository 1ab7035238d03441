// Building the page without ever parsing HTML: every piece of text goes in as a text node, so
// nothing a customer or colleague typed can become markup, script or a link target.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'href') el.setAttribute('href', safeHref(v));
    else if (k === 'style' || k.startsWith('on') || k === 'srcdoc') throw new Error('refused attribute ' + k);
    else if (k === 'value' && (tag === 'input' || tag === 'textarea' || tag === 'select')) el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Only our own paths (and the CSV downloads, also ours) may be link targets.
export function safeHref(v) {
  const s = String(v);
  if (/^\/(?!\/)[^\s\\]*$/.test(s)) return s;
  return '#';
}

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }

let idSeq = 0;
export function uid(prefix) { idSeq += 1; return (prefix || 'id') + '-' + idSeq; }

// A polite announcement for screen readers (loading done, saved, errors).
export function announce(text) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 30);
}
