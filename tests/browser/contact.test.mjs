// The contact form in a browser.
//
// On the static server (no handler behind /api/contact): the form's own
// checks put messages beside their fields, and a failed send keeps what the
// visitor typed and says so. The thank-you page shows a reference it is given.
//
// Against `helpsite serve` (which answers /api/contact and writes each email
// as an .eml file into <root>/.outbox/): a sent form shows the reference and
// leaves an email in the outbox, a form posted without JavaScript lands on the
// thank-you page of its language, and the handler's own field errors appear
// beside the fields. Skipped, with the reason, while helpsite has no `serve`.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { siteDir, helpsiteHasServe, copySiteRoot } from './lib/site.mjs';
import { staticServer, helpsiteServe } from './lib/server.mjs';
import { launch, watch, FAVICON } from './lib/browser.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function fill(page, { name = 'Test Person', email = 'person@example.com', topic = 'billing', order = '', message }) {
  await page.fill('#f-name', name);
  await page.fill('#f-email', email);
  await page.selectOption('#f-topic', topic);
  if (order) await page.fill('#f-order', order);
  await page.fill('#f-message', message);
}

/**
 * The handler takes a form sent sooner than a few seconds after the page
 * loaded (started_at) for a bot's and drops it quietly: wait like a person.
 */
async function humanPause(page, ms = 4000) {
  // started_at is the page's own clock reading, taken when its script started.
  const waited = await page.evaluate(() => {
    const started = Number(document.getElementById('contact-form')?.elements.started_at?.value);
    return started ? Date.now() - started : performance.now();
  });
  if (waited < ms) await page.waitForTimeout(ms - waited);
}

describe('contact form on a static host', () => {
  let server;
  before(async () => {
    server = await staticServer(siteDir());
  });
  after(async () => {
    await server?.close();
  });

  for (const lang of ['en', 'fa']) {
    test(`/${lang}/contact/: an empty form shows errors beside the required fields and focuses the first`, async () => {
      const context = await browser.newContext();
      const watcher = await watch(context, { ignore: [FAVICON] });
      const page = await context.newPage();
      try {
        await page.goto(`${server.url}/${lang}/contact/`);
        const required = await page.$$eval('#contact-form [required]', (els) => els.map((e) => e.name));
        assert.ok(required.length >= 4, `required fields: ${required}`);
        await page.click('#contact-form button[type=submit]');
        for (const name of required) {
          const msg = (await page.textContent(`#f-${name}-error`)).trim();
          assert.ok(msg.length > 0, `no error message beside ${name}`);
          assert.equal(await page.getAttribute(`#f-${name}`, 'aria-invalid'), 'true', `${name} not aria-invalid`);
        }
        assert.equal(await page.evaluate(() => document.activeElement.id), `f-${required[0]}`);
        // The error messages are in the page's language (not the browser's).
        const form = await page.$eval('#contact-form', (f) => f.dataset.errorRequired);
        assert.equal((await page.textContent(`#f-${required[0]}-error`)).trim(), form);
        // A bad email address gets its own message; fixed fields lose theirs.
        await fill(page, { email: 'not-an-address', message: 'Hello' });
        await page.click('#contact-form button[type=submit]');
        assert.equal(
          (await page.textContent('#f-email-error')).trim(),
          await page.$eval('#contact-form', (f) => f.dataset.errorEmail),
        );
        assert.equal((await page.textContent('#f-name-error')).trim(), '');
        assert.equal(await page.getAttribute('#f-name', 'aria-invalid'), null);
        assert.deepEqual(watcher.problems(), [], watcher.format());
      } finally {
        await context.close();
      }
    });
  }

  test('a send that fails keeps everything typed and asks to try again', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/fa/contact/`);
      const text = 'پیام آزمایشی — nothing here may be lost';
      await fill(page, { name: 'آزمون', message: text, order: 'LUMO-12345' });
      await page.click('#contact-form button[type=submit]');
      const alert = page.locator('#contact-form .form-alert');
      await alert.waitFor({ state: 'visible' });
      assert.equal((await alert.textContent()).trim(), await page.$eval('#contact-form', (f) => f.dataset.retry));
      assert.equal(await page.inputValue('#f-message'), text);
      assert.equal(await page.inputValue('#f-name'), 'آزمون');
      assert.equal(await page.inputValue('#f-order'), 'LUMO-12345');
      assert.equal(await page.isEnabled('#contact-form button[type=submit]'), true, 'submit stays disabled');
      assert.equal(await page.evaluate(() => document.activeElement.classList.contains('form-alert')), true);
    } finally {
      await context.close();
    }
  });

  test('the thank-you page shows a well-formed reference and ignores anything else', async () => {
    const context = await browser.newContext();
    const watcher = await watch(context, { ignore: [FAVICON] });
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/bn/contact/thanks/?ref=HS-2026-ABCD`);
      await page.locator('.reference').waitFor({ state: 'visible' });
      assert.equal((await page.textContent('.reference-value')).trim(), 'HS-2026-ABCD');
      await page.goto(`${server.url}/bn/contact/thanks/?ref=${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
      assert.equal(await page.isVisible('.reference'), false);
      assert.deepEqual(watcher.problems(), [], watcher.format());
    } finally {
      await context.close();
    }
  });
});

const serveSkip = helpsiteHasServe()
  ? false
  : '`helpsite serve` does not exist yet (`helpsite --help` lists no serve subcommand)';

describe('contact form against `helpsite serve`', { skip: serveSkip }, () => {
  let root, serve, outbox;
  before(async () => {
    root = await copySiteRoot();
    outbox = path.join(root, '.outbox');
    serve = await helpsiteServe(root);
  });
  after(async () => {
    await serve?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const emails = () => (fs.existsSync(outbox) ? fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')) : []);

  /** Whether an .eml holds the token, in plain, quoted-printable or base64 text. */
  function emlContains(file, token) {
    const raw = fs.readFileSync(path.join(outbox, file), 'utf8');
    if (raw.includes(token)) return true;
    if (raw.replace(/=\r?\n/g, '').includes(token)) return true;
    for (const block of raw.match(/(?:^[A-Za-z0-9+/=]{8,}\r?\n)+/gm) ?? []) {
      if (Buffer.from(block.replace(/\s+/g, ''), 'base64').toString('utf8').includes(token)) return true;
    }
    return false;
  }

  async function waitForEmail(token, before, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const fresh = emails().filter((f) => !before.includes(f));
      const hit = fresh.find((f) => emlContains(f, token));
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no .eml with ${token} in ${outbox} (have: ${emails().join(', ') || 'none'})\n${serve.output()}`);
  }

  for (const lang of ['en', 'fa']) {
    test(`/${lang}/contact/: a sent form shows its reference and an email lands in .outbox/`, async () => {
      const context = await browser.newContext();
      const watcher = await watch(context, { ignore: [FAVICON] });
      const page = await context.newPage();
      try {
        await page.goto(`${serve.url}/${lang}/contact/`);
        const token = `TOKEN${Date.now()}${lang}`;
        const before = emails();
        await fill(page, { message: `Browser test ${token} — سلام، বাংলা` });
        await humanPause(page);
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/api/contact') && r.request().method() === 'POST'),
          page.click('#contact-form button[type=submit]'),
        ]);
        assert.equal(response.status(), 200, await response.text());
        const body = await response.json();
        assert.equal(body.ok, true, JSON.stringify(body));
        assert.ok(body.reference, 'no reference in the answer');
        await page.waitForFunction(
          (ref) => document.querySelector('#contact-form .form-status').textContent.includes(ref),
          body.reference,
        );
        assert.equal(await page.inputValue('#f-message'), '', 'the form is cleared after sending');
        await waitForEmail(token, before);
        assert.deepEqual(watcher.problems(), [], watcher.format());
      } finally {
        await context.close();
      }
    });
  }

  test('without JavaScript, a posted form lands on the thank-you page of its language', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto(`${serve.url}/bn/contact/`);
      const token = `NOJS${Date.now()}`;
      const before = emails();
      // Without the script the hidden fields stay empty, as for a real visitor.
      await fill(page, { message: `No script ${token}` });
      await Promise.all([page.waitForURL('**/bn/contact/thanks/**'), page.click('#contact-form button[type=submit]')]);
      assert.equal(await page.getAttribute('html', 'lang'), 'bn');
      await waitForEmail(token, before);
    } finally {
      await context.close();
    }
  });

  test("the handler's own field errors appear beside the field", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${serve.url}/en/contact/`);
      const before = emails();
      // A topic the site does not offer passes the browser's checks only.
      await page.evaluate(() => {
        const o = document.createElement('option');
        o.value = 'not-a-topic';
        o.textContent = 'not a topic';
        document.getElementById('f-topic').append(o);
      });
      await fill(page, { topic: 'not-a-topic', message: 'Which topic?' });
      await humanPause(page);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/contact')),
        page.click('#contact-form button[type=submit]'),
      ]);
      assert.ok(response.status() >= 400 && response.status() < 500, `status ${response.status()}`);
      await page.waitForFunction(() => document.getElementById('f-topic-error').textContent.trim() !== '');
      assert.equal(await page.getAttribute('#f-topic', 'aria-invalid'), 'true');
      assert.equal(await page.inputValue('#f-message'), 'Which topic?');
      assert.deepEqual(emails().filter((f) => !before.includes(f)), [], 'an invalid form sent an email');
    } finally {
      await context.close();
    }
  });
});
