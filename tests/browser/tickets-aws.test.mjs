// A ticket with two screenshots, in a browser, through the handler as it
// runs in AWS: the site is built with its form posting to `handler-local`
// (CONTACT_* as in Lambda, S3 archive, SES mailer) and served from another
// origin under a CSP like the deployment template's; S3 and SES v2 are
// moto's server mode on loopback. The page asks the handler for presigned
// POSTs, sends both files straight to the bucket (cross-origin: the
// preflight is answered from the bucket's CORS rule, the template's), and
// submits; the support email moto's SES
// accepted links to each file, and each link gives back its exact bytes.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO, helpsiteCommand } from './lib/site.mjs';
import { CSP, staticServer, freePort } from './lib/server.mjs';
import { motoSkip, motoServer, handlerLocal } from './lib/aws.mjs';
import { launch, watch, FAVICON } from './lib/browser.mjs';

const BUCKET = 'helpsite-archive';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Two screenshots with different bytes, named in the page's language. */
const SHOTS = {
  en: [
    { name: 'screen one.png', safe: 'screen_one.png' },
    { name: 'screen-two.png', safe: 'screen-two.png' },
  ],
  fa: [
    { name: 'تصویر یک.png', safe: 'تصویر_یک.png' },
    { name: 'اسکرین\u200cشات ۲.png', safe: 'اسکرین_شات_۲.png' }, // a zero-width non-joiner inside
  ],
};

describe('a ticket with attachments through the AWS handler (S3 and SES in moto)', { skip: motoSkip() }, () => {
  let work, moto, handler, site, browser;
  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'helpsite-aws-'));
    moto = await motoServer();
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const out = path.join(work, 'site');
    const definition = path.join(work, 'form.json');
    const [cmd, args] = helpsiteCommand(['build', '--root', REPO, '--out', out, '--form-definition', definition]);
    const built = spawnSync(cmd, args, {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 16 << 20,
      env: { ...process.env, HELPSITE_FORM_ENDPOINT: `${api}/contact` },
    });
    assert.equal(built.status, 0, `helpsite build failed:\n${built.stdout}\n${built.stderr}`);
    // The template's policy: the page may talk to the handler's two
    // endpoints and post to the bucket, nothing else.
    const csp = CSP.replace("form-action 'self'", `form-action 'self' ${api}/contact`).concat(
      `; connect-src 'self' ${api}/contact ${api}/contact/uploads ${moto.url}/${BUCKET}`,
    );
    site = await staticServer(out, { csp });
    moto.prepare(BUCKET, site.url, 'example.com');
    // The bucket's CORS rule decides: the site's origin may post, no other.
    assert.deepEqual(await moto.preflight(BUCKET, site.url), { status: 200, allowOrigin: site.url });
    assert.equal((await moto.preflight(BUCKET, 'http://127.0.0.2:1')).status, 403);
    handler = await handlerLocal(port, {
      CONTACT_SENDER: 'Help Center <help@example.com>',
      CONTACT_RECIPIENTS: 'support@example.com',
      CONTACT_ARCHIVE: `s3://${BUCKET}/`,
      CONTACT_MAILER: 'ses',
      CONTACT_AWS_REGION: 'us-east-1',
      CONTACT_SES_ENDPOINT: moto.url,
      CONTACT_S3_ENDPOINT: moto.url,
      CONTACT_S3_PATH_STYLE: 'true',
      CONTACT_FORM_DEFINITION: definition,
      CONTACT_ALLOWED_ORIGINS: site.url,
      CONTACT_THANKS_URL: `${site.url}/{lang}/contact/thanks/?ref={ref}`,
      CONTACT_ERROR_URL: `${site.url}/{lang}/contact/error/?code={code}`,
      CONTACT_RATE_LIMIT: 'off',
      CONTACT_MIN_FILL_MS: '1000',
      RUST_LOG: 'warn',
    });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await handler?.close();
    await site?.close();
    await moto?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** The support email whose text holds token, once moto's SES has it. */
  async function waitForTicket(token, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = moto.sent().find((m) => m.text.includes(token));
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`no email with ${token} reached SES\n${handler.output()}`);
  }

  for (const lang of ['en', 'fa']) {
    test(`/${lang}/contact/: two screenshots go straight to S3 and the ticket's links give them back`, async () => {
      const context = await browser.newContext();
      const watcher = await watch(context, { ignore: [FAVICON] });
      const page = await context.newPage();
      const posts = [];
      page.on('request', (r) => {
        if (r.method() === 'POST') posts.push(new URL(r.url()).origin);
      });
      try {
        await page.goto(`${site.url}/${lang}/contact/`);
        assert.equal(await page.getAttribute('#contact-form', 'action'), `${handler.url}/contact`);
        const token = `AWSFILES${Date.now()}${lang}`;
        await page.fill('#f-name', 'Test Person');
        await page.fill('#f-email', 'person@example.com');
        await page.selectOption('#f-topic', 'technical');
        await page.fill('#f-message', `Screenshots attached ${token}`);
        const files = SHOTS[lang].map((s, i) => ({
          ...s,
          bytes: Buffer.concat([PNG, Buffer.from(`${lang}-${i}`)]),
        }));
        await page.setInputFiles(
          '#f-files',
          files.map((f) => ({ name: f.name, mimeType: 'image/png', buffer: f.bytes })),
        );
        await page
          .waitForFunction(
            () => document.querySelector('#contact-form [name=attachments]').value.split(',').length === 2,
            null,
            { timeout: 20_000 },
          )
          .catch(async (e) => {
            const states = await page.$$eval('.upload-list li', (l) => l.map((li) => li.textContent));
            throw new Error(`${e.message}\nuploads: ${states}\n${watcher.format()}\n${handler.output()}`);
          });
        const keys = (await page.inputValue('[name=attachments]')).split(',');
        assert.deepEqual(
          keys.map((k) => k.split('/').pop()),
          files.map((f, i) => `${i + 1}-${f.safe}`),
          'stored under their names, letters of any script kept',
        );
        assert.ok(posts.includes(moto.url), `the files went to the bucket itself: ${posts}`);
        await page.waitForTimeout(1200); // the time trap
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.url() === `${handler.url}/contact` && r.request().method() === 'POST'),
          page.click('#contact-form button[type=submit]'),
        ]);
        const answer = await response.json();
        assert.equal(response.status(), 200, JSON.stringify(answer));
        assert.equal(answer.ok, true);

        const mail = await waitForTicket(token);
        assert.deepEqual([...new Set(mail.to)], ['support@example.com']);
        assert.ok(mail.subject.includes(answer.reference), mail.subject);
        const links = [...new Set(mail.text.match(/https?:\/\/\S+X-Amz-Signature=[0-9a-f]{64}\S*/g) ?? [])];
        assert.equal(links.length, 2, mail.text);
        for (const [i, f] of files.entries()) {
          assert.ok(mail.text.includes(f.safe), `${f.safe} named in the email:\n${mail.text}`);
          const link = links.find((l) => decodeURIComponent(new URL(l).pathname).endsWith(`/${i + 1}-${f.safe}`));
          assert.ok(link, `a link to ${f.safe}: ${links}`);
          assert.ok(link.startsWith(`${moto.url}/${BUCKET}/`), link);
          const got = await fetch(link, { signal: AbortSignal.timeout(10_000) });
          assert.equal(got.status, 200, link);
          assert.deepEqual(Buffer.from(await got.arrayBuffer()), f.bytes, `the bytes of ${f.safe}`);
          const disposition = got.headers.get('content-disposition') ?? '';
          assert.ok(
            disposition.startsWith('attachment;') &&
              disposition.includes(`filename*=UTF-8''${encodeURIComponent(f.safe)}`),
            disposition,
          );
        }
        assert.ok(mail.html.includes(links[0].replaceAll('&', '&amp;')), 'the HTML part links them too');
        assert.equal(await page.inputValue('[name=attachments]'), '', 'cleared with the form');
        assert.deepEqual(watcher.problems(), [], watcher.format());
      } finally {
        await context.close();
      }
    });
  }
});
