// Search in Chromium on the shipped content: nothing loads before
// the visitor uses the box, queries that must hit and must not in every
// language, the combobox by keyboard, highlighting, right-to-left results,
// all languages, and the results page behind the form's no-JS target.
//
// Skipped (with a note) while the built site has no search index.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { siteDir } from './lib/site.mjs';
import { staticServer } from './lib/server.mjs';
import { launch, watch, FAVICON } from './lib/browser.mjs';

let server, browser;
const contexts = [];
const requests = [];
const enabled = () => fs.existsSync(path.join(siteDir(), 'search', 'en', 'index.json'));
const skip = () => (enabled() ? false : 'the built site has no search index (search not hooked into the build yet)');

before(async () => {
  if (!enabled()) return;
  server = await staticServer(siteDir(), { onRequest: (req) => requests.push(req.url) });
  browser = await launch();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

async function open(url) {
  const context = await browser.newContext({ locale: 'en-US' });
  contexts.push(context);
  const watcher = await watch(context, { ignore: [FAVICON] });
  const page = await context.newPage();
  await page.goto(server.url + url);
  return { page, watcher };
}

function noProblems(watcher) {
  assert.deepEqual(watcher.problems(), [], `console errors / CSP violations:\n${watcher.format()}`);
}

/** Types a query and waits until the status no longer says "searching". */
async function search(page, query) {
  const input = page.locator('#search-input');
  await input.focus();
  await input.fill(query);
  const loading = await page.locator('form.search-form').getAttribute('data-loading');
  await page.waitForFunction(
    ([q, loading]) => {
      const s = document.querySelector('.search-status');
      return document.querySelector('#search-input').value === q && s && s.textContent && s.textContent !== loading;
    },
    [query, loading],
    { timeout: 10_000 },
  );
  // The debounce may still run once more for the last keystroke.
  await page.waitForTimeout(250);
  return page.locator('.search-results [role=option]').evaluateAll((els) => els.map((a) => a.getAttribute('href')));
}

const MUST_HIT = [
  ['en', 'refund', '/en/refund-policy/'],
  ['en', 'cancelled subscriptions', '/en/billing/#how-do-i-cancel-a-subscription'],
  ['en', 'refunding', '/en/refund-policy/'],
  ['fi', 'tilauksella', '/fi/billing/'],
  ['fi', 'tilaukseni', '/fi/billing/'],
  ['ru', 'подписками', '/ru/billing/'],
  ['ru', 'возвратом', '/ru/refund-policy/'],
  ['ru', 'счет', '/ru/billing/'],
  ['fa', 'میتوانید', '/fa/'],
  ['fa', 'می توانید', '/fa/'],
  ['fa', '30 روز', '/fa/refund-policy/'],
  ['fa', 'اشتراك', '/fa/billing/'],
  ['bn', 'বাতিল', '/bn/billing/'],
  ['bn', 'বাতিলের', '/bn/billing/'],
  ['bn', '30 দিন', '/bn/refund-policy/'],
];

const MUST_MISS = [
  ['en', 'xylophone'],
  ['fi', 'kirjasto'],
  ['ru', 'подпись'],
  ['ru', 'библиотека'],
  ['fa', 'کتابخانه'],
  ['bn', 'দেন'],
  ['bn', 'বর'],
];

test('nothing search-related loads until the visitor uses the box', { skip: skip() }, async () => {
  const { page, watcher } = await open('/en/billing/');
  const start = requests.length;
  await page.waitForLoadState('networkidle');
  const searchy = () => requests.slice(start).filter((u) => /search\.[0-9a-f]+\.js|\/search\//.test(u));
  assert.deepEqual(searchy(), [], 'loaded before any use');
  await page.locator('#search-input').focus();
  await page.waitForFunction(() => document.querySelector('#search-input').getAttribute('role') === 'combobox');
  assert.ok(searchy().every((u) => /search\.[0-9a-f]+\.js/.test(u)), `focus fetched the index: ${searchy()}`);
  const hrefs = await search(page, 'refund');
  assert.ok(hrefs.length > 0);
  assert.ok(searchy().some((u) => u.startsWith('/search/en/index.json')));
  noProblems(watcher);
});

for (const [lang, query, expected] of MUST_HIT) {
  test(`[${lang}] "${query}" finds ${expected}`, { skip: skip() }, async () => {
    const { page, watcher } = await open(`/${lang}/`);
    const hrefs = await search(page, query);
    assert.ok(hrefs.some((h) => h.includes(expected)), `${JSON.stringify(hrefs)}`);
    const status = await page.locator('.search-status').textContent();
    const template = await page.locator('form.search-form').getAttribute('data-results');
    assert.ok(status.length > 0 && status !== template, status);
    // The count in the catalog's plural form for it (CLDR rules, the language's digits).
    const counted = await page.evaluate(([l, text, forms]) => {
      const parsed = JSON.parse(forms);
      const byCategory = typeof parsed === 'string' ? { other: parsed } : parsed;
      const rules = new Intl.PluralRules(l);
      const digits = new Intl.NumberFormat(l);
      for (let n = 1; n <= 1000; n++) {
        const form = byCategory[rules.select(n)] || byCategory.other;
        if (form.replace('{count}', digits.format(n)) === text) return true;
      }
      return false;
    }, [lang, status, template]);
    assert.ok(counted, `"${status}" is not the plural form of its count in ${template}`);
    // The match is highlighted in the results.
    assert.ok((await page.locator('.search-results mark').count()) > 0, 'no <mark> in results');
    noProblems(watcher);
  });
}

for (const [lang, query] of MUST_MISS) {
  test(`[${lang}] "${query}" finds nothing`, { skip: skip() }, async () => {
    const { page, watcher } = await open(`/${lang}/`);
    const hrefs = await search(page, query);
    assert.deepEqual(hrefs, []);
    const none = await page.locator('form.search-form').getAttribute('data-no-results');
    assert.equal(await page.locator('.search-status').textContent(), none);
    noProblems(watcher);
  });
}

test('the combobox works by keyboard and lands on the answer', { skip: skip() }, async () => {
  const { page, watcher } = await open('/en/');
  const input = page.locator('#search-input');
  const hrefs = await search(page, 'cancel free trial');
  assert.ok(hrefs[0].endsWith('#how-do-i-cancel-a-free-trial'), hrefs[0]);
  assert.equal(await input.getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('ArrowDown');
  const first = page.locator('.search-results [role=option]').first();
  assert.equal(await first.getAttribute('aria-selected'), 'true');
  assert.equal(await input.getAttribute('aria-activedescendant'), await first.getAttribute('id'));
  await page.keyboard.press('ArrowUp'); // wraps to the last
  assert.equal(await page.locator('.search-results [role=option]').last().getAttribute('aria-selected'), 'true');
  await page.keyboard.press('ArrowDown'); // and back to the first
  await page.keyboard.press('Escape');
  assert.equal(await input.getAttribute('aria-expanded'), 'false');
  assert.ok(await page.locator('.search-popup').isHidden());
  await page.keyboard.press('ArrowDown'); // reopens on the first result
  await Promise.all([page.waitForURL(/#how-do-i-cancel-a-free-trial$/), page.keyboard.press('Enter')]);
  await page.waitForFunction(() => document.getElementById('how-do-i-cancel-a-free-trial')?.open === true);
  noProblems(watcher);
});

test('Persian results read right to left; the status is announced politely', { skip: skip() }, async () => {
  const { page, watcher } = await open('/fa/billing/');
  await search(page, 'اشتراک');
  const option = page.locator('.search-results [role=option]').first();
  assert.equal(await option.getAttribute('dir'), 'rtl');
  assert.equal(await option.evaluate((el) => getComputedStyle(el).direction), 'rtl');
  assert.equal(await page.locator('.search-status').getAttribute('role'), 'status');
  noProblems(watcher);
});

test('"search all languages" finds results in other languages', { skip: skip() }, async () => {
  const { page, watcher } = await open('/en/');
  await search(page, '30');
  await page.locator('.search-all input').check();
  await page.waitForFunction(() => {
    const langs = new Set([...document.querySelectorAll('.search-results [role=option]')].map((a) => a.lang));
    return langs.size > 1;
  });
  const langs = await page.locator('.search-results [role=option]').evaluateAll((els) => [...new Set(els.map((a) => a.lang))]);
  assert.ok(langs.length > 1, `${langs}`);
  noProblems(watcher);
});

test('the results page runs the query from ?q=', { skip: skip() }, async () => {
  const { page, watcher } = await open('/fa/search/?q=' + encodeURIComponent('۳۰ روز'));
  await page.waitForFunction(() => document.querySelectorAll('#search-page-results li').length > 0);
  const hrefs = await page.locator('#search-page-results a').evaluateAll((els) => els.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.some((h) => h.includes('/fa/refund-policy/')), `${hrefs}`);
  assert.equal(await page.locator('#search-input').inputValue(), '۳۰ روز');
  noProblems(watcher);
});
