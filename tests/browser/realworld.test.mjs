// The real-world fixture (tests/fixtures/realworld: no _index.md, long
// compound words, bare addresses, numbered headings, pages missing in some
// languages) in Chromium: no page is wider than a 320 px or 390 px screen
// with every answer open, axe finds nothing, focusing the search box moves
// nothing, the entry page finds a language by script and region, and a form
// posted without JavaScript lands on the built-in thank-you and error pages.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, buildFixture, pagePaths, helpsiteHasServe } from './lib/site.mjs';
import { staticServer, helpsiteServe } from './lib/server.mjs';
import { launch, watch, FAVICON } from './lib/browser.mjs';

const AXE = path.join(REPO, 'node_modules/axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let server, matchServer, browser, pages;

before(async () => {
  const dir = buildFixture('realworld');
  pages = pagePaths(dir);
  server = await staticServer(dir);
  matchServer = await staticServer(buildFixture('language-match'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await matchServer?.close();
});

/** A page in a fresh context that stays on the page it asked for (the entry page redirects). */
async function context(options = {}) {
  return browser.newContext({ locale: 'de-DE', ...options });
}

for (const width of [320, 390]) {
  test(`no page is wider than a ${width} px screen, every answer open`, { timeout: 180_000 }, async () => {
    assert.ok(pages.length >= 30, `only ${pages.length} pages`);
    const ctx = await context({ viewport: { width, height: 800 } });
    const watcher = await watch(ctx, { ignore: [FAVICON] });
    const page = await ctx.newPage();
    const wide = [];
    for (const p of pages) {
      await page.goto(server.url + p, { waitUntil: 'load' });
      const r = await page.evaluate(() => {
        document.querySelectorAll('details').forEach((d) => (d.open = true));
        const doc = document.documentElement;
        const culprits = [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5 || el.getBoundingClientRect().left < -0.5)
          .filter((el) => !el.closest('.visually-hidden, .skip-link, .table-scroll, pre'))
          .slice(0, 3)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim().slice(0, 50)}`);
        return { scroll: doc.scrollWidth, inner: innerWidth, culprits };
      });
      if (r.scroll > r.inner) wide.push(`${p}: ${r.scroll} px > ${r.inner} px (${r.culprits.join(' | ')})`);
    }
    await ctx.close();
    assert.deepEqual(wide, []);
    assert.equal(watcher.problems().length, 0, watcher.format());
  });
}

test('axe: no WCAG 2.x A/AA violations on any page of the fixture', { timeout: 300_000 }, async () => {
  const ctx = await context({ bypassCSP: true, viewport: { width: 390, height: 800 } });
  const page = await ctx.newPage();
  const found = [];
  for (const p of pages) {
    await page.goto(server.url + p, { waitUntil: 'load' });
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
    if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: AXE });
    const r = await page.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
      TAGS,
    );
    for (const v of r.violations) {
      found.push(`${p} [${v.id}] ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
  }
  await ctx.close();
  assert.deepEqual(found, []);
});

test('focusing the search box and searching moves nothing on the page', async () => {
  for (const [width, url] of [[320, '/fa/terms/'], [390, '/en/billing-faq/'], [1280, '/fa/terms/']]) {
    const ctx = await context({ viewport: { width, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(server.url + url, { waitUntil: 'load' });
    const where = () =>
      page.evaluate(() => ['main h1', '.site-nav', '.lang-switcher'].map((s) => document.querySelector(s).getBoundingClientRect().top));
    const before = await where();
    await page.focus('#search-input');
    // The search script arrives on focus and sets up the box.
    await page.waitForFunction(() => document.querySelector('#search-input').getAttribute('role') === 'combobox');
    assert.deepEqual(await where(), before, `${width} px: focus moved the page`);
    await page.keyboard.type(url.startsWith('/fa/') ? 'لغو' : 'invoice');
    await page.waitForSelector('.search-popup:not([hidden]) .search-all:not([hidden])');
    assert.deepEqual(await where(), before, `${width} px: results moved the page`);
    // The popup, "search all languages" included, stays on the screen.
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
    assert.ok(fits, `${width} px: the search popup widens the page`);
    await ctx.close();
  }
});

test('the entry page sends a browser to its language by script and region', async () => {
  for (const [locale, want] of [
    ['zh-CN', '/zh-Hans/'],
    ['zh-SG', '/zh-Hans/'],
    ['zh-TW', '/zh-Hant/'],
    ['zh-HK', '/zh-Hant/'],
    ['de-AT', '/de/'],
    ['pt', '/pt-BR/'],
    ['en-GB', '/en/'],
  ]) {
    const ctx = await browser.newContext({ locale });
    const page = await ctx.newPage();
    await page.goto(matchServer.url + '/', { waitUntil: 'load' });
    await page.waitForURL((u) => u.pathname !== '/', { timeout: 5_000 }).catch(() => {});
    assert.equal(new URL(page.url()).pathname, want, `${locale}`);
    await ctx.close();
  }
});

test('without JavaScript, the form lands on built-in thank-you and error pages', { skip: !helpsiteHasServe() && 'no `helpsite serve`' }, async () => {
  // serve writes its outbox and archive into the site root: work on a copy.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'helpsite-realworld-root-'));
  fs.cpSync(path.join(REPO, 'tests/fixtures/realworld'), root, { recursive: true });
  const serve = await helpsiteServe(root);
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await ctx.newPage();
    for (const [email, landing, title] of [
      ['person@example.com', '**/fa/contact/thanks/?ref=*', 'از پیام شما سپاسگزاریم'],
      // The browser takes it; the handler does not (no domain ending).
      ['person@example', '**/fa/contact/error/?code=invalid_email', 'پیام شما ارسال نشد'],
    ]) {
      await page.goto(`${serve.url}/fa/contact/`);
      await page.fill('#f-name', 'Test Person');
      await page.fill('#f-email', email);
      await page.selectOption('#f-topic', 'billing');
      await page.fill('#f-message', 'Posted without JavaScript.');
      const [response] = await Promise.all([
        page.waitForNavigation({ url: landing }),
        page.click('#contact-form button[type=submit]'),
      ]);
      assert.equal(response.status(), 200, `${email}: ${page.url()}`);
      assert.equal(await page.textContent('h1'), title);
      assert.equal(await page.getAttribute('html', 'lang'), 'fa');
    }
  } finally {
    await ctx.close();
    await serve.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
