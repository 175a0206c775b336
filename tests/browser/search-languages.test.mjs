// Search in Chromium on tests/fixtures/search-languages, one page per
// language: per language, queries that must find the page (an inflected
// form or prefix the page does not have; a word the script writes without
// spaces) and queries that must not (a word that is not on the page, though
// its letters or characters are). Stemmers load lazily, only for the
// language searched.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { buildFixture } from './lib/site.mjs';
import { staticServer } from './lib/server.mjs';
import { launch, watch, FAVICON } from './lib/browser.mjs';

let server, browser;
const contexts = [];
const requests = [];

before(async () => {
  const dir = buildFixture('search-languages');
  server = await staticServer(dir, { onRequest: (req) => requests.push(req.url) });
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

/** Types a query and waits for the results; their hrefs. */
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
  await page.waitForTimeout(250);
  return page.locator('.search-results [role=option]').evaluateAll((els) => els.map((a) => a.getAttribute('href')));
}

// [lang, query, why]: each must find /<lang>/refunds/.
const MUST_HIT = [
  ['de', 'Rückerstattungen', 'plural the page never uses'],
  ['de', 'Tage', 'the page has Tagen'],
  ['de', 'Bestellungen', 'plural of Bestellung'],
  ['es', 'reembolsos', 'plural the page never uses'],
  ['es', 'cuentas', 'plural of cuenta'],
  ['es', 'pedidos', 'plural of pedido'],
  ['el', 'επιστροφές', 'plural the page never uses'],
  ['el', 'λογαριασμού', 'the page has λογαριασμό'],
  ['el', 'ακυρώσεις', 'the page has Ακύρωση and ακυρώσετε'],
  ['he', 'משלוח', 'the page has במשלוח (ב + משלוח)'],
  ['he', 'ובכרטיס', 'two prefixes; the page has לכרטיס'],
  ['he', 'להחזר', 'ל + החזר, which the page has'],
  ['ar', 'مبلغ', 'the page has المبلغ (article)'],
  ['ar', 'والطلب', 'و + ال; the page has طلب'],
  ['ar', 'بطاقة', 'the page has بطاقتك'],
  ['hi', 'फोन', 'the page has फ़ोन (nukta)'],
  ['hi', 'जरूरी', 'the page has ज़रूरी (nukta)'],
  ['tr', 'iade', 'the page has İade'],
  ['tr', 'IŞIK', 'the page has ışık (dotless i)'],
  ['tr', 'iadeleri', 'inflected form the page never uses'],
  ['th', 'คืนเงิน', 'two words written together'],
  ['th', 'ยกเลิก', 'a word inside ยกเลิกคำสั่งซื้อ'],
  ['km', 'ប្រាក់', 'a word inside ការសងប្រាក់វិញ'],
  ['km', 'ថ្ងៃ', 'a word inside សាមសិបថ្ងៃ'],
  ['zh-Hans', '退款', 'two adjacent characters'],
  ['zh-Hans', '取消订单', 'four adjacent characters'],
  ['zh-Hans', '退', 'one character'],
  ['ja', '返金', 'two adjacent kanji'],
  ['ja', 'キャンセル', 'katakana word inside a sentence'],
  ['ko', '환불', 'the page has 환불을 and 환불은 (particles)'],
  ['ko', '취소', 'the page has 구독취소를 (compound and particle)'],
  ['ko', '결제', 'the page has 결제는'],
  ['ko', 'Lumo', 'the page has Lumo를 (particle on a Latin name)'],
];

// [lang, query, why]: each must find nothing.
const MUST_MISS = [
  ['de', 'Bibliothek', 'not on the page'],
  ['es', 'biblioteca', 'not on the page'],
  ['el', 'βιβλιοθήκη', 'not on the page'],
  ['el', 'συνδρομές', 'not on the page'],
  ['he', 'ספרייה', 'not on the page'],
  ['ar', 'مكتبة', 'not on the page'],
  ['hi', 'पुस्तकालय', 'not on the page'],
  ['tr', 'kütüphane', 'not on the page'],
  ['th', 'ขอบคุณ', 'not on the page, though ขอ and คุณ are'],
  ['th', 'ห้องสมุด', 'not on the page'],
  ['km', 'បណ្ណាល័យ', 'not on the page'],
  ['zh-Hans', '退单', '退 and 单 are on the page, but apart'],
  ['zh-Hans', '图书馆', 'not on the page'],
  ['ja', '申金', '申 and 金 are on the page, but apart'],
  ['ko', '환구', '환 and 구 are on the page, but apart'],
  ['ko', '도서관', 'not on the page'],
];

for (const [lang, query, why] of MUST_HIT) {
  test(`[${lang}] "${query}" finds the page (${why})`, async () => {
    const { page, watcher } = await open(`/${lang}/`);
    const hrefs = await search(page, query);
    assert.ok(hrefs.some((h) => h.startsWith(`/${lang}/refunds/`)), JSON.stringify(hrefs));
    assert.deepEqual(watcher.problems(), [], watcher.format());
  });
}

for (const [lang, query, why] of MUST_MISS) {
  test(`[${lang}] "${query}" finds nothing (${why})`, async () => {
    const { page, watcher } = await open(`/${lang}/`);
    assert.deepEqual(await search(page, query), []);
    assert.deepEqual(watcher.problems(), [], watcher.format());
  });
}

test('only the searched language\'s stemmer (and the runtime it needs) is loaded', async () => {
  const { page } = await open('/de/');
  const start = requests.length;
  await search(page, 'Rückerstattungen');
  // The shared Snowball runtime, then German's algorithm, once each.
  const stems = requests.slice(start).filter((u) => u.includes('/static/stem/'));
  assert.equal(stems.length, 2, JSON.stringify(stems));
  assert.match(stems[0], /\/static\/stem\/base\.[0-9a-f]+\.js$/);
  assert.match(stems[1], /\/static\/stem\/de\.[0-9a-f]+\.js$/);
  const he = await open('/he/');
  const before = requests.length;
  await search(he.page, 'משלוח');
  assert.deepEqual(requests.slice(before).filter((u) => u.includes('/static/stem/')), [], 'Hebrew has no stemmer');
});

// [lang, query, text a <mark> must hold]: the matched word is highlighted in
// the result, with what is written onto it.
const MARKED = [
  ['ko', '환불', '환불을'],
  ['ko', 'Lumo', 'Lumo'],
  ['ja', '返金', '返金'],
];

for (const [lang, query, marked] of MARKED) {
  test(`[${lang}] "${query}" is highlighted in the result`, async () => {
    const { page } = await open(`/${lang}/`);
    await search(page, query);
    const marks = await page.locator('.search-results mark').allTextContents();
    assert.ok(marks.some((m) => m.includes(marked)), JSON.stringify(marks));
  });
}
