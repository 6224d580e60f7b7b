/* tarjim's editors' desk. The Arabic article goes to POST /api/translate, asking for JSON
 * Lines (Accept: application/x-ndjson): a "start" event lists every segment's Arabic, then a
 * "segment" event brings each segment as it is final, then "end" (or "error"). A server that
 * answers one JSON document instead is read as well. Each row shows the Arabic and its English
 * side by side, pinned terms highlighted on both sides, the origin, the QA findings and the
 * memory's candidates; the English is edited in place, approved into the translation memory
 * (POST /api/tm), translated again alone with any engine, names are pinned from a selection
 * (POST /api/glossary), and the edited document is exported through POST /api/export.
 *
 * Text from the article, the glossary or an engine only ever enters the page as text nodes
 * (textContent, createTextNode, append of strings), never as HTML. Pins come with UTF-8 byte
 * offsets into the segment's source; byteIndexMap turns them into string (UTF-16) indices.
 * When the server answers 401 the page asks for the token once and keeps it in
 * sessionStorage, for this tab only; it is sent in the Authorization header, nowhere else.
 * No dependencies. */
'use strict';

(function () {
  const TOKEN_KEY = 'tarjim.token';
  const ARTICLE_KEY = 'tarjim.article';
  const $ = (id) => document.getElementById(id);

  /* Arabic letters (the Arabic blocks and presentation forms), and runs of them with the
   * spaces and Arabic punctuation between them. */
  const ARABIC_CHARS = '\\u0600-\\u06FF\\u0750-\\u077F\\u08A0-\\u08FF\\uFB50-\\uFDFF\\uFE70-\\uFEFF';
  const HAS_ARABIC = new RegExp('[' + ARABIC_CHARS + ']');
  const ARABIC_RUN = new RegExp('[' + ARABIC_CHARS + ']+(?:[\\s\\d]+[' + ARABIC_CHARS + ']+)*', 'g');
  /* Latin words (and the digits, dots, hyphens and apostrophes within them) inside Arabic. */
  const LATIN_RUN = /[A-Za-z\u00C0-\u024F][A-Za-z0-9\u00C0-\u024F'’.\-]*(?:[ ]+[A-Za-z0-9\u00C0-\u024F][A-Za-z0-9\u00C0-\u024F'’.\-]*)*/g;

  const TYPES = ['person', 'place', 'org', 'term'];

  const state = {
    doc: null,          // the document: {source_lang, target_lang, provider, blocks, stats}
    entries: [],        // one per segment, in order: {seg, block, row, els, text, approvedText, pending}
    byId: new Map(),    // segment id → entry
    docQa: [],          // document-level findings of the "end" event
    providers: [],      // GET /api/providers
    defaultProvider: '',
    job: null,          // the translation under way: {controller, total, done, cancelled, ended}
    fileName: null,
    pin: null,          // the open pin form: {entry, replace}
  };

  /* ---------------------------------------------------------------- helpers */

  function setStatus(text, isError) {
    const el = $('status');
    el.textContent = text;
    el.classList.toggle('error', Boolean(isError));
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k in e && typeof v !== 'string') e[k] = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    e.append(...children);
    return e;
  }

  /* Appends text that sits in an Arabic element: Latin runs (names, acronyms) are isolated in
   * <bdi dir="ltr"> so that their letters and punctuation keep their order. */
  function appendArabic(parent, text) {
    let at = 0;
    for (const m of text.matchAll(LATIN_RUN)) {
      if (m.index > at) parent.append(text.slice(at, m.index));
      parent.append(el('bdi', { dir: 'ltr', text: m[0] }));
      at = m.index + m[0].length;
    }
    if (at < text.length) parent.append(text.slice(at));
  }

  /* Appends text that sits in an English element: Arabic runs are isolated in
   * <bdi lang="ar" dir="rtl">. */
  function appendMixed(parent, text) {
    let at = 0;
    for (const m of text.matchAll(ARABIC_RUN)) {
      if (m.index > at) parent.append(text.slice(at, m.index));
      parent.append(el('bdi', { lang: 'ar', dir: 'rtl', text: m[0] }));
      at = m.index + m[0].length;
    }
    if (at < text.length) parent.append(text.slice(at));
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
      const res = await fetch(path, Object.assign({}, options, {
        headers: headers(options.headers), credentials: 'same-origin', cache: 'no-store',
      }));
      if (res.status !== 401 || asked) return res;
      sessionStorage.removeItem(TOKEN_KEY);
      asked = true;
      const token = window.prompt('This tarjim server needs its access token:');
      if (!token || !token.trim()) return res;
      sessionStorage.setItem(TOKEN_KEY, token.trim());
    }
  }

  function postJSON(path, body, extra) {
    return api(path, {
      method: 'POST',
      headers: Object.assign({ 'Content-Type': 'application/json' }, extra && extra.headers),
      body: JSON.stringify(body),
      signal: extra && extra.signal,
    });
  }

  async function errorOf(res) {
    try {
      const body = await res.json();
      if (body && body.error) return { code: body.error.code, message: body.error.message };
    } catch (e) { /* not JSON */ }
    return { code: 'http_' + res.status, message: 'HTTP ' + res.status + ' ' + res.statusText };
  }

  async function errorText(res) {
    const e = await errorOf(res);
    return e.message + ' (' + e.code + ')';
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

  /* ------------------------------------------------------- transliteration */

  /* A news-style spelling of an Arabic name, to start the English of a new pin from: no
   * diacritics, "al-" for the article, the common name words from a table, a short vowel
   * guessed after a word's first consonant. The editor checks it. */
  const NAME_WORDS = new Map(Object.entries({
    'محمد': 'Mohammed', 'أحمد': 'Ahmed', 'احمد': 'Ahmed', 'محمود': 'Mahmoud', 'علي': 'Ali',
    'حسن': 'Hassan', 'حسين': 'Hussein', 'عمر': 'Omar', 'عثمان': 'Othman', 'مصطفى': 'Mustafa',
    'إبراهيم': 'Ibrahim', 'ابراهيم': 'Ibrahim', 'يوسف': 'Youssef', 'خالد': 'Khaled',
    'عبد': 'Abdel', 'عبدالله': 'Abdullah', 'عبد الله': 'Abdullah', 'الله': 'Allah',
    'سعيد': 'Saeed', 'سعد': 'Saad', 'فاطمة': 'Fatima', 'عائشة': 'Aisha', 'مريم': 'Maryam',
    'جمال': 'Gamal', 'ناصر': 'Nasser', 'صالح': 'Saleh', 'عادل': 'Adel', 'عماد': 'Imad',
    'بن': 'bin', 'بنت': 'bint', 'أبو': 'Abu', 'ابو': 'Abu', 'أم': 'Umm',
  }));
  const CONSONANTS = {
    'ب': 'b', 'ت': 't', 'ث': 'th', 'ج': 'j', 'ح': 'h', 'خ': 'kh', 'د': 'd', 'ذ': 'dh', 'ر': 'r',
    'ز': 'z', 'س': 's', 'ش': 'sh', 'ص': 's', 'ض': 'd', 'ط': 't', 'ظ': 'z', 'ع': 'a', 'غ': 'gh',
    'ف': 'f', 'ق': 'q', 'ك': 'k', 'ل': 'l', 'م': 'm', 'ن': 'n', 'ه': 'h', 'پ': 'p', 'چ': 'ch',
    'ڤ': 'v', 'گ': 'g', 'ک': 'k', 'ی': 'y',
  };
  const LONG_A = new Set(['ا', 'أ', 'آ', 'إ', 'ى', 'ٱ']);

  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }

  function capitalize(s) {
    return s ? s[0].toUpperCase() + s.slice(1) : s;
  }

  function translitWord(word) {
    let w = word.replace(/[\u064B-\u065F\u0670\u0640]/g, '');
    if (NAME_WORDS.has(w)) return NAME_WORDS.get(w);
    let prefix = '';
    if (w.length > 3 && /^[اأ]ل/.test(w)) {
      prefix = 'al-';
      w = w.slice(2);
      if (NAME_WORDS.has(w)) return prefix + NAME_WORDS.get(w);
    }
    const ch = [...w];
    const vowelLetter = (i) => i >= 0 && i < ch.length && (LONG_A.has(ch[i]) || ch[i] === 'ة');
    let out = '';
    let consonants = 0;
    for (let i = 0; i < ch.length; i++) {
      const c = ch[i];
      const first = i === 0;
      const last = i === ch.length - 1;
      let piece = '';
      let consonant = false;
      if (c === 'إ') piece = 'i';
      else if (LONG_A.has(c)) piece = 'a';
      else if (c === 'ة') piece = 'a';
      else if (c === 'ء' || c === 'ؤ' || c === 'ئ') piece = '';
      else if (c === 'ع' && (vowelLetter(i - 1) || vowelLetter(i + 1) || ch[i + 1] === 'و' || ch[i + 1] === 'ي')) piece = '';
      else if (c === 'و' || c === 'ي') {
        /* a consonant at the start, before or after a vowel letter; a long vowel else */
        consonant = first || vowelLetter(i + 1) || vowelLetter(i - 1) || ch[i + 1] === 'و' || ch[i + 1] === 'ي';
        if (c === 'و') piece = consonant ? 'w' : 'u';
        else piece = consonant ? 'y' : (last ? 'i' : 'i');
      } else if (CONSONANTS[c] !== undefined) {
        piece = CONSONANTS[c];
        consonant = c !== 'ع';
      } else if (/[A-Za-z0-9]/.test(c)) {
        piece = c;
      }
      out += piece;
      if (consonant) {
        consonants++;
        /* a short vowel guessed between the word's first two consonants (when it starts with
         * a consonant) and between its last two */
        const next = ch[i + 1];
        const nextConsonant = next !== undefined && CONSONANTS[next] !== undefined && next !== 'ع' &&
          !(next === 'و' || next === 'ي') && !LONG_A.has(next);
        if (nextConsonant && ((consonants === 1 && i === 0) || i === ch.length - 2)) out += 'a';
      }
    }
    return prefix + capitalize(out);
  }

  function transliterate(arabic) {
    const t = arabic.trim().replace(/\s+/g, ' ');
    if (NAME_WORDS.has(t)) return NAME_WORDS.get(t);
    const words = t.split(' ');
    const out = [];
    for (let i = 0; i < words.length; i++) {
      let w = translitWord(words[i]);
      /* عبد الرحمن: Abdel Rahman, one article */
      if (i > 0 && /^عبد$/.test(words[i - 1]) && w.startsWith('al-')) w = capitalize(w.slice(3));
      if (w) out.push(w);
    }
    return out.join(' ');
  }

  /* ------------------------------------------------------------ findings */

  /* A suggest_pin finding's Arabic, English and type, from its fields or its message
   * ("'ARABIC' → 'LATIN' (type): ..."). */
  function suggestion(f) {
    if (!f || f.code !== 'suggest_pin') return null;
    if (f.arabic) return { arabic: f.arabic, english: f.english || '', type: f.type || 'person' };
    const m = /^'([^']+)'(?: → '([^']*)')? \((\w+)\)/.exec(f.message || '');
    if (!m) return null;
    return { arabic: m[1], english: m[2] || '', type: TYPES.includes(m[3]) ? m[3] : 'term' };
  }

  function allSuggestions() {
    const out = new Map();
    const add = (f) => {
      const s = suggestion(f);
      if (s && !out.has(s.arabic)) out.set(s.arabic, s);
    };
    state.docQa.forEach(add);
    for (const e of state.entries) (e.seg.qa || []).forEach(add);
    return out;
  }

  function findingItem(f, entry) {
    const li = el('li', { class: 'finding ' + (f.code || '') });
    li.append(el('code', { text: f.code || 'note' }), ' ');
    const msg = el('span', { class: 'msg' });
    appendMixed(msg, f.message || '');
    li.append(msg);
    const s = suggestion(f);
    if (s) {
      const b = el('button', { type: 'button', class: 'small', text: 'Pin…' });
      b.setAttribute('aria-label', 'Pin ' + s.arabic);
      b.addEventListener('click', () => openPinForm(entry, s, b));
      li.append(' ', b);
    }
    return li;
  }

  /* ------------------------------------------------------------- rendering */

  function isApproved(seg) {
    return seg.approved === true || (seg.origin === 'tm' && seg.engine === 'human');
  }

  function originLabel(entry) {
    const seg = entry.seg;
    if (entry.pending) return { cls: 'pending', text: entry.cancelled ? 'not translated' : 'translating…' };
    switch (seg.origin) {
      case 'provider': return { cls: 'engine', text: seg.engine || 'engine' };
      case 'tm': return seg.engine === 'human' ? { cls: 'memory', text: 'memory' }
        : { cls: 'memory', text: 'memory (' + (seg.engine || 'engine') + ')' };
      case 'offline': return { cls: 'offline', text: 'offline draft' };
      case 'copy': return { cls: 'copy', text: 'copied' };
      case 'failed': return { cls: 'failed', text: 'failed' };
      default: return { cls: 'copy', text: seg.origin || '?' };
    }
  }

  /* The Arabic with its pins marked (each mark remembers its pin's index). */
  function renderSource(entry) {
    const cell = entry.els.src;
    const seg = entry.seg;
    cell.replaceChildren();
    const map = byteIndexMap(seg.source);
    let at = 0;
    (seg.pins || []).forEach((pin, k) => {
      const s = map.get(pin.start);
      const e = map.get(pin.end);
      if (s === undefined || e === undefined || s < at || e <= s) return;
      appendArabic(cell, seg.source.slice(at, s));
      const m = el('mark', { title: pin.target + (pin.type ? ' (' + pin.type + ')' : '') });
      appendArabic(m, seg.source.slice(s, e));
      m.dataset.pin = String(k);
      cell.append(m);
      at = e;
    });
    appendArabic(cell, seg.source.slice(at));
  }

  /* Fills the English box with text, marking each occurrence of a pinned English term, and
   * outlines on the Arabic side the pins whose English is missing. */
  function renderTarget(entry) {
    const box = entry.els.edit;
    const text = entry.text;
    const pins = entry.seg.pins || [];
    const ranges = [];
    for (const t of new Set(pins.map((p) => p.target))) {
      if (!t) continue;
      for (let i = text.indexOf(t); i >= 0; i = text.indexOf(t, i + t.length)) ranges.push([i, i + t.length, t]);
    }
    ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const found = new Set();
    box.replaceChildren();
    let at = 0;
    for (const [s, e, t] of ranges) {
      if (s < at) continue;
      appendMixed(box, text.slice(at, s));
      box.append(el('mark', { text: text.slice(s, e) }));
      found.add(t);
      at = e;
    }
    appendMixed(box, text.slice(at));
    markMissing(entry, found);
  }

  function pinsFound(entry) {
    const found = new Set();
    for (const p of entry.seg.pins || []) if (p.target && entry.text.includes(p.target)) found.add(p.target);
    return found;
  }

  function markMissing(entry, found) {
    if (entry.pending) return;
    const pins = entry.seg.pins || [];
    for (const m of entry.els.src.querySelectorAll('mark')) {
      const pin = pins[Number(m.dataset.pin)];
      const missing = Boolean(pin) && !found.has(pin.target);
      m.classList.toggle('missing', missing);
      if (missing) m.title = pin.target + ' — missing from the English';
    }
  }

  function approvedNow(entry) {
    return entry.approvedText !== null && entry.text.trim() === entry.approvedText;
  }

  function edited(entry) {
    return !entry.pending && entry.text !== entry.received && !approvedNow(entry);
  }

  /* The row's badges and classes from its state. */
  function renderState(entry) {
    const o = originLabel(entry);
    const approved = !entry.pending && approvedNow(entry);
    const isEdited = edited(entry);
    const row = entry.row;
    row.classList.toggle('approved', approved);
    row.classList.toggle('edited', isEdited);
    row.classList.toggle('failed', !entry.pending && entry.seg.origin === 'failed' && !isEdited && !approved);
    row.classList.toggle('pending', entry.pending);
    const badges = entry.els.badges;
    badges.replaceChildren(el('span', { class: 'badge origin ' + o.cls, text: o.text, title: 'origin: ' + (entry.seg.origin || '') }));
    if (approved) badges.append(' ', el('span', { class: 'badge approved', text: '✓ approved' }));
    else if (isEdited) {
      badges.append(' ', el('span', {
        class: 'badge edited',
        text: entry.approvedText !== null ? 'edited since approval' : 'edited',
      }));
    }
    entry.els.approve.disabled = entry.pending;
    entry.els.approve.textContent = approved ? 'Approved' : 'Approve';
    entry.els.approve.setAttribute('aria-pressed', approved ? 'true' : 'false');
    entry.els.again.disabled = entry.pending;
    entry.els.edit.contentEditable = entry.pending ? 'false' : 'true';
    entry.els.edit.tabIndex = entry.pending ? -1 : 0;
    entry.els.edit.setAttribute('aria-disabled', entry.pending ? 'true' : 'false');
  }

  function renderFindings(entry) {
    const list = entry.els.qa;
    list.replaceChildren();
    for (const f of entry.seg.qa || []) list.append(findingItem(f, entry));
    list.hidden = list.childElementCount === 0;
  }

  function renderCandidates(entry) {
    const box = entry.els.cands;
    box.replaceChildren();
    const cands = entry.seg.candidates || [];
    if (!cands.length || entry.pending) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    box.append(el('p', { class: 'cands-title', text: 'Similar in the memory — click to use:' }));
    const list = el('ul');
    for (const c of cands) {
      const who = c.origin === 'human' ? 'approved' : (c.engine || c.origin || '');
      const b = el('button', { type: 'button', class: 'cand' });
      b.append(el('span', { class: 'sim', text: (c.similarity || 0) + '%' }), ' ');
      const t = el('span', { class: 'cand-target', lang: 'en' });
      appendMixed(t, c.target || '');
      b.append(t, ' ', el('span', { class: 'who', text: '(' + who + ')' }));
      const src = el('span', { class: 'cand-source', lang: 'ar', dir: 'rtl' });
      appendArabic(src, c.source || '');
      b.append(src);
      b.addEventListener('click', () => {
        setText(entry, c.target || '');
        entry.els.edit.focus();
      });
      list.append(el('li', {}, b));
    }
    box.append(list);
  }

  function fillEngineSelect(sel, current) {
    sel.replaceChildren();
    for (const p of state.providers) {
      const opt = new Option(p.name, p.name, false, p.name === current);
      opt.disabled = !p.configured;
      sel.add(opt);
    }
    if (!state.providers.length) sel.add(new Option('default engine', ''));
  }

  function makeRow(entry, first) {
    const seg = entry.seg;
    const id = String(seg.id);
    const row = el('div', { class: 'row ' + (entry.block.kind || 'paragraph'), role: 'group', 'aria-label': 'Segment ' + id });
    row.dataset.id = id;
    if (first) row.classList.add('block-start');
    const num = el('div', { class: 'num', text: id });
    const src = el('div', { class: 'src', lang: 'ar', dir: 'rtl' });
    const edit = el('div', {
      class: 'edit', role: 'textbox', lang: 'en', dir: 'ltr', spellcheck: 'true',
      'aria-label': 'English of segment ' + id, 'aria-multiline': 'false',
    });
    const tgt = el('div', { class: 'tgt' }, edit);
    const badges = el('div', { class: 'badges' });
    const approve = el('button', { type: 'button', class: 'approve', title: 'Store this English in the translation memory (Ctrl+Enter)' }, 'Approve');
    const engine = el('select', { class: 'engine', 'aria-label': 'Engine for segment ' + id });
    fillEngineSelect(engine, $('provider').value || state.defaultProvider);
    const again = el('button', { type: 'button', class: 'again', title: 'Translate this row again with the chosen engine' }, 'Retranslate');
    const pin = el('button', { type: 'button', class: 'pin', title: 'Pin a name of this row in the glossary' }, 'Pin…');
    const note = el('p', { class: 'row-note', role: 'status' });
    const qa = el('ul', { class: 'qa' });
    const cands = el('div', { class: 'cands' });
    const actions = el('div', { class: 'actions' }, approve, ' ', engine, ' ', again, ' ', pin);
    const side = el('div', { class: 'side' }, badges, actions, note, qa, cands);
    row.append(num, src, tgt, side);
    entry.row = row;
    entry.els = { src, edit, badges, approve, engine, again, pin, note, qa, cands, side };

    approve.addEventListener('click', () => approve_(entry));
    again.addEventListener('click', () => retranslate(entry, engine.value));
    pin.addEventListener('click', () => {
      const sel = selectionIn(entry);
      openPinForm(entry, { arabic: sel || '' }, pin);
    });
    edit.addEventListener('keydown', (ev) => onEditKey(ev, entry));
    edit.addEventListener('paste', (ev) => {
      ev.preventDefault();
      const text = (ev.clipboardData || window.clipboardData).getData('text/plain');
      document.execCommand('insertText', false, text.replace(/\s+/g, ' '));
    });
    edit.addEventListener('input', () => {
      entry.text = edit.textContent;
      renderState(entry);
      markMissing(entry, pinsFound(entry));
      entry.els.note.textContent = '';
    });
    edit.addEventListener('blur', () => {
      if (!entry.pending) renderTarget(entry);
    });
    return row;
  }

  /* Shows entry's segment (new or changed) in its row. */
  function renderEntry(entry) {
    renderSource(entry);
    if (entry.pending) {
      entry.els.edit.replaceChildren(el('span', { class: 'placeholder', text: entry.cancelled ? 'not translated' : 'translating…' }));
    } else {
      renderTarget(entry);
    }
    renderState(entry);
    renderFindings(entry);
    renderCandidates(entry);
  }

  function newEntry(block, seg, pending) {
    const approved = !pending && isApproved(seg);
    return {
      seg, block, row: null, els: null, pending,
      text: pending ? '' : (seg.target || ''),
      received: pending ? '' : (seg.target || ''),
      approvedText: approved ? (seg.target || '').trim() : null,
      cancelled: false,
    };
  }

  function fillSegment(entry, seg) {
    entry.seg = seg;
    entry.pending = false;
    entry.text = seg.target || '';
    entry.received = entry.text;
    entry.approvedText = isApproved(seg) ? entry.text.trim() : null;
    renderEntry(entry);
  }

  /* Builds every row of doc (segments still to come are pending). */
  function renderRows(doc, pending) {
    closePinForm();
    state.doc = doc;
    state.entries = [];
    state.byId = new Map();
    const rows = $('rows');
    rows.replaceChildren();
    for (const block of doc.blocks) {
      block.segments.forEach((seg, i) => {
        const entry = newEntry(block, seg, pending);
        state.entries.push(entry);
        state.byId.set(seg.id, entry);
        rows.append(makeRow(entry, i === 0));
        renderEntry(entry);
      });
    }
    $('result').hidden = false;
    document.body.classList.add('has-result');
  }

  function renderDocChecks() {
    const box = $('doc-checks');
    const list = box.querySelector('ul');
    list.replaceChildren();
    for (const f of state.docQa) {
      const entry = f.segment !== undefined ? state.byId.get(f.segment) : null;
      const li = findingItem(f, entry || null);
      if (entry) {
        const go = el('button', { type: 'button', class: 'small link', text: 'row ' + f.segment });
        go.setAttribute('aria-label', 'Go to row ' + f.segment);
        go.addEventListener('click', () => {
          entry.row.scrollIntoView({ block: 'center' });
          if (!entry.pending) entry.els.edit.focus();
        });
        li.prepend(go, ' ');
      }
      list.append(li);
    }
    box.hidden = list.childElementCount === 0;
  }

  function renderStats() {
    const n = state.entries.length;
    let failed = 0;
    let memory = 0;
    let approved = 0;
    let pending = 0;
    for (const e of state.entries) {
      if (e.pending) pending++;
      else if (e.seg.origin === 'failed') failed++;
      if (!e.pending && e.seg.origin === 'tm') memory++;
      if (!e.pending && approvedNow(e)) approved++;
    }
    const parts = [plural(n, 'segment'), approved + ' approved', memory + ' from the memory', failed + ' failed'];
    if (pending) parts.push(pending + ' waiting');
    if (state.doc && state.doc.provider) parts.push('engine ' + state.doc.provider);
    $('stats').textContent = parts.join(' · ');
  }

  /* ------------------------------------------------------------- translate */

  function setBusy(busy) {
    $('translate').disabled = busy;
    $('cancel').hidden = !busy;
    for (const b of document.querySelectorAll('.exports button')) b.disabled = busy;
  }

  function setProgress(done, total) {
    const box = $('progress-box');
    const bar = $('progress');
    box.hidden = false;
    bar.max = Math.max(total, 1);
    bar.value = done;
    $('progress-text').textContent = done + ' of ' + plural(total, 'segment');
  }

  function unapprovedEdits() {
    return state.entries.filter(edited).length;
  }

  /* Reads a JSON Lines body, one event per line, as it arrives. */
  async function readEvents(res, onEvent) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) onEvent(JSON.parse(line));
      }
    }
    buf += decoder.decode();
    if (buf.trim()) onEvent(JSON.parse(buf));
  }

  function onEvent(job, ev) {
    switch (ev.event) {
      case 'start': {
        const doc = {
          source_lang: ev.source_lang || 'ar', target_lang: ev.target_lang || 'en',
          provider: ev.provider,
          blocks: (ev.blocks || []).map((b) => Object.assign({}, b, {
            segments: (b.segments || []).map((s) => Object.assign({ target: '', origin: 'pending', qa: [], pins: [] }, s)),
          })),
        };
        job.total = ev.segments || doc.blocks.reduce((n, b) => n + b.segments.length, 0);
        renderRows(doc, true);
        setProgress(0, job.total);
        renderStats();
        break;
      }
      case 'segment': {
        const seg = ev.segment;
        let entry = state.byId.get(seg.id);
        if (!entry && state.doc && state.doc.blocks[ev.block]) {
          const old = state.doc.blocks[ev.block].segments[ev.index];
          entry = old && state.byId.get(old.id);
        }
        if (!entry) break;
        const list = entry.block.segments;
        const at = list.indexOf(entry.seg);
        if (at >= 0) list[at] = seg;
        const was = entry.pending;
        fillSegment(entry, seg);
        if (was) job.done++;
        setProgress(job.done, job.total);
        renderStats();
        break;
      }
      case 'end':
        job.ended = true;
        if (state.doc) state.doc.stats = ev.stats || {};
        state.docQa = ev.qa || [];
        renderDocChecks();
        renderStats();
        break;
      case 'error':
        job.ended = true;
        job.error = ev.error || { code: 'error', message: 'the translation failed' };
        break;
      default:
        break;
    }
  }

  async function translate() {
    const text = $('source').value;
    if (!text.trim()) {
      setStatus('Paste an Arabic article first.', true);
      $('source').focus();
      return;
    }
    const n = unapprovedEdits();
    if (n && !window.confirm('Translating again discards ' + n + ' edited row(s) not approved. Continue?')) return;
    if (state.job) state.job.controller.abort();
    saveArticle();
    const job = { controller: new AbortController(), total: 0, done: 0, cancelled: false, ended: false, error: null };
    state.job = job;
    state.docQa = [];
    renderDocChecks();
    setBusy(true);
    setStatus('Translating…');
    $('progress-box').hidden = true;
    const started = performance.now();
    try {
      const body = { text };
      if ($('provider').value) body.provider = $('provider').value;
      const res = await postJSON('api/translate', body, {
        headers: { Accept: 'application/x-ndjson, application/json;q=0.5' },
        signal: job.controller.signal,
      });
      if (!res.ok) {
        setStatus(await errorText(res), true);
        return;
      }
      const type = res.headers.get('Content-Type') || '';
      if (/ndjson|jsonl|json-seq/.test(type)) {
        await readEvents(res, (ev) => onEvent(job, ev));
      } else {
        const data = await res.json();
        renderRows(data, false);
        job.total = job.done = state.entries.length;
        job.ended = true;
        if (state.doc) state.doc.stats = data.stats || {};
        state.docQa = data.qa || [];
        renderDocChecks();
        setProgress(job.done, job.total);
        renderStats();
      }
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      if (job.error) {
        setStatus('The translation stopped: ' + job.error.message + ' (' + job.error.code + ')', true);
      } else if (!job.ended) {
        setStatus('The server closed the connection before the end (' + job.done + ' of ' + job.total + ' segments).', true);
      } else {
        const failed = state.entries.filter((e) => !e.pending && e.seg.origin === 'failed').length;
        setStatus(failed ? failed + ' segment(s) could not be translated (marked in red).'
          : 'Translated ' + plural(state.entries.length, 'segment') + ' in ' + secs + ' s.', failed > 0);
      }
    } catch (e) {
      if (job.cancelled || e.name === 'AbortError') {
        if (state.job === job) setStatus('Cancelled: ' + job.done + ' of ' + job.total + ' segments translated.');
      } else {
        setStatus('Request failed: ' + e.message, true);
      }
    } finally {
      for (const entry of state.entries) {
        if (entry.pending && state.job === job) {
          entry.cancelled = true;
          renderEntry(entry);
        }
      }
      if (state.job === job) {
        state.job = null;
        setBusy(false);
        renderStats();
      }
    }
  }

  function cancel() {
    const job = state.job;
    if (!job) return;
    job.cancelled = true;
    job.controller.abort();
  }

  /* -------------------------------------------------------- row actions */

  function setText(entry, text) {
    entry.text = text;
    renderTarget(entry);
    renderState(entry);
    renderStats();
  }

  function rowNote(entry, text, isError) {
    entry.els.note.textContent = text;
    entry.els.note.classList.toggle('error', Boolean(isError));
  }

  async function approve_(entry) {
    if (entry.pending) return;
    const text = entry.text.replace(/\s+/g, ' ').trim();
    if (!text) {
      rowNote(entry, 'Write the English before approving.', true);
      return;
    }
    entry.els.approve.disabled = true;
    rowNote(entry, 'Approving…');
    try {
      const res = await postJSON('api/tm', { source: entry.seg.source, target: text });
      if (res.status === 201 || res.ok) {
        entry.approvedText = text;
        if (entry.text !== text && entry.text.trim() === text) entry.text = text;
        rowNote(entry, '');
        setStatus('Segment ' + entry.seg.id + ' approved: stored in the translation memory.');
      } else {
        rowNote(entry, 'Not approved: ' + await errorText(res), true);
      }
    } catch (e) {
      rowNote(entry, 'Not approved: ' + e.message, true);
    } finally {
      renderState(entry);
      renderStats();
    }
  }

  async function retranslate(entry, provider) {
    if (entry.pending) return;
    entry.els.again.disabled = true;
    rowNote(entry, 'Translating this row' + (provider ? ' with ' + provider : '') + '…');
    try {
      const body = { text: entry.seg.source };
      if (provider) body.provider = provider;
      const res = await postJSON('api/translate', body, { headers: { Accept: 'application/json' } });
      if (!res.ok) {
        rowNote(entry, await errorText(res), true);
        return;
      }
      const data = await res.json();
      const segs = [];
      for (const b of data.blocks || []) segs.push(...b.segments);
      if (!segs.length) {
        rowNote(entry, 'The server sent no segment back.', true);
        return;
      }
      let seg = segs[0];
      if (segs.length > 1) {
        seg = Object.assign({}, segs[0], {
          source: entry.seg.source,
          target: segs.map((s) => s.target).join(' '),
          pins: entry.seg.pins,
          qa: [].concat(...segs.map((s) => s.qa || [])),
        });
      }
      seg = Object.assign({}, seg, { id: entry.seg.id });
      const list = entry.block.segments;
      const at = list.indexOf(entry.seg);
      if (at >= 0) list[at] = seg;
      fillSegment(entry, seg);
      rowNote(entry, seg.origin === 'tm'
        ? 'The memory holds this segment: its translation was used.' : '');
      renderStats();
    } catch (e) {
      rowNote(entry, 'Request failed: ' + e.message, true);
    } finally {
      renderState(entry);
    }
  }

  function editable() {
    return state.entries.filter((e) => !e.pending);
  }

  function focusRow(entry, delta) {
    const list = editable();
    const i = list.indexOf(entry);
    const next = list[i + delta];
    if (!next) return false;
    next.els.edit.focus();
    /* caret at the end */
    const sel = window.getSelection();
    const range = document.createRange();
    range.selectNodeContents(next.els.edit);
    range.collapse(false);
    sel.removeAllRanges();
    sel.addRange(range);
    next.row.scrollIntoView({ block: 'nearest' });
    return true;
  }

  function onEditKey(ev, entry) {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      approve_(entry).then(() => {
        if (approvedNow(entry) && document.activeElement === entry.els.edit) focusRow(entry, 1);
      });
    } else if (ev.key === 'Enter') {
      ev.preventDefault(); /* a segment is one line */
    } else if (ev.key === 'Tab' && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
      if (focusRow(entry, ev.shiftKey ? -1 : 1)) ev.preventDefault();
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      entry.els.approve.focus();
    }
  }

  /* --------------------------------------------------------------- pins */

  function entryOfNode(node) {
    const e = node && (node.nodeType === 1 ? node : node.parentElement);
    const row = e && e.closest('.row');
    return row ? state.byId.get(Number(row.dataset.id)) || state.byId.get(row.dataset.id) : null;
  }

  function cleanSelection(text) {
    return text.replace(/\s+/g, ' ').replace(/^[\s«»"'“”()\[\]،؛؟.,:;!\-]+|[\s«»"'“”()\[\]،؛؟.,:;!\-]+$/g, '');
  }

  /* The text selected inside entry's Arabic cell, or ''. */
  function selectionIn(entry) {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return '';
    const r = sel.getRangeAt(0);
    if (!entry.els.src.contains(r.startContainer) || !entry.els.src.contains(r.endContainer)) return '';
    return cleanSelection(sel.toString());
  }

  /* After a selection made in one row's Arabic, the pin form opens with it. */
  function onSelectionDone() {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return;
    const r = sel.getRangeAt(0);
    const entry = entryOfNode(r.commonAncestorContainer);
    if (!entry || !entry.els.src.contains(r.commonAncestorContainer)) return;
    const text = cleanSelection(sel.toString());
    if (!text || !HAS_ARABIC.test(text) || text.length > 120) return;
    openPinForm(entry, { arabic: text }, null);
  }

  function closePinForm() {
    const form = $('pin-form');
    const back = state.pin && state.pin.returnTo;
    form.hidden = true;
    state.pin = null;
    if (form.parentElement !== document.querySelector('main')) document.querySelector('main').append(form);
    if (back && document.contains(back)) back.focus();
  }

  async function lookUp(arabic, token) {
    const known = $('pin-known');
    known.replaceChildren();
    if (!arabic) return;
    try {
      const res = await api('api/glossary?q=' + encodeURIComponent(arabic));
      if (!res.ok || !state.pin || state.pin.token !== token) return;
      const data = await res.json();
      const norm = (s) => s.replace(/[\u064B-\u065F\u0670\u0640]/g, '');
      const hits = (data.entries || []).filter((e) => norm(e.arabic).split('|').includes(norm(arabic))).slice(0, 3);
      if (!hits.length) return;
      known.append('Already in a glossary: ');
      hits.forEach((h, i) => {
        if (i) known.append('; ');
        known.append(el('bdi', { lang: 'ar', dir: 'rtl', text: h.arabic }), ' → ',
          el('bdi', { text: h.english }), ' (' + (h.type || 'term') + ', ' + (h.file || '') + ')');
      });
    } catch (e) { /* the search is a help only */ }
  }

  /* Opens the pin form in entry's row (or above the rows), filled from s: {arabic, english,
   * type}. The English defaults to the server's suggestion for that Arabic, else to a
   * transliteration. */
  function openPinForm(entry, s, returnTo) {
    const form = $('pin-form');
    const arabic = (s.arabic || '').trim();
    const sug = arabic ? allSuggestions().get(arabic) : null;
    const english = s.english || (sug && sug.english) || (arabic ? transliterate(arabic) : '');
    const type = s.type || (sug && sug.type) || 'person';
    const token = {};
    state.pin = { entry, token, returnTo, auto: english };
    $('pin-arabic').value = arabic;
    $('pin-english').value = english;
    $('pin-type').value = TYPES.includes(type) ? type : 'term';
    $('pin-status').textContent = '';
    $('pin-status').classList.remove('error');
    $('pin-replace').hidden = true;
    $('pin-submit').disabled = false;
    if (entry) entry.row.append(form);
    else $('doc-checks').append(form);
    form.hidden = false;
    (arabic ? $('pin-english') : $('pin-arabic')).focus();
    if (arabic) $('pin-english').select();
    lookUp(arabic, token);
  }

  async function submitPin(replace) {
    const arabic = $('pin-arabic').value.trim();
    const english = $('pin-english').value.trim();
    const type = $('pin-type').value;
    const status = $('pin-status');
    status.classList.remove('error');
    if (!arabic || !HAS_ARABIC.test(arabic)) {
      status.textContent = 'The Arabic must have Arabic letters.';
      status.classList.add('error');
      $('pin-arabic').focus();
      return;
    }
    if (!english) {
      status.textContent = 'Give the English.';
      status.classList.add('error');
      $('pin-english').focus();
      return;
    }
    $('pin-submit').disabled = true;
    status.textContent = 'Adding to the glossary…';
    try {
      const body = { arabic, english, type };
      if (replace) body.replace = true;
      const res = await postJSON('api/glossary', body);
      if (res.ok) {
        closePinForm();
        setStatus('Pinned ' + arabic + ' → ' + english + '. Translating again…');
        if ($('source').value.trim()) await translate();
        return;
      }
      const err = await errorOf(res);
      status.textContent = err.message + ' (' + err.code + ')';
      status.classList.add('error');
      $('pin-replace').hidden = res.status !== 409;
      if (res.status === 409) $('pin-replace').focus();
    } catch (e) {
      status.textContent = 'Request failed: ' + e.message;
      status.classList.add('error');
    } finally {
      $('pin-submit').disabled = false;
    }
  }

  /* ------------------------------------------------------------- export */

  /* The document as edited, for POST /api/export: each segment's target is the English in its
   * row, approved rows say so; segments that never came back are failed, their Arabic kept. */
  function editedDocument() {
    const doc = state.doc;
    const out = {
      source_lang: doc.source_lang || 'ar', target_lang: doc.target_lang || 'en',
      provider: doc.provider, blocks: [], stats: doc.stats || {},
    };
    const byBlock = new Map();
    for (const e of state.entries) {
      if (!byBlock.has(e.block)) byBlock.set(e.block, []);
      const seg = Object.assign({}, e.seg);
      delete seg.candidates;
      if (e.pending) {
        seg.target = seg.source;
        seg.origin = 'failed';
      } else {
        seg.target = e.text.replace(/\s+/g, ' ').trim();
        if (approvedNow(e)) seg.approved = true;
        else delete seg.approved;
      }
      byBlock.get(e.block).push(seg);
    }
    for (const b of doc.blocks) {
      const block = Object.assign({}, b, { segments: byBlock.get(b) || [] });
      out.blocks.push(block);
    }
    return out;
  }

  function baseName() {
    if (!state.fileName) return 'article';
    return state.fileName.replace(/\.txt$/i, '').replace(/\.ar$/i, '') || 'article';
  }

  const EXT = { text: '.en.txt', html: '.en.html', xliff: '.en.xlf', tmx: '.en.tmx', json: '.en.json', jsonl: '.en.jsonl' };

  function download(blob, name) {
    const a = el('a', { download: name });
    a.href = URL.createObjectURL(blob);
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  }

  async function exportAs(format, button) {
    if (!state.doc) return;
    button.disabled = true;
    setStatus('Exporting ' + format + '…');
    try {
      const res = await postJSON('api/export?format=' + encodeURIComponent(format), editedDocument());
      if (!res.ok) {
        setStatus('Export failed: ' + await errorText(res), true);
        return;
      }
      const blob = await res.blob();
      const name = baseName() + (EXT[format] || '.' + format);
      download(blob, name);
      setStatus('Exported ' + name + '.');
    } catch (e) {
      setStatus('Export failed: ' + e.message, true);
    } finally {
      button.disabled = Boolean(state.job);
    }
  }

  /* The English as text: one line per block, its segments joined by a space; blank lines
   * where the article has them (when the blocks carry their line numbers). */
  function englishText() {
    const lines = [];
    let prev = 0;
    const doc = editedDocument();
    for (const block of doc.blocks) {
      if (block.line) {
        for (let n = block.line - prev - 1; n > 0; n--) lines.push('');
        prev = block.line;
      }
      lines.push(block.segments.map((s) => s.target).join(' '));
    }
    return lines.join('\n') + '\n';
  }

  async function copyAll() {
    if (!state.doc) return;
    const text = englishText();
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
      } else {
        const ta = el('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
        ta.value = text;
        document.body.append(ta);
        ta.select();
        const ok = document.execCommand('copy');
        ta.remove();
        if (!ok) throw new Error('the browser refused');
      }
      setStatus('Copied the English of ' + plural(state.entries.length, 'segment') + '.');
    } catch (e) {
      setStatus('Could not copy: ' + e.message, true);
    }
  }

  /* ------------------------------------------------------------ set up */

  async function loadProviders() {
    try {
      const res = await api('api/providers');
      if (!res.ok) {
        setStatus('Engines: ' + await errorText(res), true);
        return;
      }
      const data = await res.json();
      state.providers = data.providers || [];
      state.defaultProvider = data.default || '';
      const sel = $('provider');
      sel.replaceChildren();
      for (const p of state.providers) {
        let label = p.name + (p.remote ? ' (sends text off this machine)' : '');
        if (!p.configured) label += ' — not configured';
        const opt = new Option(label, p.name, false, p.name === data.default);
        opt.disabled = !p.configured;
        if (p.description) opt.title = p.description;
        sel.add(opt);
      }
      for (const e of state.entries) fillEngineSelect(e.els.engine, sel.value);
    } catch (e) {
      setStatus('Cannot reach the tarjim server: ' + e.message, true);
    }
  }

  async function openFile(ev) {
    const file = ev.target.files[0];
    if (!file) return;
    state.fileName = file.name;
    $('source').value = await file.text();
    saveArticle();
    setStatus('Opened ' + file.name + '.');
  }

  function saveArticle() {
    try {
      sessionStorage.setItem(ARTICLE_KEY, $('source').value);
    } catch (e) { /* too large for the tab's storage: not kept across a reload */ }
  }

  document.addEventListener('DOMContentLoaded', () => {
    const saved = sessionStorage.getItem(ARTICLE_KEY);
    if (saved && !$('source').value) $('source').value = saved;
    $('translate').addEventListener('click', translate);
    $('cancel').addEventListener('click', cancel);
    $('file').addEventListener('change', openFile);
    $('copy').addEventListener('click', copyAll);
    for (const b of document.querySelectorAll('.exports button[data-format]')) {
      b.addEventListener('click', () => exportAs(b.dataset.format, b));
    }
    let saveTimer = 0;
    $('source').addEventListener('input', () => {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(saveArticle, 300);
    });
    $('source').addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        saveArticle();
        translate();
      }
    });
    $('pin-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      submitPin(false);
    });
    $('pin-replace').addEventListener('click', () => submitPin(true));
    $('pin-close').addEventListener('click', closePinForm);
    $('pin-form').addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        closePinForm();
      }
    });
    $('pin-arabic').addEventListener('input', () => {
      /* the English follows the Arabic until the editor writes it */
      if (!state.pin || $('pin-english').value !== state.pin.auto) return;
      const arabic = $('pin-arabic').value.trim();
      const sug = allSuggestions().get(arabic);
      state.pin.auto = sug && sug.english ? sug.english : (HAS_ARABIC.test(arabic) ? transliterate(arabic) : '');
      $('pin-english').value = state.pin.auto;
    });
    $('pin-arabic').addEventListener('change', () => {
      if (state.pin) lookUp($('pin-arabic').value.trim(), state.pin.token);
    });
    $('rows').addEventListener('mouseup', () => setTimeout(onSelectionDone, 0));
    /* on a touch screen a selection is made by a long press and its handles, with no mouseup:
     * the form opens once the selection has stayed the same for a moment */
    let lastPointer = 'mouse';
    let selTimer = 0;
    document.addEventListener('pointerdown', (ev) => { lastPointer = ev.pointerType; }, true);
    document.addEventListener('selectionchange', () => {
      if (lastPointer !== 'touch') return;
      clearTimeout(selTimer);
      selTimer = setTimeout(() => {
        const open = state.pin && !$('pin-form').hidden;
        if (!open) onSelectionDone();
      }, 700);
    });
    $('rows').addEventListener('keyup', (ev) => {
      if (ev.shiftKey && /^Arrow|^Home|^End/.test(ev.key)) onSelectionDone();
    });
    window.addEventListener('beforeunload', (ev) => {
      if (unapprovedEdits() > 0) {
        ev.preventDefault();
        ev.returnValue = '';
      }
    });
    loadProviders();
  });

  /* For the browser tests and the console: the transliteration alone. */
  window.tarjimTransliterate = transliterate;
})();
