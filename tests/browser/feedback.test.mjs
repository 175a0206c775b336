// "Was this helpful?", suggested answers on the contact form and search
// insights, end to end against `helpsite serve` (which stores what the
// handler's /api/feedback and /api/insights take in <root>/.archive/), in
// English and Persian, with and without JavaScript; then `helpsite insights`
// reads that archive. Two served copies of the site: one with
// `[search] insights = true`, one without.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, copySiteRoot, helpsiteCommand } from './lib/site.mjs';
import { helpsiteServe, staticServer } from './lib/server.mjs';
import { launch, watch, FAVICON } from './lib/browser.mjs';

const AXE = path.join(REPO, 'node_modules/axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let browser, on, off, rootOn, rootOff;

before(async () => {
  browser = await launch();
  rootOn = await copySiteRoot();
  rootOff = await copySiteRoot();
  const toml = path.join(rootOn, 'site.toml');
  const text = fs.readFileSync(toml, 'utf8');
  fs.writeFileSync(
    toml,
    /^\[search\][ \t]*$/m.test(text)
      ? text.replace(/^\[search\][ \t]*$/m, '[search]\ninsights = true')
      : `${text}\n[search]\ninsights = true\n`,
  );
  [on, off] = await Promise.all([helpsiteServe(rootOn), helpsiteServe(rootOff)]);
});

after(async () => {
  await on?.close();
  await off?.close();
  await browser?.close();
  for (const r of [rootOn, rootOff]) if (r) fs.rmSync(r, { recursive: true, force: true });
});

/** Every stored event of a kind folder (feedback or insights) under a site root. */
function stored(root, folder) {
  const dir = path.join(root, '.archive', folder);
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const day of fs.readdirSync(dir)) {
    for (const f of fs.readdirSync(path.join(dir, day))) {
      if (!f.startsWith('.')) out.push(eventOf(path.join(dir, day), f));
    }
  }
  return out;
}

/**
 * One stored event: a vote or an insight is an empty `.e` file whose name holds
 * it (`<view>-<qhash>-v~yes~lang~page~question.e`, `<view>-z<hash>~lang~query.e`,
 * fields percent-escaped), a reason a JSON file.
 */
function eventOf(dir, f) {
  if (!f.endsWith('.e')) return JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  assert.equal(fs.statSync(path.join(dir, f)).size, 0, f);
  const [id, ...fields] = f.slice(0, -2).split('~');
  const [first, ...rest] = [id.slice(id.lastIndexOf('-') + 1), ...fields.map(decodeURIComponent)];
  if (first === 'v') {
    const [y, l, p, q] = rest;
    const view = id.slice(0, id.lastIndexOf('-', id.lastIndexOf('-') - 1));
    return { k: 'vote', v: view, y, l, p, q };
  }
  const [l, x] = rest;
  return { k: first[0] === 'z' ? 'zero_hits' : 'suggestion_opened', l, x };
}

function insights(root) {
  const [cmd, args] = helpsiteCommand(['insights', '--archive', path.join(root, '.archive'), '--format', 'json']);
  const r = spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The handler drops a vote sent within a moment of the page loading (a bot's speed): wait like a person. */
const pause = (page) => page.waitForTimeout(1200);

async function until(check, what, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const lang of ['en', 'fa']) {
  describe(`feedback in ${lang}`, () => {
    test('with JavaScript: a double-clicked No is stored once, its reason too, and shows in helpsite insights', async () => {
      const context = await browser.newContext();
      const watcher = await watch(context, { ignore: [FAVICON] });
      const page = await context.newPage();
      try {
        await page.goto(`${on.url}/${lang}/billing/`);
        await pause(page);
        const pagePath = `/${lang}/billing/`;
        const before = stored(rootOn, 'feedback').filter((e) => e.p === pagePath && e.k === 'vote' && !e.q).length;
        await page.dblclick('#feedback .feedback-vote button[value=no]');
        await page.waitForSelector('#feedback-more.is-open', { state: 'visible' });
        assert.equal(await page.evaluate(() => document.activeElement.id), 'feedback-more', 'focus moves to the reason form');
        const comment = `js-${lang} ${lang === 'fa' ? 'قیمت‌ها قدیمی است' : 'prices are old'} <b>`;
        await page.check('#feedback-more input[value=outdated]');
        await page.fill('#feedback-text', comment);
        assert.deepEqual(await axe(page), [], 'axe with the reason form open');
        await page.click('#feedback-more button[type=submit]');
        await page.waitForSelector('#feedback-thanks.is-open', { state: 'visible' });
        const votes = await until(() => {
          const v = stored(rootOn, 'feedback').filter((e) => e.p === pagePath && e.k === 'vote' && !e.q);
          return v.length > before && v;
        }, 'the vote');
        await page.waitForTimeout(300);
        assert.equal(stored(rootOn, 'feedback').filter((e) => e.p === pagePath && e.k === 'vote' && !e.q).length, before + 1, 'a double click is one vote');
        const view = votes.at(-1).v;
        assert.ok(view && view.length >= 8);
        const reasons = stored(rootOn, 'feedback').filter((e) => e.k === 'reason' && e.v === view);
        assert.equal(reasons.length, 1);
        const report = insights(rootOn).languages[lang];
        const target = report.most_unhelpful.find((t) => t.page === pagePath && t.question === '');
        assert.ok(target && target.no >= 1, JSON.stringify(report));
        assert.ok(target.comments.includes(comment), JSON.stringify(target));
        assert.deepEqual(watcher.problems(), []);
      } finally {
        await context.close();
      }
    });

    test('with JavaScript: each FAQ answer has its own vote', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await page.goto(`${on.url}/${lang}/billing/`);
        const id = await page.$eval('details.faq-item', (d) => d.id);
        await page.$eval('details.faq-item', (d) => { d.open = true; });
        await pause(page);
        const box = page.locator('details.faq-item').first().locator('.feedback');
        await box.locator('button[value=yes]').click();
        await box.locator('.feedback-thanks.is-open').waitFor({ state: 'visible' });
        await until(() => stored(rootOn, 'feedback').some((e) => e.q === id && e.y === 'yes' && e.l === lang), 'the answer vote');
        assert.deepEqual(await axe(page), [], 'axe with a thanked answer');
      } finally {
        await context.close();
      }
    });

    test('without JavaScript: a No and its reason are posted as forms and shown by :target', async () => {
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      try {
        const pagePath = `/${lang}/billing/`;
        const count = () => stored(rootOn, 'feedback').filter((e) => e.p === pagePath && !e.q).length;
        const before = count();
        await page.goto(`${on.url}${pagePath}`);
        assert.equal(await page.isVisible('#feedback-more'), false);
        await Promise.all([page.waitForURL(/#feedback-more$/), page.click('#feedback .feedback-vote button[value=no]')]);
        assert.equal(await page.isVisible('#feedback-more'), true, 'the reason form shows after a No');
        assert.equal(count(), before + 1, 'one vote stored');
        const comment = `nojs-${lang} ${lang === 'fa' ? 'مبهم بود' : 'was unclear'}`;
        await page.check('#feedback-more input[value=unclear]');
        await page.fill('#feedback-text', comment);
        await Promise.all([page.waitForURL(/#feedback-thanks$/), page.click('#feedback-more button[type=submit]')]);
        assert.equal(await page.isVisible('#feedback-thanks'), true);
        assert.equal(count(), before + 2, 'and one reason');
        const target = insights(rootOn).languages[lang].most_unhelpful.find((t) => t.page === pagePath && !t.question);
        assert.ok(target.comments.includes(comment), JSON.stringify(target));
        assert.ok(target.reasons.unclear >= 1);
      } finally {
        await context.close();
      }
    });

    test('a search that finds nothing is reported only when insights are on', async () => {
      const word = `qqzv${lang}xx`;
      for (const [server, root, enabled] of [[on, rootOn, true], [off, rootOff, false]]) {
        const context = await browser.newContext();
        const page = await context.newPage();
        const posts = [];
        page.on('request', (r) => { if (r.url().includes('/insights')) posts.push(r.url()); });
        try {
          await page.goto(`${server.url}/${lang}/`);
          assert.equal(await page.locator('meta[name=helpsite-insights]').count(), enabled ? 1 : 0);
          await page.fill('#search-input', word);
          await page.waitForFunction(() => document.querySelector('.search-status')?.textContent.trim());
          await page.waitForTimeout(2500);
          if (enabled) {
            await until(() => stored(root, 'insights').some((e) => e.x === word && e.l === lang && e.k === 'zero_hits'), 'the beacon');
            const zero = insights(root).languages[lang].zero_hit_queries;
            assert.ok(zero.some((q) => q.query === word), JSON.stringify(zero));
          } else {
            assert.deepEqual(posts, []);
            assert.deepEqual(stored(root, 'insights'), []);
          }
        } finally {
          await context.close();
        }
      }
    });

    test('typing a question on the contact page offers the FAQ answer, without moving focus', async () => {
      const context = await browser.newContext();
      const watcher = await watch(context, { ignore: [FAVICON] });
      const page = await context.newPage();
      const loaded = [];
      page.on('request', (r) => { if (r.url().includes('/search/')) loaded.push(r.url()); });
      try {
        await page.goto(`${on.url}/${lang}/billing/`);
        const { id, question } = await page.$eval('details.faq-item', (d) => ({ id: d.id, question: d.querySelector('h2').textContent.trim() }));
        loaded.length = 0;
        await page.goto(`${on.url}/${lang}/contact/`);
        assert.deepEqual(loaded, [], 'nothing of the search is loaded before the visitor types');
        await page.click('#f-message');
        await page.keyboard.type(question, { delay: 5 });
        const link = page.locator('#suggestions a').first();
        await link.waitFor({ state: 'visible', timeout: 10_000 });
        const hrefs = await page.$$eval('#suggestions a', (as) => as.map((a) => a.getAttribute('href')));
        assert.ok(hrefs.length <= 3);
        assert.ok(hrefs.some((h) => h.endsWith(`#${id}`) || h.endsWith(`#${encodeURIComponent(id)}`)), `${hrefs} should offer #${id}`);
        assert.equal(await page.evaluate(() => document.activeElement.id), 'f-message', 'focus stays in the message');
        assert.equal(await page.getAttribute('#suggestions', 'aria-live'), 'polite');
        assert.deepEqual(await axe(page), [], 'axe with suggestions showing');
        await Promise.all([page.waitForURL(/billing/), page.locator('#suggestions a[href*="billing"]').first().click()]);
        await until(() => stored(rootOn, 'insights').some((e) => e.k === 'suggestion_opened' && e.l === lang), 'the opened suggestion');
        assert.ok(insights(rootOn).languages[lang].suggestions_opened >= 1);
        assert.deepEqual(watcher.problems(), []);
      } finally {
        await context.close();
      }
    });
  });
}

test('the contact link under a No fills in the topic and the page', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${on.url}/fa/contact/?topic=other&page=%2Ffa%2Fbilling%2F`);
    assert.equal(await page.inputValue('#f-topic'), 'other');
    assert.match(await page.inputValue('#f-message'), /\/fa\/billing\/\n/);
  } finally {
    await context.close();
  }
});

test('the HTML report of helpsite insights passes axe', async () => {
  const [cmd, args] = helpsiteCommand(['insights', '--archive', path.join(rootOn, '.archive'), '--format', 'html']);
  const r = spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const dir = fs.mkdtempSync(path.join(rootOn, 'report-'));
  fs.writeFileSync(path.join(dir, 'index.html'), r.stdout);
  const server = await staticServer(dir);
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  try {
    await page.goto(`${server.url}/`);
    assert.ok((await page.locator('svg[role=img]').count()) > 0);
    assert.deepEqual(await axe(page), []);
  } finally {
    await context.close();
    await server.close();
  }
});
