// Screenshots for a person to look at (tests/artifacts/, not committed):
// the Persian and Bengali contact pages and the Persian billing FAQ, on a
// desktop and a phone viewport. The test also checks what a picture can't
// be trusted to show by eye alone: Persian lays out right to left (the
// heading's right edge and the navigation sit on the right), and the text
// is drawn with real Bengali/Arabic-script fonts, not fallback boxes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { REPO, siteDir, helpsiteCommand } from './lib/site.mjs';
import { execFileSync } from 'node:child_process';
import { staticServer } from './lib/server.mjs';
import { launch } from './lib/browser.mjs';

const OUT = process.env.HELPSITE_ARTIFACTS || path.join(REPO, 'tests/artifacts');

let server, sections, browser;

/**
 * The help-center fixture with Bengali added (its pages then fall back to
 * English under a Bengali interface): the repo's site has no sections, so
 * section pages are pictured from it, in en, fa and bn.
 */
function buildSections() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'helpsite-shots-'));
  process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  const root = path.join(tmp, 'site');
  fs.cpSync(path.join(REPO, 'tests/fixtures/helpcenter'), root, { recursive: true });
  fs.appendFileSync(path.join(root, 'site.toml'), '\n[languages.bn]\nname = "বাংলা"\n');
  const [cmd, args] = helpsiteCommand(['build', '--root', root, '--out', path.join(tmp, 'out')]);
  execFileSync(cmd, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  return path.join(tmp, 'out');
}

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  server = await staticServer(siteDir());
  sections = await staticServer(buildSections());
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await sections?.close();
});

const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
};

const SHOTS = [
  { name: 'fa-contact', path: '/fa/contact/', lang: 'fa' },
  { name: 'bn-contact', path: '/bn/contact/', lang: 'bn' },
  { name: 'fa-billing', path: '/fa/billing/', lang: 'fa', openFirst: true },
  { name: 'en-billing', path: '/en/billing/', lang: 'en', openFirst: true }, // the left-to-right reference
];

for (const shot of SHOTS) {
  test(`screenshot ${shot.name}`, { timeout: 60_000 }, async () => {
    for (const [vp, viewport] of Object.entries(VIEWPORTS)) {
      const context = await browser.newContext({ viewport, locale: 'en-US', deviceScaleFactor: 1 });
      const page = await context.newPage();
      try {
        await page.goto(server.url + shot.path, { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready);
        if (shot.openFirst) {
          await page.evaluate(() => {
            const d = document.querySelector('details.faq-item');
            if (d) d.open = true;
          });
        }
        const file = path.join(OUT, `${shot.name}-${vp}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(fs.statSync(file).size > 10_000, `${file} is suspiciously small`);

        const geo = await page.evaluate(() => {
          const box = (sel) => {
            const el = document.querySelector(sel);
            if (!el) return null;
            const r = el.getBoundingClientRect();
            return { left: r.left, right: r.right, width: r.width };
          };
          // Where the text of the h1 actually starts: a Range over its text.
          const h1 = document.querySelector('h1');
          const range = document.createRange();
          range.selectNodeContents(h1);
          const t = range.getBoundingClientRect();
          return {
            vw: document.documentElement.clientWidth,
            h1Text: { left: t.left, right: t.right },
            main: box('main'),
            nav: box('.site-nav'),
            title: box('.site-title'),
            label: box('form label'),
            scrollW: document.documentElement.scrollWidth,
          };
        });
        assert.ok(geo.scrollW <= geo.vw + 1, `${shot.name} ${vp}: page scrolls sideways (${geo.scrollW} > ${geo.vw})`);
        const mid = geo.vw / 2;
        if (shot.lang === 'fa') {
          // Text starts at the right: the heading hugs the right edge of its column.
          assert.ok(geo.h1Text.right > mid, `${shot.name} ${vp}: h1 text is not on the right (${JSON.stringify(geo.h1Text)})`);
          assert.ok(geo.title.right > mid, `${shot.name} ${vp}: site title is not on the right`);
          if (vp === 'desktop' && geo.nav && geo.main) {
            // Mirrored two-column layout: the topic navigation moves to the left of the content?
            // Either side is fine for the sidebar, but it must be the mirror of the ltr layout.
            assert.ok(geo.nav.right <= geo.main.left + 1 || geo.nav.left >= geo.main.right - 1 || geo.nav.left >= geo.main.left,
              `${shot.name}: nav and main overlap`);
          }
        } else {
          assert.ok(geo.h1Text.left < mid, `${shot.name} ${vp}: h1 text is not on the left`);
          assert.ok(geo.title.left < mid, `${shot.name} ${vp}: site title is not on the left`);
        }
      } finally {
        await context.close();
      }
    }
  });
}

test('fa desktop layout is the mirror of en: the sidebar swaps sides', { timeout: 60_000 }, async () => {
  const sides = {};
  for (const lang of ['en', 'fa']) {
    const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
    const page = await context.newPage();
    await page.goto(`${server.url}/${lang}/billing/`);
    sides[lang] = await page.evaluate(() => {
      const nav = document.querySelector('.site-nav').getBoundingClientRect();
      const main = document.querySelector('main').getBoundingClientRect();
      return { navCenter: nav.left + nav.width / 2, mainCenter: main.left + main.width / 2 };
    });
    await context.close();
  }
  const enNavLeft = sides.en.navCenter < sides.en.mainCenter;
  const faNavLeft = sides.fa.navCenter < sides.fa.mainCenter;
  assert.notEqual(enNavLeft, faNavLeft, `sidebar on the same side in en and fa: ${JSON.stringify(sides)}`);
});

test('Bengali and Persian text is drawn with fonts that have the glyphs', { timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const fontsOf = async (url) => {
    await page.goto(server.url + url);
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: 'h1' });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => f.familyName);
  };
  const bn = await fontsOf('/bn/contact/');
  const fa = await fontsOf('/fa/contact/');
  await context.close();
  assert.ok(bn.some((f) => /bengali|bangla/i.test(f)), `Bengali h1 drawn with ${bn.join(', ')}`);
  assert.ok(fa.some((f) => /arabic|naskh|persian|vazir|kufi/i.test(f)), `Persian h1 drawn with ${fa.join(', ')}`);
});

// Every page kind in en, fa and bn, light and dark, desktop and phone:
// tests/artifacts/kinds/<lang>-<kind>-<scheme>-<viewport>.png. Besides the
// pictures: nothing scrolls sideways, and dark pages are drawn dark.
const KINDS = [
  { kind: 'home', path: '' },
  { kind: 'section', path: 'billing/', site: 'sections' },
  { kind: 'article', path: 'payment-safety/' },
  { kind: 'faq', path: 'billing/', openFirst: true },
  { kind: 'contact', path: 'contact/' },
];

for (const lang of ['en', 'fa', 'bn']) {
  for (const colorScheme of ['light', 'dark']) {
    test(`screenshots of every page kind, ${lang} ${colorScheme}`, { timeout: 120_000 }, async () => {
      fs.mkdirSync(path.join(OUT, 'kinds'), { recursive: true });
      for (const [vp, viewport] of Object.entries(VIEWPORTS)) {
        const context = await browser.newContext({ viewport, colorScheme, deviceScaleFactor: 1 });
        const page = await context.newPage();
        try {
          for (const k of KINDS) {
            const base = k.site === 'sections' ? sections : server;
            await page.goto(`${base.url}/${lang}/${k.path}`, { waitUntil: 'load' });
            await page.evaluate(() => document.fonts.ready);
            if (k.openFirst) await page.evaluate(() => document.querySelector('details.faq-item')?.setAttribute('open', ''));
            const file = path.join(OUT, 'kinds', `${lang}-${k.kind}-${colorScheme}-${vp}.png`);
            await page.screenshot({ path: file, fullPage: true });
            const where = `${lang} ${k.kind} ${colorScheme} ${vp}`;
            assert.ok(fs.statSync(file).size > 10_000, `${file} is suspiciously small`);
            const geo = await page.evaluate(() => ({
              vw: document.documentElement.clientWidth,
              scrollW: document.documentElement.scrollWidth,
              bg: getComputedStyle(document.documentElement).backgroundColor,
              dir: document.documentElement.dir,
            }));
            assert.ok(geo.scrollW <= geo.vw + 1, `${where}: page scrolls sideways (${geo.scrollW} > ${geo.vw})`);
            assert.equal(geo.dir, lang === 'fa' ? 'rtl' : 'ltr', where);
            const sum = geo.bg.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0);
            assert.ok(colorScheme === 'dark' ? sum < 150 : sum > 600, `${where}: background ${geo.bg}`);
          }
        } finally {
          await context.close();
        }
      }
    });
  }
}
