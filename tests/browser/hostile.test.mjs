// The hostile fixture (tests/fixtures/hostile: payloads in every markdown
// construct and front-matter field) in Chromium, served by `helpsite serve`,
// which sends no Content-Security-Policy: no script from content may run (the
// payloads set window.__pwned or open a dialog), every page keeps its visible
// text (a `<!--<script` in JSON-LD would swallow it), and the built pages
// pass the Nu HTML checker.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, helpsiteCommand, helpsiteHasServe, htmlFiles, urlPathOf } from './lib/site.mjs';
import { helpsiteServe } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';

const FIXTURE = path.join(REPO, 'tests/fixtures/hostile');
const VNU = path.join(REPO, 'node_modules/vnu-jar/build/dist/vnu.jar');

// Text each page must still show: the content's last words.
const SHOWN = {
  '/en/': 'HOSTILE-HOME-END',
  '/en/guide/': 'HOSTILE-GUIDE-END',
  '/en/faq/': 'HOSTILE-FAQ-INTRO',
  '/en/policy/': 'HOSTILE-POLICY-INTRO',
  '/en/guides/': 'HOSTILE-SECTION-END',
  '/en/guides/setup/': 'HOSTILE-NESTED-END',
  '/fa/': 'HOSTILE-FA-HOME-END',
  '/fa/faq/': 'HOSTILE-FA-FAQ-INTRO',
  '/fa/guide/': 'HOSTILE-GUIDE-END',
};

let browser;
let server;
let root;
let out;
before(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'helpsite-hostile-'));
  await fsp.cp(FIXTURE, path.join(root, 'site'), { recursive: true });
  out = path.join(root, 'public');
  const [cmd, args] = helpsiteCommand(['build', '--root', path.join(root, 'site'), '--out', out]);
  const r = spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, `build failed:\n${r.stderr}`);
  browser = await launch();
  if (helpsiteHasServe()) server = await helpsiteServe(path.join(root, 'site'));
});
after(async () => {
  await server?.close();
  await browser?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

test('no script from content runs and no page loses its text, without CSP', { timeout: 180_000 }, async (t) => {
  if (!server) return t.skip('helpsite has no serve');
  const paths = htmlFiles(out).map(urlPathOf).filter((p) => !p.endsWith('404.html'));
  for (const p of Object.keys(SHOWN)) assert.ok(paths.includes(p), `${p} was not built`);
  const context = await browser.newContext();
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(`${page.url()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  // The checks below would see a payload that got through: a planted one is seen.
  await page.setContent('<body><img src=x onerror="window.__pwned=1"><footer class="site-footer">f</footer></body>');
  await page.waitForFunction(() => window.__pwned === 1, null, { timeout: 5000 });
  await page.setContent('<head><script type="application/ld+json">{"q":"<!--<script swallow"}</script></head><body><footer class="site-footer">f</footer></body>');
  assert.equal(await page.evaluate(() => !!document.querySelector('body > footer.site-footer')), false, 'a swallowed page is seen');
  for (const p of paths) {
    const response = await page.goto(server.url + p, { waitUntil: 'load' });
    assert.equal(response.headers()['content-security-policy'], undefined, 'serve sends no CSP');
    // Fire what event-handler payloads wait for, on every element.
    await page.evaluate(() => {
      for (const el of document.querySelectorAll('body *')) {
        for (const type of ['mouseover', 'focus', 'click', 'toggle', 'load', 'error']) {
          if (type === 'click' && el.closest('a, button, summary, label, input')) continue;
          el.dispatchEvent(new Event(type));
        }
      }
      for (const d of document.querySelectorAll('details')) d.open = true;
    });
    await page.waitForTimeout(100);
    const state = await page.evaluate(() => ({
      pwned: window.__pwned,
      text: document.body.innerText,
      footer: !!document.querySelector('body > footer.site-footer'),
    }));
    assert.equal(state.pwned, undefined, `${p}: content ran as script (${state.pwned})`);
    assert.ok(state.footer, `${p}: the footer was swallowed`);
    if (SHOWN[p]) assert.ok(state.text.includes(SHOWN[p]), `${p}: "${SHOWN[p]}" not shown:\n${state.text.slice(0, 500)}`);
  }
  // Payloads are shown as the text they are.
  await page.goto(server.url + '/en/faq/');
  const questions = await page.locator('summary.faq-question').allInnerTexts();
  assert.ok(questions.some((q) => q.includes('Does <!--<script swallow the page?')), questions.join('\n'));
  await page.goto(server.url + '/en/guide/');
  assert.ok((await page.locator('h2').allInnerTexts()).some((h) => h.includes('<img src=x onerror=')));
  assert.deepEqual(dialogs, [], 'a dialog opened');
  await context.close();
});

test('search results show hostile titles and excerpts as text', { timeout: 60_000 }, async (t) => {
  if (!server) return t.skip('helpsite has no serve');
  const context = await browser.newContext();
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  await page.goto(server.url + '/en/');
  for (const query of ['onerror', 'script', 'pwned']) {
    const input = page.locator('#search-input');
    await input.focus();
    await input.fill(query);
    await page.waitForFunction(() => document.querySelectorAll('.search-results [role=option]').length > 0, null, {
      timeout: 10_000,
    });
    await page.waitForTimeout(250);
    const shown = await page.locator('.search-results').innerText();
    assert.match(shown, /<(img|script|svg)/, `${query}: payloads are shown as text:\n${shown}`);
    const foreign = await page.locator('.search-results img, .search-results script, .search-results svg').count();
    assert.equal(foreign, 0, `${query}: markup from the index in the results`);
    assert.equal(await page.evaluate(() => window.__pwned), undefined, `${query}: content ran as script`);
  }
  assert.deepEqual(dialogs, []);
  await context.close();
});

test('Nu HTML checker: no errors in the hostile pages', { timeout: 120_000 }, () => {
  const files = htmlFiles(out).map((f) => path.join(out, f));
  const r = spawnSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  const report = JSON.parse(r.stderr || r.stdout);
  const errors = report.messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
  assert.deepEqual(
    errors.map((m) => `${String(m.url).replace(`file:${out}/`, '')}:${m.lastLine}: ${m.message}`),
    [],
  );
});
