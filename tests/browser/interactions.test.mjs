// What a visitor does: switch language, follow a link to one FAQ question,
// expand every answer, arrive at the site's entry page with a browser that
// reads Persian (or a language the site does not have).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { siteDir, LANGS } from './lib/site.mjs';
import { staticServer } from './lib/server.mjs';
import { launch, watch, FAVICON } from './lib/browser.mjs';

let server, browser;
const contexts = [];

before(async () => {
  server = await staticServer(siteDir());
  browser = await launch();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
});

/** A fresh context (own storage) and page, watched for errors. */
async function open(options = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  contexts.push(context);
  const watcher = await watch(context, { ignore: [FAVICON] });
  const page = await context.newPage();
  return { context, page, watcher };
}

function noProblems(watcher) {
  // (A missing /favicon.ico is reported by pages.test.mjs only.)
  assert.deepEqual(watcher.problems(), [], `console errors / CSP violations:\n${watcher.format()}`);
}

test('the language switcher on /en/billing/ leads to the same page in each language', async () => {
  const { page, watcher } = await open();
  for (const lang of LANGS) {
    await page.goto(`${server.url}/en/billing/`);
    const link = page.locator(`.lang-switcher a[hreflang="${lang}"]`);
    assert.equal(await link.count(), 1, `no switcher link for ${lang} on /en/billing/`);
    await Promise.all([page.waitForURL(`**/${lang}/billing/`), link.click()]);
    assert.equal(new URL(page.url()).pathname, `/${lang}/billing/`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    // The target page marks itself as current in its own switcher.
    assert.equal(
      await page.getAttribute(`.lang-switcher a[hreflang="${lang}"]`, 'aria-current'),
      'page',
      `/${lang}/billing/ does not mark its own language as aria-current`,
    );
  }
  noProblems(watcher);
});

test('the switcher works from every language, both ways (fa → bn → fa)', async () => {
  const { page } = await open();
  await page.goto(`${server.url}/fa/billing/`);
  await Promise.all([page.waitForURL('**/bn/billing/'), page.click('.lang-switcher a[hreflang="bn"]')]);
  await Promise.all([page.waitForURL('**/fa/billing/'), page.click('.lang-switcher a[hreflang="fa"]')]);
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
});

/** The ids of the FAQ questions on a page, read from the page itself. */
async function questionIds(page) {
  return page.$$eval('details.faq-item[id]', (els) => els.map((e) => e.id));
}

for (const lang of ['en', 'bn', 'fa']) {
  test(`a link to a question, /${lang}/billing/#<id>, opens that question`, async () => {
    const { page, watcher } = await open();
    await page.goto(`${server.url}/${lang}/billing/`);
    const ids = await questionIds(page);
    assert.ok(ids.length >= 2, `/${lang}/billing/ has ${ids.length} FAQ questions with ids`);
    // All closed by default.
    assert.deepEqual(await page.$$eval('details.faq-item', (d) => d.filter((x) => x.open).length), 0);
    for (const id of [ids[0], ids[ids.length - 1]]) {
      // A fresh load with the fragment, as when following a link from elsewhere.
      await page.goto('about:blank');
      await page.goto(`${server.url}/${lang}/billing/#${encodeURIComponent(id)}`);
      const details = page.locator(`details[id="${id}"]`);
      await details.waitFor();
      await page.waitForFunction((i) => document.getElementById(i)?.open === true, id, { timeout: 5000 });
      const others = await page.$$eval('details.faq-item', (d, i) => d.filter((x) => x.open && x.id !== i).length, id);
      assert.equal(others, 0, 'only the linked question opens');
      assert.ok(await details.locator('.faq-answer').isVisible(), `answer of #${id} is not visible`);
      assert.ok(await details.locator('summary').isVisible());
    }
    // Following a permalink inside the page (hashchange) opens that one too.
    await page.goto(`${server.url}/${lang}/billing/`);
    await page.evaluate((i) => {
      location.hash = i;
    }, ids[1]);
    await page.waitForFunction((i) => document.getElementById(i)?.open === true, ids[1], { timeout: 5000 });
    noProblems(watcher);
  });
}

test('bn question ids are Bengali, not transliterated or numbered', async () => {
  const { page } = await open();
  await page.goto(`${server.url}/bn/billing/`);
  const ids = await questionIds(page);
  assert.ok(ids.some((id) => /[\u0980-\u09FF]/.test(id)), `bn ids: ${ids.join(', ')}`);
});

for (const lang of ['en', 'fa']) {
  test(`FAQ "expand all" on /${lang}/billing/ opens every question, and collapses them again`, async () => {
    const { page, watcher } = await open();
    await page.goto(`${server.url}/${lang}/billing/`);
    const toggle = page.locator('button.faq-toggle');
    await toggle.waitFor({ state: 'visible' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    const label = await toggle.textContent();
    await toggle.click();
    const state = () => page.$$eval('details.faq-item', (d) => d.map((x) => x.open));
    const opened = await state();
    assert.ok(opened.length > 0);
    assert.ok(opened.every(Boolean), `after expand all: ${opened}`);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.notEqual(await toggle.textContent(), label, 'the button label changes to "collapse"');
    await toggle.click();
    assert.ok((await state()).every((o) => !o), 'collapse all closes every question');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    noProblems(watcher);
  });
}

test('the entry page / sends a Persian browser (fa-IR) to /fa/', async () => {
  const { page, watcher } = await open({ locale: 'fa-IR' });
  await page.goto(`${server.url}/`);
  await page.waitForURL('**/fa/', { timeout: 5000 });
  assert.equal(await page.getAttribute('html', 'lang'), 'fa');
  noProblems(watcher);
});

test('the entry page / keeps a German browser (de-DE) on the language list', async () => {
  const { page, watcher } = await open({ locale: 'de-DE' });
  await page.goto(`${server.url}/`);
  await page.waitForLoadState('load');
  await page.waitForTimeout(300); // give a redirect the chance to happen
  assert.equal(new URL(page.url()).pathname, '/');
  const langs = await page.$$eval('.language-list a[hreflang]', (a) => a.map((x) => x.getAttribute('hreflang')));
  assert.deepEqual([...langs].sort(), [...LANGS].sort());
  noProblems(watcher);
});

test('a language picked in the switcher wins over the browser language at /', async () => {
  const { page } = await open({ locale: 'de-DE' });
  await page.goto(`${server.url}/en/billing/`);
  await Promise.all([page.waitForURL('**/ru/billing/'), page.click('.lang-switcher a[hreflang="ru"]')]);
  await page.goto(`${server.url}/`);
  await page.waitForURL('**/ru/', { timeout: 5000 });
});
