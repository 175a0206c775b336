// axe-core (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA rules) on every built page in
// every language, in light and dark: dark as the system's preference
// (prefers-color-scheme) and as the visitor's pick with the page's switch.
// FAQ answers are opened first so their text is checked too, and each
// contact form is checked again with its error messages showing.
// Zero violations; a failure lists rule, page and target selectors.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO, siteDir, pagePaths } from './lib/site.mjs';
import { staticServer } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';

const AXE = path.join(REPO, 'node_modules/axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let server, browser, pages;

before(async () => {
  const dir = siteDir();
  pages = pagePaths(dir);
  server = await staticServer(dir);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function runAxe(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.addScriptTag({ path: AXE });
  }
  return page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS,
  );
}

/** One line per page and rule, with every target selector; the rule's help once. */
function describe(where, violations, rules) {
  return violations.map((v) => {
    rules.set(v.id, `${v.id} (${v.impact}): ${v.help} — ${v.helpUrl}\n    ${(v.nodes[0]?.failureSummary || '').replace(/\s*\n\s*/g, ' / ')}`);
    const targets = v.nodes.map((n) => `${n.target.join(' ')}  ${n.html.slice(0, 120)}`);
    return `  ${where}  [${v.id}] ${v.nodes.length} element(s):\n      ${targets.join('\n      ')}`;
  });
}

/** Light; dark as the system's preference; dark picked with the switch. */
const MODES = [
  { name: 'light', colorScheme: 'light', prepare: async () => {} },
  { name: 'dark (prefers-color-scheme)', colorScheme: 'dark', prepare: isDark },
  {
    name: 'dark (the page\'s switch)',
    colorScheme: 'light',
    prepare: async (page, p) => {
      // The pick is remembered: pressed on the first page, later pages load dark.
      if (!(await page.evaluate(() => document.documentElement.dataset.theme === 'dark'))) {
        await page.click('.theme-toggle');
      }
      await isDark(page, p);
    },
  },
];

/** The page is drawn dark (its background, not only an attribute). */
async function isDark(page, p) {
  const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g).map(Number);
  assert.ok(r + g + b < 150, `${p} is not dark: background ${bg}`);
}

for (const mode of MODES) {
  test(`axe: no WCAG 2.x A/AA violations on any page, ${mode.name}`, { timeout: 300_000 }, async () => {
    assert.ok(pages.length >= 45, `only ${pages.length} pages`);
    // axe is injected as an inline script: let it past the test server's CSP
    // (pages.test.mjs checks the pages under the CSP).
    const context = await browser.newContext({ locale: 'de-DE', bypassCSP: true, colorScheme: mode.colorScheme });
    const page = await context.newPage();
    const found = [];
    const rules = new Map();
    let checked = 0;
    for (const p of pages) {
      await page.goto(server.url + p, { waitUntil: 'load' });
      if (new URL(page.url()).pathname !== p) throw new Error(`${p} navigated away to ${page.url()}`);
      await mode.prepare(page, p);
      // Open every FAQ answer (and any other disclosure) so its content is checked.
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      const r = await runAxe(page);
      found.push(...describe(p, r.violations, rules));
      checked++;

      if (await page.locator('form#contact-form').count()) {
        // Again with the form's error messages showing: submit it empty.
        await page.click('form#contact-form button[type=submit]');
        await page.waitForSelector('.field-error:not(:empty)');
        const r2 = await runAxe(page);
        found.push(...describe(`${p} (form errors showing)`, r2.violations, rules));
      }
    }
    await context.close();
    assert.equal(checked, pages.length);
    if (found.length) {
      assert.fail(
      `axe violations on ${found.length} page(s)/rule(s):\n${found.join('\n')}\nrules:\n  ${[...rules.values()].join('\n  ')}`,
      );
    }
  });
}
