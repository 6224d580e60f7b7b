/* tarjim web editor: sends the Arabic article to POST /api/translate and shows the draft
 * segment by segment beside the Arabic, pinned terms highlighted on both sides, QA findings
 * and origin per segment; the English is editable and can be exported as text.
 *
 * Pins come with UTF-8 byte offsets into the segment's source; byteIndexMap turns them into
 * JavaScript string (UTF-16) indices. When the server answers 401 the page asks for the token
 * once and keeps it in sessionStorage for this tab. No dependencies. */
'use strict';

(function () {
  const TOKEN_KEY = 'tarjim.token';
  const $ = (id) => document.getElementById(id);

  let doc = null;        // the last translation (the API's JSON document)
  let fileName = null;   // the opened file, for the export's name
  let edited = false;

  function setStatus(text, isError) {
    const el = $('status');
    el.textContent = text;
    el.classList.toggle('error', Boolean(isError));
  }

  function headers(extra) {
    const h = Object.assign({}, extra);
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) h.Authorization = 'Bearer ' + token;
    return h;
  }

  /* fetch for the API. On 401 it asks for the token (once per call), keeps it for the tab and
   * tries again. */
  async function api(path, options) {
    options = options || {};
    let asked = false;
    for (;;) {
      const res = await fetch(path, Object.assign({}, options, { headers: headers(options.headers) }));
      if (res.status !== 401 || asked) return res;
      sessionStorage.removeItem(TOKEN_KEY);
      asked = true;
      const token = window.prompt('This tarjim server needs its access token:');
      if (!token || !token.trim()) return res;
      sessionStorage.setItem(TOKEN_KEY, token.trim());
    }
  }

  async function errorText(res) {
    try {
      const body = await res.json();
      if (body && body.error) return body.error.message + ' (' + body.error.code + ')';
    } catch (e) { /* not JSON */ }
    return 'HTTP ' + res.status + ' ' + res.statusText;
  }

  async function loadProviders() {
    try {
      const res = await api('api/providers');
      if (!res.ok) {
        setStatus('Engines: ' + await errorText(res), true);
        return;
      }
      const data = await res.json();
      const sel = $('provider');
      sel.replaceChildren();
      for (const p of data.providers) {
        let label = p.name + (p.remote ? ' (sends text off this machine)' : '');
        if (!p.configured) label += ' — not configured';
        const opt = new Option(label, p.name, false, p.name === data.default);
        opt.disabled = !p.configured;
        opt.title = p.description;
        sel.add(opt);
      }
    } catch (e) {
      setStatus('Cannot reach the tarjim server: ' + e.message, true);
    }
  }

  /* Map from UTF-8 byte offsets (at character boundaries) of str to string indices. */
  function byteIndexMap(str) {
    const map = new Map();
    let b = 0;
    let i = 0;
    while (i < str.length) {
      map.set(b, i);
      const cp = str.codePointAt(i);
      b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += cp > 0xffff ? 2 : 1;
    }
    map.set(b, i);
    return map;
  }

  function mark(text, title) {
    const m = document.createElement('mark');
    m.textContent = text;
    if (title) m.title = title;
    return m;
  }

  /* The Arabic with its pins marked (each mark remembers its pin's index). */
  function renderSource(cell, seg) {
    const map = byteIndexMap(seg.source);
    let at = 0;
    (seg.pins || []).forEach((pin, k) => {
      const s = map.get(pin.start);
      const e = map.get(pin.end);
      if (s === undefined || e === undefined || s < at || e <= s) return;
      cell.append(seg.source.slice(at, s));
      const m = mark(seg.source.slice(s, e), pin.target + (pin.type ? ' (' + pin.type + ')' : ''));
      m.dataset.pin = String(k);
      cell.append(m);
      at = e;
    });
    cell.append(seg.source.slice(at));
  }

  /* Fills the English cell with text, marking each occurrence of a pinned English term, and
   * outlines on the Arabic side the pins whose English is missing. */
  function renderTarget(row, seg, text) {
    const cell = row.querySelector('.tgt [contenteditable]');
    const pins = seg.pins || [];
    const ranges = [];
    for (const t of new Set(pins.map((p) => p.target))) {
      if (!t) continue;
      for (let i = text.indexOf(t); i >= 0; i = text.indexOf(t, i + t.length)) {
        ranges.push([i, i + t.length, t]);
      }
    }
    ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const found = new Set();
    cell.replaceChildren();
    let at = 0;
    for (const [s, e, t] of ranges) {
      if (s < at) continue;
      cell.append(text.slice(at, s), mark(text.slice(s, e)));
      found.add(t);
      at = e;
    }
    cell.append(text.slice(at));
    for (const m of row.querySelectorAll('.src mark')) {
      const pin = pins[Number(m.dataset.pin)];
      m.classList.toggle('missing', !found.has(pin.target));
    }
  }

  function renderChecks(cell, seg) {
    cell.replaceChildren();
    const origin = document.createElement('span');
    origin.className = 'origin ' + seg.origin + (seg.editedTarget !== undefined ? ' edited' : '');
    origin.textContent = seg.editedTarget !== undefined ? 'edited (was ' + seg.origin + ')' : seg.origin;
    cell.append(origin);
    if (!seg.qa || seg.qa.length === 0) {
      const ok = document.createElement('span');
      ok.className = 'ok';
      ok.textContent = ' ✓';
      ok.title = 'no findings';
      cell.append(ok);
      return;
    }
    const list = document.createElement('ul');
    for (const f of seg.qa) {
      const li = document.createElement('li');
      const code = document.createElement('code');
      code.textContent = f.code;
      li.append(code, ' ' + f.message);
      list.append(li);
    }
    cell.append(list);
  }

  function currentTarget(seg) {
    return seg.editedTarget !== undefined ? seg.editedTarget : seg.target;
  }

  function makeRow(block, seg, first) {
    const row = document.createElement('tr');
    row.classList.add(block.kind);
    if (first) row.classList.add('block-start');
    if (seg.origin === 'failed') row.classList.add('failed');

    const id = document.createElement('td');
    id.className = 'id';
    id.textContent = String(seg.id);

    const src = document.createElement('td');
    src.className = 'src';
    src.dir = 'rtl';
    src.lang = 'ar';
    renderSource(src, seg);

    const tgt = document.createElement('td');
    tgt.className = 'tgt';
    const box = document.createElement('div');
    box.contentEditable = 'true';
    box.setAttribute('role', 'textbox');
    box.setAttribute('aria-label', 'English of segment ' + seg.id);
    box.lang = 'en';
    box.dir = 'ltr';
    box.spellcheck = true;
    tgt.append(box);

    const checks = document.createElement('td');
    checks.className = 'checks';

    row.append(id, src, tgt, checks);
    renderTarget(row, seg, currentTarget(seg));
    renderChecks(checks, seg);

    box.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') ev.preventDefault(); // a segment is one line
    });
    box.addEventListener('paste', (ev) => {
      ev.preventDefault();
      const text = (ev.clipboardData || window.clipboardData).getData('text/plain');
      document.execCommand('insertText', false, text.replace(/\s+/g, ' '));
    });
    box.addEventListener('input', () => {
      const text = box.textContent;
      if (text === seg.target) delete seg.editedTarget;
      else seg.editedTarget = text;
      edited = true;
      row.classList.toggle('edited', seg.editedTarget !== undefined);
      renderChecks(checks, seg);
    });
    box.addEventListener('blur', () => renderTarget(row, seg, currentTarget(seg)));
    return row;
  }

  function render(data) {
    doc = data;
    edited = false;
    const body = document.querySelector('#segments tbody');
    body.replaceChildren();
    for (const block of data.blocks) {
      block.segments.forEach((seg, i) => body.append(makeRow(block, seg, i === 0)));
    }
    const st = data.stats || {};
    $('stats').textContent = (st.segments || 0) + ' segments · ' + (st.failed || 0) +
      ' failed · engine ' + data.provider;
    $('result').hidden = false;
  }

  async function translate() {
    const text = $('source').value;
    if (!text.trim()) {
      setStatus('Paste an Arabic article first.', true);
      return;
    }
    if (edited && !window.confirm('Translating again discards your edits. Continue?')) return;
    const button = $('translate');
    button.disabled = true;
    const started = performance.now();
    setStatus('Translating…');
    try {
      const body = { text: text };
      if ($('provider').value) body.provider = $('provider').value;
      const res = await api('api/translate', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) {
        setStatus(await errorText(res), true);
        return;
      }
      const data = await res.json();
      render(data);
      const secs = ((performance.now() - started) / 1000).toFixed(2);
      const failed = (data.stats && data.stats.failed) || 0;
      setStatus(failed ? failed + ' segments could not be translated (marked in red).'
        : 'Translated in ' + secs + ' s.', failed > 0);
      if (!$('provider').options.length) loadProviders();
    } catch (e) {
      setStatus('Request failed: ' + e.message, true);
    } finally {
      button.disabled = false;
    }
  }

  /* The English as text: one line per block (its segments joined by a space), with the
   * article's blank lines kept; a failed segment left as it is is marked like the command
   * line's text output does. */
  function englishText() {
    const lines = [];
    let prev = 0;
    for (const block of doc.blocks) {
      if (block.line) {
        for (let n = block.line - prev - 1; n > 0; n--) lines.push('');
        prev = block.line;
      }
      lines.push(block.segments.map((seg) => {
        const t = currentTarget(seg);
        return seg.origin === 'failed' && seg.editedTarget === undefined ? '[untranslated] ' + t : t;
      }).join(' '));
    }
    return lines.join('\n') + '\n';
  }

  function exportText() {
    if (!doc) return;
    const blob = new Blob([englishText()], { type: 'text/plain;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = fileName ? fileName.replace(/(\.txt)?$/i, '').replace(/\.ar$/i, '') + '.en.txt'
      : 'article.en.txt';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    edited = false;
  }

  async function openFile(ev) {
    const file = ev.target.files[0];
    if (!file) return;
    fileName = file.name;
    $('source').value = await file.text();
    setStatus('Opened ' + file.name + '.');
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('translate').addEventListener('click', translate);
    $('export').addEventListener('click', exportText);
    $('file').addEventListener('change', openFile);
    $('source').addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        translate();
      }
    });
    window.addEventListener('beforeunload', (ev) => {
      if (edited) {
        ev.preventDefault();
        ev.returnValue = '';
      }
    });
    loadProviders();
  });
})();
