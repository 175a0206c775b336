// Attachments on the contact form, in a browser against `helpsite serve`
// (which answers /api/contact and /api/contact/uploads and writes each
// email as an .eml file into <root>/.outbox/): two screenshots picked with
// the file input are uploaded with their progress shown, the ticket arrives
// with a working link to each, and files the form does not accept are
// refused beside the picker, in the page's language, before anything is sent.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { helpsiteHasServe, copySiteRoot } from './lib/site.mjs';
import { helpsiteServe } from './lib/server.mjs';
import { launch, watch, FAVICON } from './lib/browser.mjs';

// A 1×1 PNG, twice with different names: small screenshots.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const serveSkip = helpsiteHasServe() ? false : '`helpsite serve` does not exist';

describe('attachments against `helpsite serve`', { skip: serveSkip }, () => {
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

  /** The decoded text parts of every .eml in the outbox. */
  function mails() {
    if (!fs.existsSync(outbox)) return [];
    return fs.readdirSync(outbox).filter((f) => f.endsWith('.eml')).map((f) => {
      const raw = fs.readFileSync(path.join(outbox, f), 'utf8');
      let text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16)));
      for (const block of raw.match(/(?:^[A-Za-z0-9+/=]{8,}\r?\n)+/gm) ?? []) {
        text += Buffer.from(block.replace(/\s+/g, ''), 'base64').toString('utf8');
      }
      return text;
    });
  }

  async function waitForMail(token, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = mails().find((m) => m.includes(token));
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no email with ${token}\n${serve.output()}`);
  }

  for (const lang of ['en', 'fa']) {
    test(`/${lang}/contact/: a ticket with two screenshots arrives with working links`, async () => {
      const context = await browser.newContext();
      const watcher = await watch(context, { ignore: [FAVICON] });
      const page = await context.newPage();
      try {
        await page.goto(`${serve.url}/${lang}/contact/`);
        const token = `FILES${Date.now()}${lang}`;
        await page.fill('#f-name', 'Test Person');
        await page.fill('#f-email', 'person@example.com');
        await page.selectOption('#f-topic', 'technical');
        await page.fill('#f-message', `Screenshots attached ${token}`);
        // The picker is a labelled native input, reachable by keyboard.
        assert.equal(await page.getAttribute('#f-files', 'type'), 'file');
        assert.ok((await page.textContent('label[for=f-files]')).trim().length > 0);
        await page.setInputFiles('#f-files', [
          { name: 'screen one.png', mimeType: 'image/png', buffer: PNG },
          { name: 'screen-two.png', mimeType: 'image/png', buffer: PNG },
        ]);
        await page.waitForFunction(() => document.querySelector('#contact-form [name=attachments]').value.split(',').length === 2);
        const states = await page.$$eval('.upload-list li .upload-state', (els) => els.map((e) => e.textContent));
        const done = await page.$eval('#uploads', (b) => b.dataset.done);
        assert.deepEqual(states, [done.replace('{name}', 'screen one.png'), done.replace('{name}', 'screen-two.png')]);
        // Each file can be removed by a button that names it.
        const removeLabel = await page.getAttribute('.upload-list li .upload-remove', 'aria-label');
        assert.ok(removeLabel.includes('screen one.png'), removeLabel);
        await page.waitForTimeout(3500); // the time trap: people take a few seconds
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith('/api/contact') && r.request().method() === 'POST'),
          page.click('#contact-form button[type=submit]'),
        ]);
        assert.equal(response.status(), 200, await response.text());
        const mail = await waitForMail(token);
        const links = [...new Set(mail.match(/http:\/\/127\.0\.0\.1:\d+\/api\/contact\/uploads\?key=[^\s"<]+/g) ?? [])];
        assert.equal(links.length, 2, mail);
        for (const link of links) {
          const got = await page.request.get(link);
          assert.equal(got.status(), 200, link);
          assert.deepEqual(Buffer.from(await got.body()), PNG);
        }
        assert.equal(await page.inputValue('[name=attachments]'), '', 'cleared with the form');
        assert.equal(await page.$$eval('.upload-list li', (l) => l.length), 0);
        assert.deepEqual(watcher.problems(), [], watcher.format());
      } finally {
        await context.close();
      }
    });

    test(`/${lang}/contact/: a file too large, of a refused type, or one too many is refused beside the picker`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await page.goto(`${serve.url}/${lang}/contact/`);
        const box = await page.$eval('#uploads', (b) => ({ ...b.dataset }));
        const big = Buffer.alloc(Number(box.maxBytes) + 1);
        await page.setInputFiles('#f-files', [
          { name: 'huge.png', mimeType: 'image/png', buffer: big },
          { name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<p>x</p>') },
        ]);
        const error = (await page.textContent('#f-attachments-error')).trim();
        assert.ok(error.includes('huge.png') && error.includes('page.html'), error);
        assert.ok(error.startsWith(box.tooBig.split('{name}')[0]), `in the page's language: ${error}`);
        assert.equal(await page.getAttribute('#f-files', 'aria-invalid'), 'true');
        assert.equal(await page.$$eval('.upload-list li', (l) => l.length), 0, 'nothing uploaded');
        const four = [1, 2, 3, 4].map((n) => ({ name: `s${n}.png`, mimeType: 'image/png', buffer: PNG }));
        await page.setInputFiles('#f-files', four);
        assert.equal(await page.$$eval('.upload-list li', (l) => l.length), Number(box.maxFiles));
        assert.ok((await page.textContent('#f-attachments-error')).trim().length > 0, 'one too many is said');
        // Removing one gives its place back and returns focus to the picker.
        await page.click('.upload-list li:first-child .upload-remove');
        assert.equal(await page.$$eval('.upload-list li', (l) => l.length), Number(box.maxFiles) - 1);
        assert.equal(await page.evaluate(() => document.activeElement.id), 'f-files');
        if (lang === 'fa') assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
      } finally {
        await context.close();
      }
    });
  }
});
