#!/usr/bin/env node
/* The editors' desk in a real Chromium (Debian's /usr/bin/chromium driven by playwright-core):
 * tarjim serve against the loopback fake provider, with a translation memory and a desk
 * glossary of its own in a temporary folder. An editor pastes the design article and sees its
 * 16 rows come with Putin highlighted on both sides; moves between rows with Tab; edits and
 * approves a row with Ctrl+Enter, reloads and sees it come back approved from the memory; picks
 * a similar segment's translation from the memory; translates one row again with another
 * engine; pins a new name from a selection and sees it pinned in the next translation; exports
 * XLIFF and reads it back; sees an article with <script> and <img onerror> as text; stacks the
 * rows at a phone's width; cancels a long translation. Screenshots (desktop 1280 px, phone
 * 390 px) go to SHOTS_DIR.
 *
 * usage: node desk.test.mjs TARJIM FAKE_PROVIDER [SOURCE_DIR [SHOTS_DIR]]
 *   (or the environment: TARJIM, FAKE_PROVIDER, TARJIM_SOURCE, TARJIM_SHOTS;
 *    TARJIM_CHROMIUM for another browser binary, TARJIM_SHARED for the shared examples)
 * Exit 0 when every check passes, 1 when one fails, 77 (skipped) without Chromium,
 * node_modules or Node 18 — except under CI=true, where a missing piece is a failure. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const tarjim = argv[0] || process.env.TARJIM;
const fake = argv[1] || process.env.FAKE_PROVIDER;
const sourceDir = argv[2] || process.env.TARJIM_SOURCE || path.resolve(here, '..', '..');
const shotsDir = argv[3] || process.env.TARJIM_SHOTS || path.join(process.cwd(), 'browser-shots');
const sharedDir = process.env.TARJIM_SHARED || path.join(sourceDir, '..', 'shared');
const chromium = process.env.TARJIM_CHROMIUM || '/usr/bin/chromium';
const inCI = process.env.CI === 'true';

function skip(why) {
  if (inCI) {
    console.log('FAILED: ' + why + ' (CI must run the browser tests)');
    process.exit(1);
  }
  console.log('SKIP: ' + why);
  process.exit(77);
}

if (!tarjim || !fake) {
  console.error('usage: node desk.test.mjs TARJIM FAKE_PROVIDER [SOURCE_DIR [SHOTS_DIR]]');
  process.exit(2);
}
const major = Number(process.versions.node.split('.')[0]);
if (major < 18) skip('Node ' + process.versions.node + ' is too old: playwright-core 1.56 needs Node 18');
if (!fs.existsSync(chromium)) skip('no ' + chromium + ' (install the Debian package chromium)');
if (!fs.existsSync(path.join(here, 'node_modules', 'playwright-core', 'package.json'))) {
  skip('no tests/browser/node_modules: run `npm ci` in tests/browser');
}
const { chromium: browserType } = await import('playwright-core');

/* ------------------------------------------------------------ checks */

const failures = [];
function check(cond, what, detail) {
  console.log((cond ? 'ok: ' : 'FAILED: ') + what + (!cond && detail !== undefined ? ' — ' + detail : ''));
  if (!cond) failures.push(what);
  return Boolean(cond);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* ---------------------------------------------------------- processes */

const children = [];

/* Starts cmd and resolves with the first match of re in its stdout or stderr; the rest of its
 * output goes to logFile. */
function start(cmd, args, env, re, logFile) {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(proc);
    const log = fs.createWriteStream(logFile);
    let done = false;
    const timer = setTimeout(() => {
      if (!done) reject(new Error(cmd + ' did not start in 20 s (see ' + logFile + ')'));
    }, 20000);
    for (const stream of [proc.stdout, proc.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        log.write(line + '\n');
        const m = !done && re.exec(line);
        if (m) {
          done = true;
          clearTimeout(timer);
          resolve({ proc, match: m });
        }
      });
    }
    proc.on('exit', (code) => {
      if (!done) {
        clearTimeout(timer);
        reject(new Error(cmd + ' exited with ' + code + ' before it was ready (see ' + logFile + ')'));
      }
    });
  });
}

function stopAll() {
  for (const p of children) if (p.exitCode === null) p.kill('SIGTERM');
}
process.on('exit', stopAll);

async function getJSON(url) {
  const res = await fetch(url);
  return res.json();
}

/* ------------------------------------------------------------- set up */

fs.mkdirSync(shotsDir, { recursive: true });
for (const f of fs.readdirSync(shotsDir)) if (f.endsWith('.png')) fs.rmSync(path.join(shotsDir, f));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tarjim-browser-'));
const home = {
  XDG_DATA_HOME: path.join(tmp, 'data'), XDG_CONFIG_HOME: path.join(tmp, 'config'),
  XDG_CACHE_HOME: path.join(tmp, 'cache'),
};
for (const d of Object.values(home)) fs.mkdirSync(d, { recursive: true });
const deskGlossary = path.join(tmp, 'desk.tsv');
fs.writeFileSync(deskGlossary, '# the desk glossary: names pinned from the editor\n');
const tmFile = path.join(tmp, 'tm.sqlite3');
const env = Object.assign({}, process.env, home, { TARJIM_DATA_DIR: process.env.TARJIM_DATA_DIR || sourceDir });
delete env.TARJIM_TM;
delete env.TARJIM_PROVIDER;
delete env.TARJIM_TOKEN;

const fakeRun = await start(fake, ['--port', '0', '--exit-with-parent'], env, /^port (\d+)/,
  path.join(shotsDir, 'fake.log'));
const fakeBase = 'http://127.0.0.1:' + fakeRun.match[1];
const conf = path.join(tmp, 'config.ini');
fs.writeFileSync(conf, 'provider = libretranslate\n\n[libretranslate]\nurl = ' + fakeBase + '/libretranslate\n');

async function serve(extra, logName, extraEnv) {
  const args = ['serve', '--listen', '127.0.0.1:0', '--config', conf, '--tm', tmFile,
    '--desk-glossary', deskGlossary, ...extra];
  const run = await start(tarjim, args, Object.assign({}, env, extraEnv), /serving on (http:\/\/\S+)/, path.join(shotsDir, logName));
  return { proc: run.proc, url: run.match[1].replace(/\/$/, '') };
}

const server = await serve([], 'serve.log');
const base = server.url;
console.log('# tarjim serve at ' + base + ', fake provider at ' + fakeBase);

const browser = await browserType.launch({
  executablePath: chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
const page = await context.newPage();
const dialogs = [];
const pageErrors = [];
const confirms = [];
page.on('dialog', (d) => {
  /* the page asks before it drops edits that are not approved: the editor says yes */
  if (d.type() === 'confirm') {
    confirms.push(d.message());
    d.accept().catch(() => {});
    return;
  }
  if (d.type() !== 'beforeunload') dialogs.push(d.type() + ': ' + d.message());
  d.dismiss().catch(() => {});
});
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => {
  /* a failed request is the status line's business, not a script error */
  if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) pageErrors.push('console: ' + m.text());
});

/* Runs one case; an exception fails it, with a screenshot of the page as it was. */
async function step(name, fn) {
  console.log('# ' + name);
  try {
    await fn();
  } catch (e) {
    check(false, name, e.stack || String(e));
    await page.screenshot({ path: path.join(shotsDir, 'failed-' + name.replace(/\W+/g, '-') + '.png'), fullPage: true })
      .catch(() => {});
  }
}

/* ------------------------------------------------------ page helpers */

async function openDesk() {
  await page.goto(base + '/');
  await page.waitForFunction(() => document.querySelector('#provider').options.length > 0);
}

/* Pastes text (unless null: the article already there), picks the engine, translates and
 * waits until the translation is over; returns the status line. */
async function translate(text, provider) {
  if (text !== null) await page.fill('#source', text);
  if (provider) await page.selectOption('#provider', provider);
  await page.click('#translate');
  await page.waitForFunction(() => {
    const s = document.querySelector('#status').textContent;
    return !document.querySelector('#translate').disabled && s && !s.startsWith('Translating');
  }, null, { timeout: 60000 });
  return page.textContent('#status');
}

/* What each row shows: id, classes, Arabic, English, the marks on both sides, the badges. */
function rows() {
  return page.$$eval('#rows .row', (list) => list.map((r) => ({
    id: Number(r.dataset.id),
    cls: r.className,
    arabic: r.querySelector('.src').textContent,
    english: r.querySelector('.tgt .edit').textContent,
    srcMarks: [...r.querySelectorAll('.src mark')].map((m) => m.textContent),
    tgtMarks: [...r.querySelectorAll('.tgt mark')].map((m) => m.textContent),
    badges: r.querySelector('.badges').textContent,
    qa: [...r.querySelectorAll('ul.qa li')].map((li) => li.textContent),
  })));
}

/* Texts whose contrast with the background behind them is below WCAG AA: 4.5:1, or 3:1 for
 * large text (24 px, or 18.66 px bold). The background is the first opaque one up the tree;
 * disabled controls are exempt, as WCAG has them. */
function contrastFailures() {
  return page.evaluate(() => {
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (e) => {
      for (; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const e = n.parentElement;
      if (!n.data.trim() || seen.has(e)) continue;
      seen.add(e);
      if (!e.getClientRects().length || e.closest('[hidden], :disabled, option')) continue;
      const st = getComputedStyle(e);
      if (st.visibility === 'hidden') continue;
      let opacity = 1;
      for (let a = e; a; a = a.parentElement) opacity *= Number(getComputedStyle(a).opacity);
      const fg = rgb(st.color);
      const bg = background(e);
      const alpha = (fg.length === 4 ? fg[3] : 1) * opacity;
      const mixed = fg.slice(0, 3).map((v, i) => v * alpha + bg[i] * (1 - alpha));
      const [hi, lo] = [lum(mixed), lum(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(st.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(ratio.toFixed(2) + ' ' + e.tagName.toLowerCase() + '.' + e.className + ' "' + n.data.trim().slice(0, 30) + '"');
    }
    return out;
  });
}

const row = (id) => '#rows .row[data-id="' + id + '"]';

/* ------------------------------------------------------------- cases */

const articlePath = path.join(sharedDir, 'examples', 'putin-brics.ar.txt');
const article = fs.existsSync(articlePath) ? fs.readFileSync(articlePath, 'utf8') : null;
const EDIT1 = 'Brazil is to host the BRICS summit online on 8 September.';
const EDIT2 = EDIT1 + ' It was confirmed by officials.';

await openDesk();

await step('page', async () => {
  const csp = (await (await fetch(base + '/')).headers.get('content-security-policy')) || '';
  check(/script-src|default-src 'self'/.test(csp) && !/unsafe-inline/.test(csp),
    'the page is served with a CSP without inline script', csp);
  const inline = await page.$$eval('script', (s) => s.filter((x) => !x.src).length);
  check(inline === 0, 'no inline script in the page', inline);
  const ta = await page.$eval('#source', (t) => [t.lang, t.dir]);
  check(ta[0] === 'ar' && ta[1] === 'rtl', 'the article box is lang=ar dir=rtl', ta);
  const font = await page.$eval('#source', (t) => getComputedStyle(t).fontFamily);
  check(/Noto Naskh Arabic/.test(font), 'Arabic is set in Noto Naskh Arabic', font);
  const names = await page.evaluate(() => ['كريم الهاشمي', 'كَرِيم', 'عبد الرحمن', 'محمد بن سلمان', 'إسماعيل']
    .map((n) => window.tarjimTransliterate(n)));
  check(names.join('|') === 'Karim al-Hashmi|Karim|Abdel Rahman|Mohammed bin Salman|Ismail',
    'the pin form\'s transliteration: news style, al- for the article, no diacritics', names.join('|'));
});

if (!article) {
  console.log('SKIP: ' + articlePath + ' is absent: the design article cases are left out');
} else {
  await step('design article', async () => {
    const status = await translate(article, 'libretranslate');
    const list = await rows();
    check(list.length === 16, 'the design article gives 16 rows', list.length + ' rows; ' + status);
    check(list.every((r) => !/pending/.test(r.cls)) && /Translated/.test(status), 'every row is translated', status);
    check(list.every((r) => /libretranslate/.test(r.badges)), 'each row names its engine', list.map((r) => r.badges).join('|'));
    const putin = list.filter((r) => r.srcMarks.some((m) => m.includes('بوتين')) && r.tgtMarks.some((m) => m.includes('Putin')) &&
      r.english.includes('Putin'));
    check(putin.length >= 8, 'Putin highlighted on both sides (in ' + putin.length + ' rows)',
      JSON.stringify(list.slice(0, 2)));
    check(list[0].english.includes('Putin') && list[0].srcMarks.includes('بوتين'), 'row 1: بوتين and Putin marked',
      JSON.stringify(list[0]));
    const progress = await page.$eval('#progress', (p) => [p.value, p.max]);
    check(progress[0] === 16 && progress[1] === 16, 'the progress bar is full', progress);
    /* every text node with Arabic letters is inside a lang="ar" element set right to left */
    const wrong = await page.evaluate(() => {
      const out = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!/[\u0600-\u06FF]/.test(n.data) || n.parentElement.closest('[hidden]')) continue;
        const host = n.parentElement.closest('[lang]');
        if (!host || host.lang !== 'ar' || getComputedStyle(n.parentElement).direction !== 'rtl') out.push(n.data.slice(0, 40));
      }
      return out;
    });
    check(wrong.length === 0, 'every Arabic text is in a lang=ar, right-to-left element', wrong.join(' | '));
    await page.screenshot({ path: path.join(shotsDir, 'desktop-1280.png') });
    const low = await contrastFailures();
    check(low.length === 0, 'every text passes WCAG AA contrast', low.slice(0, 8).join(' | '));
  });

  await step('tab between rows', async () => {
    await page.click(row(1) + ' .edit');
    await page.keyboard.press('Tab');
    let at = await page.evaluate(() => document.activeElement.closest('.row') && document.activeElement.closest('.row').dataset.id);
    check(at === '2' && await page.evaluate(() => document.activeElement.classList.contains('edit')),
      'Tab moves to the next row\'s English', at);
    await page.keyboard.press('Shift+Tab');
    at = await page.evaluate(() => document.activeElement.closest('.row') && document.activeElement.closest('.row').dataset.id);
    check(at === '1', 'Shift+Tab moves back', at);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    check(outline !== 'none', 'the focused row has a visible outline', outline);
  });

  await step('edit and approve', async () => {
    await page.click(row(3) + ' .edit');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(EDIT1);
    check(/edited/.test(await page.getAttribute(row(3), 'class')), 'an edited row is marked edited');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector(row(3) + '.approved');
    let r = (await rows())[2];
    check(r.english === EDIT1 && /approved/.test(r.badges), 'Ctrl+Enter approves the row', JSON.stringify(r));
    const focus = await page.evaluate(() => document.activeElement.closest('.row') && document.activeElement.closest('.row').dataset.id);
    check(focus === '4', 'approving moves on to the next row', focus);
    await page.click(row(3) + ' .edit');
    await page.keyboard.press('End');
    await page.keyboard.type(' It was confirmed by officials.');
    r = (await rows())[2];
    check(!/\bapproved\b/.test(r.cls) && /edited since approval/.test(r.badges), 'an edit after approval un-approves the row', JSON.stringify(r));
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector(row(3) + '.approved');
    r = (await rows())[2];
    check(r.english === EDIT2, 'the row is approved again with the new English', r.english);
  });

  await step('reload brings approvals back', async () => {
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#provider').options.length > 0);
    const kept = await page.inputValue('#source');
    check(kept === article, 'the article is still in the box after a reload (this tab only)', kept.length);
    await translate(null);
    const list = await rows();
    const r = list[2];
    check(list.length === 16 && /\bapproved\b/.test(r.cls) && r.english === EDIT2 && /memory/.test(r.badges),
      'after a reload, row 3 comes back approved from the memory with the edited English', JSON.stringify(r));
    check(list.filter((x) => /\bapproved\b/.test(x.cls)).length === 1, 'only that row is approved');
    const storage = await page.evaluate(() => [Object.keys(localStorage), Object.keys(sessionStorage)]);
    check(storage[0].length === 0, 'nothing is kept in localStorage', storage[0]);
  });

  await step('candidates from the memory', async () => {
    const lines = article.split('\n');
    const similar = lines.find((l) => l.includes('8 سبتمبر')).replace('8 سبتمبر', '9 سبتمبر');
    await translate(similar);
    const cand = await page.$(row(1) + ' button.cand');
    check(Boolean(cand), 'a similar approved segment is offered from the memory');
    if (cand) {
      check((await cand.textContent()).includes(EDIT2), 'the candidate shows its English', await cand.textContent());
      await cand.click();
      const r = (await rows())[0];
      check(r.english === EDIT2 && /edited/.test(r.cls), 'a click on the candidate fills the English', JSON.stringify(r));
    }
  });

  await step('retranslate one row with another engine', async () => {
    await page.evaluate(() => { document.querySelector('#source').value = ''; });
    await translate(article, 'libretranslate');
    check(confirms.length === 1, 'translating over an edit not approved asks first', confirms.join(' | '));
    await page.selectOption(row(2) + ' select.engine', 'offline');
    await page.click(row(2) + ' button.again');
    await page.waitForFunction((sel) => /offline/.test(document.querySelector(sel + ' .badges').textContent), row(2));
    const list = await rows();
    check(/offline/.test(list[1].badges) && list[1].english.length > 0, 'row 2 translated again offline', list[1].badges);
    check(/libretranslate/.test(list[0].badges) && /libretranslate/.test(list[3].badges), 'the other rows are left as they were');
  });

  await step('export XLIFF', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.exports button[data-format="xliff"]')]);
    const file = await download.path();
    const xml = fs.readFileSync(file, 'utf8');
    fs.copyFileSync(file, path.join(shotsDir, 'export.xlf'));
    check(/\.xlf$/.test(download.suggestedFilename()), 'the XLIFF download is named .xlf', download.suggestedFilename());
    const parsed = await page.evaluate((text) => {
      const d = new DOMParser().parseFromString(text, 'application/xml');
      if (d.getElementsByTagName('parsererror').length) return { error: d.getElementsByTagName('parsererror')[0].textContent };
      const root = d.documentElement;
      const units = [...d.getElementsByTagNameNS('*', 'unit')];
      return {
        root: root.localName, version: root.getAttribute('version'),
        srcLang: root.getAttribute('srcLang'), trgLang: root.getAttribute('trgLang'),
        units: units.length,
        targets: units.map((u) => { const t = u.getElementsByTagNameNS('*', 'target')[0]; return t ? t.textContent : null; }),
        states: units.map((u) => { const s = u.getElementsByTagNameNS('*', 'segment')[0]; return s ? s.getAttribute('state') : null; }),
      };
    }, xml);
    check(!parsed.error && parsed.root === 'xliff', 'the export is XLIFF', parsed.error || parsed.root);
    check(parsed.srcLang === 'ar' && parsed.trgLang === 'en', 'srcLang ar, trgLang en', parsed.srcLang + ' ' + parsed.trgLang);
    check(parsed.units === 16, 'the XLIFF has 16 units', parsed.units);
    check(parsed.targets && parsed.targets[2] === EDIT2, 'unit 3 carries the approved English', parsed.targets && parsed.targets[2]);
    check(parsed.states && parsed.states[2] === 'final', 'unit 3 is final (approved)', parsed.states && parsed.states.join(','));
  });

  await step('export the other formats', async () => {
    const got = {};
    for (const format of ['text', 'html', 'tmx', 'json']) {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }),
        page.click('.exports button[data-format="' + format + '"]')]);
      got[format] = { name: download.suggestedFilename(), body: fs.readFileSync(await download.path(), 'utf8') };
    }
    const text = got.text.body.split('\n');
    check(/\.en\.txt$/.test(got.text.name) && text.includes(EDIT2) && text.filter((l) => l.trim()).length === 16,
      'text: one line a paragraph, the approved English among them', got.text.name + ' ' + text.length);
    const html = await page.evaluate((body) => {
      /* (its style sheet left out: the desk's CSP would report it) */
      const d = new DOMParser().parseFromString(body.replace(/<style[\s\S]*?<\/style>/g, ''), 'text/html');
      return {
        ar: d.querySelectorAll('[lang="ar"]').length,
        texts: [...d.querySelectorAll('td, p, div, span')].map((e) => e.textContent.trim()),
        scripts: d.querySelectorAll('script').length,
      };
    }, got.html.body);
    check(/\.en\.html$/.test(got.html.name) && html.ar > 0 && html.texts.includes(EDIT2) && html.scripts === 0,
      'bilingual HTML with the edited English', got.html.name + ' ' + html.ar);
    const tus = (got.tmx.body.match(/<tu[\s>]/g) || []).length;
    check(/\.en\.tmx$/.test(got.tmx.name) && /<tmx/.test(got.tmx.body) && tus === 16 && got.tmx.body.includes(EDIT2),
      'TMX with 16 units', got.tmx.name + ' ' + tus);
    let doc = null;
    try { doc = JSON.parse(got.json.body); } catch (e) { /* checked below */ }
    const segs = doc ? doc.blocks.flatMap((b) => b.segments) : [];
    check(segs.length === 16 && segs[2].target === EDIT2 && segs[2].approved === true && !segs[0].approved,
      'JSON: 16 segments, the approved one marked', got.json.body.slice(0, 200));
  });

  await step('copy all English', async () => {
    await page.click('#copy');
    const text = await page.evaluate(() => navigator.clipboard.readText());
    const lines = text.split('\n').filter((l) => l.trim());
    check(lines.some((l) => l.includes(EDIT2)) && text.includes('Putin'), 'the English is on the clipboard, edits included', text.slice(0, 200));
  });

  await step('phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(100);
    const boxes = await page.$$eval('#rows .row', (list) => list.slice(0, 4).map((r) => {
      const a = r.querySelector('.src').getBoundingClientRect();
      const e = r.querySelector('.tgt').getBoundingClientRect();
      return { a: [a.top, a.bottom, a.width], e: [e.top, e.bottom, e.width] };
    }));
    check(boxes.every((b) => b.a[1] <= b.e[0] + 0.5), 'at 390 px the Arabic sits above the English', JSON.stringify(boxes));
    check(boxes.every((b) => b.a[2] > 300 && b.e[2] > 300), 'both take the whole width', JSON.stringify(boxes));
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    check(scroll <= 390, 'no sideways scrolling at 390 px', scroll);
    await page.screenshot({ path: path.join(shotsDir, 'phone-390.png') });
    await page.locator(row(3)).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shotsDir, 'phone-390-rows.png') });
    /* a selection made by touch (a long press, no mouseup) opens the pin form too */
    await page.evaluate((sel) => {
      const cell = document.querySelector(sel + ' .src');
      cell.dispatchEvent(new PointerEvent('pointerdown', { pointerType: 'touch', bubbles: true }));
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.data.indexOf('القمة');
        if (i < 0) continue;
        const r = document.createRange();
        r.setStart(n, i);
        r.setEnd(n, i + 'القمة'.length);
        getSelection().removeAllRanges();
        getSelection().addRange(r);
        break;
      }
    }, row(2));
    await page.waitForSelector(row(2) + ' #pin-form:not([hidden])', { timeout: 5000 });
    check(await page.inputValue('#pin-arabic') === 'القمة', 'a touch selection opens the pin form');
    await page.locator('#pin-form').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shotsDir, 'phone-390-pin-form.png') });
    const formBox = await page.$eval('#pin-form', (f) => f.getBoundingClientRect().right);
    check(formBox <= 390, 'the pin form fits the phone\'s width', formBox);
    await page.click('#pin-close');
    await page.evaluate(() => { const ae = document.activeElement; if (ae) ae.blur(); });
    await page.mouse.click(5, 5);
    await page.setViewportSize({ width: 1280, height: 900 });
    const wide = await page.$eval(row(2), (r) => {
      const a = r.querySelector('.src').getBoundingClientRect();
      const e = r.querySelector('.tgt').getBoundingClientRect();
      return [a.right <= e.left + 0.5, Math.abs(a.top - e.top) < 1];
    });
    check(wide[0] && wide[1], 'at 1280 px Arabic and English are side by side', wide);
  });
}

await step('keyboard only', async () => {
  await page.goto(base + '/');
  await page.waitForFunction(() => document.querySelector('#provider').options.length > 0);
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.classList.contains('skip')), 'the first Tab reaches the skip link');
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.id === 'source'), 'the next one the article');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('قال الرئيس بوتين إن الوفد وصل إلى القاهرة.\nوأضاف أن الاجتماع سيعقد غدا.');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => /^Translated/.test(document.querySelector('#status').textContent));
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  const at = await page.evaluate(() => [document.activeElement.className, document.activeElement.closest('.row') && document.activeElement.closest('.row').dataset.id]);
  check(at[0] === 'edit' && at[1] === '1', 'the skip link leads to the first row\'s English', at);
  await page.keyboard.press('Escape');
  check(await page.evaluate(() => document.activeElement.classList.contains('approve')), 'Esc goes to the row\'s actions');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth);
  check(/solid 3px/.test(ring), 'a focused button shows a 3 px outline', ring);
  for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.classList.contains('pin')), 'Tab reaches the row\'s Pin button');
  await page.keyboard.press('Enter');
  check(await page.evaluate(() => document.activeElement.id === 'pin-arabic' && !document.querySelector('#pin-form').hidden),
    'Enter opens the pin form, the Arabic field focused');
  await page.keyboard.type('عبد الرحمن');
  check(await page.inputValue('#pin-english') === 'Abdel Rahman', 'typing the Arabic fills in its transliteration',
    await page.inputValue('#pin-english'));
  await page.keyboard.press('Escape');
  check(await page.evaluate(() => document.querySelector('#pin-form').hidden && document.activeElement.classList.contains('pin')),
    'Esc closes it and gives the focus back');
});

await step('pin from a selection', async () => {
  const text = 'التقى الرئيس بوتين بالسيد كريم الهاشمي في القاهرة أمس.';
  await translate(text, 'libretranslate');
  let r = (await rows())[0];
  check(r && !r.tgtMarks.some((m) => m.includes('Hashemi')), 'before: the name is not pinned', JSON.stringify(r));
  const suggestBtn = await page.$(row(1) + ' ul.qa li.suggest_pin button');
  check(Boolean(suggestBtn), 'the suggest_pin finding offers a Pin button', r && r.qa.join(' | '));
  if (suggestBtn) {
    await suggestBtn.click();
    const form = [await page.inputValue('#pin-arabic'), await page.inputValue('#pin-english'), await page.inputValue('#pin-type')];
    check(form[0] === 'كريم الهاشمي' && form[1] === 'Karim al-Hashmi' && form[2] === 'person',
      'it opens the pin form with the finding\'s Arabic, English and type', form.join(' | '));
    await page.click('#pin-close');
  }
  /* select the name with the mouse, as an editor does: from its first letter (at the right) to
   * its last */
  const rect = await page.$eval(row(1) + ' .src', (cell, name) => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.data.indexOf(name);
      if (i < 0) continue;
      const range = document.createRange();
      range.setStart(n, i);
      range.setEnd(n, i + name.length);
      const rects = [...range.getClientRects()];
      const first = rects[0];
      const last = rects[rects.length - 1];
      return { x1: first.right - 1, y1: first.top + first.height / 2, x2: last.left + 1, y2: last.top + last.height / 2 };
    }
    return null;
  }, 'كريم الهاشمي');
  check(Boolean(rect), 'the name is in the Arabic cell');
  await page.mouse.move(rect.x1, rect.y1);
  await page.mouse.down();
  await page.mouse.move((rect.x1 + rect.x2) / 2, rect.y1, { steps: 4 });
  await page.mouse.move(rect.x2, rect.y2, { steps: 4 });
  await page.mouse.up();
  await page.waitForSelector(row(1) + ' #pin-form:not([hidden])', { timeout: 5000 });
  const arabic = await page.inputValue('#pin-arabic');
  const suggested = await page.inputValue('#pin-english');
  check(arabic === 'كريم الهاشمي', 'the selection fills the Arabic of the pin form', arabic);
  check(/^[A-Z][a-z]+ al-[A-Z][a-z]+$/.test(suggested), 'the English is prefilled with a transliteration', suggested);
  await page.screenshot({ path: path.join(shotsDir, 'desktop-pin-form.png') });
  const low = await contrastFailures();
  check(low.length === 0, 'the pin form and the findings pass WCAG AA contrast', low.slice(0, 8).join(' | '));
  await page.fill('#pin-english', 'Karim al-Hashemi');
  await page.selectOption('#pin-type', 'person');
  await page.click('#pin-submit');
  /* the form closes once the entry is stored, then the article is translated again */
  await page.waitForSelector('#pin-form', { state: 'hidden', timeout: 10000 });
  await page.waitForFunction(() => {
    const s = document.querySelector('#status').textContent;
    return !document.querySelector('#translate').disabled && /^Translated|could not|stopped|failed/.test(s);
  }, null, { timeout: 30000 });
  r = (await rows())[0];
  check(r.srcMarks.includes('كريم الهاشمي') && r.tgtMarks.includes('Karim al-Hashemi') && r.english.includes('Karim al-Hashemi'),
    'the next translation pins the name on both sides', JSON.stringify(r));
  const stored = fs.readFileSync(deskGlossary, 'utf8');
  check(stored.includes('كريم الهاشمي\tKarim al-Hashemi'), 'the desk glossary file holds the entry', stored);
  const found = await page.evaluate(async () => (await fetch('api/glossary?q=' + encodeURIComponent('الهاشمي'))).json());
  check((found.entries || []).some((e) => e.english === 'Karim al-Hashemi'), 'GET /api/glossary finds it', JSON.stringify(found));
  /* the same again is a conflict the form explains */
  await page.click(row(1) + ' button.pin');
  await page.fill('#pin-arabic', 'كريم الهاشمي');
  await page.fill('#pin-english', 'Kareem Hashemi');
  await page.click('#pin-submit');
  await page.waitForSelector('#pin-replace:not([hidden])', { timeout: 5000 });
  check(/conflict|already/i.test(await page.textContent('#pin-status')), 'pinning it again to another English asks to replace',
    await page.textContent('#pin-status'));
  await page.click('#pin-close');
  check(await page.$eval('#pin-form', (f) => f.hidden), 'Close closes the pin form');
});

await step('article text is never HTML', async () => {
  const evil = 'قال المتحدث <script>alert(1)</script> إن <img src=x onerror="alert(2)"> الوفد وصل إلى القاهرة.\n' +
    'وأضاف <b onmouseover="alert(3)">بيانا</b> أن الاجتماع انتهى.';
  await translate(evil, 'libretranslate');
  await page.waitForTimeout(300);
  const found = await page.evaluate(() => ({
    img: document.querySelectorAll('img').length,
    script: document.querySelectorAll('#rows script, #rows b, #rows [onerror], #rows [onmouseover]').length,
    text: document.querySelector('#rows .row .src').textContent,
    bdi: [...document.querySelectorAll('#rows .src bdi')].map((b) => b.textContent),
    english: [...document.querySelectorAll('#rows .edit')].map((e) => e.textContent).join(' '),
  }));
  await page.hover('#rows .row .src').catch(() => {});
  check(dialogs.length === 0, 'no dialog opened', dialogs.join(' | '));
  check(found.img === 0 && found.script === 0, 'no img, script or handler element in the page', JSON.stringify(found));
  check(found.text.includes('<script>alert(1)</script>') && found.text.includes('<img src=x'),
    'the Arabic cell shows the markup as text', found.text);
  check(found.bdi.some((b) => b.includes('script')), 'Latin inside the Arabic is isolated with <bdi>', found.bdi.join(' | '));
});

await step('cancel a long translation', async () => {
  const long = [];
  for (let i = 0; i < 120; i++) long.push('قال المتحدث إن الاجتماع رقم ' + (1000 + i) + ' انتهى بعد ساعات من النقاش في المدينة.');
  await fetch(fakeBase + '/_reset', { method: 'POST' });
  await fetch(fakeBase + '/_faults', { method: 'POST', body: 'latency=1500' });
  await page.fill('#source', long.join('\n'));
  await page.selectOption('#provider', 'libretranslate');
  const t0 = Date.now();
  await page.click('#translate');
  await page.waitForSelector('#cancel:not([hidden])');
  await page.waitForFunction(() => document.querySelectorAll('#rows .row').length === 120, null, { timeout: 10000 })
    .catch(() => {});
  const shown = await page.$$eval('#rows .row', (l) => l.length);
  check(shown === 120, 'the rows appear before their English does (' + shown + ')');
  /* the first rows come while the others wait */
  await page.waitForFunction(() => document.querySelectorAll('#rows .row:not(.pending)').length > 0, null, { timeout: 20000 });
  const first = await page.evaluate(() => [document.querySelectorAll('#rows .row:not(.pending)').length,
    document.querySelector('#progress').value, document.querySelector('#progress').max]);
  check(first[0] > 0 && first[0] < 120 && first[1] === first[0] && first[2] === 120,
    'rows are filled as their segments come, with the progress bar (' + first[0] + ' of 120)', first);
  await page.screenshot({ path: path.join(shotsDir, 'desktop-streaming.png') });
  await page.click('#cancel');
  await page.waitForFunction(() => !document.querySelector('#translate').disabled, null, { timeout: 3000 });
  const elapsed = Date.now() - t0;
  const status = await page.textContent('#status');
  const list = await rows();
  const waiting = list.filter((r) => /pending/.test(r.cls)).length;
  check(/Cancelled/.test(status), 'Cancel stops the translation', status);
  check(waiting > 0 && list.filter((r) => /not translated/.test(r.english)).length === waiting,
    'rows not translated say so', waiting);
  check(await page.$eval('#cancel', (b) => b.hidden), 'the Cancel button goes away');
  const health = await fetch(base + '/healthz');
  check(health.ok, 'the server still answers', health.status);
  /* the server drops the job: no request starts after the ones in flight */
  const s1 = await getJSON(fakeBase + '/_stats');
  await sleep(3500);
  const s2 = await getJSON(fakeBase + '/_stats');
  check(s2.requests === s1.requests, 'no request is sent after Cancel', s1.requests + ' then ' + s2.requests);
  await fetch(fakeBase + '/_faults', { method: 'POST', body: 'none' });
  console.log('# cancelled after ' + elapsed + ' ms, ' + waiting + ' rows waiting');
});

if (article) {
  await step('screenshots', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await translate(article, 'libretranslate');
    await page.screenshot({ path: path.join(shotsDir, 'desktop-1280-full.png'), fullPage: true });
    const low = await contrastFailures();
    check(low.length === 0, 'approved rows, findings and candidates pass WCAG AA contrast', low.slice(0, 8).join(' | '));
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(shotsDir, 'phone-390-full.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
}

await step('token', async () => {
  const token = 'desk-token-' + process.pid;
  const srv = await serve([], 'serve-token.log', { TARJIM_TOKEN: token });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const tab = await ctx.newPage();
  let prompts = 0;
  tab.on('dialog', (d) => {
    if (d.type() === 'prompt') {
      prompts++;
      d.accept(token).catch(() => {});
    } else {
      d.dismiss().catch(() => {});
    }
  });
  try {
    await tab.goto(srv.url + '/');
    await tab.waitForFunction(() => document.querySelector('#provider').options.length > 0);
    await tab.fill('#source', 'قال المتحدث إن الوفد وصل إلى القاهرة.');
    await tab.click('#translate');
    await tab.waitForFunction(() => /^Translated/.test(document.querySelector('#status').textContent));
    await tab.click(row(1) + ' .edit');
    await tab.keyboard.press('End');
    await tab.keyboard.type(' Approved.');
    await tab.keyboard.press('Control+Enter');
    await tab.waitForSelector(row(1) + '.approved');
    check(prompts === 1, 'with --token the page asks for it once, then translates and approves', prompts);
    const where = await tab.evaluate((t) => ({
      session: sessionStorage.getItem('tarjim.token') === t, local: localStorage.length,
      url: location.href.includes(t), dom: document.documentElement.outerHTML.includes(t),
    }), token);
    check(where.session && where.local === 0 && !where.url && !where.dom,
      'the token is kept in this tab\'s sessionStorage only (not in localStorage, the URL or the page)', JSON.stringify(where));
    await tab.reload();
    await tab.waitForFunction(() => document.querySelector('#provider').options.length > 0);
    check(prompts === 1, 'a reload of the tab does not ask again', prompts);
    const other = await ctx.newPage();
    other.on('dialog', (d) => d.dismiss().catch(() => {}));
    await other.goto(srv.url + '/');
    await other.waitForFunction(() => /token|401|unauthorized/i.test(document.querySelector('#status').textContent), null, { timeout: 5000 });
    check(await other.evaluate(() => sessionStorage.getItem('tarjim.token') === null), 'another tab has no token');
  } finally {
    await ctx.close();
    srv.proc.kill('SIGTERM');
    await new Promise((r) => srv.proc.exitCode !== null ? r() : srv.proc.on('exit', r));
  }
  const log = fs.readFileSync(path.join(shotsDir, 'serve-token.log'), 'utf8');
  check(/audit/.test(log) && !log.includes(token), 'the server logs the approval, never the token', log.split('\n').filter((l) => l.includes(token)).join(' | '));
});

check(pageErrors.length === 0, 'no script error in the page', pageErrors.join(' | '));

await browser.close();
stopAll();
fs.rmSync(tmp, { recursive: true, force: true });
console.log('screenshots: ' + shotsDir);
console.log(failures.length + ' failed');
process.exit(failures.length ? 1 : 0);
