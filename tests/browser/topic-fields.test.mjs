// A site's own contact-form fields, per topic (tests/fixtures/topic-fields),
// against `helpsite serve` (which answers /api/contact and writes each email
// into <root>/.outbox/).
//
// With JavaScript a field shows, and is required, only for its topics; the
// change is announced. A missing field the topic requires is refused with
// the message of the page's language (by the page's own check, and by the
// handler when a browser skips it), and nothing typed is lost; filled in,
// the email carries it. Without JavaScript every field shows with a note of
// the topics it is for, and a form posted with it lands on the thank-you page.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, helpsiteHasServe } from './lib/site.mjs';
import { helpsiteServe } from './lib/server.mjs';
import { launch, watch, FAVICON } from './lib/browser.mjs';

/** One string of a shipped catalog (every key used here is a plain string). */
function catalogText(lang, key) {
  const text = fs.readFileSync(path.join(REPO, 'themes/default/i18n', `${lang}.toml`), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith(`${key} = `));
  assert.ok(line, `${key} missing in ${lang}.toml`);
  return JSON.parse(line.slice(key.length + 3));
}

const AXE = path.join(REPO, 'node_modules/axe-core/axe.min.js');
const VNU = path.join(REPO, 'node_modules/vnu-jar/build/dist/vnu.jar');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const r = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS,
  );
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const serveSkip = helpsiteHasServe() ? false : '`helpsite serve` is not available';

describe('extra contact fields per topic', { skip: serveSkip }, () => {
  let browser, root, serve, outbox;
  before(async () => {
    browser = await launch();
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'helpsite-topic-fields-'));
    await fsp.cp(path.join(REPO, 'tests/fixtures/topic-fields'), root, { recursive: true });
    outbox = path.join(root, '.outbox');
    serve = await helpsiteServe(root);
  });
  after(async () => {
    await browser?.close();
    await serve?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const emails = () => (fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')) : []);

  /** Whether an .eml holds the token, in plain, quoted-printable or base64 text. */
  function emlContains(file, token) {
    const raw = fs.readFileSync(path.join(outbox, file), 'utf8');
    if (raw.replace(/=\r?\n/g, '').includes(token)) return true;
    for (const block of raw.match(/(?:^[A-Za-z0-9+/=]{8,}\r?\n)+/gm) ?? []) {
      if (Buffer.from(block.replace(/\s+/g, ''), 'base64').toString('utf8').includes(token)) return true;
    }
    return false;
  }

  async function waitForEmail(token, seen, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = emails().find((f) => !seen.includes(f) && emlContains(f, token));
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no .eml with ${token} in ${outbox}\n${serve.output()}`);
  }

  /** The handler drops a form sent within seconds of loading as a bot's. */
  async function humanPause(page, ms = 4000) {
    const waited = await page.evaluate(() => Date.now() - Number(document.getElementById('contact-form').elements.started_at.value));
    if (waited < ms) await page.waitForTimeout(ms - waited);
  }

  async function send(page) {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/contact') && r.request().method() === 'POST'),
      page.click('#contact-form button[type=submit]'),
    ]);
    return response;
  }

  for (const lang of ['en', 'fa']) {
    test(`/${lang}/contact/: billing asks for the order number in ${lang}, and the email carries it`, async () => {
      const context = await browser.newContext();
      const watcher = await watch(context, { ignore: [FAVICON] });
      const page = await context.newPage();
      try {
        await page.goto(`${serve.url}/${lang}/contact/`);
        const order = page.locator('#f-order_number');
        // Before a topic is chosen only the fields for every topic show.
        assert.equal(await order.isVisible(), false);
        assert.equal(await page.isVisible('#f-callback'), true);
        assert.equal(await page.isVisible('#f-order_number-topics'), false, 'the no-script note is hidden');

        await page.fill('#f-name', lang === 'fa' ? 'آزمون' : 'Test Person');
        await page.fill('#f-email', 'person@example.com');
        const message = `Typed text ${lang} — سلام`;
        await page.fill('#f-message', message);
        await page.selectOption('#f-topic', 'billing');
        assert.equal(await order.isVisible(), true);
        assert.equal(await order.evaluate((el) => el.required), true);
        assert.equal(await page.isVisible('#f-plan'), true);
        assert.equal(await page.isVisible('#f-purchase_date'), false, 'refund only');
        const labelOf = async (id) => (await page.textContent(`label[for=${id}]`)).replace('*', '').trim();
        const expected = catalogText(lang, 'form_fields_for_topic').replace(
          '{fields}',
          [await labelOf('f-order_number'), await labelOf('f-plan')].join(', '),
        );
        assert.equal((await page.textContent('.fields-status')).trim(), expected);

        // The page's own check: the topic's message, in the page's language.
        const seen = emails();
        await page.click('#contact-form button[type=submit]');
        const wanted = catalogText(lang, 'error_required_for_topic');
        assert.equal((await page.textContent('#f-order_number-error')).trim(), wanted);
        assert.equal(await page.evaluate(() => document.activeElement.id), 'f-order_number');

        // A browser that skips the check: the handler refuses, in the same words.
        await order.evaluate((el) => el.removeAttribute('required'));
        await humanPause(page);
        assert.deepEqual(watcher.problems(), [], watcher.format());
        // The browser logs the refusal this provokes on purpose: wait for it, then forget it.
        const logged = page.waitForEvent('console', (m) => m.type() === 'error' && m.text().includes('422'));
        const refused = await send(page);
        assert.equal(refused.status(), 422);
        await logged;
        watcher.reset();
        await page.waitForFunction((w) => document.getElementById('f-order_number-error').textContent.trim() === w, wanted);
        assert.equal(await page.inputValue('#f-message'), message, 'typed text kept');
        assert.deepEqual(emails().filter((f) => !seen.includes(f)), [], 'a refused form sent an email');

        // Another topic hides the field (and does not send it); back to billing.
        await page.selectOption('#f-topic', 'technical');
        assert.equal(await order.isVisible(), false);
        assert.equal(await order.isDisabled(), true);
        await page.selectOption('#f-topic', 'billing');

        const token = `INV-${Date.now()}${lang}`;
        await order.fill(token);
        const accepted = await send(page);
        assert.equal(accepted.status(), 200, await accepted.text());
        const body = await accepted.json();
        await page.waitForFunction(
          (ref) => document.querySelector('#contact-form .form-status').textContent.includes(ref),
          body.reference,
        );
        await waitForEmail(token, seen);
        assert.deepEqual(watcher.problems(), [], watcher.format());
      } finally {
        await context.close();
      }
    });
  }

  test('the contact pages with extra fields are valid HTML and axe-clean, with and without JavaScript', async () => {
    const files = [];
    for (const lang of ['en', 'fa']) {
      const r = await fetch(`${serve.url}/${lang}/contact/`);
      const file = path.join(root, `contact-${lang}.html`);
      fs.writeFileSync(file, await r.text());
      files.push(file);
    }
    const r = spawnSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', ...files], { encoding: 'utf8' });
    const report = JSON.parse(r.stderr || r.stdout);
    const errors = report.messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
    assert.deepEqual(errors.map((m) => `${path.basename(String(m.url))}:${m.lastLine}: ${m.message}`), []);

    // axe is an injected script: the page without its own scripts is
    // checked with them answered empty (theme.js, site.js never run).
    const found = [];
    for (const scripts of [true, false]) {
      const context = await browser.newContext({ bypassCSP: true });
      const page = await context.newPage();
      if (!scripts) {
        await page.route(/\/static\/.*\.js$/, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }));
      }
      for (const lang of ['en', 'fa']) {
        await page.goto(`${serve.url}/${lang}/contact/`);
        if (scripts) await page.selectOption('#f-topic', 'billing');
        assert.equal(await page.isVisible('#f-order_number-topics'), !scripts, 'the notes show only without scripts');
        for (const v of await axe(page)) found.push(`${lang} ${scripts ? 'js' : 'no-js'} ${v}`);
      }
      await context.close();
    }
    assert.deepEqual(found, []);
  });

  test('without JavaScript every field shows with its topics; a posted form reaches the thank-you page', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto(`${serve.url}/fa/contact/`);
      assert.equal(await page.isVisible('#f-order_number'), true);
      assert.equal(await page.isVisible('#f-purchase_date'), true);
      const note = (await page.textContent('#f-order_number-topics')).trim();
      assert.ok(note.includes(catalogText('fa', 'form_field_required_note').replace(' {topics}', '')), note);
      assert.ok(note.includes(catalogText('fa', 'topic_billing')), note);

      // Billing without its order number: the handler sends the visitor to the error page.
      await page.fill('#f-name', 'آزمون');
      await page.fill('#f-email', 'person@example.com');
      await page.selectOption('#f-topic', 'billing');
      await page.fill('#f-message', 'بدون اسکریپت');
      await Promise.all([page.waitForURL('**/fa/contact/error/**'), page.click('#contact-form button[type=submit]')]);
      assert.ok(page.url().includes('code=required_for_topic'), page.url());

      await page.goto(`${serve.url}/fa/contact/`);
      const token = `NOJS-${Date.now()}`;
      const seen = emails();
      await page.fill('#f-name', 'آزمون');
      await page.fill('#f-email', 'person@example.com');
      await page.selectOption('#f-topic', 'billing');
      await page.fill('#f-order_number', token);
      await page.fill('#f-message', 'بدون اسکریپت');
      await Promise.all([page.waitForURL('**/fa/contact/thanks/**'), page.click('#contact-form button[type=submit]')]);
      await waitForEmail(token, seen);
    } finally {
      await context.close();
    }
  });
});
