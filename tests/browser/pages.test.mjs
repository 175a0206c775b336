// Every built page, opened in Chromium under a strict Content-Security-Policy:
// <html lang dir> is right for its language (fa is right-to-left, the rest
// left-to-right, also as computed by the browser), and the page loads with no
// console error, uncaught exception, failed request or CSP violation.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { siteDir, pagePaths, langOf, LANGS, RTL } from './lib/site.mjs';
import { staticServer } from './lib/server.mjs';
import { launch, watch } from './lib/browser.mjs';

let server, browser, context, watcher, pages;

before(async () => {
  const dir = siteDir();
  pages = pagePaths(dir);
  server = await staticServer(dir);
  browser = await launch();
  // A language the site does not have, so the entry page stays where it is.
  context = await browser.newContext({ locale: 'de-DE' });
  watcher = await watch(context);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

test('the site has every page kind in every language', () => {
  for (const lang of LANGS) {
    for (const p of ['', 'billing/', 'refund-policy/', 'contact/', 'contact/thanks/', 'contact/error/', '404.html']) {
      assert.ok(pages.includes(`/${lang}/${p}`), `missing page /${lang}/${p}`);
    }
  }
  assert.ok(pages.includes('/'), 'missing the entry page /');
});

test('every page: <html lang dir>, computed direction, no console errors or CSP violations', async () => {
  const page = await context.newPage();
  const wrong = [];
  for (const p of pages) {
    const res = await page.goto(server.url + p, { waitUntil: 'load' });
    if (res.status() !== 200) wrong.push(`${p}: HTTP ${res.status()}`);
    const got = await page.evaluate(() => ({
      lang: document.documentElement.getAttribute('lang'),
      dir: document.documentElement.getAttribute('dir'),
      computed: getComputedStyle(document.documentElement).direction,
      bodyComputed: getComputedStyle(document.body).direction,
      path: location.pathname,
    }));
    if (got.path !== p) {
      wrong.push(`${p}: navigated away to ${got.path}`);
      continue;
    }
    const expectLang = langOf(p);
    if (expectLang ? got.lang !== expectLang : !LANGS.includes(got.lang)) {
      wrong.push(`${p}: <html lang="${got.lang}">, expected ${expectLang ?? 'one of ' + LANGS}`);
    }
    const want = RTL.has(got.lang) ? 'rtl' : 'ltr';
    if (got.dir !== want) wrong.push(`${p}: <html dir="${got.dir}">, expected "${want}" for lang ${got.lang}`);
    if (got.computed !== want || got.bodyComputed !== want) {
      wrong.push(`${p}: computed direction html=${got.computed} body=${got.bodyComputed}, expected ${want}`);
    }
  }
  await page.close();
  assert.deepEqual(wrong, [], `pages with wrong lang/dir:\n${wrong.join('\n')}`);
  assert.deepEqual(watcher.problems(), [], `console errors / CSP violations:\n${watcher.format()}`);
});

test('a missing page answers 404 with the 404 page of its language', async () => {
  watcher.reset();
  const page = await context.newPage();
  for (const lang of LANGS) {
    const res = await page.goto(`${server.url}/${lang}/no-such-page/`);
    assert.equal(res.status(), 404);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.ok((await page.locator('a[href]').count()) > 0, `/${lang}/ 404 page offers no links onwards`);
  }
  await page.close();
  // The only console error allowed: Chromium's note that the document itself was a 404.
  const other = watcher.problems().filter((p) => !(/status of 404/.test(p.text) && !/\(http/.test(p.text)));
  watcher.reset();
  assert.deepEqual(other, [], watcher.format(other));
});
