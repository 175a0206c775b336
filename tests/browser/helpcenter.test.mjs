// The help-center fixture (tests/fixtures/helpcenter) in Chromium:
// breadcrumbs and related articles reached by keyboard, the dark-mode switch
// remembered across a reload, axe clean in light and dark, and "/" and
// Ctrl+K moving to the search box.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO, buildFixture, pagePaths } from './lib/site.mjs';
import { staticServer } from './lib/server.mjs';
import { launch, watch, FAVICON } from './lib/browser.mjs';

const AXE = path.join(REPO, 'node_modules/axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let server, browser, pages;

before(async () => {
  const dir = buildFixture('helpcenter');
  pages = pagePaths(dir);
  server = await staticServer(dir);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const r = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS,
  );
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const colorScheme of ['light', 'dark']) {
  test(`axe: no violations on any page, ${colorScheme}`, { timeout: 180_000 }, async () => {
    assert.ok(pages.length >= 10, `only ${pages.length} pages`);
    const ctx = await browser.newContext({ colorScheme, bypassCSP: true });
    const page = await ctx.newPage();
    const found = [];
    for (const p of pages) {
      await page.goto(server.url + p, { waitUntil: 'load' });
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      for (const v of await axe(page)) found.push(`${p} ${v}`);
    }
    await ctx.close();
    assert.deepEqual(found, []);
  });
}

test('breadcrumbs lead home and mark the current page', async () => {
  const ctx = await browser.newContext();
  const watcher = await watch(ctx, { ignore: [FAVICON] });
  const page = await ctx.newPage();
  await page.goto(server.url + '/en/billing/payments/card/', { waitUntil: 'load' });
  const nav = page.getByRole('navigation', { name: 'Breadcrumb' });
  assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Acme Help Center', 'Billing', 'Payments']);
  assert.equal(await nav.locator('[aria-current=page]').textContent(), 'Paying by card');
  // Keyboard: skip link, then the header, then the breadcrumbs' links.
  await nav.getByRole('link', { name: 'Billing' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/en\/billing\/$/);
  assert.equal(await page.locator('h1').textContent(), 'Billing');
  // Persian: the separators point left.
  await page.goto(server.url + '/fa/billing/faq/', { waitUntil: 'load' });
  const sep = await page.evaluate(() => getComputedStyle(document.querySelector('.breadcrumbs li + li'), '::before').content);
  assert.equal(sep, '"‹"');
  assert.deepEqual(watcher.problems(), []);
  await ctx.close();
});

test('related articles and previous/next are links to the right pages', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(server.url + '/en/billing/payments/failed/', { waitUntil: 'load' });
  const related = page.getByRole('navigation', { name: 'Related articles' });
  await related.getByRole('link', { name: 'Refund policy' }).click();
  await page.waitForURL(/\/en\/billing\/refunds\/#request$/);
  await page.goto(server.url + '/en/billing/payments/failed/', { waitUntil: 'load' });
  await page.locator('.prev-next a[rel=next]').click();
  await page.waitForURL(/\/en\/billing\/payments\/card\/$/);
  await ctx.close();
});

test('the dark-mode switch is remembered across a reload, without an inline script', async () => {
  const ctx = await browser.newContext({ colorScheme: 'light' });
  const watcher = await watch(ctx, { ignore: [FAVICON] });
  const page = await ctx.newPage();
  await page.goto(server.url + '/en/billing/', { waitUntil: 'load' });
  const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const light = await bg();
  const toggle = page.getByRole('button', { name: 'Dark mode' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  const dark = await bg();
  assert.notEqual(dark, light);
  await page.reload({ waitUntil: 'load' });
  assert.equal(await bg(), dark);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  // Another page of the site too, and axe is content there.
  await page.goto(server.url + '/en/billing/faq/', { waitUntil: 'load' });
  assert.equal(await bg(), dark);
  // Back to light: matches the system again, so nothing is stored.
  await page.getByRole('button', { name: 'Dark mode' }).click();
  assert.equal(await bg(), light);
  assert.equal(await page.evaluate(() => localStorage.getItem('helpsite-theme')), null);
  assert.deepEqual(watcher.problems(), []);
  await ctx.close();
});

test('"/" and Ctrl+K move to the search box, but not while typing', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(server.url + '/en/billing/payments/card/', { waitUntil: 'load' });
  const focused = () => page.evaluate(() => document.activeElement && document.activeElement.id);
  await page.keyboard.press('/');
  assert.equal(await focused(), 'search-input');
  assert.equal(await page.locator('#search-input').inputValue(), '');
  await page.locator('#search-input').blur();
  await page.keyboard.press('Control+k');
  assert.equal(await focused(), 'search-input');
  // Typing "/" in the box types it.
  await page.keyboard.type('a/b');
  assert.equal(await page.locator('#search-input').inputValue(), 'a/b');
  await ctx.close();
});

// The sidebar tree: only the current page's path is open; a closed category
// is reached with Tab and opened with Enter or Space (native <details>, so
// it also works without scripts); the current page is aria-current.
for (const [lang, dir] of [['en', 'ltr'], ['fa', 'rtl']]) {
  test(`the navigation tree opens by keyboard, ${lang} (${dir})`, async () => {
    const ctx = await browser.newContext();
    const watcher = await watch(ctx, { ignore: [FAVICON] });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/${lang}/billing/payments/card/`, { waitUntil: 'load' });
    assert.equal(await page.getAttribute('html', 'dir'), dir);
    const nav = page.locator('nav.site-nav');
    const current = nav.locator('[aria-current="page"]');
    assert.equal(await current.count(), 1);
    assert.equal(await current.getAttribute('href'), `/${lang}/billing/payments/card/`);
    // Open: the current page's category and section; closed: the others.
    const open = await nav.locator('details').evaluateAll((ds) => ds.map((d) => d.open));
    assert.deepEqual(open, [false, true, true]);
    const account = nav.locator('details').first();
    const summary = account.locator('summary');
    const accountLink = account.locator('a.nav-all');
    assert.equal(await accountLink.isVisible(), false);

    // Tab from the skip link until the closed category's summary has focus.
    await page.locator('.skip-link').focus();
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await summary.evaluate((s) => s === document.activeElement);
    }
    assert.ok(reached, 'Tab never reached the closed category');
    await page.keyboard.press('Enter');
    assert.equal(await account.evaluate((d) => d.open), true, 'Enter did not open it');
    assert.equal(await accountLink.isVisible(), true);
    await page.keyboard.press('Space');
    assert.equal(await account.evaluate((d) => d.open), false, 'Space did not close it');
    await page.keyboard.press('Space');
    assert.equal(await account.evaluate((d) => d.open), true, 'Space did not open it');
    // Tab goes on into the opened category: its link to the category's page.
    await page.keyboard.press('Tab');
    assert.equal(await accountLink.evaluate((a) => a === document.activeElement), true);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/${lang}/account/`);
    const here = page.locator('nav.site-nav [aria-current="page"]');
    assert.equal(await here.getAttribute('href'), `/${lang}/account/`);
    assert.equal(await page.locator('nav.site-nav details').first().evaluate((d) => d.open), true);
    assert.deepEqual(watcher.problems(), []);
    await ctx.close();
  });
}
